"""The one rule for segment attributes, wherever they come in (API, invitation and complaint uploads).

A segment is a small flat object of attribute name → value that is copied onto every response
and becomes a column in exports and a dimension in analysis runs, so its size is bounded: at most
:data:`MAX_ATTRIBUTES` attributes, names of :data:`KEY_PATTERN` and values of at most
:data:`MAX_VALUE_LENGTH` characters (text, a finite number or true/false). Pure: no Flask, no SQL.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Most attributes one segment may carry (columns besides the known ones in an upload).
MAX_ATTRIBUTES = 30
#: Longest attribute value, in characters.
MAX_VALUE_LENGTH = 200
#: Longest attribute name, in characters.
MAX_KEY_LENGTH = 64
#: Attribute names: a lower-case letter, then lower-case letters, digits or '_'.
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
_KEY = re.compile(KEY_PATTERN)
#: Characters no value may hold: NUL and lone surrogates (neither can be stored or exported).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class SegmentProblem:
    """One broken rule: ``key`` is the attribute ('' for the whole segment), ``rule`` a code."""

    key: str
    rule: str  # too_many | key_pattern | value_type | value_length | value_characters
    message: str


def segment_problems(segment: Any) -> list[SegmentProblem]:
    """Every rule ``segment`` breaks; empty when it may be stored as it is.

    ``None`` values are allowed (they mean "not given" and are dropped by callers)."""
    if not isinstance(segment, Mapping):
        return [SegmentProblem("", "value_type", "must be an object of attribute name to value")]
    problems: list[SegmentProblem] = []
    if len(segment) > MAX_ATTRIBUTES:
        problems.append(SegmentProblem(
            "", "too_many", f"has {len(segment)} attributes; at most {MAX_ATTRIBUTES} are allowed"))
        return problems
    for key, value in segment.items():
        shown = str(key)[:40]
        if not isinstance(key, str) or not _KEY.match(key):
            problems.append(SegmentProblem(
                shown, "key_pattern",
                f"attribute name {shown!r} must match {KEY_PATTERN} (a lower-case letter, then "
                f"lower-case letters, digits or '_', at most {MAX_KEY_LENGTH} characters)"))
            continue
        problem = value_problem(key, value)
        if problem is not None:
            problems.append(problem)
    return problems


def value_problem(key: str, value: Any) -> SegmentProblem | None:
    """The rule one attribute value breaks, or ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if len(str(abs(value))) > 15:
            return SegmentProblem(key, "value_type",
                                  f"{key!r}: whole numbers may have at most 15 digits")
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return SegmentProblem(key, "value_type", f"{key!r}: numbers must be finite (not NaN or infinity)")
        return None
    if not isinstance(value, str):
        return SegmentProblem(key, "value_type", f"{key!r}: a value must be text, a number or true/false")
    if len(value) > MAX_VALUE_LENGTH:
        return SegmentProblem(key, "value_length",
                              f"{key!r}: value has {len(value)} characters; at most {MAX_VALUE_LENGTH}")
    if _FORBIDDEN.search(value):
        return SegmentProblem(key, "value_characters",
                              f"{key!r}: value holds a NUL character or a lone surrogate")
    return None
