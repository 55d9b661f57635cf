"""How each SurveyJS element type becomes questions of the document (one ``make_<type>``
method each; ``panel`` only for a Kano pair written by ``export_surveyjs``). Mixed into the
importer's builder, which provides the codes, the texts, the expression targets and the
warnings."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from survey.questionnaire.document import (
    CHOICE_CODE_PATTERN, DONT_KNOW, OTHER_CODE, SCALE_RANGES, Choice,
    DocumentError, MatrixRow, MultipleChoiceSettings, NumericSettings, Question, ScaleSettings,
    SingleChoiceSettings, TextSettings, Texts,
)
from survey.questionnaire.surveyjs.exporter import MARKER
from survey.questionnaire.surveyjs.expressions import Target
from survey.questionnaire.surveyjs.registered_elements import CLOCK_INPUTS, RegisteredElements

NONE_LABEL = Texts("以上都不是", "None")


def clean_code(wanted: str, pattern: re.Pattern[str], characters: str) -> str:
    return re.sub(characters, "_", wanted)[:64] if not pattern.match(wanted) else wanted


class ElementMaker(RegisteredElements):
    """The element-type half of the importer (see the module docstring)."""

    used: set[str]
    targets: dict[str, Target]
    left_out: list[str]
    warn: Callable[..., None]
    texts: Callable[[object], Texts]
    plain: Callable[[object], Texts]
    code: Callable[..., str]

    def choices(self, item: dict, code: str) -> tuple[tuple[Choice, ...], dict[str, str]]:
        result, mapping, used = [], {}, set()
        for raw in item.get("choices", []) or []:
            value = raw.get("value") if isinstance(raw, dict) else raw
            label = raw.get("text", value) if isinstance(raw, dict) else raw
            if value is None:
                continue
            wanted = value if isinstance(value, str) else str(value).lower() \
                if isinstance(value, bool) else (str(int(value)) if isinstance(value, float)
                                                 and value.is_integer() else str(value))
            choice = clean_code(wanted, CHOICE_CODE_PATTERN, r"[^A-Za-z0-9_.\-]") or "_"
            base, number = choice, 2
            while choice in used:
                choice = f"{base[:58]}_{number}"
                number += 1
            used.add(choice)
            if choice != wanted:
                self.warn("choice_renamed", question=code, wanted=wanted, code=choice)
            mapping[wanted] = choice
            result.append(Choice(choice, self.plain(label)))
        if item.get("showNoneItem") or item.get("hasNone"):
            result.append(Choice("none", self.plain(item.get("noneText")) if item.get("noneText")
                                 else NONE_LABEL))
        return tuple(result), mapping

    def base(self, item: dict, code: str, kind: str, **fields: Any) -> Question:
        title = item.get("title")
        return Question(code=code, type=kind,
                        text=self.plain(title if title not in (None, "") else item.get("name")),
                        help=self.texts(item.get("description")),
                        required=bool(item.get("isRequired", False)), **fields)

    def choice_question(self, item: dict, code: str, kind: str, settings: Any) -> list[Question]:
        choices, mapping = self.choices(item, code)
        if getattr(settings, "other", False) and OTHER_CODE in mapping.values():
            self.warn("other_code_taken", title=code, code=OTHER_CODE)
            settings = dataclasses.replace(settings, other=False)
        self.targets[str(item.get("name", code))] = Target(
            code, "choice" if kind == "single_choice" else "multi",
            lambda value, mapping=mapping: mapping.get(value, value))
        if getattr(settings, "other", False):
            self.targets[f"{item.get('name', code)}-Comment"] = Target(f"{code}_other", "text")
        return [self.base(item, code, kind, choices=choices, settings=settings)]

    @staticmethod
    def flags(item: dict) -> dict[str, bool]:
        return {"other": bool(item.get("showOtherItem") or item.get("hasOther")),
                "randomize": item.get("choicesOrder") == "random"}

    def make_radiogroup(self, item: dict, code: str, display: str = "radio") -> list[Question]:
        return self.choice_question(item, code, "single_choice",
                                    SingleChoiceSettings(display, **self.flags(item)))

    def make_dropdown(self, item: dict, code: str) -> list[Question]:
        return self.make_radiogroup(item, code, "dropdown")

    def make_checkbox(self, item: dict, code: str) -> list[Question]:
        limits: dict[str, int | None] = {}
        counts = next((v for v in item.get("validators", []) or []
                       if isinstance(v, dict) and v.get("type") == "answercount"), {})
        for name, key, alias in (("min_selected", "minSelectedChoices", "minCount"),
                                 ("max_selected", "maxSelectedChoices", "maxCount")):
            value = item.get(key, counts.get(alias))
            limits[name] = value if isinstance(value, int) and not isinstance(value, bool) \
                and value > 0 else None
        settings = MultipleChoiceSettings(**limits, **self.flags(item))
        try:
            return self.choice_question(item, code, "multiple_choice", settings)
        except DocumentError:
            self.warn("sjs_limits_dropped", title=code)
            return self.choice_question(item, code, "multiple_choice",
                                        MultipleChoiceSettings(**self.flags(item)))

    def make_tagbox(self, item: dict, code: str) -> list[Question]:
        return self.make_checkbox(item, code)

    def make_rating(self, item: dict, code: str) -> list[Question]:
        values = item.get("rateValues")
        if values:
            item = {**item, "choices": values}
            self.warn("sjs_rating_values", title=code)
            return self.make_radiogroup(item, code)
        first, step, count = item.get("rateMin", 1), item.get("rateStep", 1), \
            item.get("rateCount", 5)
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                   for x in (first, step, count)):
            raise DocumentError(f"rateMin {first!r}, rateStep {step!r} and rateCount {count!r} "
                                "must be numbers")
        last = item.get("rateMax", first + (count - 1) * step)
        if not isinstance(last, (int, float)) or isinstance(last, bool):
            raise DocumentError(f"rateMax {last!r} must be a number")
        low, high = self.plain(item.get("minRateDescription")), \
            self.plain(item.get("maxRateDescription"))
        self.targets[str(item.get("name", code))] = Target(code, "number")
        if step == 1 and (first, last) in SCALE_RANGES:
            return [self.base(item, code, "rating", settings=ScaleSettings(first, last, low, high))]
        if not all(isinstance(x, (int, float)) for x in (first, last, step)) or step <= 0 \
                or (last - first) / step > 20:
            raise DocumentError(f"the scale {first!r}–{last!r} (step {step!r}) cannot be asked")
        self.warn("sjs_rating_scale", title=code, first=first, last=last)
        points = []
        value = first
        while value <= last:
            points.append(value)
            value += step
        return self.make_radiogroup({**item, "choices": points}, code)

    def make_matrix(self, item: dict, code: str) -> list[Question]:
        columns = [c.get("value") if isinstance(c, dict) else c
                   for c in item.get("columns", []) or []]
        dont_know = bool(columns) and columns[-1] == DONT_KNOW
        numbers = columns[:-1] if dont_know else columns
        name = str(item.get("name", code))
        scale = (numbers[0], numbers[-1]) if numbers and all(
            isinstance(n, int) and not isinstance(n, bool) for n in numbers) else None
        rows = []
        for raw in item.get("rows", []) or []:
            value = str(raw.get("value") if isinstance(raw, dict) else raw)
            exported = isinstance(item.get(MARKER), dict)  # row values are already codes
            row_code = self.code(value if exported else f"{code}_{value}", "row", quiet=True)
            rows.append((value, row_code, self.plain(raw.get("text", value)
                                                     if isinstance(raw, dict) else raw)))
        if not rows:
            raise DocumentError("it has no rows")
        if scale in SCALE_RANGES and numbers == list(range(scale[0], scale[1] + 1)):
            raw_columns = item.get("columns")
            labels = [self.plain(c.get("text")) if isinstance(c, dict) else Texts()
                      for c in raw_columns]

            def end(label: Texts, number: int) -> Texts:
                return Texts(*(re.sub(rf"^{number}\s*", "", text) if text != str(number) else ""
                               for text in (label.zh, label.en)))
            low, high = end(labels[0], scale[0]), end(labels[len(numbers) - 1], scale[1])
            for value, row_code, _ in rows:
                self.targets[f"{name}.{value}"] = Target(row_code, "number")
                self.targets.setdefault(row_code, Target(row_code, "number"))
            return [self.base(item, code, "matrix", rows=tuple(
                MatrixRow(row_code, text) for _, row_code, text in rows),
                settings=ScaleSettings(scale[0], scale[1], low, high, dont_know))]
        self.warn("sjs_matrix_per_row", title=code)
        made = [Question(code, "info", self.plain(item.get("title") or name),
                         help=self.texts(item.get("description")))]
        for value, row_code, text in rows:
            single = self.make_radiogroup({"name": f"{name}.{value}", "title": "",
                                           "choices": item.get("columns", []),
                                           "isRequired": item.get("isRequired")}, row_code)[0]
            made.append(dataclasses.replace(single, text=text))
        return made

    def make_boolean(self, item: dict, code: str) -> list[Question]:
        true, false = item.get("valueTrue", True), item.get("valueFalse", False)
        values = {str(true).lower() if isinstance(true, bool) else str(true): "yes",
                  str(false).lower() if isinstance(false, bool) else str(false): "no"}
        self.targets[str(item.get("name", code))] = Target(
            code, "yes_no", lambda value, values=values: values.get(value, value))
        return [self.base(item, code, "yes_no")]

    def make_text(self, item: dict, code: str) -> list[Question]:
        input_type = str(item.get("inputType", "text"))
        name = str(item.get("name", code))
        if input_type in CLOCK_INPUTS:
            return self.clock_question(item, code, input_type)
        if input_type == "range" and all(isinstance(item.get(key), (int, float))
                                         for key in ("min", "max")):
            return self.slider_question(item, code, item["min"], item["max"], item.get("step", 1))
        if input_type in ("number", "range"):
            numeric = next((v for v in item.get("validators", []) or []
                            if isinstance(v, dict) and v.get("type") == "numeric"), {})
            bounds = {}
            for key, own, alias in (("min", "min", "minValue"), ("max", "max", "maxValue")):
                value = item.get(own, numeric.get(alias))
                bounds[key] = value if isinstance(value, (int, float)) and not isinstance(
                    value, bool) else None
            integer = item.get("step") == 1
            if integer and any(b is not None and b != int(b) for b in bounds.values()):
                integer = False
            if bounds["min"] is not None and bounds["max"] is not None \
                    and bounds["min"] > bounds["max"]:
                bounds = {"min": None, "max": None}
            self.targets[name] = Target(code, "number")
            return [self.base(item, code, "numeric", settings=NumericSettings(
                integer=integer, **bounds))]
        if input_type == "date":
            self.targets[name] = Target(code, "date")
            return [self.base(item, code, "date")]
        if input_type not in ("text", "email", "tel", "url"):
            self.warn("sjs_input_type", title=code, input=input_type)
        return self.text_question(item, code, "text")

    def text_question(self, item: dict, code: str, kind: str) -> list[Question]:
        limit = item.get("maxLength")
        if limit is None:
            limit = next((v.get("maxLength") for v in item.get("validators", []) or []
                          if isinstance(v, dict) and v.get("type") == "text"), None)
        self.targets[str(item.get("name", code))] = Target(code, "text")
        return [self.base(item, code, kind, settings=TextSettings(
            limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0
            else None))]

    def make_comment(self, item: dict, code: str) -> list[Question]:
        return self.text_question(item, code, "long_text")

    def make_html(self, item: dict, code: str) -> list[Question]:
        self.left_out.append(f"{item.get('name')!r}: html")
        return [Question(code, "info", self.texts(item.get("html")))]

    def make_panel(self, item: dict, code: str) -> list[Question]:
        """A Kano panel written by ``export_surveyjs`` (other panels are flattened)."""
        return [Question(code, "info", self.plain(item.get("title")),
                         help=self.texts(item.get("description")))]
