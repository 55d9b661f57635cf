"""Reading one answer variable from what a browser posted, and back.

Every field of a survey page form is a plain text field (or a multi-select for multiple choice)
whose raw value is parsed here with our own bilingual messages, so the stored value has the type
the document promises (``Variable.kind``) and an invalid entry is shown back exactly as typed.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from survey.collect.type_messages import problem_text
from survey.questionnaire.document import DONT_KNOW, Question, Variable
from survey.questionnaire.types import TYPES, AnswerProblem
from survey.services.bounded_numbers import (
    MAX_MAGNITUDE_DIGITS, MAX_TEXT_LENGTH, NumberRejected, parse_number_text,
)


#: Longest text answer by default (a question's ``max_length`` may lower it).
TEXT_MAX_CHARS = 10_000
#: Most characters of text answers one response may hold altogether, by default.
RESPONSE_TEXT_MAX_CHARS = 200_000
#: Characters no stored answer may hold: NUL (PostgreSQL refuses it) and lone surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class AnswerLimits:
    """Size limits of respondents' answers: ``text_chars`` per text answer (a question's own
    ``max_length`` may only lower it) and ``response_chars`` for all text answers of one response
    together. ``from_config`` reads ``ANSWER_TEXT_MAX_CHARS`` and ``RESPONSE_TEXT_MAX_CHARS``."""

    text_chars: int = TEXT_MAX_CHARS
    response_chars: int = RESPONSE_TEXT_MAX_CHARS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AnswerLimits:
        return cls(int(config.get("ANSWER_TEXT_MAX_CHARS", TEXT_MAX_CHARS)),
                   int(config.get("RESPONSE_TEXT_MAX_CHARS", RESPONSE_TEXT_MAX_CHARS)))


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


def _bounds_message(low: float | None, high: float | None):
    if low is not None and high is not None:
        return _l("Enter a number between %(min)s and %(max)s.",
                  min=_format_bound(low), max=_format_bound(high))
    if low is not None:
        return _l("Enter a number of at least %(min)s.", min=_format_bound(low))
    return _l("Enter a number of at most %(max)s.", max=_format_bound(high))


def parse_number(raw: object, variable: Variable, *, integer: bool = True) -> int | float | str | None:
    """A number within the variable's bounds (or ``DONT_KNOW`` where allowed); None when empty.

    Read by the one bounded parser (:mod:`survey.services.bounded_numbers`): a text too long, not
    a plain decimal number or too large in magnitude is refused before any arithmetic."""
    if _empty(raw):
        return None
    text = str(raw)
    if len(text) > 4 * MAX_TEXT_LENGTH:  # spaces and separators aside, far too long already
        raise AnswerError(_l("Enter a whole number.") if integer else _l("Enter a number."))
    text = text.strip().replace("，", ",").replace(",", "")
    if variable.dont_know and text == DONT_KNOW:
        return DONT_KNOW
    low, high = variable.minimum, variable.maximum
    try:
        return parse_number_text(text, integer=integer, minimum=low, maximum=high)
    except NumberRejected as rejected:
        if rejected.rule in ("below_minimum", "above_maximum") or (
                rejected.rule == "too_large" and low is not None and high is not None):
            raise AnswerError(_bounds_message(low, high)) from None
        if rejected.rule == "too_large":
            raise AnswerError(_l("Enter a number of at most %(count)s digits before the decimal point.",
                                 count=MAX_MAGNITUDE_DIGITS)) from None
        raise AnswerError(_l("Enter a whole number.") if integer else _l("Enter a number.")) from None


def parse_text(raw: object, max_length: int | None, *,
               limit: int = TEXT_MAX_CHARS) -> str | None:
    """Free text with surrounding spaces removed; None when empty.

    At most ``max_length`` characters (the question's own setting) and never more than
    ``limit``; NUL characters and lone surrogates (which no database or export can hold) are
    refused with a message, so the rest of the page is kept and shown again."""
    if _empty(raw):
        return None
    value = str(raw).strip()
    bound = limit if max_length is None else min(max_length, limit)
    if len(value) > bound:
        raise AnswerError(_l("Use at most %(max)s characters.", max=bound))
    if _UNSTORABLE.search(value):
        raise AnswerError(_l("Remove the invisible control characters (such as NUL) from this answer."))
    return value


def parse_date(raw: object) -> str | None:
    """An ISO date (YYYY-MM-DD); None when empty."""
    if _empty(raw):
        return None
    try:
        return datetime.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise AnswerError(_l("Enter a date as YYYY-MM-DD.")) from None


def parse_variable(question: Question, variable: Variable, raw: object, *,
                   limits: AnswerLimits = AnswerLimits()) -> object:
    """Parse the posted ``raw`` value of ``variable`` (one of ``question``'s variables).

    Returns the typed answer or None when empty; raises ``AnswerError`` when invalid. A type of
    the registry (``survey.questionnaire.types``) with its own ``parse`` reads its answers.
    """
    own_parse = getattr(TYPES.get(question.type), "parse", None)
    if own_parse is not None:
        try:
            return own_parse(question, variable, raw)
        except AnswerProblem as problem:
            raise AnswerError(problem_text(problem)) from None
    if variable.kind == "choice":
        return parse_choice(raw, frozenset(choice.code for choice in variable.choices))
    if variable.kind == "multi":
        return parse_multi(raw, frozenset(choice.code for choice in variable.choices))
    if variable.kind == "number":
        integer = getattr(question.settings, "integer", True)  # numeric and slider say
        return parse_number(raw, variable, integer=integer)
    if variable.kind == "date":
        return parse_date(raw)
    max_length = getattr(question.settings, "max_length", None) \
        if variable.code == question.code else None
    return parse_text(raw, max_length, limit=limits.text_chars)


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
