"""The ``constant_sum`` question type: a whole number ≥ 0 per choice, adding up to ``total``.

Each choice stores a number variable ``<code>_<choice>`` (an empty box counts as 0 once any box
is filled; it is stored as 0). Logic: the question's own code holds nothing; each
``<code>_<choice>`` is a number. Analysis role: none. Export: one number column per choice.
XLSForm has no such question: the export writes a group of integer questions whose last one
checks the sum (a ``constraint``), and warns; SurveyJS ``multipletext`` with numeric items and an
expression validator on the sum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.questionnaire.types.base import AnalysisRole, AnswerProblem, LogicShape
from survey.questionnaire.values import CODE_PATTERN, Texts, setting_error
from survey.questionnaire.variables import Variable

if TYPE_CHECKING:
    from survey.questionnaire.document import Question

NAME = "constant_sum"
HAS_CHOICES = True
ANALYSIS_ROLE: AnalysisRole = "none"
XLSFORM_TYPE = None  # no XLSForm type: exported as a group of integers with a sum constraint
#: Largest total (each part is at most the total).
MAX_TOTAL = 1_000_000
MAX_CHOICES = 30


@dataclass(frozen=True, slots=True)
class ConstantSumSettings:
    """The whole numbers given to the choices must add up to ``total``."""

    total: int = 100


SETTINGS = ConstantSumSettings


def part_code(question_code: str, choice_code: str) -> str:
    """The variable holding ``choice_code``'s share."""
    return f"{question_code}_{choice_code}"


def check_settings(question: Question) -> None:
    """Raise ``DocumentError`` unless ``total`` is a whole number from 1 to ``MAX_TOTAL``,
    there are 2 to ``MAX_CHOICES`` choices and every ``<code>_<choice>`` is a valid code."""
    code, total = question.code, question.settings.total
    if isinstance(total, bool) or not isinstance(total, int) or not 1 <= total <= MAX_TOTAL:
        raise setting_error(code, "total", f"must be a whole number from 1 to {MAX_TOTAL:,}", total)
    if not 2 <= len(question.choices) <= MAX_CHOICES:
        raise setting_error(code, "choices", f"must list 2 to {MAX_CHOICES} choices to share the "
                            "total between", len(question.choices))
    for choice in question.choices:
        name = part_code(code, choice.code)
        if not CODE_PATTERN.match(name):
            raise setting_error(code, "choices", f"stores each share as <code>_<choice>, and {name!r} "
                                "is not a valid code (ASCII letters, digits and '_', at most 64)",
                                choice.code)


def variables(question: Question) -> tuple[Variable, ...]:
    total = question.settings.total
    return tuple(Variable(part_code(question.code, choice.code), question.code, "number",
                          minimum=0, maximum=total) for choice in question.choices)


parse = None  # each share is a bounded whole number, read by the collect layer


def completed(question: Question, values: Mapping[str, object]) -> dict[str, object]:
    """The shares to store: empty boxes as 0 once any box is filled (nothing when none is)."""
    codes = [variable.code for variable in question.variables()]
    if all(values.get(code) is None for code in codes):
        return {}
    return {code: 0 if values.get(code) is None else values[code] for code in codes}


def check(question: Question, values: Mapping[str, object]) -> AnswerProblem | None:
    """``constant_sum_total`` naming the sum found and the total when they differ."""
    shares = completed(question, values)
    if not shares:
        return None
    found = sum(value for value in shares.values() if isinstance(value, (int, float)))
    if found != question.settings.total:
        return AnswerProblem("constant_sum_total", sum=found, total=question.settings.total)
    return None


def answered(question: Question, values: Mapping[str, object]) -> bool:
    return any(values.get(variable.code) is not None for variable in question.variables())


def logic_shape(question: Question) -> LogicShape:
    return LogicShape("none", extras=tuple((variable.code, "number")
                                           for variable in question.variables()))


def part_label(question: Question, variable: Variable) -> Texts | None:
    """The label of the choice whose share ``variable`` holds."""
    for choice in question.choices:
        if part_code(question.code, choice.code) == variable.code:
            return choice.label
    return None


def surveyjs_sum(question: Question) -> str:
    """The SurveyJS expression saying that the parts add up to the total."""
    return " + ".join(f"{{{question.code}.{variable.code}}}" for variable in question.variables()) \
        + f" = {question.settings.total}"


def surveyjs_element(question: Question, texts: Callable[[Texts], object]) -> dict[str, Any]:
    """A ``multipletext`` of numeric items with an expression validator on their sum;
    ``texts`` writes a label the SurveyJS way."""
    return {"type": "multipletext", "items": [
        {"name": part_code(question.code, choice.code), "title": texts(choice.label),
         "inputType": "number"} for choice in question.choices],
        "validators": [{"type": "expression", "expression": surveyjs_sum(question)}]}
