"""The operators of the logic language on evaluated values: comparisons and arithmetic,
including date arithmetic (dates are ISO texts 'YYYY-MM-DD'). The rules are summarised in
``survey.questionnaire.logic.evaluator``; ``survey/static/js/logic.js`` mirrors them."""

from __future__ import annotations

import datetime
import math
import re

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LAST_DAY = datetime.date.max.toordinal()

#: A value inside the language: None (unanswered), bool, float, str or a set of choice codes.
Value = None | bool | float | str | frozenset[str]


def kind(value: Value) -> str:
    """Return the kind of a language value: none, boolean, number, text or multi."""
    match value:
        case None:
            return "none"
        case bool():
            return "boolean"
        case float():
            return "number"
        case str():
            return "text"
        case _:
            return "multi"


def compare(operator: str, left: Value, right: Value) -> bool:
    """Apply a comparison operator with the language's rules (see the module docstring)."""
    if left is None or right is None:
        return False
    same_kind = kind(left) == kind(right)
    if operator in ("=", "!="):
        equal = same_kind and left == right
        return equal if operator == "=" else not equal
    if not same_kind or kind(left) not in ("number", "text"):
        return False
    match operator:
        case "<":
            return left < right  # type: ignore[operator]
        case "<=":
            return left <= right  # type: ignore[operator]
        case ">":
            return left > right  # type: ignore[operator]
        case ">=":
            return left >= right  # type: ignore[operator]
    raise ValueError(f"unknown comparison operator {operator!r}")


def date_ordinal(value: Value) -> int | None:
    """The proleptic Gregorian day number of an ISO date text 'YYYY-MM-DD'; None for others."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:])).toordinal()
    except ValueError:
        return None


def shift_date(ordinal: int, days: Value) -> str | None:
    """The ISO date ``days`` (a whole number) after day number ``ordinal``; None out of range."""
    if not isinstance(days, float) or not days.is_integer():
        return None
    shifted = ordinal + days
    if not 1 <= shifted <= _LAST_DAY:
        return None
    return datetime.date.fromordinal(int(shifted)).isoformat()


def date_arithmetic(operator: str, left: Value, right: Value) -> Value:
    """``date + days``, ``days + date``, ``date - days`` (dates) and ``date - date`` (days)."""
    left_day, right_day = date_ordinal(left), date_ordinal(right)
    if operator == "+" and left_day is not None:
        return shift_date(left_day, right)
    if operator == "+" and right_day is not None:
        return shift_date(right_day, left)
    if operator == "-" and left_day is not None:
        if right_day is not None:
            return float(left_day - right_day)
        return shift_date(left_day, -right if isinstance(right, float) else None)
    return None


def arithmetic(operator: str, left: Value, right: Value) -> Value:
    """Apply an arithmetic operator: numbers, or dates and days (``date_arithmetic``); None for
    anything else and for a result that is not finite."""
    if not (isinstance(left, float) and isinstance(right, float)):  # bool is not a float
        return date_arithmetic(operator, left, right) if operator in ("+", "-") else None
    match operator:
        case "+":
            result = left + right
        case "-":
            result = left - right
        case "*":
            result = left * right
        case "/":
            if right == 0:
                return None
            result = left / right
        case "mod":
            if right == 0:
                return None
            result = math.fmod(left, right)
        case _:
            raise ValueError(f"unknown arithmetic operator {operator!r}")
    return result if math.isfinite(result) else None
