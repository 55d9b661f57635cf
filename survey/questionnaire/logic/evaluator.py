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
  ``count`` and ``length`` of an unanswered value are 0; ``answered``/``empty`` test for None;
* dates are ISO texts 'YYYY-MM-DD': date + whole number of days (either order) and date - days
  give a date, date - date gives the days between them; None for anything else (a text that is
  not a real date, a fraction of a day, a result outside the years 1-9999);
* ``today()`` is 'YYYY-MM-DD' and ``now()`` 'YYYY-MM-DDTHH:MM:SS', read from the ``now`` clock
  (local wall-clock time);
* ``if(c, a, b)`` is a when c is a real True, else b; ``coalesce(a, b, ...)`` is the first
  answered (non-None) argument, else None;
* ``sum``/``min``/``max`` need every argument to be a number (like arithmetic, an unanswered
  argument gives None: write ``coalesce(q, 0)`` to count it as 0); ``sum`` adds left to right;
* ``selected-at(m, i)`` is the i-th (from 0, as in XLSForm) selected code in code-point order of
  the codes (a single choice counts as a selection of one); None when i is not a whole number in
  range;
* ``regex(v, p)`` is True when the text v matches the pattern p somewhere (the linear-time
  dialect of ``survey.questionnaire.logic.patterns``); False for an unanswered or non-text v and
  for a pattern outside the dialect.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from decimal import Decimal

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.errors import LogicEvaluationError
from survey.questionnaire.logic.functions import call
from survey.questionnaire.logic.operators import Value, arithmetic, compare


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


def evaluate(
    expr: ast.Expr, answers: Mapping[str, object], *, current: object = None,
    now: datetime.datetime | None = None,
) -> Value:
    """Return the value of ``expr`` given ``answers`` (question code -> answer).

    ``current`` is the value ``.`` stands for (the question a validation rule belongs to).
    ``now`` is the clock ``today()`` and ``now()`` read, as local wall-clock time (an aware
    datetime counts by its own wall clock); None reads the server's clock when first needed.
    Missing codes count as unanswered. Raises ``LogicEvaluationError`` for an answer of an
    unsupported type; never raises for arithmetic or type problems (those give None/False).
    """
    return _Evaluation(answers, normalize_answer(current), now).value(expr)


def is_true(
    expr: ast.Expr, answers: Mapping[str, object], *, current: object = None,
    now: datetime.datetime | None = None,
) -> bool:
    """Return True only when ``expr`` evaluates to a real True (None, numbers, texts are not)."""
    return evaluate(expr, answers, current=current, now=now) is True


class _Evaluation:
    """One evaluation: answers are normalised lazily, once per code."""

    def __init__(
        self, answers: Mapping[str, object], current: Value, now: datetime.datetime | None
    ) -> None:
        self._answers = answers
        self._current = current
        self._now = now
        self._cache: dict[str, Value] = {}

    def clock(self) -> datetime.datetime:
        """The wall-clock time of this evaluation (read once, so today() and now() agree)."""
        if self._now is None:
            self._now = datetime.datetime.now()
        return self._now.replace(tzinfo=None, microsecond=0)

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
            case ast.Call("today"):
                return self.clock().date().isoformat()
            case ast.Call("now"):
                return self.clock().isoformat()
            case ast.Call(function, arguments):
                return call(function, [self.value(argument) for argument in arguments])
        raise TypeError(f"not a logic syntax tree node: {expr!r}")
