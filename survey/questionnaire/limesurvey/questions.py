"""How each LimeSurvey question type becomes questions of the document (``types.KIND`` names
the treatment; one ``make_<treatment>`` method each). Mixed into the importer's builder, which
provides the language plan, the codes, the targets of expressions and the warnings."""
from __future__ import annotations

import re
from collections.abc import Callable

from survey.questionnaire.document import (
    OTHER_CODE, Choice, DocumentError, MatrixRow, MultipleChoiceSettings, NumericSettings,
    Question, ScaleSettings, SingleChoiceSettings, TextSettings, Texts,
)
from survey.questionnaire.limesurvey.expressions import Target
from survey.questionnaire.limesurvey.languages import LanguagePlan
from survey.questionnaire.limesurvey.structure import LssQuestion, LssSurvey
from survey.questionnaire.limesurvey.types import (
    FIXED_ARRAY_CHOICES, GENDER_CHOICES, MATRIX_SCALES, TYPE_NAMES,
)
from survey.questionnaire.types.ranking import RankingSettings


class QuestionMaker:
    """The question-type half of the importer (see the module docstring)."""

    survey: LssSurvey
    plan: LanguagePlan
    targets: dict[str, Target]
    subquestions: dict[str, list[LssQuestion]]
    warn: Callable[..., None]
    texts: Callable[[dict[str, str]], Texts]
    code: Callable[..., str]
    choice_code: Callable[[str, str], str]

    def base(self, source: LssQuestion, code: str, kind: str, **fields: object) -> Question:
        return Question(code=code, type=kind, text=self.texts(source.texts),
                        help=self.plan.texts(source.help),
                        required=source.mandatory and kind != "info", **fields)

    def answers(self, source: LssQuestion, scale: int = 0) -> tuple[Choice, ...]:
        return tuple(Choice(self.choice_code(answer.code, source.title), self.texts(answer.texts))
                     for answer in self.survey.answers.get(source.qid, ()) if answer.scale == scale)

    def rows(self, source: LssQuestion) -> list[LssQuestion]:
        rows = [sub for sub in self.subquestions.get(source.qid, []) if sub.scale == 0]
        if not rows:
            raise DocumentError("it has no sub-questions")
        if any(sub.scale != 0 for sub in self.subquestions.get(source.qid, [])):
            self.warn("lss_columns_dropped", title=source.title)
        return rows

    # one method per treatment (types.KIND)
    def make_single(self, source: LssQuestion, display: str = "radio") -> list[Question]:
        choices = self.answers(source)
        other = source.other
        if other and OTHER_CODE in {choice.code for choice in choices}:
            self.warn("other_code_taken", title=source.title, code=OTHER_CODE)
            other = False
        randomize = source.attributes.get("random_order", "0").strip() == "1"
        code = self.code(source.title)
        self.targets[source.title] = Target(code, "choice")
        if other:
            self.targets[f"{source.title}_other"] = Target(f"{code}_other", "text")
        return [self.base(source, code, "single_choice", choices=choices,
                          settings=SingleChoiceSettings(display, other, randomize))]

    def make_dropdown(self, source: LssQuestion) -> list[Question]:
        return self.make_single(source, "dropdown")

    def make_single_comment(self, source: LssQuestion) -> list[Question]:
        self.warn("lss_comment_dropped", title=source.title)
        return self.make_single(source)

    def make_multiple(self, source: LssQuestion) -> list[Question]:
        subs = self.rows(source)
        code = self.code(source.title)
        choices = tuple(Choice(self.choice_code(sub.title, source.title), self.texts(sub.texts))
                        for sub in subs)
        other = source.other and OTHER_CODE not in {c.code for c in choices}
        limits: dict[str, int | None] = {}
        available = len(choices) + other
        for name, attribute in (("min_selected", "min_answers"), ("max_selected", "max_answers")):
            value = source.attributes.get(attribute, "").strip()
            limits[name] = int(value) if value.isdigit() and 0 < int(value) <= available else None
            if value and limits[name] is None:
                self.warn("setting_dropped", title=source.title, setting=attribute, value=value)
        if limits["min_selected"] and limits["max_selected"] \
                and limits["min_selected"] > limits["max_selected"]:
            limits = {"min_selected": None, "max_selected": None}
        randomize = source.attributes.get("random_order", "0").strip() == "1"
        self.targets[source.title] = Target(code, "multi")
        for sub, choice in zip(subs, choices):
            self.targets[f"{source.title}_{sub.title}"] = Target(code, "multi_item", choice.code)
        if other:
            self.targets[f"{source.title}_other"] = Target(f"{code}_other", "text")
        return [self.base(source, code, "multiple_choice", choices=choices, settings=(
            MultipleChoiceSettings(other=other, randomize=randomize, **limits)))]

    def make_multiple_comment(self, source: LssQuestion) -> list[Question]:
        self.warn("lss_comments_dropped", title=source.title)
        return self.make_multiple(source)

    def matrix(self, source: LssQuestion, first: int, last: int,
               low: Texts = Texts(), high: Texts = Texts()) -> list[Question]:
        code = self.code(source.title)
        rows = []
        for sub in self.rows(source):
            row_code = self.code(f"{source.title}_{sub.title}")
            self.targets[f"{source.title}_{sub.title}"] = Target(row_code, "number")
            rows.append(MatrixRow(row_code, self.texts(sub.texts)))
        return [self.base(source, code, "matrix", rows=tuple(rows),
                          settings=ScaleSettings(first, last, low, high))]

    def make_matrix_5(self, source: LssQuestion) -> list[Question]:
        return self.matrix(source, 1, 5)

    def make_matrix_10(self, source: LssQuestion) -> list[Question]:
        return self.matrix(source, 1, 10)

    def make_flexible_array(self, source: LssQuestion) -> list[Question]:
        choices = self.answers(source)
        if any(answer.scale == 1 for answer in self.survey.answers.get(source.qid, ())):
            self.warn("lss_second_scale_dropped", title=source.title)
        codes = [choice.code for choice in choices]
        numbers = [int(code) for code in codes if code.isdigit()]
        if len(numbers) == len(codes) and numbers \
                and numbers == list(range(numbers[0], numbers[-1] + 1)) \
                and (numbers[0], numbers[-1]) in MATRIX_SCALES:
            if any(not choice.label.is_empty() for choice in choices[1:-1]):
                self.warn("lss_scale_ends_only", title=source.title, first=numbers[0],
                          last=numbers[-1])
            return self.matrix(source, numbers[0], numbers[-1], choices[0].label,
                               choices[-1].label)
        return self.per_row(source, "single_choice", choices=choices)

    def make_fixed_array(self, source: LssQuestion) -> list[Question]:
        return self.per_row(source, "single_choice", choices=FIXED_ARRAY_CHOICES[source.type])

    def make_multi_numeric(self, source: LssQuestion) -> list[Question]:
        return self.per_row(source, "numeric", settings=self.numeric_settings(source))

    def make_multi_text(self, source: LssQuestion) -> list[Question]:
        return self.per_row(source, "text", settings=self.text_settings(source))

    def per_row(self, source: LssQuestion, kind: str, **fields: object) -> list[Question]:
        """An information text with the question, then one question per sub-question."""
        rows = self.rows(source)
        name = TYPE_NAMES[source.type]
        self.warn("lss_per_row", title=source.title, type=name, kind=kind.replace("_", " "))
        stem = Question(code=self.code(source.title), type="info",
                        text=self.plan.texts(source.texts), help=self.plan.texts(source.help))
        target = {"single_choice": "choice", "numeric": "number", "text": "text"}[kind]
        made = [stem]
        for sub in rows:
            code = self.code(f"{source.title}_{sub.title}")
            self.targets[f"{source.title}_{sub.title}"] = Target(code, target)
            made.append(Question(code=code, type=kind, text=self.texts(sub.texts),
                                 required=source.mandatory, **fields))
        return made

    def numeric_settings(self, source: LssQuestion) -> NumericSettings:
        integer = source.attributes.get("num_value_int_only", "0").strip() == "1"
        bounds: dict[str, float | None] = {}
        for name, attribute in (("min", "min_num_value_n"), ("max", "max_num_value_n")):
            value = source.attributes.get(attribute, "").strip()
            try:
                number = float(value) if value else None
            except ValueError:
                number = None
            if number is not None and (number != number or abs(number) == float("inf")
                                       or (integer and number != int(number))):
                number = None
            if value and number is None:
                self.warn("setting_dropped", title=source.title, setting=attribute, value=value)
            bounds[name] = (int(number) if integer and number is not None else number)
        if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
            self.warn("lss_bounds_dropped", title=source.title)
            bounds = {"min": None, "max": None}
        return NumericSettings(integer=integer, **bounds)

    def text_settings(self, source: LssQuestion) -> TextSettings:
        value = source.attributes.get("maximum_chars", "").strip()
        if value and not (value.isdigit() and int(value) >= 1):
            self.warn("setting_dropped", title=source.title, setting="maximum_chars", value=value)
        return TextSettings(int(value) if value.isdigit() and int(value) >= 1 else None)

    def simple(self, source: LssQuestion, kind: str, target: str, **fields: object) -> list[Question]:
        code = self.code(source.title)
        if target:
            self.targets[source.title] = Target(code, target)
        return [self.base(source, code, kind, **fields)]

    def make_numeric(self, source: LssQuestion) -> list[Question]:
        return self.simple(source, "numeric", "number", settings=self.numeric_settings(source))

    def make_text(self, source: LssQuestion) -> list[Question]:
        return self.simple(source, "text", "text", settings=self.text_settings(source))

    def make_long_text(self, source: LssQuestion) -> list[Question]:
        return self.simple(source, "long_text", "text", settings=self.text_settings(source))

    def make_yes_no(self, source: LssQuestion) -> list[Question]:
        return self.simple(source, "yes_no", "yes_no")

    def make_gender(self, source: LssQuestion) -> list[Question]:
        return self.simple(source, "single_choice", "choice", choices=GENDER_CHOICES)

    def make_date(self, source: LssQuestion) -> list[Question]:
        """A date; a ``date_format`` with hours (``HH:MM``) asks a date and time, or a time of
        day when it has no day, month or year (lower-case ``mm`` is the month)."""
        written = source.attributes.get("date_format", "")
        if re.search(r"[HhMNis]", written.replace("mm", "")):
            kind = "datetime" if re.search(r"[dy]|mm", written) else "time"
            return self.simple(source, kind, "text")
        return self.simple(source, "date", "date")

    def make_ranking(self, source: LssQuestion) -> list[Question]:
        code = self.code(source.title)
        self.targets[source.title] = Target(code, "multi")
        return [self.base(source, code, "ranking", choices=self.answers(source),
                          settings=RankingSettings(
                              source.attributes.get("random_order", "0").strip() == "1"))]

    def make_info(self, source: LssQuestion) -> list[Question]:
        code = self.code(source.title)
        return [Question(code=code, type="info", text=self.plan.texts(source.texts),
                         help=self.plan.texts(source.help))]

    def make_rating_5(self, source: LssQuestion) -> list[Question]:
        return self.simple(source, "rating", "number", settings=ScaleSettings(1, 5))
