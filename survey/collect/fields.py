"""Reading one answer variable from what a browser posted, and back.

Every field of a survey page form is a plain text field (or a multi-select for multiple choice)
whose raw value is parsed here with our own bilingual messages, so the stored value has the type
the document promises (``Variable.kind``) and an invalid entry is shown back exactly as typed.
"""
from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from survey.questionnaire.document import DONT_KNOW, NumericSettings, Question, Variable


class AnswerError(ValueError):
    """A posted value is not a valid answer; ``str(error)`` is the message for the respondent."""


def _empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def parse_choice(raw: object, allowed: frozenset[str]) -> str | None:
    """A single choice code from ``allowed``; None when nothing was chosen."""
    if _empty(raw):
        return None
    value = str(raw).strip()
    if value not in allowed:
        raise AnswerError(_l("Choose one of the options listed."))
    return value


def parse_multi(raw: object, allowed: frozenset[str]) -> list[str] | None:
    """A list of choice codes (each once, in the order posted); None when nothing was chosen."""
    values = [str(item).strip() for item in (raw or []) if not _empty(item)]
    if not values:
        return None
    if any(value not in allowed for value in values):
        raise AnswerError(_l("Choose one of the options listed."))
    return list(dict.fromkeys(values))


def _format_bound(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_number(raw: object, variable: Variable, *, integer: bool = True) -> int | float | str | None:
    """A number within the variable's bounds (or ``DONT_KNOW`` where allowed); None when empty."""
    if _empty(raw):
        return None
    text = str(raw).strip().replace("，", ",").replace(",", "")
    if variable.dont_know and text == DONT_KNOW:
        return DONT_KNOW
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise AnswerError(_l("Enter a whole number.") if integer else _l("Enter a number."))
    if integer and number != number.to_integral_value():
        raise AnswerError(_l("Enter a whole number."))
    low, high = variable.minimum, variable.maximum
    if (low is not None and number < Decimal(str(low))) or \
            (high is not None and number > Decimal(str(high))):
        if low is not None and high is not None:
            message = _l("Enter a number between %(min)s and %(max)s.",
                         min=_format_bound(low), max=_format_bound(high))
        elif low is not None:
            message = _l("Enter a number of at least %(min)s.", min=_format_bound(low))
        else:
            message = _l("Enter a number of at most %(max)s.", max=_format_bound(high))
        raise AnswerError(message)
    if integer:
        return int(number)
    value = float(number)
    if not math.isfinite(value):
        raise AnswerError(_l("Enter a number."))
    return value


def parse_text(raw: object, max_length: int | None) -> str | None:
    """Free text with trailing spaces removed; None when empty."""
    if _empty(raw):
        return None
    value = str(raw).strip()
    if max_length is not None and len(value) > max_length:
        raise AnswerError(_l("Use at most %(max)s characters.", max=max_length))
    return value


def parse_date(raw: object) -> str | None:
    """An ISO date (YYYY-MM-DD); None when empty."""
    if _empty(raw):
        return None
    try:
        return datetime.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise AnswerError(_l("Enter a date as YYYY-MM-DD.")) from None


def parse_variable(question: Question, variable: Variable, raw: object) -> object:
    """Parse the posted ``raw`` value of ``variable`` (one of ``question``'s variables).

    Returns the typed answer or None when empty; raises ``AnswerError`` when invalid.
    """
    if variable.kind == "choice":
        return parse_choice(raw, frozenset(choice.code for choice in variable.choices))
    if variable.kind == "multi":
        return parse_multi(raw, frozenset(choice.code for choice in variable.choices))
    if variable.kind == "number":
        settings = question.settings
        integer = settings.integer if isinstance(settings, NumericSettings) else True
        return parse_number(raw, variable, integer=integer)
    if variable.kind == "date":
        return parse_date(raw)
    max_length = getattr(question.settings, "max_length", None) \
        if variable.code == question.code else None
    return parse_text(raw, max_length)


def display_value(value: object) -> object:
    """The form value that shows a stored answer again (numbers as text, lists unchanged)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _format_bound(value)
    return str(value)
