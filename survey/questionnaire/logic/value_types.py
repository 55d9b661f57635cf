"""Which static types of the logic language go together: shared by the type inference of
operators (``inference``) and of functions (``call_types``). Type names: see ``inference``."""

from __future__ import annotations

import re

from survey.questionnaire.logic import ast

#: Types whose values are texts (a quoted literal, a text answer, a choice code, 'yes'/'no').
TEXTUAL = frozenset({"text", "choice", "yes_no", "string"})
#: Types of answers to choice questions.
CHOICE_TYPES = frozenset({"multi", "choice", "yes_no"})
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?")


def comparable(left: str, right: str) -> bool:
    """Whether values of these two types may be compared with ``=``/``!=`` (or be the two
    results of ``if``/``coalesce``)."""
    if left == right:
        return True
    for dated in ("date", "datetime"):
        if dated in (left, right):
            return {left, right} == {dated, "string"}
    return left in TEXTUAL and right in TEXTUAL


def orderable(left: str, right: str) -> bool:
    """``< <= > >=`` compare two numbers, two dates or two date-times (a quoted 'YYYY-MM-DD' or
    'YYYY-MM-DDTHH:MM' counts as one)."""
    if (left, right) == ("number", "number"):
        return True
    return any(dated in (left, right) and {left, right} <= {dated, "string"}
               for dated in ("date", "datetime"))


def date_or_type(expr: ast.Expr, found: str) -> str:
    """``found``, except that a quoted 'YYYY-MM-DD' counts as a date (in date arithmetic)."""
    if isinstance(expr, ast.String) and ISO_DATE.fullmatch(expr.value):
        return "date"
    return found


def common_type(left: str, right: str) -> str:
    """The type of a value that is either ``left`` or ``right`` (two comparable types): the
    answer's type rather than a quoted literal's."""
    return left if right == "string" else right
