"""LimeSurvey .lss -> Questionnaire (see the package docstring for the mapping)."""
from __future__ import annotations

import dataclasses
import html
import re
from collections import defaultdict
from pathlib import PurePath

import nh3

from survey.questionnaire import logic
from survey.questionnaire.document import (
    CHOICE_CODE_PATTERN, TITLE_MAX, DocumentError, Page, Question, Questionnaire, Texts,
)
from survey.questionnaire.limesurvey.conditions import conditions_to_relevance
from survey.questionnaire.limesurvey.expressions import (
    Target, Unmappable, is_always, translate_relevance,
)
from survey.questionnaire.limesurvey.languages import LanguagePlan, plan_languages
from survey.questionnaire.limesurvey.questions import QuestionMaker
from survey.questionnaire.limesurvey.structure import LssQuestion, LssSurvey, read_lss
from survey.questionnaire.limesurvey.types import KIND, TYPE_NAMES
from survey.questionnaire.notices import Notice, notice
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.xlsform.common import ImportResult, QuestionnaireImportError
from survey.questionnaire.xlsform.upload import MAX_UPLOAD_BYTES

#: Question attributes whose behaviour is not imported; a non-empty value gets a warning.
NOT_IMPORTED_ATTRIBUTES = {
    "array_filter": "array filter", "array_filter_exclude": "array filter exclusion",
    "em_validation_q": "validation expression", "em_validation_sq": "sub-question validation",
    "exclude_all_others": "exclusive option", "equation": "equation",
    "min_num_value_sgqa": "minimum from an answer", "max_num_value_sgqa": "maximum from an answer",
}
_CODE_CHARACTERS = re.compile(r"[^A-Za-z0-9_]")
_PIPING = re.compile(r"\{[^{}\s][^{}]*\}")
_XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<")


def looks_like_lss(data: bytes) -> bool:
    """True when ``data`` starts like XML and mentions LimeSurvey's document type (cheap test
    used to tell a .lss upload from other files)."""
    head = bytes(data[:4096])
    return bool(_XML_START.match(head)) and b"<LimeSurveyDocType" in head


