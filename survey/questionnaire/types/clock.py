"""Reading and checking clock texts shared by the time and date-time types (pure)."""

from __future__ import annotations

import datetime
import re

from survey.questionnaire.types.base import AnswerProblem
from survey.questionnaire.values import setting_error

TIME_PATTERN = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
DATETIME_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def read_time(text: str) -> str | None:
    """'HH:MM' (seconds, as some browsers send them, dropped) or None when not a time."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?", text):
        hours, minutes = text.split(":")[:2]
        candidate = f"{int(hours):02d}:{minutes}"
        return candidate if TIME_PATTERN.fullmatch(candidate) else None
    return None


def read_datetime(text: str) -> str | None:
    """'YYYY-MM-DDTHH:MM' (a space instead of 'T' and seconds accepted) or None."""
    text = text.strip().replace(" ", "T", 1)
    if len(text) > 32 or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+", text):
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M")


def check_bounds(code: str, low: object, high: object, pattern: re.Pattern[str],
                 written: str) -> None:
    """Raise ``DocumentError`` unless ``low``/``high`` are empty or texts written ``written``
    (matching ``pattern``) with ``low`` not after ``high``."""
    for name, value in (("min", low), ("max", high)):
        if value is not None and (not isinstance(value, str) or not pattern.fullmatch(value)):
            raise setting_error(code, name, f"must be empty or {written}", value)
    if low is not None and high is not None and low > high:  # ISO texts sort as times do
        raise setting_error(code, "min", f"must not be after max ({high})", low)
    if pattern is DATETIME_PATTERN:
        for name, value in (("min", low), ("max", high)):
            if value is not None and read_datetime(value) is None:
                raise setting_error(code, name, "must be a real calendar date and time", value)


def within(value: str, low: str | None, high: str | None, rule: str) -> str:
    """``value`` when it lies within ``low``..``high``; else ``AnswerProblem(rule + '_range')``
    naming the bounds (either may be empty)."""
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerProblem(f"{rule}_range", min=low or "", max=high or "", value=value)
    return value


def parse_clock(raw: object, reader, rule: str) -> str | None:
    """The text ``raw`` read by ``reader``; None when empty; ``AnswerProblem(rule + '_format')``
    when it is not one."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > 64:
        raise AnswerProblem(f"{rule}_format", value=str(raw)[:64])
    value = reader(raw)
    if value is None:
        raise AnswerProblem(f"{rule}_format", value=raw[:64])
    return value
