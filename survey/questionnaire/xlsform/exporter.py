"""Questionnaire -> XLSForm xlsx that pyxform accepts (see the package docstring)."""
from __future__ import annotations

import hashlib
import io
import json
import warnings as python_warnings
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from survey.questionnaire.document import (
    DONT_KNOW, DONT_KNOW_LABEL, KANO_ANSWERS, KANO_DYSFUNCTIONAL_PROMPT, KANO_FUNCTIONAL_PROMPT,
    KANO_IMPORTANCE_PROMPT, NPS_HIGH_LABEL, NPS_LOW_LABEL, OTHER_CHOICE, OTHER_CODE,
    OTHER_SPECIFY, YES_NO_CHOICES, Choice, Question, Questionnaire, Texts,
)
from survey.questionnaire.jsonio import (
    binding_to_json, settings_to_json, texts_to_json, to_json,
)
from survey.questionnaire.types import TYPES
from survey.questionnaire.xlsform.common import QuestionnaireExportError, to_xlsform_expression

ZH, EN = "Chinese (zh)", "English (en)"

# --- export -----------------------------------------------------------------------------------

SURVEY_COLUMNS = (
    "type", "name", f"label::{ZH}", f"label::{EN}", f"hint::{ZH}", f"hint::{EN}", "required",
    "relevant", "constraint", f"constraint_message::{ZH}", f"constraint_message::{EN}",
    "appearance", "parameters", "xinsheng_type", "xinsheng_settings",
)
CHOICE_COLUMNS = ("list_name", "name", f"label::{ZH}", f"label::{EN}")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language",
                    "xinsheng_questionnaire")


@dataclass(frozen=True, slots=True)
class FormIdentity:
    """Which stored questionnaire and version an export is: its id and the version's number."""

    questionnaire_id: int
    version: int


