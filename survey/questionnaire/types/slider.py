"""The ``slider`` question type: a number between ``min`` and ``max`` on a ``step``.

Shown as a number box (it works without JavaScript and leaves the answer empty until the
respondent gives one) that the page script pairs with an ``<input type=range>`` showing the value.
Logic: a number. Analysis role: number (summarised like a numeric answer). XLSForm ``range``
(``start``/``end``/``step``); SurveyJS ``text`` with
``inputType: range`` (``slider`` and ``nouislider`` elements are read as sliders too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.questionnaire.types.base import AnalysisRole, AnswerProblem, LogicShape, all_given
from survey.questionnaire.values import NO_TEXT, Texts, setting_error
from survey.questionnaire.variables import Variable

if TYPE_CHECKING:
    from survey.questionnaire.document import Question

NAME = "slider"
HAS_CHOICES = False
ANALYSIS_ROLE: AnalysisRole = "number"
XLSFORM_TYPE = "range"
#: Most positions a slider may have (a finger cannot pick among more on a phone).
MAX_POSITIONS = 1001


@dataclass(frozen=True, slots=True)
class SliderSettings:
    """A number from ``min`` to ``max`` in steps of ``step`` (counted from ``min``), with
    optional labels at the two ends."""

    min: float = 0
    max: float = 10
    step: float = 1
    low_label: Texts = NO_TEXT
    high_label: Texts = NO_TEXT

    @property
    def integer(self) -> bool:
        """Whether every position is a whole number (answers are then read as whole numbers)."""
        return float(self.min).is_integer() and float(self.step).is_integer()

    def positions(self) -> int:
        """How many values the slider can take."""
        return round((self.max - self.min) / self.step) + 1


SETTINGS = SliderSettings


def _finite(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def check_settings(question: Question) -> None:
    """Raise ``DocumentError`` unless min < max, step > 0, (max − min) a whole number of steps
    and at most ``MAX_POSITIONS`` positions; labels are Texts."""
    code, settings = question.code, question.settings
    for name in ("min", "max", "step"):
        if not _finite(getattr(settings, name)):
            raise setting_error(code, name, "must be a finite number", getattr(settings, name))
    if settings.step <= 0:
        raise setting_error(code, "step", "must be greater than 0", settings.step)
    if settings.min >= settings.max:
        raise setting_error(code, "min", f"must be less than max ({settings.max})", settings.min)
    steps = (settings.max - settings.min) / settings.step
    if abs(steps - round(steps)) > 1e-9 * max(1.0, abs(steps)):
        raise setting_error(code, "step", f"must divide max − min ({settings.max} − {settings.min}) "
                            "into whole steps", settings.step)
    if round(steps) + 1 > MAX_POSITIONS:
        raise setting_error(code, "step", f"leaves {round(steps) + 1} positions; at most "
                            f"{MAX_POSITIONS} are allowed", settings.step)
    for name in ("low_label", "high_label"):
        if not isinstance(getattr(settings, name), Texts):
            raise setting_error(code, name, "must be Texts", getattr(settings, name))


def variables(question: Question) -> tuple[Variable, ...]:
    settings = question.settings
    return (Variable(question.code, question.code, "number", minimum=settings.min, maximum=settings.max),)


parse = None  # a number within min..max, read by the collect layer's bounded number parser


def on_step(settings: SliderSettings, value: float) -> bool:
    """Whether ``value`` is ``min`` plus a whole number of steps."""
    steps = (value - settings.min) / settings.step
    return abs(steps - round(steps)) <= 1e-9 * max(1.0, abs(steps))


def check(question: Question, values: Mapping[str, object]) -> AnswerProblem | None:
    """``slider_step`` when the number lies between two positions of the slider."""
    value, settings = values.get(question.code), question.settings
    if isinstance(value, (int, float)) and not on_step(settings, value):
        return AnswerProblem("slider_step", value=value, step=_number(settings.step),
                             min=_number(settings.min))
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def answered(question: Question, values: Mapping[str, object]) -> bool:
    return all_given(values, (question.code,))


def logic_shape(question: Question) -> LogicShape:
    return LogicShape("number")


def part_label(question: Question, variable: Variable):
    return None


def value_labels(question: Question) -> tuple[tuple[float, Texts], ...]:
    """The end labels that are written, as (value, texts)."""
    settings = question.settings
    return tuple((value, texts) for value, texts in ((settings.min, settings.low_label),
                                                     (settings.max, settings.high_label))
                 if not texts.is_empty())


def xlsform_row(question: Question) -> dict[str, str]:
    settings = question.settings
    return {"type": XLSFORM_TYPE, "parameters": f"start={_number(settings.min)} "
            f"end={_number(settings.max)} step={_number(settings.step)}"}


def settings_from_xlsform(node: Mapping[str, Any]) -> SliderSettings:
    """pyxform's ``parameters`` of a range (start 1, end 10, step 1 when left out, as pyxform
    has them); a range running downwards (start > end) is read upwards."""
    parameters = node.get("parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    numbers = []
    for key, default in (("start", 1), ("end", 10), ("step", 1)):
        value = float(str(parameters.get(key, default)))  # pyxform has checked it is a number
        numbers.append(int(value) if value.is_integer() else value)
    start, end, step = numbers
    return SliderSettings(min=min(start, end), max=max(start, end), step=abs(step))


def surveyjs_element(question: Question, texts: Callable[[Texts], object]) -> dict[str, Any]:
    """SurveyJS's own range input (``text`` with ``inputType: range``), no widget needed."""
    settings = question.settings
    return {"type": "text", "inputType": "range", "min": settings.min, "max": settings.max,
            "step": settings.step}