def import_lss(data: bytes, *, filename: str) -> ImportResult:
    """Import a LimeSurvey survey structure file (.lss, LimeSurvey 2.x to 6.x).

    Returns the questionnaire and the warnings the designer must see: every element left out
    (unsupported question types, comments, hidden questions, validation, defaults, quotas,
    languages other than Chinese and English) and every relevance or condition that could not
    be mapped to the logic language (named with its expression). Raises
    ``QuestionnaireImportError`` naming the file when the bytes are not a LimeSurvey survey
    export, are larger than ``MAX_UPLOAD_BYTES``, or yield no question. Nothing is stored.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise QuestionnaireImportError(f"{filename}: expected the file's bytes, got "
                                       f"{type(data).__name__}")
    if not data:
        raise QuestionnaireImportError.of(notice("file_empty", file=filename))
    if len(data) > MAX_UPLOAD_BYTES:
        raise QuestionnaireImportError.of(notice(
            "file_too_large", file=filename, size=f"{len(data) / 1048576:.1f}",
            format="LimeSurvey", limit=MAX_UPLOAD_BYTES // 1048576))
    survey = read_lss(data, filename)
    try:
        return _Builder(survey, filename).result()
    except QuestionnaireImportError:
        raise
    except (DocumentError, logic.LogicError) as error:
        raise QuestionnaireImportError.of(notice("document_rule", file=filename,
                                                 error=error)) from None


def _plain(text: str) -> str:
    """A LimeSurvey HTML text as plain text (labels are escaped on display)."""
    stripped = nh3.clean(text.replace("<br", "\n<br").replace("</p>", "</p>\n"), tags=set())
    return re.sub(r"[ \t\r\f\v]+", " ", html.unescape(stripped)).strip()


def _plain_texts(texts: Texts) -> Texts:
    return Texts(_plain(texts.zh), _plain(texts.en))


def _title(texts: Texts) -> Texts:
    return Texts(texts.zh[:TITLE_MAX], texts.en[:TITLE_MAX])


class _Builder(QuestionMaker):
    """Builds the questionnaire page by page; the question types are mapped by
    ``QuestionMaker``."""

    def __init__(self, survey: LssSurvey, filename: str) -> None:
        self.survey, self.filename = survey, filename
        self.plan: LanguagePlan = plan_languages(survey.languages, survey.base_language)
        self.notices: list[Notice] = list(self.plan.warnings)
        self.used: set[str] = set()
        self.targets: dict[str, Target] = {}
        self.subquestions: dict[str, list[LssQuestion]] = defaultdict(list)
        for sub in sorted(survey.subquestions, key=lambda s: (s.scale, s.order)):
            self.subquestions[sub.parent].append(sub)
        self.titles = {q.qid: q.title for q in survey.questions}
        self.conditions = defaultdict(list)
        for condition in survey.conditions:
            self.conditions[condition.qid].append(condition)

    # helpers
    def warn(self, rule: str, *, detail: Notice | None = None, **values: object) -> None:
        self.notices.append(notice(rule, detail=detail, **values))

    def texts(self, localized: dict[str, str]) -> Texts:
        return _plain_texts(self.plan.texts(localized))

    def code(self, wanted: str, *, quiet: bool = False) -> str:
        code = _CODE_CHARACTERS.sub("_", wanted)[:64] or "q"
        if not re.match(r"[A-Za-z_]", code):
            code = ("q_" + code)[:64]
        base, number = code, 2
        while code in self.used:
            code = f"{base[:58]}_{number}"
            number += 1
        self.used.add(code)
        if code != wanted and not quiet:
            self.warn("code_renamed", wanted=wanted, code=code)
        return code

    def choice_code(self, wanted: str, question: str) -> str:
        if CHOICE_CODE_PATTERN.match(wanted):
            return wanted
        code = re.sub(r"[^A-Za-z0-9_.\-]", "_", wanted)[:64] or "_"
        self.warn("choice_renamed", question=question, wanted=wanted, code=code)
        return code

    # the questionnaire
    def result(self) -> ImportResult:
        survey = self.survey
        if survey.other_tables:
            self.warn("lss_tables_left_out", tables=", ".join(survey.other_tables))
        by_group: dict[str, list[LssQuestion]] = defaultdict(list)
        for question in sorted(survey.questions, key=lambda q: q.order):
            by_group[question.gid].append(question)
        group_ids = [group.gid for group in survey.groups]
        orphans = [gid for gid in by_group if gid not in group_ids]
        drafts: list[tuple[str, Texts, str, list[tuple[list[Question], LssQuestion]]]] = []
        for group in survey.groups:
            built = [(self.question(q), q) for q in by_group.get(group.gid, [])]
            drafts.append((group.gid, self.texts(group.names), group.relevance, built))
        for gid in orphans:
            self.warn("lss_orphan_group", group=gid)
            drafts.append((gid, Texts(), "", [(self.question(q), q) for q in by_group[gid]]))
        pages: list[Page] = []
        for number, (gid, title, relevance, built) in enumerate(drafts, start=1):
            questions = [self.with_show_if(question, source)
                         for made, source in built for question in made]
            if not questions:
                continue
            where = ("lss_group_relevance_dropped", {"group": title.en or title.zh or gid})
            show_if = self.show_if(relevance, [], where)
            pages.append(Page(self.code(f"page_{number}", quiet=True), _title(title),
                              tuple(questions), show_if))
        if not any(q.type != "info" for page in pages for q in page.questions):
            found = "; ".join(f"'{q.title}': {TYPE_NAMES.get(q.type, repr(q.type))}"
                              for q in survey.questions[:10]) or "none"
            raise QuestionnaireImportError.of(notice(
                "lss_nothing_to_ask", file=self.filename, count=len(survey.questions),
                found=found))
        title = self.texts(survey.titles)
        if title.is_empty():
            title = Texts(**{self.plan.default_slot: PurePath(self.filename).stem})
        questionnaire = Questionnaire(
            title=_title(title), pages=tuple(pages),
            default_language="zh_CN" if self.plan.default_slot == "zh" else "en")
        return ImportResult(sanitize_questionnaire(questionnaire),
                            tuple(item.text() for item in self.notices), tuple(self.notices))

    def show_if(self, relevance: str, conditions: list, where: tuple[str, dict]) -> str | None:
        expression = relevance
        try:
            if is_always(relevance) and conditions:
                expression = conditions_to_relevance(conditions, self.titles)
            if is_always(expression):
                return None
            return translate_relevance(expression, self.targets)
        except (Unmappable, logic.LogicError) as error:
            detail = error.notice if isinstance(error, Unmappable) \
                else notice("logic_rule", error=error)
            self.warn(where[0], expression=expression.strip(), detail=detail, **where[1])
            return None

    def with_show_if(self, question: Question, source: LssQuestion) -> Question:
        show_if = self.show_if(source.relevance, self.conditions.get(source.qid, []),
                               ("lss_relevance_dropped", {"title": source.title}))
        return dataclasses.replace(question, show_if=show_if) if show_if else question

    def question(self, source: LssQuestion) -> list[Question]:
        """The questions made from one LimeSurvey question ([] when it is left out)."""
        name = TYPE_NAMES.get(source.type, f"type {source.type!r}")
        treatment = KIND.get(source.type)
        if treatment is None:
            self.warn("lss_type_unsupported", title=source.title, type=name)
            return []
        self.check_left_out(source)
        try:
            return getattr(self, f"make_{treatment}")(source)
        except DocumentError as error:
            self.warn("question_not_imported", title=source.title, type=name, error=error)
            return []

    def check_left_out(self, source: LssQuestion) -> None:
        title = source.title
        if source.attributes.get("hidden", "0").strip() not in ("", "0"):
            self.warn("lss_hidden", title=title)
        if source.validation:
            self.warn("lss_pattern_dropped", title=title, pattern=source.validation)
        for attribute, label in NOT_IMPORTED_ATTRIBUTES.items():
            value = source.attributes.get(attribute, "").strip()
            if value and value != "0":
                self.warn("lss_attribute_dropped", title=title, label=label, value=value,
                          attribute=attribute)
        for sub in self.subquestions.get(source.qid, []):
            if not is_always(sub.relevance):
                self.warn("lss_subquestion_relevance_dropped", title=title,
                          expression=sub.relevance.strip(), sub=sub.title)
        if any(_PIPING.search(text) for text in source.texts.values()):
            self.warn("lss_piping", title=title)
