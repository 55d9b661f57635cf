"""Reading stored JSON documents for an export so that any stored value can be written.

Rows stored before the inbound checks (or written around them) may hold what no export format
can carry. Every format applies the same rule, here:

* ``NaN``, ``Infinity`` and ``-Infinity`` (SQLite's JSON text can hold them) → blank;
* a whole number of more than :data:`MAX_NUMBER_DIGITS` digits → its digits as text (CSV and
  XLSX show the text; a numeric .sav variable gets system-missing; Python could not even read
  one of more than 4,300 digits as a number);
* NUL characters are dropped and lone surrogates become U+FFFD (the replacement character), in
  values and in segment attribute names.

Parsing stays at C speed: only a document whose text shows one of these (see ``_SUSPECT``) is
read with hooks and walked. Text cells of a CSV that a spreadsheet would run as a formula are
escaped by :func:`escape_formula` (every CSV the application writes uses it). Pure: no Flask, no SQL.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

#: Longest whole number kept as a number (larger ones lose digits in a double).
MAX_NUMBER_DIGITS = 15
_SUSPECT = re.compile(r"\\u0000|\\u[dD][89a-fA-F]|NaN|Infinity|[0-9]{%d}|[eE][+-]?[0-9]{3}"
                      r"|\x00|[\ud800-\udfff]" % (MAX_NUMBER_DIGITS + 1))
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
#: First characters that make a spreadsheet read a cell as a formula (full-width forms too), or
#: that a spreadsheet may drop or treat as a separator before one (tab, carriage return, line feed).
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
#: Characters a spreadsheet may skip before a formula: whitespace and control characters.
SKIPPABLE = frozenset(chr(c) for c in range(33)) | frozenset("\x7f\u00a0\u3000\ufeff\u200b")
_FORMULA_AFTER_SPACE = re.compile("[\\s\x00-\x1f\x7f\u00a0\u3000\ufeff\u200b]+[=+\\-@＝＋－＠]")


def clean_text(text: str) -> str:
    """``text`` without NUL characters and with every lone surrogate replaced by U+FFFD."""
    if not _UNWRITABLE.search(text):
        return text
    return _UNWRITABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _constant(_name: str) -> None:
    return None


def _integer(text: str) -> int | str:
    return int(text) if len(text.lstrip("-")) <= MAX_NUMBER_DIGITS else text


def _real(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def load_document(text: str) -> Any:
    """A stored JSON document (``segment`` or ``answers`` as text) as writable Python data, by the
    rule in the module docstring."""
    if not _SUSPECT.search(text):
        return json.loads(text)
    return _clean(json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_real))


# --- spreadsheet formulas ---------------------------------------------------------------------

def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: it starts with one of
    :data:`FORMULA_STARTS`, or with whitespace or control characters followed by ``= + - @``."""
    return bool(text) and (text[0] in FORMULA_STARTS or (
        text[0] in SKIPPABLE and _FORMULA_AFTER_SPACE.match(text) is not None))


def escape_formula(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula (:func:`formula_like`) gets a leading
    ``'``; numbers, empty and other values are returned unchanged. Every CSV this application
    writes (response exports, invitation links) escapes its cells with this function."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value
