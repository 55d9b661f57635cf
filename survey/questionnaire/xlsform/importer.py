"""XLSForm -> Questionnaire, through pyxform (see the package docstring)."""
from __future__ import annotations

import json
import warnings as python_warnings
import zipfile
from pathlib import PurePath
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from survey.questionnaire import logic
from survey.questionnaire.document import (
    SETTINGS_CLASS, Choice, DocumentError, MatrixRow,
    MultipleChoiceSettings, NumericSettings, Page, Question, Questionnaire, SingleChoiceSettings,
    TextSettings, Texts,
)
from survey.questionnaire.jsonio import (
    binding_from_json, settings_from_json, texts_from_json,
)
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.types import TYPES, XLSFORM_TYPES
from survey.questionnaire.xlsform.choices import ChoiceReader, or_other_base, or_other_selects
from survey.questionnaire.xlsform.common import ImportResult, QuestionnaireImportError, to_xlsform_expression
from survey.questionnaire.xlsform.dangling import (
    DROPPED_CONSEQUENCE, DROPPED_EXPRESSION, drop_unknown_references,
)
from survey.questionnaire.xlsform.languages import TextReader, plain_language_slot
from survey.questionnaire.xlsform.names import CodeNamer, names_in
from survey.questionnaire.xlsform.reshape import TEXT_FALLBACK_TYPES, media_files, unroll_loop
from survey.questionnaire.xlsform.upload import detect_file_type

_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"", "no", "false", "false()", "0"}
_TEXT_TYPES = {"text", "string"}
# Rows export_xlsform generates from one question; import regenerates them instead.
_GENERATED_MARKERS = ("other_specify", "matrix_row", "kano_part", "constant_sum_part")
_UNDERSTOOD_BIND_KEYS = {"relevant", "required", "constraint", "jr:constraintMsg", "type"}
_BOM = "\ufeff".encode()
# What the workbook readers under pyxform raise for a sheet whose XML is cut off or invalid
# (ElementTree's ParseError is a SyntaxError) once the archive itself has passed the ZIP guard.
_SHEET_READ_ERRORS: tuple[type[BaseException], ...] = (SyntaxError, zipfile.BadZipFile, EOFError)
# pyxform inserts these for a table-list group; they are layout, not designer content.
_TABLE_LIST_HEADER_PREFIX = "reserved_name_for_field_list_labels_"



# --- import -----------------------------------------------------------------------------------

def import_xlsform(data: bytes, *, filename: str) -> ImportResult:
    """Import an XLSForm upload (.xlsx, .xls or UTF-8 .csv, at most ``MAX_UPLOAD_BYTES``).

    Returns the questionnaire plus every warning from pyxform, from the workbook reader and from
    the mapping (elements left out, expressions dropped, settings ignored). Raises
    ``QuestionnaireImportError`` with a message naming the file and the problem when the upload
    is not a readable XLSForm, pyxform rejects it (e.g. "Duplicate column header: label"), the
    form breaks a document rule, or nothing in it can be answered in Xinsheng.
    """
    file_type = detect_file_type(data, filename)
    if file_type == ".csv" and data.startswith(_BOM):
        data = data[len(_BOM):]  # pyxform reads CSV as plain UTF-8: the BOM would name a sheet
    messages: list[str] = []
    with python_warnings.catch_warnings(record=True) as caught:
        python_warnings.simplefilter("always")
        try:
            converted = convert(bytes(data), warnings=messages, file_type=file_type)
            raw = get_xlsform(bytes(data), file_type=file_type)
        except PyXFormError as error:
            raise QuestionnaireImportError(f"{filename}: pyxform rejected the form: {error}") \
                from None
        except UnicodeDecodeError as error:
            raise QuestionnaireImportError(f"{filename}: the file is not UTF-8 text ({error})") \
                from None
        except _SHEET_READ_ERRORS as error:
            raise QuestionnaireImportError(
                f"{filename}: a sheet of the workbook is damaged (cut off or not valid XML: "
                f"{error}); save it again from Excel and retry") from None
    messages.extend(f"{warning.category.__name__}: {warning.message}" for warning in caught)
    try:
        importer = _Importer(converted._pyxform, raw, filename, messages)
        questionnaire = importer.questionnaire()
    except (DocumentError, logic.LogicError) as error:
        raise QuestionnaireImportError(f"{filename}: {error}") from None
    if not questionnaire.variables():
        raise QuestionnaireImportError(_nothing_to_answer(filename, importer.left_out))
    return ImportResult(sanitize_questionnaire(questionnaire), tuple(messages))


