"""SurveyJS JSON -> Questionnaire (see the package docstring)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import PurePath
from typing import Any

from survey.questionnaire import logic
from survey.questionnaire.document import (
    CHOICE_CODE_PATTERN, CODE_PATTERN, DONT_KNOW, OTHER_CODE, SCALE_RANGES, TITLE_MAX, Choice,
    DocumentError, MatrixRow, MultipleChoiceSettings, NumericSettings, Page, Question,
    Questionnaire, ScaleSettings, SingleChoiceSettings, TextSettings, Texts,
)
from survey.questionnaire.jsonio import binding_from_json, settings_from_json
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.surveyjs.exporter import MARKER
from survey.questionnaire.surveyjs.expressions import Target, Unmappable, from_surveyjs, to_surveyjs
from survey.questionnaire.surveyjs.texts import texts_from_surveyjs
from survey.questionnaire.xlsform.common import ImportResult, QuestionnaireImportError
from survey.questionnaire.xlsform.upload import MAX_UPLOAD_BYTES
from survey.services.inbound_json import MAX_DEPTH, JsonRejected, load_json

NONE_LABEL = Texts("以上都不是", "None")
#: Element properties whose behaviour is not imported; present and set, they get a warning.
NOT_IMPORTED = ("requiredIf", "enableIf", "defaultValue", "defaultValueExpression",
                "choicesVisibleIf", "choicesEnableIf", "choicesByUrl", "choicesFromQuestion",
                "readOnly", "correctAnswer", "showCommentArea", "hasComment",
                "showSelectAllItem", "hasSelectAll", "resetValueIf", "setValueIf")
SURVEY_NOT_IMPORTED = ("triggers", "calculatedValues", "completedHtmlOnCondition",
                       "navigateToUrlOnCondition")
_UNSUPPORTED_TYPES = {"file", "imagepicker", "image", "ranking", "signaturepad", "multipletext",
                      "matrixdropdown", "matrixdynamic", "paneldynamic", "expression", "slider"}


def is_surveyjs(payload: object) -> bool:
    """True when ``payload`` (parsed JSON) is shaped like a SurveyJS survey: an object with a
    ``pages`` list of page objects or a top-level ``elements`` list, and no Xinsheng schema."""
    if not isinstance(payload, dict) or "schema" in payload:
        return False
    pages = payload.get("pages")
    if isinstance(pages, list):
        return all(isinstance(page, dict) for page in pages)
    return isinstance(payload.get("elements"), list)


def import_surveyjs(data: bytes, *, filename: str) -> ImportResult:
    """Import a SurveyJS survey JSON (as saved by SurveyJS Creator or ``export_surveyjs``).

    Returns the questionnaire and the warnings: every element left out (types without an
    equivalent, validators, triggers, default values, languages other than Chinese and English)
    and every ``visibleIf`` that could not be written in the logic language. Raises
    ``QuestionnaireImportError`` naming the file when the bytes are not JSON (or break the
    inbound JSON limits), not a SurveyJS survey, or yield no question. Nothing is stored.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise QuestionnaireImportError(f"{filename}: expected the file's bytes, got "
                                       f"{type(data).__name__}")
    if not data:
        raise QuestionnaireImportError(f"{filename}: the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise QuestionnaireImportError(
            f"{filename}: the file is {len(data) / 1048576:.1f} MB; SurveyJS uploads are "
            f"limited to {MAX_UPLOAD_BYTES // 1048576} MB")
    try:
        payload = load_json(bytes(data), max_bytes=MAX_UPLOAD_BYTES, max_depth=MAX_DEPTH)
    except JsonRejected as rejected:
        raise QuestionnaireImportError(f"{filename}: {rejected.path}: {rejected.message} "
                                       f"(rule {rejected.rule})") from None
    if not is_surveyjs(payload):
        raise QuestionnaireImportError(
            f"{filename}: this JSON is not a SurveyJS survey: it needs a 'pages' list of page "
            "objects (or an 'elements' list) at the top")
    try:
        return _Builder(payload, filename).result()
    except (DocumentError, logic.LogicError) as error:
        raise QuestionnaireImportError(f"{filename}: {error}") from None


