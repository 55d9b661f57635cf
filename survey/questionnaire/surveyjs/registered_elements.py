"""SurveyJS elements read as the question types of the registry (``survey.questionnaire.types``):
``text`` with ``inputType`` time or datetime-local, ``ranking``, a slider (``slider``,
``nouislider``, or ``text`` with ``inputType: range`` as ``export_surveyjs`` writes it) and the
``multipletext`` a Xinsheng constant sum is exported as (other ``multipletext`` elements are left
out with a warning). Part of the importer's element maker."""
from __future__ import annotations

from typing import Any

from survey.questionnaire.document import Choice, DocumentError, Question
from survey.questionnaire.surveyjs.exporter import MARKER
from survey.questionnaire.surveyjs.expressions import Target
from survey.questionnaire.types.constant_sum import ConstantSumSettings, surveyjs_sum
from survey.questionnaire.types.date_time import DateTimeSettings
from survey.questionnaire.types.ranking import RankingSettings
from survey.questionnaire.types.slider import SliderSettings
from survey.questionnaire.types.time_of_day import TimeSettings

#: SurveyJS ``inputType`` → the registered type of a text element.
CLOCK_INPUTS = {"time": ("time", TimeSettings), "datetime-local": ("datetime", DateTimeSettings)}


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class RegisteredElements:
    """``make_<type>`` methods for the registered types (mixed into the element maker, which
    provides ``base``, ``choices``, ``targets``, ``warn``, ``left_out`` and ``plain``)."""

    def clock_question(self, item: dict, code: str, input_type: str) -> list[Question]:
        kind, settings_class = CLOCK_INPUTS[input_type]
        bounds = {key: item.get(key) if isinstance(item.get(key), str) else None
                  for key in ("min", "max")}
        try:
            settings = settings_class(**bounds)
            question = self.base(item, code, kind, settings=settings)
        except DocumentError:
            self.warn("sjs_limits_dropped", title=code)
            question = self.base(item, code, kind, settings=settings_class())
        self.targets[str(item.get("name", code))] = Target(code, "text")
        return [question]

    def slider_question(self, item: dict, code: str, low: Any, high: Any, step: Any) -> list[Question]:
        step = step if _number(step) else 1
        if not (_number(low) and _number(high)):
            raise DocumentError(f"a slider needs numeric bounds, got {low!r} and {high!r}")
        self.targets[str(item.get("name", code))] = Target(code, "number")
        return [self.base(item, code, "slider", settings=SliderSettings(low, high, step))]

    def make_slider(self, item: dict, code: str) -> list[Question]:
        return self.slider_question(item, code, item.get("min", 0), item.get("max", 100),
                                    item.get("step", 1))

    def make_nouislider(self, item: dict, code: str) -> list[Question]:
        return self.slider_question(item, code, item.get("rangeMin", 0),
                                    item.get("rangeMax", 100), item.get("step", 1))

    def make_ranking(self, item: dict, code: str) -> list[Question]:
        choices, mapping = self.choices(item, code)
        self.targets[str(item.get("name", code))] = Target(
            code, "multi", lambda value, mapping=mapping: mapping.get(value, value))
        return [self.base(item, code, "ranking", choices=choices,
                          settings=RankingSettings(item.get("choicesOrder") == "random"))]

    def make_multipletext(self, item: dict, code: str) -> list[Question]:
        marker = item.get(MARKER) if isinstance(item.get(MARKER), dict) else {}
        if marker.get("type") != "constant_sum":
            name = str(item.get("name", code))
            self.warn("sjs_type_unsupported", title=name, type="multipletext")
            self.left_out.append(f"{name!r}: multipletext")
            return []
        prefix = f"{item.get('name', code)}_"
        choices = tuple(
            Choice(str(part.get("name"))[len(prefix):] if str(part.get("name")).startswith(prefix)
                   else str(part.get("name")), self.plain(part.get("title")))
            for part in item.get("items", []) or [] if isinstance(part, dict))
        total = (marker.get("settings") or {}).get("total", 100) \
            if isinstance(marker.get("settings"), dict) else 100
        return [self.base(item, code, "constant_sum", choices=choices,
                          settings=ConstantSumSettings(total))]


def is_sum_check(question: Question, validator: dict) -> bool:
    """Whether ``validator`` is the sum check ``export_surveyjs`` writes for a constant sum."""
    return question.type == "constant_sum" and validator.get("type") == "expression" \
        and validator.get("expression") == surveyjs_sum(question)
