"""Static types of logic expressions, for the design-time checker.

Types: "number", "text", "choice", "multi", "date", "yes_no" (a yes/no question), "boolean"
(a condition), "string" (a quoted literal) and "unknown" (an error already reported elsewhere,
e.g. an unknown reference; it never causes a second issue).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.issues import (
    VALUE_TYPE_NAMES,
    LogicField,
    LogicIssue,
    LogicItem,
    make_issue,
)
from survey.questionnaire.logic.serialize import to_text

#: Question value type -> static type of its answer.
ANSWER_TYPES: dict[str, str] = {
    "number": "number", "text": "text", "choice": "choice", "multi": "multi", "date": "date",
    "bool": "yes_no",
}
YES_NO_CHOICES = frozenset({"yes", "no"})
_TEXTUAL = frozenset({"text", "choice", "yes_no", "string"})
_CHOICES = frozenset({"multi", "choice", "yes_no"})
_ISO_DATE_WRITTEN = "a date written 'YYYY-MM-DD'"
_SINGLE_VALUES = "single values (use selected(q, 'x') or count(q) for a multiple choice)"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def choices_of(item: LogicItem) -> frozenset[str] | None:
    """Return the codes a choice, multi or yes/no question can take (None when unrestricted)."""
    if item.value_type == "bool":
        return item.choices or YES_NO_CHOICES
    return item.choices if item.value_type in ("choice", "multi") else None


class TypeInference:
    """Infer the type of an expression in one item's field, reporting mismatches via ``report``."""

    def __init__(
        self, item: LogicItem, field: LogicField, items: Mapping[str, LogicItem],
        report: Callable[[LogicIssue], None],
    ) -> None:
        self._item, self._field, self._items, self._report = item, field, items, report

    def check_condition(self, expr: ast.Expr) -> None:
        """Check ``expr`` and that it is a condition (boolean)."""
        found = self.type_of(expr)
        if found not in ("boolean", "unknown"):
            self._report(make_issue(
                self._item.code, self._field, "not_a_condition", _reference_name(expr),
                subject=_subject(expr), found=VALUE_TYPE_NAMES[found], found_type=found,
            ))

    def _answering_item(self, expr: ast.Expr) -> LogicItem | None:
        match expr:
            case ast.Reference(name):
                return self._items.get(name)
            case ast.Current():
                return self._item
        return None

    def type_of(self, expr: ast.Expr) -> str:
        """Return the static type of ``expr``."""
        match expr:
            case ast.Number():
                return "number"
            case ast.String():
                return "string"
            case ast.Boolean():
                return "boolean"
            case ast.Reference() | ast.Current():
                item = self._answering_item(expr)
                if item is None or (isinstance(expr, ast.Current) and self._field != "validation"):
                    return "unknown"
                return ANSWER_TYPES.get(item.value_type, "unknown")
            case ast.Not(operand):
                self._expect(operand, {"boolean"}, "'not'", "a condition (true/false)")
                return "boolean"
            case ast.And(operands) | ast.Or(operands):
                operation = "'and'" if isinstance(expr, ast.And) else "'or'"
                for operand in operands:
                    self._expect(operand, {"boolean"}, operation, "conditions (true/false)")
                return "boolean"
            case ast.Comparison(operator, left, right):
                self._check_comparison(operator, left, right)
                return "boolean"
            case ast.Arithmetic(operator, left, right):
                for operand in (left, right):
                    self._expect(operand, {"number"}, f"'{operator}'", "numbers")
                return "number"
            case ast.Negate(operand):
                self._expect(operand, {"number"}, "'-'", "a number")
                return "number"
            case ast.Call(function, arguments):
                return self._check_call(function, arguments)
        raise TypeError(f"not a logic syntax tree node: {expr!r}")

    def _expect(self, expr: ast.Expr, allowed: set[str], operation: str, expected: str) -> str:
        found = self.type_of(expr)
        if found != "unknown" and found not in allowed:
            self._mismatch(expr, found, operation, expected)
        return found

    def _mismatch(self, expr: ast.Expr, found: str, operation: str, expected: str) -> None:
        self._report(make_issue(
            self._item.code, self._field, "type_mismatch", _reference_name(expr),
            operation=operation, expected=expected, subject=_subject(expr),
            found=VALUE_TYPE_NAMES[found], found_type=found,
        ))

    def _check_comparison(self, operator: str, left: ast.Expr, right: ast.Expr) -> None:
        types = (self.type_of(left), self.type_of(right))
        if "unknown" in types:
            return
        operation = f"'{operator}'"
        if operator in ("=", "!="):
            for operand, found in zip((left, right), types):
                if found == "multi":
                    self._mismatch(operand, found, operation, _SINGLE_VALUES)
                    return
            if not _comparable(*types):
                left_type = VALUE_TYPE_NAMES[types[0]]
                expected = f"two values of the same kind ({_subject(left)} is {left_type})"
                self._mismatch(right, types[1], operation, expected)
                return
        elif not _orderable(*types):
            bad, found = (right, types[1]) if types[0] in ("number", "date") else (left, types[0])
            self._mismatch(bad, found, operation, "two numbers or two dates")
            return
        self._check_literal(left, types[0], right)
        self._check_literal(right, types[1], left)

    def _check_literal(self, answer: ast.Expr, answer_type: str, literal: ast.Expr) -> None:
        """Check a quoted literal compared with (or selected from) a question's answer."""
        if not isinstance(literal, ast.String):
            return
        if answer_type == "date" and not _ISO_DATE.fullmatch(literal.value):
            self._mismatch(literal, "string", "comparing with a date", _ISO_DATE_WRITTEN)
        item = self._answering_item(answer)
        if item is None or answer_type not in ("choice", "multi", "yes_no"):
            return
        allowed = choices_of(item)
        if allowed is not None and literal.value not in allowed:
            self._report(make_issue(
                self._item.code, self._field, "unknown_choice", _reference_name(answer),
                choice=literal.value, choices=", ".join(sorted(allowed)),
            ))

    def _check_call(self, function: str, arguments: tuple[ast.Expr, ...]) -> str:
        first = arguments[0]
        operation = f"{function}()"
        match function:
            case "selected":
                found = self._expect(first, _CHOICES, operation, "a choice question")
                self._expect(arguments[1], _TEXTUAL, operation, "a choice code as second argument")
                if found != "unknown":
                    self._check_literal(first, found, arguments[1])
                return "boolean"
            case "count":
                self._expect(first, {"multi", "choice"}, operation, "a choice question")
                return "number"
            case "length":
                self._expect(first, {"text", "string"}, operation, "a text")
                return "number"
            case _:  # answered, empty: any answer
                self.type_of(first)
                return "boolean"


def _comparable(left: str, right: str) -> bool:
    if left == right:
        return True
    if "date" in (left, right):
        return {left, right} == {"date", "string"}
    return left in _TEXTUAL and right in _TEXTUAL


def _orderable(left: str, right: str) -> bool:
    """``< <= > >=`` compare two numbers, or two dates (a quoted 'YYYY-MM-DD' counts as a date)."""
    if (left, right) == ("number", "number"):
        return True
    return "date" in (left, right) and {left, right} <= {"date", "string"}


def _reference_name(expr: ast.Expr) -> str | None:
    match expr:
        case ast.Reference(name):
            return name
        case ast.Current():
            return "."
    return None


def _subject(expr: ast.Expr) -> str:
    text = to_text(expr)
    text = text if len(text) <= 40 else text[:37] + "..."
    return text if isinstance(expr, ast.String) else f"'{text}'"
