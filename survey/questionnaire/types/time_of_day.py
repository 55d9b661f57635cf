"""The ``time`` question type: a time of day 'HH:MM' between optional ``min`` and ``max``.

Logic: its value is a text 'HH:MM' (the logic language has no time kind; texts compare with
``=``/``!=``). Analysis role: none. XLSForm ``time``; SurveyJS ``text`` with ``inputType: time``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.questionnaire.types.base import AnalysisRole, AnswerProblem, LogicShape, all_given
from survey.questionnaire.types.clock import TIME_PATTERN, check_bounds, parse_clock, read_time, within
from survey.questionnaire.values import Texts
from survey.questionnaire.variables import Variable

if TYPE_CHECKING:
    from survey.questionnaire.document import Question

NAME = "time"
HAS_CHOICES = False
ANALYSIS_ROLE: AnalysisRole = "none"
XLSFORM_TYPE = "time"


@dataclass(frozen=True, slots=True)
class TimeSettings:
    """Earliest and latest accepted time, 'HH:MM' (None: open)."""

    min: str | None = None
    max: str | None = None


SETTINGS = TimeSettings


def check_settings(question: Question) -> None:
    """Raise ``DocumentError`` unless min/max are empty or 'HH:MM' with min ≤ max."""
    settings = question.settings
    check_bounds(question.code, settings.min, settings.max, TIME_PATTERN, "a time 'HH:MM' (00:00–23:59)")


def variables(question: Question) -> tuple[Variable, ...]:
    return (Variable(question.code, question.code, "time"),)


def parse(question: Question, variable: Variable, raw: object) -> str | None:
    """'HH:MM' within the settings' bounds; None when empty; raises ``AnswerProblem``
    ``time_format`` or ``time_range``."""
    value = parse_clock(raw, read_time, "time")
    if value is None:
        return None
    return within(value, question.settings.min, question.settings.max, "time")


def check(question: Question, values: Mapping[str, object]) -> AnswerProblem | None:
    return None


def answered(question: Question, values: Mapping[str, object]) -> bool:
    return all_given(values, (question.code,))


def logic_shape(question: Question) -> LogicShape:
    return LogicShape("text")


def part_label(question: Question, variable: Variable):
    return None


def xlsform_row(question: Question) -> dict[str, str]:
    return {"type": XLSFORM_TYPE}


def settings_from_xlsform(node: Mapping[str, Any]) -> TimeSettings:
    return TimeSettings()


def surveyjs_element(question: Question, texts: Callable[[Texts], object]) -> dict[str, Any]:
    settings = question.settings
    element: dict[str, Any] = {"type": "text", "inputType": "time"}
    element.update({key: value for key, value in (("min", settings.min), ("max", settings.max))
                    if value is not None})
    return element
