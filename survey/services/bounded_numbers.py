"""The one bounded parser for numbers that come in from a person or a client.

Every check that costs little is made before any arithmetic: the text is at most
:data:`MAX_TEXT_LENGTH` characters, matches a plain decimal grammar (ASCII digits after
NFKC normalisation, so full-width ``１２３`` is read as ``123``; an exponent of at most
:data:`MAX_EXPONENT_DIGITS` digits; no ``NaN``, ``inf`` or ``_`` separators) and its magnitude is
below ``10 ** MAX_MAGNITUDE_DIGITS`` (judged from the decimal exponent, without building the
number). So ``1e1000000``, ``1e100000`` and a 5,000-digit string are refused at once, and
whatever is accepted is exact as a Python ``int`` and finite as a ``float``.

Pure: no Flask, no SQL. Callers turn :class:`NumberRejected` into their own message
(the respondent form's bilingual text, the API's JSON error).
"""
from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal

#: Longest number text accepted (after thousands separators are removed).
MAX_TEXT_LENGTH = 40
#: Longest exponent (``1e999`` is the largest exponent written out).
MAX_EXPONENT_DIGITS = 3
#: Accepted numbers are below 10 ** 15 in magnitude: exact in a double, fine for every export.
MAX_MAGNITUDE_DIGITS = 15
MAX_MAGNITUDE = 10 ** MAX_MAGNITUDE_DIGITS
_GRAMMAR = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,%d})?"
                      % MAX_EXPONENT_DIGITS)

Rule = Literal["too_long", "syntax", "too_large", "not_whole", "below_minimum", "above_maximum"]


class NumberRejected(ValueError):
    """A number text or value breaks ``rule``; ``message`` (``str(error)``) says so in English."""

    def __init__(self, rule: Rule, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _decimal(text: str) -> Decimal:
    if len(text) > MAX_TEXT_LENGTH:
        raise NumberRejected("too_long", f"a number has at most {MAX_TEXT_LENGTH} characters")
    text = unicodedata.normalize("NFKC", text)
    if not _GRAMMAR.fullmatch(text):
        raise NumberRejected("syntax", f"{text[:MAX_TEXT_LENGTH]!r} is not a number")
    try:
        number = Decimal(text)
    except InvalidOperation:  # the grammar admits only what Decimal reads; kept as a guard
        raise NumberRejected("syntax", f"{text!r} is not a number") from None
    if number and number.adjusted() >= MAX_MAGNITUDE_DIGITS:
        raise NumberRejected("too_large", f"a number must lie between -{MAX_MAGNITUDE:.0e} and "
                             f"{MAX_MAGNITUDE:.0e} (exclusive)")
    return number


def parse_number_text(text: str, *, integer: bool = False, minimum: float | None = None,
                      maximum: float | None = None) -> int | float:
    """The number written in ``text`` (surrounding spaces ignored), within the bounds.

    Returns an ``int`` when ``integer`` else a ``float``; ``-0`` becomes ``0``. Raises
    :class:`NumberRejected` for a text that is too long, not a plain decimal number, too large in
    magnitude, not whole when ``integer``, or outside ``minimum``..``maximum`` (inclusive).
    """
    number = _decimal(text.strip())
    if integer and number != number.to_integral_value():
        raise NumberRejected("not_whole", f"{text.strip()!r} is not a whole number")
    check_bounds(number, minimum, maximum)
    if integer:
        return int(number)
    return float(number) + 0.0  # + 0.0 turns -0.0 into 0.0


def check_bounds(number: Decimal | int | float, minimum: float | None,
                 maximum: float | None) -> None:
    """Raise :class:`NumberRejected` when ``number`` lies outside ``minimum``..``maximum``."""
    value = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    if minimum is not None and value < Decimal(str(minimum)):
        raise NumberRejected("below_minimum", f"must be at least {minimum}")
    if maximum is not None and value > Decimal(str(maximum)):
        raise NumberRejected("above_maximum", f"must be at most {maximum}")


def bounded_value(value: object) -> int | float:
    """A number already parsed by a JSON reader, held to the same bounds as a typed one.

    Raises :class:`NumberRejected` (rule ``syntax``) for a value that is not an int or float
    (booleans included), or a NaN or infinite float, and (``too_large``) for a magnitude of
    ``10 ** MAX_MAGNITUDE_DIGITS`` or more.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NumberRejected("syntax", f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise NumberRejected("syntax", f"{value!r} is not a finite number")
    if isinstance(value, int):
        if value.bit_length() > 64 or abs(value) >= MAX_MAGNITUDE:
            raise NumberRejected("too_large", f"a number must lie between -{MAX_MAGNITUDE:.0e} "
                                 f"and {MAX_MAGNITUDE:.0e} (exclusive)")
        return value
    if abs(value) >= MAX_MAGNITUDE:
        raise NumberRejected("too_large", f"a number must lie between -{MAX_MAGNITUDE:.0e} and "
                             f"{MAX_MAGNITUDE:.0e} (exclusive)")
    return value + 0.0