def form_settings_identity(questionnaire: Questionnaire,
                           identity: FormIdentity | None) -> tuple[str, str]:
    """(form_id, version) of an export. ODK Central and Kobo treat two uploads with one form_id
    as the same form, so the form_id names the questionnaire and its version
    (``xinsheng_q<id>_v<number>_<digest>``) and ends with a digest of the document, which also
    tells apart two installs' questionnaires with the same id; without an identity (a document
    not stored) it is ``xinsheng_<digest>`` and the version is 1."""
    canonical = json.dumps(to_json(questionnaire), ensure_ascii=True, sort_keys=True,
                           separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    if identity is None:
        return f"xinsheng_{digest[:16]}", "1"
    return (f"xinsheng_q{identity.questionnaire_id}_v{identity.version}_{digest[:8]}",
            str(identity.version))


def _bilingual(column: str, texts: Texts) -> dict[str, str]:
    return {f"{column}::{ZH}": texts.zh, f"{column}::{EN}": texts.en}


def _dumps(value: object) -> str:
    """JSON for an xinsheng cell: ASCII-only, so no cell normalisation (pyxform turns U+00A0
    into a space) can alter it, and with '$' escaped, so pyxform never sees a '${' reference."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("$", "\\u0024")


def _scale_choices(question: Question) -> tuple[Choice, ...]:
    """The answer options an XLSForm client shows for a rating, NPS or matrix scale."""
    settings = question.settings
    if question.type == "nps":
        low, high, first, last, dont_know = NPS_LOW_LABEL, NPS_HIGH_LABEL, 0, 10, False
    else:
        low, high = settings.low_label, settings.high_label
        first, last, dont_know = settings.min, settings.max, settings.dont_know

    def label(value: int) -> Texts:
        end = low if value == first else high if value == last else Texts()
        return Texts(*(f"{value} {text}".strip() for text in (end.zh, end.en)))
    points = tuple(Choice(str(value), label(value)) for value in range(first, last + 1))
    return points + ((Choice(DONT_KNOW, DONT_KNOW_LABEL),) if dont_know else ())


def _export_choices(question: Question) -> tuple[Choice, ...]:
    if question.type in ("single_choice", "multiple_choice"):
        return question.choices + ((OTHER_CHOICE,) if question.settings.other else ())
    if question.type in ("rating", "nps", "matrix"):
        return _scale_choices(question)
    if question.type == "yes_no":
        return YES_NO_CHOICES
    if question.type == "kano":
        return KANO_ANSWERS
    if question.type == "ranking":
        return question.choices
    return ()


def _constant_sum_rows(question: Question, row: dict[str, str],
                       stored: dict[str, Any]) -> list[dict[str, str]]:
    """XLSForm has no constant sum: a group of whole numbers ≥ 0, the last of which checks
    that they add up to the total (ODK clients show its message); Xinsheng reads the group
    back as the constant sum it was."""
    total = question.settings.total
    names = [variable.code for variable in question.variables()]
    stored.update(required=question.required, validation=question.validation,
                  validation_message=texts_to_json(question.validation_message),
                  choices=[{"code": c.code, "label": texts_to_json(c.label)}
                           for c in question.choices])
    row.update(type="begin_group", appearance="field-list", required="",
               xinsheng_settings=_dumps(stored))
    total_check = " + ".join(f"coalesce(${{{name}}}, 0)" for name in names) + f" = {total}"
    message = Texts(f"合计必须为 {total}", f"The numbers must add up to {total}")
    parts = [{"type": "integer", "name": name, **_bilingual("label", choice.label),
              "required": "yes" if question.required else "",
              "constraint": f". >= 0 and . <= {total}" + (
                  f" and {total_check}" if index == len(names) - 1 else ""),
              **(_bilingual("constraint_message", message) if index == len(names) - 1 else {}),
              "xinsheng_type": "constant_sum_part"}
             for index, (name, choice) in enumerate(zip(names, question.choices))]
    return [row, *parts, {"type": "end_group"}]


def _question_rows(question: Question) -> list[dict[str, str]]:
    """The survey-sheet rows of one question (a group of rows for a matrix or Kano pair)."""
    code, settings = question.code, question.settings
    stored: dict[str, Any] = {"settings": settings_to_json(settings),
                              "binding": binding_to_json(question.binding),
                              "show_if": question.show_if, "validation": question.validation}
    row = {"name": code, **_bilingual("label", question.text), **_bilingual("hint", question.help),
           "required": "yes" if question.required else "",
           "relevant": to_xlsform_expression(question.show_if), "xinsheng_type": question.type}
    if question.type == "constant_sum":
        return _constant_sum_rows(question, row, stored)
    if question.type in ("matrix", "kano"):
        stored.update(required=question.required, validation=question.validation,
                      validation_message=texts_to_json(question.validation_message))
        row.update(type="begin_group", appearance="field-list", required="",
                   xinsheng_settings=_dumps(stored))
        child = {"required": "yes" if question.required else ""}
        if question.type == "matrix":
            parts = [{**child, "type": f"select_one {code}", "name": r.code,
                      **_bilingual("label", r.text), "xinsheng_type": "matrix_row",
                      "xinsheng_settings": _dumps({"binding": binding_to_json(r.binding)})}
                     for r in question.rows]
        else:
            attribute = settings.attribute
            prompts = [(f"{code}_f", KANO_FUNCTIONAL_PROMPT),
                       (f"{code}_d", KANO_DYSFUNCTIONAL_PROMPT)]
            parts = [{**child, "type": f"select_one {code}", "name": name,
                      **_bilingual("label", Texts(prompt.zh.format(attribute=attribute.zh),
                                                  prompt.en.format(attribute=attribute.en))),
                      "xinsheng_type": "kano_part"} for name, prompt in prompts]
            if settings.importance:
                parts.append({**child, "type": "integer", "name": f"{code}_imp",
                              **_bilingual("label", Texts(
                                  KANO_IMPORTANCE_PROMPT.zh.format(attribute=attribute.zh),
                                  KANO_IMPORTANCE_PROMPT.en.format(attribute=attribute.en))),
                              "constraint": ". >= 1 and . <= 9", "xinsheng_type": "kano_part"})
        return [row, *parts, {"type": "end_group"}]
    row.update(constraint=to_xlsform_expression(question.validation),
               **_bilingual("constraint_message", question.validation_message),
               xinsheng_settings=_dumps(stored))
    select = {"single_choice": "select_one", "rating": "select_one", "nps": "select_one",
              "yes_no": "select_one", "multiple_choice": "select_multiple"}
    plain = {"text": "text", "long_text": "text", "date": "date", "info": "note"}
    if question.type in TYPES:
        row.update(TYPES[question.type].xlsform_row(question))
    elif question.type in select:
        row["type"] = f"{select[question.type]} {code}"
        if question.type in ("rating", "nps"):
            row["appearance"] = "likert"
        if getattr(settings, "display", "") == "dropdown":
            row["appearance"] = "minimal"
        if getattr(settings, "randomize", False):
            row["parameters"] = "randomize=true"
    elif question.type == "numeric":
        row["type"] = "integer" if settings.integer else "decimal"
    else:
        row["type"] = plain[question.type]
        if question.type == "long_text":
            row["appearance"] = "multiline"
    rows = [row]
    if getattr(settings, "other", False):
        rows.append({"type": "text", "name": f"{code}_other", **_bilingual("label", OTHER_SPECIFY),
                     "relevant": f"selected(${{{code}}}, '{OTHER_CODE}')",
                     "xinsheng_type": "other_specify"})
    return rows


def _sheet(workbook: openpyxl.Workbook, title: str, columns: tuple[str, ...],
           rows: list[dict[str, str]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(columns, start=1):
            # Control characters other than tab and newlines cannot be stored in a worksheet.
            value = ILLEGAL_CHARACTERS_RE.sub("", row.get(column) or "")
            if value:
                cell = sheet.cell(row_number, column_number, value)
                cell.data_type = "s"  # always text: a label starting with "=" is no formula


def _check_exportable(questionnaire: Questionnaire) -> None:
    """XLSForm needs a label (or hint) on every question and matrix row."""
    for question in questionnaire.questions():
        if question.text.is_empty() and question.help.is_empty():
            raise QuestionnaireExportError(
                f"question {question.code!r} has no text in Chinese or English; XLSForm needs a "
                "label on every question")
        for row in question.rows:
            if row.text.is_empty():
                raise QuestionnaireExportError(
                    f"matrix {question.code!r} row {row.code!r} has no text in Chinese or "
                    "English; XLSForm needs a label on every row")


def export_xlsform(questionnaire: Questionnaire, *, identity: FormIdentity | None = None) -> bytes:
    """Return an .xlsx XLSForm (survey, choices, settings sheets) for ``questionnaire``.

    The settings sheet carries a ``form_id`` unique to the questionnaire (and to ``identity``,
    the stored questionnaire and version, when given) and a ``version`` (see
    ``form_settings_identity``).

    Labels go to ``label::Chinese (zh)`` and ``label::English (en)``; pages become groups;
    ``show_if``/``validation`` become ``relevant``/``constraint`` through the logic language.
    Every row also carries ``xinsheng_type`` and ``xinsheng_settings`` (JSON) so that
    ``import_xlsform`` rebuilds the questionnaire exactly. Raises ``logic.LogicError`` if an
    expression cannot be written in XLSForm, ``QuestionnaireExportError`` if a question or matrix
    row has no text at all or pyxform rejects the result (e.g. a label with a stray ``${``).
    """
    _check_exportable(questionnaire)
    survey_rows: list[dict[str, str]] = []
    choice_rows: list[dict[str, str]] = []
    for page in questionnaire.pages:
        survey_rows.append({"type": "begin_group", "name": page.code,
                            **_bilingual("label", page.title),
                            "relevant": to_xlsform_expression(page.show_if), "xinsheng_type": "page",
                            "xinsheng_settings": _dumps({"show_if": page.show_if})})
        for question in page.questions:
            survey_rows.extend(_question_rows(question))
            choice_rows.extend({"list_name": question.code, "name": choice.code,
                                **_bilingual("label", choice.label)}
                               for choice in _export_choices(question))
        survey_rows.append({"type": "end_group"})
    title = questionnaire.title.get(questionnaire.default_language) or questionnaire.title.zh \
        or questionnaire.title.en
    meta = {"title": texts_to_json(questionnaire.title),
            "description": texts_to_json(questionnaire.description),
            "kind": questionnaire.kind, "default_language": questionnaire.default_language}
    form_id, version = form_settings_identity(questionnaire, identity)
    settings = {"form_title": title.replace("${", "$ {"),  # exact title: xinsheng_questionnaire
                "form_id": form_id, "version": version,
                "default_language": ZH if questionnaire.default_language == "zh_CN" else EN,
                "xinsheng_questionnaire": _dumps(meta)}
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", SURVEY_COLUMNS, survey_rows)
    _sheet(workbook, "choices", CHOICE_COLUMNS, choice_rows)
    _sheet(workbook, "settings", SETTINGS_COLUMNS, [settings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _check_pyxform_accepts(buffer.getvalue())
    return buffer.getvalue()


def _check_pyxform_accepts(data: bytes) -> None:
    """Run pyxform on the exported workbook, so an export is never a form other tools reject."""
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")  # the caller gets bytes, not reader warnings
        try:
            convert(data, file_type=".xlsx")
        except PyXFormError as error:
            raise QuestionnaireExportError(
                f"pyxform does not accept this questionnaire as XLSForm: {error}. A text "
                "containing '${' is read as a reference to another question; rewrite it") from None
