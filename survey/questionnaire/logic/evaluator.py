"""Evaluate a syntax tree against answers; ``survey/static/js/logic.js`` mirrors this exactly.

Values inside the language are: None (unanswered), bool, float (every number is an IEEE double),
str, and frozenset[str] (a multiple-choice answer). ``normalize_answer`` maps what the web layer
hands in onto these: '' and empty selections become None, ints/Decimals become floats, dates
become ISO strings. The rules, summarised (details in ``docs/logic-language.md``):

* a comparison with None on either side is False (``!=`` too); values of different kinds are
  never equal; ``< <= > >=`` only order two numbers or two texts (by code point), else False;
* arithmetic with None or a non-number gives None, as do division or ``mod`` by zero and any
  non-finite result;
* ``and``/``or``/``not`` treat only a real True as true and always give a bool;
* ``selected(m, c)`` is ``c in m`` for a selection and ``m == c`` for a single choice;
  ``count`` and ``length`` of an unanswered value are 0; ``answered``/``empty`` test for None.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from decimal import Decimal

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.errors import LogicEvaluationError

Value = None | bool | float | str | frozenset[str]


def normalize_answer(answer: object) -> Value:
    """Convert an answer from the web layer into a language value.

    Accepts None, bool, int, float, Decimal, str, datetime.date (and datetime), and
    list/tuple/set/frozenset of str. Raises ``LogicEvaluationError`` for anything else.
    """
    match answer:
        case None:
            return None
        case bool():
            return answer
        case int() | float() | Decimal():
            try:
                number = float(answer)
            except OverflowError:
                return None
            return number if math.isfinite(number) else None
        case str():
            return answer if answer != "" else None
        case datetime.date():
            return answer.isoformat()
        case list() | tuple() | set() | frozenset():
            if not all(isinstance(item, str) for item in answer):
                raise LogicEvaluationError(
                    f"multiple-choice answer {answer!r} must hold only choice codes (str)"
                )
            return frozenset(answer) or None
        case _:
            raise LogicEvaluationError(
                f"answer {answer!r} of type {type(answer).__name__} is not a logic value; "
                "expected None, bool, number, str, date or a collection of str"
            )


def evaluate(expr: ast.Expr, answers: Mapping[str, object], *, current: object = None) -> Value:
    """Return the value of ``expr`` given ``answers`` (question code -> answer).

    ``current`` is the value ``.`` stands for (the question a validation rule belongs to).
    Missing codes count as unanswered. Raises ``LogicEvaluationError`` for an answer of an
    unsupported type; never raises for arithmetic or type problems (those give None/False).
    """
    return _Evaluation(answers, normalize_answer(current)).value(expr)


def is_true(expr: ast.Expr, answers: Mapping[str, object], *, current: object = None) -> bool:
    """Return True only when ``expr`` evaluates to a real True (None, numbers, texts are not)."""
    return evaluate(expr, answers, current=current) is True


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


def arithmetic(operator: str, left: Value, right: Value) -> float | None:
    """Apply an arithmetic operator; None unless both sides are numbers and the result is finite."""
    if not (isinstance(left, float) and isinstance(right, float)):  # bool is not a float
        return None
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


def call(function: str, arguments: list[Value]) -> Value:
    """Apply a built-in function to already evaluated arguments."""
    first = arguments[0]
    match function:
        case "answered":
            return first is not None
        case "empty":
            return first is None
        case "selected":
            choice = arguments[1]
            if not isinstance(choice, str):
                return False
            if isinstance(first, frozenset):
                return choice in first
            return isinstance(first, str) and first == choice
        case "count":
            if first is None:
                return 0.0
            if isinstance(first, frozenset):
                return float(len(first))
            return 1.0 if isinstance(first, str) else None
        case "length":
            if first is None:
                return 0.0
            return float(len(first)) if isinstance(first, str) else None
    raise ValueError(f"unknown function {function!r}")


class _Evaluation:
    """One evaluation: answers are normalised lazily, once per code."""

    def __init__(self, answers: Mapping[str, object], current: Value) -> None:
        self._answers = answers
        self._current = current
        self._cache: dict[str, Value] = {}

    def answer(self, name: str) -> Value:
        if name not in self._cache:
            self._cache[name] = normalize_answer(self._answers.get(name))
        return self._cache[name]

    def value(self, expr: ast.Expr) -> Value:
        match expr:
            case ast.Number(number):
                return number
            case ast.String(text):
                return text
            case ast.Boolean(flag):
                return flag
            case ast.Reference(name):
                return self.answer(name)
            case ast.Current():
                return self._current
            case ast.Not(operand):
                return self.value(operand) is not True
            case ast.And(operands):
                return all(self.value(operand) is True for operand in operands)
            case ast.Or(operands):
                return any(self.value(operand) is True for operand in operands)
            case ast.Comparison(operator, left, right):
                return compare(operator, self.value(left), self.value(right))
            case ast.Arithmetic(operator, left, right):
                return arithmetic(operator, self.value(left), self.value(right))
            case ast.Negate(operand):
                operand_value = self.value(operand)
                return -operand_value if isinstance(operand_value, float) else None
            case ast.Call(function, arguments):
                return call(function, [self.value(argument) for argument in arguments])
        raise TypeError(f"not a logic syntax tree node: {expr!r}")
