"""Reading a LimeSurvey structure file (.lss) into plain, version-independent rows.

A .lss file is XML: ``<document>`` holds one element per database table (``<groups>``,
``<questions>``, ``<subquestions>``, ``<answers>``, ``<conditions>``, ``<question_attributes>``,
``<surveys>``, ``<surveys_languagesettings>`` …), each with ``<rows><row><column>…``. LimeSurvey
up to 3.x (DBVersion < 400) writes texts into those rows, one row per language; LimeSurvey 4–6
writes them to ``<group_l10ns>``, ``<question_l10ns>`` and ``<answer_l10ns>``. :func:`read_lss`
reads both into :class:`LssSurvey`, whose texts are ``{language: text}`` maps.

The XML is parsed with ``defusedxml``: a DTD, entity declarations and external references are
refused (an upload is hostile until proven otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from survey.questionnaire.notices import notice
from survey.questionnaire.xlsform.common import QuestionnaireImportError

Localized = dict[str, str]


@dataclass(frozen=True, slots=True)
class LssAnswer:
    code: str
    sort_order: int
    scale: int
    texts: Localized


@dataclass(frozen=True, slots=True)
class LssQuestion:
    """A question or (with ``parent`` set) a sub-question; ``attributes`` holds the
    language-independent question attributes (``hidden``, ``maximum_chars`` …)."""

    qid: str
    parent: str
    gid: str
    type: str
    title: str
    order: int
    scale: int
    other: bool
    mandatory: bool
    relevance: str
    validation: str
    texts: Localized
    help: Localized
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LssCondition:
    qid: str
    cqid: str
    field_name: str
    method: str
    value: str
    scenario: str


@dataclass(frozen=True, slots=True)
class LssGroup:
    gid: str
    order: int
    relevance: str
    names: Localized


@dataclass(frozen=True, slots=True)
class LssSurvey:
    db_version: int
    base_language: str
    languages: tuple[str, ...]
    titles: Localized
    groups: tuple[LssGroup, ...]
    questions: tuple[LssQuestion, ...]
    subquestions: tuple[LssQuestion, ...]
    answers: dict[str, tuple[LssAnswer, ...]]
    conditions: tuple[LssCondition, ...]
    #: Tables present in the file that the import does not read (quotas, assessments …).
    other_tables: tuple[str, ...]


_READ_TABLES = {
    "LimeSurveyDocType", "DBVersion", "languages", "groups", "group_l10ns", "questions",
    "question_l10ns", "subquestions", "answers", "answer_l10ns", "conditions",
    "question_attributes", "surveys", "surveys_languagesettings",
    # structure-only tables that hold nothing a respondent sees
    "survey_url_parameters", "themes", "themes_inherited",
}


def _parse(data: bytes, filename: str) -> Element:
    try:
        return fromstring(bytes(data), forbid_dtd=True)
    except DefusedXmlException as error:
        raise QuestionnaireImportError.of(notice(
            "xml_forbidden", file=filename, error=type(error).__name__)) from None
    except ParseError as error:
        raise QuestionnaireImportError.of(notice("xml_unreadable", file=filename,
                                                 error=error)) from None


def _rows(root: Element, table: str) -> list[dict[str, str]]:
    section = root.find(table)
    if section is None:
        return []
    return [{child.tag: (child.text or "") for child in row}
            for row in section.findall("rows/row")]


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return default


def _localized(rows: list[dict[str, str]], key: str, column: str) -> dict[str, Localized]:
    found: dict[str, Localized] = {}
    for row in rows:
        found.setdefault(row.get(key, ""), {})[row.get("language", "")] = row.get(column, "")
    return found


def read_lss(data: bytes, filename: str) -> LssSurvey:
    """Read the tables of a .lss file. Raises ``QuestionnaireImportError`` naming the file when
    the bytes are not XML, hold a DTD or entities, or are not a LimeSurvey survey export."""
    root = _parse(data, filename)
    doc_type = (root.findtext("LimeSurveyDocType") or "").strip()
    if root.tag != "document" or not doc_type:
        raise QuestionnaireImportError.of(notice("not_limesurvey", file=filename))
    if doc_type != "Survey":
        raise QuestionnaireImportError.of(notice("lss_not_survey", file=filename,
                                                 doc_type=doc_type))
    db_version = _int(root.findtext("DBVersion") or "", 0)
    survey_rows = _rows(root, "surveys")
    listed = tuple(language.text.strip() for language in root.findall("languages/language")
                   if language.text and language.text.strip())
    base = (survey_rows[0].get("language", "") if survey_rows else "").strip() \
        or (listed[0] if listed else "")
    languages = tuple(dict.fromkeys((base, *listed))) if base else listed
    titles = {row.get("surveyls_language", ""): row.get("surveyls_title", "")
              for row in _rows(root, "surveys_languagesettings")}

    group_rows = _rows(root, "groups")
    group_names = _localized(_rows(root, "group_l10ns") or group_rows, "gid", "group_name")
    groups: dict[str, LssGroup] = {}
    for row in group_rows:
        gid = row.get("gid", "")
        if gid not in groups:
            groups[gid] = LssGroup(gid, _int(row.get("group_order", "")),
                                   row.get("grelevance", ""), group_names.get(gid, {}))

    l10n_rows = _rows(root, "question_l10ns")
    attributes: dict[str, dict[str, str]] = {}
    for row in _rows(root, "question_attributes"):
        if not row.get("language"):
            attributes.setdefault(row.get("qid", ""), {})[row.get("attribute", "")] = \
                row.get("value", "")

    def questions(table: str) -> tuple[LssQuestion, ...]:
        rows = _rows(root, table)
        source = l10n_rows or rows
        texts, helps = _localized(source, "qid", "question"), _localized(source, "qid", "help")
        seen: dict[tuple[str, int], LssQuestion] = {}
        for row in rows:
            qid, scale = row.get("qid", ""), _int(row.get("scale_id", ""))
            if (qid, scale) in seen:
                continue  # the same question in another language (LimeSurvey < 4)
            seen[(qid, scale)] = LssQuestion(
                qid=qid, parent=row.get("parent_qid", "0").strip() or "0",
                gid=row.get("gid", ""), type=row.get("type", "").strip(),
                title=row.get("title", "").strip(), order=_int(row.get("question_order", "")),
                scale=scale, other=row.get("other", "").strip().upper() == "Y",
                mandatory=row.get("mandatory", "").strip().upper() == "Y",
                relevance=row.get("relevance", ""), validation=row.get("preg", "").strip(),
                texts=texts.get(qid, {}),
                help=helps.get(qid, {}), attributes=attributes.get(qid, {}))
        return tuple(seen.values())

    all_questions = questions("questions")
    top = tuple(q for q in all_questions if q.parent == "0")
    subquestions = questions("subquestions") + tuple(q for q in all_questions if q.parent != "0")

    answer_rows = _rows(root, "answers")
    answer_texts = _localized(_rows(root, "answer_l10ns"), "aid", "answer")
    answers: dict[str, dict[tuple[str, int], LssAnswer]] = {}
    for row in answer_rows:
        key = (row.get("code", "").strip(), _int(row.get("scale_id", "")))
        options = answers.setdefault(row.get("qid", ""), {})
        if "aid" in row:
            texts = answer_texts.get(row["aid"], {})
        else:
            texts = {**(options[key].texts if key in options else {}),
                     row.get("language", ""): row.get("answer", "")}
        options[key] = LssAnswer(key[0], _int(row.get("sortorder", "")), key[1], texts)
    conditions = tuple(
        LssCondition(row.get("qid", ""), row.get("cqid", ""), row.get("cfieldname", ""),
                     row.get("method", "").strip() or "==", row.get("value", ""),
                     row.get("scenario", "1").strip() or "1")
        for row in _rows(root, "conditions"))
    other_tables = tuple(sorted(child.tag for child in root
                                if child.tag not in _READ_TABLES and len(child.findall("rows/row"))))
    return LssSurvey(
        db_version=db_version, base_language=base, languages=languages, titles=titles,
        groups=tuple(sorted(groups.values(), key=lambda g: g.order)), questions=top,
        subquestions=subquestions,
        answers={qid: tuple(sorted(options.values(), key=lambda a: (a.scale, a.sort_order)))
                 for qid, options in answers.items()},
        conditions=conditions, other_tables=other_tables)
