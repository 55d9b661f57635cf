"""Typed settings, one frozen class per question type, and the rules they must satisfy.

``SETTINGS_CLASS`` maps a question type to its class; :func:`check_settings` raises
``DocumentError`` naming the question code, the setting and the rule.
``survey.questionnaire.document`` re-exports every public name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from survey.questionnaire.types import TYPES
from survey.questionnaire.types.constant_sum import ConstantSumSettings  # noqa: F401 (re-exported)
from survey.questionnaire.types.date_time import DateTimeSettings  # noqa: F401 (re-exported)
from survey.questionnaire.types.ranking import RankingSettings  # noqa: F401 (re-exported)
from survey.questionnaire.types.slider import SliderSettings  # noqa: F401 (re-exported)
from survey.questionnaire.types.time_of_day import TimeSettings  # noqa: F401 (re-exported)
from survey.questionnaire.values import NO_TEXT, Texts, setting_error

if TYPE_CHECKING:
    from survey.questionnaire.document import Question

SCALE_RANGES: frozenset[tuple[int, int]] = frozenset({(1, 5), (1, 7), (1, 10), (0, 10)})

@dataclass(frozen=True, slots=True)
class SingleChoiceSettings:
    """One answer from ``choices``; ``other`` adds "other, please specify" (``<code>_other``)."""

    display: Literal["radio", "dropdown"] = "radio"
    other: bool = False
    randomize: bool = False


@dataclass(frozen=True, slots=True)
class MultipleChoiceSettings:
    """Any number of ``choices`` between ``min_selected`` and ``max_selected`` (None: no limit)."""

    min_selected: int | None = None
    max_selected: int | None = None
    other: bool = False
    randomize: bool = False


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """Settings of a rating question and of a matrix (all rows share the scale)."""

    min: Literal[0, 1] = 1
    max: Literal[5, 7, 10] = 5
    low_label: Texts = NO_TEXT
    high_label: Texts = NO_TEXT
    dont_know: bool = False


RatingSettings = ScaleSettings
MatrixSettings = ScaleSettings


@dataclass(frozen=True, slots=True)
class NpsSettings:
    """NPS is always 0–10 with the standard end labels; nothing to configure."""


@dataclass(frozen=True, slots=True)
class KanoSettings:
    """A functional/dysfunctional pair about ``attribute``; ``importance`` adds a 1–9 rating."""

    attribute: Texts = NO_TEXT
    importance: bool = False


@dataclass(frozen=True, slots=True)
class NumericSettings:
    """A number within ``min``..``max`` (None: open); whole numbers only when ``integer``."""

    min: float | None = None
    max: float | None = None
    integer: bool = True


@dataclass(frozen=True, slots=True)
class TextSettings:
    """Settings of short and long text questions."""

    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class YesNoSettings:
    """Yes/no stores 'yes' or 'no'; nothing to configure."""


@dataclass(frozen=True, slots=True)
class DateSettings:
    """A date question has nothing to configure."""


@dataclass(frozen=True, slots=True)
class InfoSettings:
    """An information text shows ``Question.text`` (sanitised rich text) and asks nothing."""


Settings = (SingleChoiceSettings | MultipleChoiceSettings | ScaleSettings | NpsSettings
            | KanoSettings | YesNoSettings | NumericSettings | TextSettings | DateSettings
            | InfoSettings | TimeSettings | DateTimeSettings | SliderSettings | RankingSettings
            | ConstantSumSettings)
SETTINGS_CLASS: dict[str, type] = {
    "single_choice": SingleChoiceSettings, "multiple_choice": MultipleChoiceSettings,
    "rating": ScaleSettings, "nps": NpsSettings, "matrix": ScaleSettings, "kano": KanoSettings,
    "yes_no": YesNoSettings, "numeric": NumericSettings, "text": TextSettings,
    "long_text": TextSettings, "date": DateSettings, "info": InfoSettings,
    **{name: module.SETTINGS for name, module in TYPES.items()},
}


def _check_bool(code: str, settings: object, *names: str) -> None:
    for name in names:
        if not isinstance(getattr(settings, name), bool):
            raise setting_error(code, name, "must be true or false", getattr(settings, name))


def _check_optional_count(code: str, name: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise setting_error(code, name, "must be empty or a whole number ≥ 0", value)


def check_settings(question: Question) -> None:
    """Raise ``DocumentError`` when ``question.settings`` is not the class of its type or breaks
    one of that class's rules."""
    code, settings, kind = question.code, question.settings, question.type
    if type(settings) is not SETTINGS_CLASS[kind]:
        raise setting_error(code, "settings", f"must be {SETTINGS_CLASS[kind].__name__} for a {kind} "
                    "question", type(settings).__name__)
    if kind in TYPES:
        TYPES[kind].check_settings(question)
        return
    if isinstance(settings, SingleChoiceSettings):
        if settings.display not in ("radio", "dropdown"):
            raise setting_error(code, "display", "must be 'radio' or 'dropdown'", settings.display)
        _check_bool(code, settings, "other", "randomize")
    elif isinstance(settings, MultipleChoiceSettings):
        _check_bool(code, settings, "other", "randomize")
        _check_optional_count(code, "min_selected", settings.min_selected)
        _check_optional_count(code, "max_selected", settings.max_selected)
        available = len(question.choices) + (1 if settings.other else 0)
        low, high = settings.min_selected or 0, settings.max_selected
        if high is not None and not low <= high <= available:
            raise setting_error(code, "max_selected", f"must lie between min_selected ({low}) and the "
                        f"number of choices ({available})", high)
        if low > available:
            raise setting_error(code, "min_selected", f"must not exceed the number of choices "
                        f"({available})", low)
    elif isinstance(settings, ScaleSettings):
        bounds = (settings.min, settings.max)
        if not all(type(bound) is int for bound in bounds) or bounds not in SCALE_RANGES:
            raise setting_error(code, "min/max", "must be one of the scales 1–5, 1–7, 1–10, 0–10",
                        (settings.min, settings.max))
        for name in ("low_label", "high_label"):
            if not isinstance(getattr(settings, name), Texts):
                raise setting_error(code, name, "must be Texts", getattr(settings, name))
        _check_bool(code, settings, "dont_know")
    elif isinstance(settings, KanoSettings):
        if not isinstance(settings.attribute, Texts):
            raise setting_error(code, "attribute", "must be Texts", settings.attribute)
        _check_bool(code, settings, "importance")
    elif isinstance(settings, NumericSettings):
        _check_bool(code, settings, "integer")
        for name in ("min", "max"):
            value = getattr(settings, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise setting_error(code, name, "must be empty or a finite number", value)
            if settings.integer and value != int(value):
                raise setting_error(code, name, "must be a whole number for an integer question", value)
        if settings.min is not None and settings.max is not None and settings.min > settings.max:
            raise setting_error(code, "min", f"must not exceed max ({settings.max})", settings.min)
    elif isinstance(settings, TextSettings):
        value = settings.max_length
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 1):
            raise setting_error(code, "max_length", "must be empty or a whole number ≥ 1", value)

