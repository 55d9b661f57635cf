"""The ``datetime`` question type: a local date and time 'YYYY-MM-DDTHH:MM' as the respondent
entered it (no time zone), between optional ``min`` and ``max``.

Logic: its value is a date-time (the kind ``now()`` has: ordered with ``<``/``>`` against
``now()`` or a quoted 'YYYY-MM-DDTHH:MM'). Analysis role: none. XLSForm ``dateTime``; SurveyJS
``text`` with ``inputType: datetime-local``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.questionnaire.types.base import AnalysisRole, AnswerProblem, LogicShape, all_given
from survey.questionnaire.types.clock import (
    DATETIME_PATTERN, check_bounds, parse_clock, read_datetime, within,
)
from survey.questionnaire.values import Texts
from survey.questionnaire.variables import Variable

if TYPE_CHECKING:
    from survey.questionnaire.document import Question

NAME = "datetime"
HAS_CHOICES = False
ANALYSIS_ROLE: AnalysisRole = "none"
XLSFORM_TYPE = "dateTime"


@dataclass(frozen=True, slots=True)
class DateTimeSettings:
    """Earliest and latest accepted moment, 'YYYY-MM-DDTHH:MM' (None: open)."""

    min: str | None = None
    max: str | None = None


SETTINGS = DateTimeSettings


def check_settings(question: Question) -> None:
    """Raise ``DocumentError`` unless min/max are empty or 'YYYY-MM-DDTHH:MM' with min ≤ max."""
    settings = question.settings
    check_bounds(question.code, settings.min, settings.max, DATETIME_PATTERN,
                 "a date and time 'YYYY-MM-DDTHH:MM'")


def variables(question: Question) -> tuple[Variable, ...]:
    return (Variable(question.code, question.code, "datetime"),)


def parse(question: Question, variable: Variable, raw: object) -> str | None:
    """'YYYY-MM-DDTHH:MM' within the bounds; None when empty; raises ``AnswerProblem``
    ``datetime_format`` or ``datetime_range``."""
    value = parse_clock(raw, read_datetime, "datetime")
    if value is None:
        return None
    return within(value, question.settings.min, question.settings.max, "datetime")


def check(question: Question, values: Mapping[str, object]) -> AnswerProblem | None:
    return None


def answered(question: Question, values: Mapping[str, object]) -> bool:
    return all_given(values, (question.code,))


def logic_shape(question: Question) -> LogicShape:
    return LogicShape("datetime")


def part_label(question: Question, variable: Variable):
    return None


def xlsform_row(question: Question) -> dict[str, str]:
    return {"type": XLSFORM_TYPE}


def settings_from_xlsform(node: Mapping[str, Any]) -> DateTimeSettings:
    return DateTimeSettings()


def surveyjs_element(question: Question, texts: Callable[[Texts], object]) -> dict[str, Any]:
    settings = question.settings
    element: dict[str, Any] = {"type": "text", "inputType": "datetime-local"}
    element.update({key: value for key, value in (("min", settings.min), ("max", settings.max))
                    if value is not None})
    return element