def _clean(wanted: str, pattern: re.Pattern[str], characters: str) -> str:
    return re.sub(characters, "_", wanted)[:64] if not pattern.match(wanted) else wanted


@dataclasses.dataclass
class _Draft:
    """A question whose show-if and validation wait until every name is known."""

    question: Question
    visible: str
    validation: str
    marker: dict


class _Builder:
    def __init__(self, payload: dict, filename: str) -> None:
        self.payload, self.filename = payload, filename
        self.warnings: list[str] = []
        self.ignored_languages: set[str] = set()
        self.used: set[str] = set()
        self.targets: dict[str, Target] = {}
        self.default_zh = str(payload.get("locale", "")).lower().startswith("zh")

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def texts(self, value: object) -> Texts:
        texts = texts_from_surveyjs(value, self.ignored_languages)
        if self.default_zh and not isinstance(value, dict) and value is not None:
            texts = Texts(zh=str(value), en="")  # a plain string in a Chinese survey
        return texts

    def plain(self, value: object) -> Texts:
        return self.texts(value)

    def code(self, wanted: object, fallback: str, *, quiet: bool = False) -> str:
        wanted = str(wanted or "")
        code = _clean(wanted, CODE_PATTERN, r"[^A-Za-z0-9_]") if wanted else fallback
        code = re.sub(r"_+", "_", code) if code != wanted else code
        if not code.strip("_") or not re.match(r"[A-Za-z_]", code):
            code = f"{fallback}_{code}".rstrip("_")[:64]
        base, number = code, 2
        while code in self.used:
            code = f"{base[:58]}_{number}"
            number += 1
        self.used.add(code)
        if wanted and code != wanted and not quiet:
            self.warn(f"The name {wanted!r} was changed to {code!r}: codes are unique and use "
                      "letters, digits and '_'.")
        return code

    # the questionnaire
    def result(self) -> ImportResult:
        payload = self.payload
        raw_pages = payload.get("pages")
        if not isinstance(raw_pages, list):
            raw_pages = [{"name": "page1", "elements": payload.get("elements", [])}]
        for key in SURVEY_NOT_IMPORTED:
            if payload.get(key):
                self.warn(f"The survey's {key} were not imported (Xinsheng has no equivalent).")
        drafts: list[tuple[dict, str, Texts, list[_Draft]]] = []
        for number, page in enumerate(raw_pages, start=1):
            code = self.code(page.get("name"), f"page_{number}", quiet=True)
            items = page.get("elements", page.get("questions", []))
            questions = self.elements(items if isinstance(items, list) else [], "")
            drafts.append((page, code, self.plain(page.get("title")), questions))
        pages = []
        for page, code, title, questions in drafts:
            made = [self.resolve(draft) for draft in questions]
            if not made:
                continue
            marker = page.get(MARKER) if isinstance(page.get(MARKER), dict) else {}
            show_if = self.expression(str(page.get("visibleIf") or ""), f"page {code!r}",
                                      "visibleIf", original=marker.get("show_if"))
            pages.append(Page(code, Texts(title.zh[:TITLE_MAX], title.en[:TITLE_MAX]),
                              tuple(made), show_if))
        if not any(q.type != "info" for page in pages for q in page.questions):
            raise QuestionnaireImportError(
                f"{self.filename}: no question could be imported from this SurveyJS survey "
                f"({'; '.join(self.warnings[-3:]) or 'it has no questions'})")
        title = self.plain(payload.get("title"))
        description = self.texts(payload.get("description"))
        if self.ignored_languages:
            self.warn(f"The texts in {', '.join(sorted(self.ignored_languages))} were not "
                      "imported: a questionnaire holds Chinese and English only.")
        if title.is_empty():
            title = Texts(**{"zh" if self.default_zh else "en": PurePath(self.filename).stem})
        marker = payload.get(MARKER) if isinstance(payload.get(MARKER), dict) else {}
        kind = marker.get("kind", "custom")
        questionnaire = Questionnaire(
            title=Texts(title.zh[:TITLE_MAX], title.en[:TITLE_MAX]), pages=tuple(pages),
            description=description,
            default_language="zh_CN" if self.default_zh or (title.zh and not title.en) else "en",
            kind=kind if kind in ("acsi", "kano", "complaint_followup", "nps", "custom")
            else "custom")
        return ImportResult(sanitize_questionnaire(questionnaire), tuple(self.warnings))

    def expression(self, text: str, where: str, field: str, *,
                   original: object = None) -> str | None:
        if not text.strip():
            return None
        if isinstance(original, str):
            try:
                current = where.split("'")[1] if where.startswith("question") else ""
                if to_surveyjs(logic.parse(original), current=current) == text:
                    return original
            except (Unmappable, logic.LogicError, IndexError):
                pass
        try:
            return from_surveyjs(text, self.targets)
        except (Unmappable, logic.LogicError) as error:
            self.warn(f"{where}: the {field} {text!r} cannot be written in the logic language "
                      f"({error}); it was dropped.")
            return None

    def resolve(self, draft: _Draft) -> Question:
        question, marker = draft.question, draft.marker
        where = f"question {question.code!r}"
        show_if = self.expression(draft.visible, where, "visibleIf",
                                  original=marker.get("show_if"))
        validation = self.expression(draft.validation, where, "validation",
                                     original=marker.get("validation"))
        return dataclasses.replace(question, show_if=show_if, validation=validation)

    def elements(self, items: list, inherited: str) -> list[_Draft]:
        drafts: list[_Draft] = []
        for item in items:
            if not isinstance(item, dict):
                self.warn(f"An element {str(item)[:40]!r} is not an object; it was left out.")
                continue
            marker = item.get(MARKER) if isinstance(item.get(MARKER), dict) else {}
            visible = str(item.get("visibleIf") or "")
            if inherited and visible:
                visible = f"({inherited}) and ({visible})"
            visible = visible or inherited
            if item.get("type") == "panel" and marker.get("type") != "kano":
                drafts.extend(self.elements(item.get("elements", []) or [], visible))
                continue
            drafts.extend(self.question(item, marker, visible))
        return drafts

    def question(self, item: dict, marker: dict, visible: str) -> list[_Draft]:
        kind, name = str(item.get("type", "")), str(item.get("name", ""))
        if kind in _UNSUPPORTED_TYPES or not hasattr(self, f"make_{kind}"):
            self.warn(f"{name!r} has the SurveyJS type {kind!r}, which Xinsheng does not "
                      "support; it was left out.")
            return []
        for key in NOT_IMPORTED:
            if item.get(key) not in (None, False, "", []):
                self.warn(f"{name!r}: its {key} was not imported.")
        if item.get("visible") is False:
            self.warn(f"{name!r} is hidden in SurveyJS; it was imported as a visible question.")
        code = self.code(name, "q")
        try:
            made: list[Question] = getattr(self, f"make_{kind}")(item, code)
            made = [self.apply_marker(question, item, marker) for question in made]
        except DocumentError as error:
            self.warn(f"{name!r} ({kind}) could not be imported ({error}); it was left out.")
            return []
        validation = ""
        for validator in item.get("validators", []) or []:
            validation = self.validator(validator, made[0], validation) if isinstance(
                validator, dict) else validation
        return [_Draft(question, visible, validation if index == 0 else "", marker)
                for index, question in enumerate(made)]

    def validator(self, validator: dict, question: Question, current: str) -> str:
        kind = validator.get("type")
        if kind == "expression" and not current:
            return str(validator.get("expression") or "")
        if kind == "numeric" and question.type == "numeric":
            return current  # read into the settings by make_text
        if kind == "text" and question.type in ("text", "long_text"):
            return current
        if kind == "answercount" and question.type == "multiple_choice":
            return current
        self.warn(f"'{question.code}': its {kind} validator was not imported.")
        return current

    def apply_marker(self, question: Question, item: dict, marker: dict) -> Question:
        """Restore what SurveyJS cannot hold from the ``xinsheng`` property of an export."""
        kind = marker.get("type")
        compatible = {question.type, *{"rating": ("nps",), "info": ("kano",)}.get(
            question.type, ())}
        if not marker or kind not in compatible:
            if question.validation_message.is_empty():
                message = next((v.get("text") for v in item.get("validators", []) or []
                                if isinstance(v, dict) and v.get("type") == "expression"), None)
                if message is not None:
                    question = dataclasses.replace(question,
                                                   validation_message=self.texts(message))
            return question
        where = f"/{question.code}/{MARKER}"
        settings = settings_from_json(kind, marker.get("settings", {}), f"{where}/settings")
        rows = tuple(MatrixRow(row.code, row.text, binding_from_json(
            (marker.get("rows") or {}).get(row.code), f"{where}/rows/{row.code}"))
            for row in question.rows)
        changes: dict[str, Any] = dict(
            type=kind, settings=settings, rows=rows,
            binding=binding_from_json(marker.get("binding"), f"{where}/binding"))
        if kind in ("info", "kano"):
            changes.update(required=bool(marker.get("required", False)),
                           help=self.texts(marker.get("help")) if kind == "info"
                           else question.help,
                           validation_message=self.texts(marker.get("validation_message")))
        else:
            message = next((v.get("text") for v in item.get("validators", []) or []
                            if isinstance(v, dict) and v.get("type") == "expression"), None)
            changes["validation_message"] = self.texts(message)
        if kind in ("nps", "kano"):
            changes["choices"] = ()
        return dataclasses.replace(question, **changes)

    # answers
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
            choice = _clean(wanted, CHOICE_CODE_PATTERN, r"[^A-Za-z0-9_.\-]") or "_"
            base, number = choice, 2
            while choice in used:
                choice = f"{base[:58]}_{number}"
                number += 1
            used.add(choice)
            if choice != wanted:
                self.warn(f"'{code}': the choice value {wanted!r} was changed to {choice!r}.")
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
            self.warn(f"'{code}': its 'other' item was not imported: a choice already has the "
                      f"value {OTHER_CODE!r}.")
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
            self.warn(f"'{code}': its limits on the number of choices were not imported.")
            return self.choice_question(item, code, "multiple_choice",
                                        MultipleChoiceSettings(**self.flags(item)))

    def make_tagbox(self, item: dict, code: str) -> list[Question]:
        return self.make_checkbox(item, code)

    def make_rating(self, item: dict, code: str) -> list[Question]:
        values = item.get("rateValues")
        if values:
            item = {**item, "choices": values}
            self.warn(f"'{code}': its rating values were imported as a single choice.")
            return self.make_radiogroup(item, code)
        first = item.get("rateMin", 1)
        step = item.get("rateStep", 1)
        last = item.get("rateMax", first + (item.get("rateCount", 5) - 1) * step
                        if isinstance(item.get("rateCount", 5), int) else 5)
        low, high = self.plain(item.get("minRateDescription")), \
            self.plain(item.get("maxRateDescription"))
        self.targets[str(item.get("name", code))] = Target(code, "number")
        if step == 1 and (first, last) in SCALE_RANGES:
            return [self.base(item, code, "rating", settings=ScaleSettings(first, last, low, high))]
        if not all(isinstance(x, (int, float)) for x in (first, last, step)) or step <= 0 \
                or (last - first) / step > 20:
            raise DocumentError(f"the scale {first!r}–{last!r} (step {step!r}) cannot be asked")
        self.warn(f"'{code}': the {first}–{last} scale is not a scale Xinsheng offers "
                  "(1–5, 1–7, 1–10, 0–10); it was imported as a single choice.")
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
        self.warn(f"'{code}': its columns are not a 1–5, 1–7, 1–10 or 0–10 scale; it was "
                  "imported as an information text followed by one single choice per row.")
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
            self.warn(f"'{code}': its input type {input_type!r} was imported as a short text.")
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
        return [Question(code, "info", self.texts(item.get("html")))]

    def make_panel(self, item: dict, code: str) -> list[Question]:
        """A Kano panel written by ``export_surveyjs`` (other panels are flattened)."""
        return [Question(code, "info", self.plain(item.get("title")),
                         help=self.texts(item.get("description")))]