def _nothing_to_answer(filename: str, left_out: list[str]) -> str:
    """The refusal of a form from which no question that stores an answer was imported."""
    what = (f"every question was left out ({', '.join(left_out)})" if left_out
            else "it has no question, only notes or groups")
    return (f"{filename}: nothing in this form can be answered in Xinsheng: {what}. Add at least "
            "one question of a supported type (text, integer, decimal, date, select_one, "
            "select_multiple) and import it again")


def _stored_json(text: object, where: str) -> dict:
    """Read a JSON object written by ``export_xlsform`` into an xinsheng column."""
    if text is None or not str(text).strip():
        return {}
    try:
        value = json.loads(str(text))
    except json.JSONDecodeError as error:
        raise QuestionnaireImportError(f"{where}: the xinsheng column is not valid JSON ({error}); "
                                       "clear the cell or restore it from the export") from None
    if not isinstance(value, dict):
        raise QuestionnaireImportError(f"{where}: the xinsheng column must hold a JSON object, "
                                       f"got {value!r}")
    return value


def _is_true(value: object) -> bool | None:
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


class _Importer:
    """Walks pyxform's parsed form and builds a ``Questionnaire``; collects warnings."""

    def __init__(self, form: dict, raw: Any, filename: str, warnings: list[str]) -> None:
        self.form, self.filename, self.warnings = form, filename, warnings
        self.or_other = or_other_selects(form.get("children", []))
        settings_row = {str(key).strip().lower().replace(" ", "_"): value
                        for row in (raw.settings or ())[:1] for key, value in row.items()}
        self.form_title = settings_row.get("form_title", settings_row.get("title"))
        self.plain_slot = plain_language_slot(form)
        self.texts = TextReader(self.plain_slot, warnings).texts
        self.select_choices = ChoiceReader(form.get("choices", {}), raw.choices, self.texts,
                                           self.plain_slot, warnings).choices
        self.used_codes: set[str] = names_in(form.get("children", []))
        self.left_out: list[str] = []  # "'name' (type)" of every question left out
        self.names = CodeNamer(self.used_codes, warnings)
        self.names.rename_invalid(form.get("children", []))
        self.code = self.names.code

    # expressions
    def expression(self, text: object, name: str, column: str, *,
                   original: str | None = None) -> str | None:
        """Translate an XLSForm expression; keep ``original`` (exported by Xinsheng) when the
        workbook still holds exactly its translation, so unedited rules round-trip verbatim."""
        if text is None or not str(text).strip():
            return None
        if isinstance(original, str):
            try:
                if str(text) == to_xlsform_expression(original):
                    return original
            except logic.LogicError:
                pass  # a stored rule that no longer parses: use the workbook's text
        try:
            return logic.to_text(logic.from_xlsform(self.names.rewrite_references(str(text))))
        except logic.LogicError as error:
            self.warnings.append(
                f"'{name}': {DROPPED_EXPRESSION[column]} expression {str(text)!r} cannot be "
                f"written in Xinsheng's logic language ({error}); it was dropped, so "
                f"{DROPPED_CONSEQUENCE[column]}.")
            return None

    # structure
    def questionnaire(self) -> Questionnaire:
        stored = self.form.get("xinsheng_questionnaire")
        pages = self.pages(self.form.get("children", []))
        if stored:
            meta = _stored_json(stored, "the settings sheet's xinsheng_questionnaire")
            return Questionnaire(
                title=texts_from_json(meta.get("title", {}), "/settings/title"), pages=pages,
                description=texts_from_json(meta.get("description", {}), "/settings/description"),
                default_language=meta.get("default_language", "zh_CN"),
                kind=meta.get("kind", "custom"))
        pages = drop_unknown_references(pages, self.warnings)  # Xinsheng's own exports: as stored
        title = str(self.form_title or "").strip() or PurePath(self.filename).stem
        if "entity_version" in self.form:
            self.warnings.append("The entities sheet is not used by Xinsheng and was ignored.")
        return Questionnaire(title=Texts(**{self.plain_slot: title}), pages=pages,
                             default_language="zh_CN" if self.plain_slot == "zh" else "en")

    def pages(self, nodes: list[dict]) -> tuple[Page, ...]:
        pages: list[Page] = []
        loose: list[Question] = []
        for node in nodes:
            if node.get("type") == "group" and node.get("control", {}).get("bodyless"):
                continue  # pyxform's generated meta group (instanceID, entities)
            if self._is_section(node):
                if loose:
                    pages.append(self._auto_page(loose))
                    loose = []
                pages.extend(self.section_pages(node, inherited=None))
            else:
                loose.extend(self.question(node))
        if loose:
            pages.append(self._auto_page(loose))
        return tuple(pages)

    def _auto_page(self, questions: list[Question]) -> Page:
        number = 1
        while f"page_{number}" in self.used_codes:
            number += 1
        self.used_codes.add(f"page_{number}")
        return Page(f"page_{number}", Texts(), tuple(questions))

    @staticmethod
    def _is_section(node: dict) -> bool:
        """A group (not a matrix or Kano pair written by Xinsheng), a repeat or a loop."""
        kind = node.get("type")
        return kind in ("repeat", "loop") \
            or (kind == "group" and node.get("xinsheng_type") not in ("matrix", "kano", "constant_sum"))

    def section_pages(self, node: dict, *, inherited: str | None) -> list[Page]:
        """The pages of a group; a repeat is asked once, a loop once per column."""
        name = node.get("name", "")
        if node.get("type") == "repeat":
            self.warnings.append(
                f"Repeat '{name}' was imported once, as a page: Xinsheng questionnaires have no "
                "repeating sections, so its questions are asked one time.")
        if node.get("type") == "loop":
            groups = unroll_loop(node)
            self.warnings.append(
                f"Loop '{name}' was imported as one page per column "
                f"({', '.join(group['name'] for group in groups)}), its questions named "
                "<question>_<column>.")
            return [page for group in groups
                    for page in self.group_pages(group, inherited=inherited)]
        return self.group_pages(node, inherited=inherited)

    def group_pages(self, group: dict, *, inherited: str | None) -> list[Page]:
        """One page per group; a nested group becomes its own page after its parent's part."""
        name = self.code(str(group.get("name", "")))
        self.used_codes.add(name)
        relevant = group.get("bind", {}).get("relevant")
        if inherited and relevant:
            relevant = f"({inherited}) and ({relevant})"
        relevant = relevant or inherited
        title = self.texts(group.get("label"))
        stored = _stored_json(group.get("xinsheng_settings"), f"group '{name}'")
        show_if = self.expression(relevant, name, "relevant",
                                  original=None if inherited else stored.get("show_if"))
        pages: list[Page] = []
        part: list[Question] = []
        parts = 0
        for node in group.get("children", []):
            if self._is_section(node):
                if part or not pages:
                    pages.append(self._part(name, title, part, show_if, parts))
                    part, parts = [], parts + 1
                self.warnings.append(f"Group '{node.get('name')}' is inside group '{name}'; it "
                                     "was imported as a page of its own.")
                pages.extend(self.section_pages(node, inherited=relevant))
            else:
                part.extend(self.question(node))
        if part or not pages:
            pages.append(self._part(name, title, part, show_if, parts))
        return pages

    def _part(self, name: str, title: Texts, questions: list[Question], show_if: str | None,
              index: int) -> Page:
        code = name if index == 0 else f"{name}_{index + 1}"
        self.used_codes.add(code)
        return Page(code, title, tuple(questions), show_if)

    def question(self, node: dict) -> list[Question]:
        """Return the question for ``node`` ([] when it is left out or generated)."""
        kind, name = node.get("type", ""), str(node.get("name", ""))
        marker = node.get("xinsheng_type")
        if marker and marker not in SETTINGS_CLASS and marker not in _GENERATED_MARKERS:
            self.warnings.append(f"'{name}': xinsheng_type {marker!r} is unknown and was ignored.")
            marker = None
        if marker in _GENERATED_MARKERS \
                or name.startswith(_TABLE_LIST_HEADER_PREFIX) \
                or or_other_base(node) in self.or_other:
            return []
        if marker:
            return [self.marked_question(node, marker)]
        mapped = self.plain_type(node)
        if mapped is None:
            self.warnings.append(f"'{name}' has type '{kind}', which Xinsheng does not support; "
                                 "it was left out.")
            self.left_out.append(f"'{name}' ({kind})")
            return []
        question_type, settings = mapped
        choices = self.select_choices(node, settings)
        if question_type in ("single_choice", "multiple_choice", "ranking") and not choices:
            self.warnings.append(f"'{name}' takes its choices from {node.get('itemset')!r}, which "
                                 "is not in the uploaded form (an external file); it was left out.")
            self.left_out.append(f"'{name}' ({kind})")
            return []
        return [self.build(node, question_type, settings, choices)]

    def plain_type(self, node: dict) -> tuple[str, object] | None:
        kind = node.get("type", "")
        appearance = str(node.get("control", {}).get("appearance", "")).split()
        parameters = node.get("parameters")  # a dict for selects, left as text for others
        randomize = isinstance(parameters, dict) \
            and _is_true(parameters.get("randomize", "")) is True
        other = node.get("name") in self.or_other
        if kind == "select one":
            display = "dropdown" if {"minimal", "autocomplete"} & set(appearance) else "radio"
            return "single_choice", SingleChoiceSettings(display, other, randomize)
        if kind == "select all that apply":
            return "multiple_choice", MultipleChoiceSettings(other=other, randomize=randomize)
        if kind in ("integer", "int", "decimal"):
            return "numeric", NumericSettings(integer=kind != "decimal")
        if kind in _TEXT_TYPES or kind == "phone number":
            if kind == "phone number":
                self.warnings.append(f"'{node.get('name')}' (phone number) was imported as a "
                                     "short text question.")
            return ("long_text" if "multiline" in appearance else "text"), TextSettings()
        if kind in ("date", "note"):
            return ("date" if kind == "date" else "info"), None
        if kind in XLSFORM_TYPES:
            return XLSFORM_TYPES[kind], TYPES[XLSFORM_TYPES[kind]].settings_from_xlsform(node)
        if kind in TEXT_FALLBACK_TYPES:
            self.warnings.append(f"'{node.get('name')}' ({kind}) asks for {TEXT_FALLBACK_TYPES[kind]}"
                                 "; Xinsheng has no such question, so it was imported as a short "
                                 "text question the respondent types into.")
            return "text", TextSettings()
        return None

    def build(self, node: dict, question_type: str, settings: object,
              choices: tuple[Choice, ...] = (), rows: tuple[MatrixRow, ...] = (),
              extra: dict | None = None) -> Question:
        name = self.code(str(node.get("name", "")))
        bind = node.get("bind", {})
        extra = extra or {}
        for key in sorted(set(bind) - _UNDERSTOOD_BIND_KEYS):
            self.warnings.append(f"'{name}': the {key} setting is not supported and was ignored.")
        for key in ("default", "trigger"):
            if node.get(key):
                self.warnings.append(f"'{name}': the {key} {node[key]!r} is not supported and was "
                                     "ignored.")
        media = media_files(node)
        if media:
            self.warnings.append(f"'{name}': its media were not imported ({', '.join(media)}).")
        required = _is_true(bind.get("required", extra.get("required", "")))
        if required is None:
            self.warnings.append(f"'{name}': required {bind['required']!r} depends on other "
                                 "answers, which is not supported; the question is optional.")
        validation_message = extra.get("validation_message")
        return Question(
            code=name, type=question_type, text=self.texts(node.get("label")),
            help=self.texts(node.get("hint")), required=bool(required),
            show_if=self.expression(bind.get("relevant"), name, "relevant",
                                    original=extra.get("show_if")),
            validation=(extra["validation"] if "validation" in extra
                        else self.expression(bind.get("constraint"), name, "constraint",
                                             original=extra.get("stored_validation"))),
            validation_message=(texts_from_json(validation_message, f"/{name}/validation_message")
                                if validation_message is not None
                                else self.texts(bind.get("jr:constraintMsg"))),
            binding=extra.get("binding"), settings=settings, choices=choices, rows=rows)

    def marked_question(self, node: dict, marker: str) -> Question:
        """Rebuild a question written by ``export_xlsform`` from its xinsheng columns."""
        name = str(node.get("name", ""))
        stored = _stored_json(node.get("xinsheng_settings"), f"'{name}'")
        settings = settings_from_json(marker, stored.get("settings", {}), f"/{name}/settings")
        extra: dict[str, Any] = {"binding": binding_from_json(stored.get("binding"),
                                                               f"/{name}/binding"),
                                 "show_if": stored.get("show_if"),
                                 "stored_validation": stored.get("validation")}
        if marker in ("matrix", "kano", "constant_sum"):
            extra.update(required="yes" if stored.get("required") else "no",
                         validation=stored.get("validation"),
                         validation_message=stored.get("validation_message", {}))
        rows: tuple[MatrixRow, ...] = ()
        if marker == "matrix":
            rows = tuple(
                MatrixRow(str(child["name"]), self.texts(child.get("label")),
                          binding_from_json(_stored_json(child.get("xinsheng_settings"),
                                                         f"'{child['name']}'")
                                             .get("binding"), f"/{child['name']}/binding"))
                for child in node.get("children", []))
        choices = self.select_choices(node, settings) \
            if marker in ("single_choice", "multiple_choice", "ranking") else ()
        if marker == "constant_sum":
            choices = tuple(Choice(str(item.get("code")), texts_from_json(
                item.get("label", {}), f"/{name}/choices")) for item in stored.get("choices", [])
                if isinstance(item, dict))
        return self.build(node, marker, settings, choices, rows, extra)


