"""Static types of logic expressions, for the design-time checker.

Types: "number", "text", "choice", "multi", "date", "datetime" (``now()``), "yes_no" (a yes/no
question), "boolean" (a condition), "string" (a quoted literal) and "unknown" (an error already
reported elsewhere, e.g. an unknown reference; it never causes a second issue).

Dates: date + number (days, either order) and date - number are dates, date - date is a number
(days); a quoted 'YYYY-MM-DD' counts as a date there. Functions are checked in
``survey.questionnaire.logic.call_types``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.call_types import check_call
from survey.questionnaire.logic.issues import (
    VALUE_TYPE_NAMES,
    LogicField,
    LogicIssue,
    LogicItem,
    Rule,
    make_issue,
)
from survey.questionnaire.logic.serialize import to_text
from survey.questionnaire.logic.value_types import (
    ISO_DATE,
    ISO_DATETIME,
    comparable,
    date_or_type,
    orderable,
)

#: Question value type -> static type of its answer.
ANSWER_TYPES: dict[str, str] = {
    "number": "number", "text": "text", "choice": "choice", "multi": "multi", "date": "date",
    "datetime": "datetime", "bool": "yes_no",
}
YES_NO_CHOICES = frozenset({"yes", "no"})
_ISO_DATE_WRITTEN = "a date written 'YYYY-MM-DD'"
_ISO_DATETIME_WRITTEN = "a date and time written 'YYYY-MM-DDTHH:MM' (or a date 'YYYY-MM-DD')"
_DATE_SUM = "numbers, or a date and a number of days"
_DATE_DIFFERENCE = "numbers, a date minus a number of days, or two dates"
_SINGLE_VALUES = "single values (use selected(q, 'x') or count(q) for a multiple choice)"


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
            case ast.Arithmetic("+" | "-" as operator, left, right):
                return self._check_sum(operator, left, right)
            case ast.Arithmetic(operator, left, right):
                for operand in (left, right):
                    self._expect(operand, {"number"}, f"'{operator}'", "numbers")
                return "number"
            case ast.Negate(operand):
                self._expect(operand, {"number"}, "'-'", "a number")
                return "number"
            case ast.Call(function, arguments):
                return check_call(self, function, arguments)
        raise TypeError(f"not a logic syntax tree node: {expr!r}")

    def _check_sum(self, operator: str, left: ast.Expr, right: ast.Expr) -> str:
        """``+``/``-``: numbers, or dates with days (see the module docstring)."""
        types = (date_or_type(left, self.type_of(left)), date_or_type(right, self.type_of(right)))
        if types == ("number", "number"):
            return "number"
        if "unknown" in types:  # "unknown + 1" may be a number or a date: no guess
            return "unknown" if types[0] in ("unknown", "number", "date") and types[1] in (
                "unknown", "number", "date") else self._sum_mismatch(operator, left, right, types)
        if operator == "+" and sorted(types) == ["date", "number"]:
            return "date"
        if operator == "-" and types[0] == "date" and types[1] in ("date", "number"):
            return "number" if types[1] == "date" else "date"
        return self._sum_mismatch(operator, left, right, types)

    def _sum_mismatch(self, operator: str, left: ast.Expr, right: ast.Expr,
                      types: tuple[str, str]) -> str:
        """Report the operand of ``+``/``-`` that does not fit; the result is then unknown
        (or a number when no date is involved, as before dates could be added)."""
        fits = ("number", "date", "unknown")
        bad, found = (right, types[1]) if types[0] in fits else (left, types[0])
        if types[0] in fits and types[1] in fits:  # date + date, number - date
            bad, found = right, types[1]
        self._mismatch(bad, "string" if isinstance(bad, ast.String) else found,
                       f"'{operator}'", _DATE_SUM if operator == "+" else _DATE_DIFFERENCE)
        return "unknown" if "date" in types else "number"

    def expect(self, expr: ast.Expr, allowed: Set[str], operation: str, expected: str) -> str:
        """Return the type of ``expr``, reporting a mismatch unless it is in ``allowed``."""
        return self._expect(expr, allowed, operation, expected)

    def mismatch(self, expr: ast.Expr, found: str, operation: str, expected: str) -> None:
        """Report that ``expr`` (of type ``found``) is not what ``operation`` needs."""
        self._mismatch(expr, found, operation, expected)

    def report(self, rule: Rule, reference: str | None = None, **arguments: str) -> None:
        """Report an issue of ``rule`` in this item's field."""
        self._report(make_issue(self._item.code, self._field, rule, reference, **arguments))

    def check_literal(self, answer: ast.Expr, answer_type: str, literal: ast.Expr) -> None:
        """Check a quoted literal compared with (or selected from) ``answer``."""
        self._check_literal(answer, answer_type, literal)

    def _expect(self, expr: ast.Expr, allowed: Set[str], operation: str, expected: str) -> str:
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
            if not comparable(*types):
                left_type = VALUE_TYPE_NAMES[types[0]]
                expected = f"two values of the same kind ({_subject(left)} is {left_type})"
                self._mismatch(right, types[1], operation, expected)
                return
        elif not orderable(*types):
            bad, found = (
                (right, types[1]) if types[0] in ("number", "date", "datetime") else (left, types[0])
            )
            expected = "two numbers or two dates"
            if "datetime" in types:
                expected = "two dates and times (like now() and 'YYYY-MM-DDTHH:MM')"
            self._mismatch(bad, found, operation, expected)
            return
        self._check_literal(left, types[0], right)
        self._check_literal(right, types[1], left)

    def _check_literal(self, answer: ast.Expr, answer_type: str, literal: ast.Expr) -> None:
        """Check a quoted literal compared with (or selected from) a question's answer."""
        if not isinstance(literal, ast.String):
            return
        if answer_type == "date" and not ISO_DATE.fullmatch(literal.value):
            self._mismatch(literal, "string", "comparing with a date", _ISO_DATE_WRITTEN)
        if answer_type == "datetime" and not ISO_DATETIME.fullmatch(literal.value):
            self._mismatch(literal, "string", "comparing with a date and time",
                           _ISO_DATETIME_WRITTEN)
        item = self._answering_item(answer)
        if item is None or answer_type not in ("choice", "multi", "yes_no"):
            return
        allowed = choices_of(item)
        if allowed is not None and literal.value not in allowed:
            self._report(make_issue(
                self._item.code, self._field, "unknown_choice", _reference_name(answer),
                choice=literal.value, choices=", ".join(sorted(allowed)),
            ))

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
