"""SurveyJS JSON -> Questionnaire (see the package docstring)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import PurePath
from typing import Any

from survey.questionnaire import logic
from survey.questionnaire.document import (
    CODE_PATTERN, TITLE_MAX, DocumentError, MatrixRow, Page, Question, Questionnaire, Texts,
)
from survey.questionnaire.jsonio import binding_from_json, settings_from_json
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.surveyjs.elements import ElementMaker, clean_code
from survey.questionnaire.surveyjs.exporter import MARKER
from survey.questionnaire.surveyjs.registered_elements import is_sum_check
from survey.questionnaire.surveyjs.expressions import Target, Unmappable, from_surveyjs, to_surveyjs
from survey.questionnaire.notices import Notice, notice
from survey.questionnaire.surveyjs.texts import texts_from_surveyjs
from survey.questionnaire.xlsform.common import ImportResult, QuestionnaireImportError
from survey.questionnaire.xlsform.upload import MAX_UPLOAD_BYTES
from survey.services.inbound_json import MAX_DEPTH, JsonRejected, load_json

#: Element properties whose behaviour is not imported; present and set, they get a warning.
NOT_IMPORTED = ("requiredIf", "enableIf", "defaultValue", "defaultValueExpression",
                "choicesVisibleIf", "choicesEnableIf", "choicesByUrl", "choicesFromQuestion",
                "readOnly", "correctAnswer", "showCommentArea", "hasComment",
                "showSelectAllItem", "hasSelectAll", "resetValueIf", "setValueIf")
SURVEY_NOT_IMPORTED = ("triggers", "calculatedValues", "completedHtmlOnCondition",
                       "navigateToUrlOnCondition")
#: Element properties that must be lists; any other value is read as an empty list.
_LIST_PROPERTIES = ("choices", "columns", "rows", "validators", "rateValues", "elements")
_UNSUPPORTED_TYPES = {"file", "imagepicker", "image", "signaturepad", "matrixdropdown",
                      "matrixdynamic", "paneldynamic", "expression"}


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
        raise QuestionnaireImportError.of(notice("file_empty", file=filename))
    if len(data) > MAX_UPLOAD_BYTES:
        raise QuestionnaireImportError.of(notice(
            "file_too_large", file=filename, size=f"{len(data) / 1048576:.1f}",
            format="SurveyJS", limit=MAX_UPLOAD_BYTES // 1048576))
    try:
        payload = load_json(bytes(data), max_bytes=MAX_UPLOAD_BYTES, max_depth=MAX_DEPTH)
    except JsonRejected as rejected:
        raise QuestionnaireImportError.of(notice(
            "json_rejected", file=filename, path=rejected.path, message=rejected.message,
            check=rejected.rule)) from None
    if not is_surveyjs(payload):
        raise QuestionnaireImportError.of(notice("not_surveyjs", file=filename))
    try:
        return _Builder(payload, filename).result()
    except QuestionnaireImportError:
        raise
    except (DocumentError, logic.LogicError) as error:
        raise QuestionnaireImportError.of(notice("document_rule", file=filename,
                                                 error=error)) from None


@dataclasses.dataclass
class _Draft:
    """A question whose show-if and validation wait until every name is known."""

    question: Question
    visible: str
    validation: str
    marker: dict


class _Builder(ElementMaker):
    """Builds the questionnaire page by page; element types are mapped by ``ElementMaker``."""

    def __init__(self, payload: dict, filename: str) -> None:
        self.payload, self.filename = payload, filename
        self.notices: list[Notice] = []
        self.left_out: list[str] = []  # the elements that ask nothing here, for a refusal
        self.ignored_languages: set[str] = set()
        self.used: set[str] = set()
        self.targets: dict[str, Target] = {}
        self.default_zh = str(payload.get("locale", "")).lower().startswith("zh")

    def warn(self, rule: str, *, detail: Notice | None = None, **values: object) -> None:
        self.notices.append(notice(rule, detail=detail, **values))

    def texts(self, value: object) -> Texts:
        texts = texts_from_surveyjs(value, self.ignored_languages)
        if self.default_zh and not isinstance(value, dict) and value is not None:
            texts = Texts(zh=str(value), en="")  # a plain string in a Chinese survey
        return texts

    def plain(self, value: object) -> Texts:
        return self.texts(value)

    def code(self, wanted: object, fallback: str, *, quiet: bool = False) -> str:
        wanted = str(wanted or "")
        code = clean_code(wanted, CODE_PATTERN, r"[^A-Za-z0-9_]") if wanted else fallback
        code = re.sub(r"_+", "_", code) if code != wanted else code
        if not code.strip("_") or not re.match(r"[A-Za-z_]", code):
            code = f"{fallback}_{code}".rstrip("_")[:64]
        base, number = code, 2
        while code in self.used:
            code = f"{base[:58]}_{number}"
            number += 1
        self.used.add(code)
        if wanted and code != wanted and not quiet:
            self.warn("code_renamed", wanted=wanted, code=code)
        return code

    # the questionnaire
    def result(self) -> ImportResult:
        payload = self.payload
        raw_pages = payload.get("pages")
        if not isinstance(raw_pages, list):
            raw_pages = [{"name": "page1", "elements": payload.get("elements", [])}]
        for key in SURVEY_NOT_IMPORTED:
            if payload.get(key):
                self.warn("sjs_survey_part_dropped", key=key)
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
            show_if = self.expression(str(page.get("visibleIf") or ""),
                                      ("sjs_page_visible_dropped", {"page": code}),
                                      original=marker.get("show_if"))
            pages.append(Page(code, Texts(title.zh[:TITLE_MAX], title.en[:TITLE_MAX]),
                              tuple(made), show_if))
        if not any(q.type != "info" for page in pages for q in page.questions):
            found = "; ".join(self.left_out[:10]) or "it has no questions"
            raise QuestionnaireImportError.of(notice("sjs_nothing_to_ask", file=self.filename,
                                                     found=found))
        title = self.plain(payload.get("title"))
        description = self.texts(payload.get("description"))
        if self.ignored_languages:
            self.warn("sjs_languages_left_out", languages=", ".join(sorted(self.ignored_languages)))
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
        return ImportResult(sanitize_questionnaire(questionnaire),
                            tuple(item.text() for item in self.notices), tuple(self.notices))

    def expression(self, text: str, where: tuple[str, dict[str, str]], *,
                   original: object = None, current: str = "") -> str | None:
        if not text.strip():
            return None
        if isinstance(original, str):
            try:
                if to_surveyjs(logic.parse(original), current=current) == text:
                    return original
            except (Unmappable, logic.LogicError):
                pass
        try:
            return from_surveyjs(text, self.targets)
        except (Unmappable, logic.LogicError) as error:
            detail = error.notice if isinstance(error, Unmappable) \
                else notice("logic_rule", error=error)
            self.warn(where[0], expression=text, detail=detail, **where[1])
            return None

    def resolve(self, draft: _Draft) -> Question:
        question, marker = draft.question, draft.marker
        where = {"title": question.code}
        show_if = self.expression(draft.visible, ("sjs_visible_dropped", where),
                                  original=marker.get("show_if"), current=question.code)
        validation = self.expression(draft.validation, ("sjs_validation_dropped", where),
                                     original=marker.get("validation"), current=question.code)
        return dataclasses.replace(question, show_if=show_if, validation=validation)

    def elements(self, items: list, inherited: str) -> list[_Draft]:
        drafts: list[_Draft] = []
        for item in items:
            if not isinstance(item, dict):
                self.warn("sjs_not_an_object", element=str(item)[:40])
                continue
            item = {key: value if key not in _LIST_PROPERTIES or isinstance(value, list) else []
                    for key, value in item.items()}
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
            self.warn("sjs_type_unsupported", title=name, type=kind)
            self.left_out.append(f"{name!r}: {kind}")
            return []
        for key in NOT_IMPORTED:
            if item.get(key) not in (None, False, "", []):
                self.warn("sjs_property_dropped", title=name, key=key)
        if item.get("visible") is False:
            self.warn("sjs_hidden", title=name)
        code = self.code(name, "q")
        try:
            made: list[Question] = getattr(self, f"make_{kind}")(item, code)
            made = [self.apply_marker(question, item, marker) for question in made]
        except DocumentError as error:
            self.warn("question_not_imported", title=name, type=kind, error=error)
            return []
        validation = ""
        for validator in item.get("validators", []) or []:
            validation = self.validator(validator, made[0], validation) if isinstance(
                validator, dict) else validation
        return [_Draft(question, visible, validation if index == 0 else "", marker)
                for index, question in enumerate(made)]

    def validator(self, validator: dict, question: Question, current: str) -> str:
        kind = validator.get("type")
        if is_sum_check(question, validator):
            return current  # the constant sum's own rule
        if kind == "expression" and not current:
            return str(validator.get("expression") or "")
        if kind == "numeric" and question.type == "numeric":
            return current  # read into the settings by make_text
        if kind == "text" and question.type in ("text", "long_text"):
            return current
        if kind == "answercount" and question.type == "multiple_choice":
            return current
        self.warn("sjs_validator_dropped", title=question.code, kind=kind)
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
        bindings = marker.get("rows") if isinstance(marker.get("rows"), dict) else {}
        rows = tuple(MatrixRow(row.code, row.text, binding_from_json(
            bindings.get(row.code), f"{where}/rows/{row.code}")) for row in question.rows)
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
