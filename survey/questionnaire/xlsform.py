"""XLSForm import (through pyxform) and export (xlsx through openpyxl).

``import_xlsform(data, filename=…)`` checks the upload (size, a real workbook or UTF-8 CSV), lets
pyxform parse and validate it, keeps pyxform's warnings for the designer, and maps the result
onto a ``Questionnaire``. It returns an ``ImportResult`` or raises ``QuestionnaireImportError``;
nothing is stored either way. ``export_xlsform(q)`` writes an xlsx workbook pyxform accepts. The
mapping both ways, including the ``xinsheng_type``/``xinsheng_settings`` columns that make the
round trip lossless, is documented in ``docs/questionnaire-json.md`` (section "XLSForm").
"""

from __future__ import annotations

import io
import json
import re
import struct
import warnings as python_warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import openpyxl
import xlrd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from survey.questionnaire import logic
from survey.questionnaire.document import (
    DONT_KNOW, DONT_KNOW_LABEL, KANO_ANSWERS, KANO_DYSFUNCTIONAL_PROMPT, KANO_FUNCTIONAL_PROMPT,
    KANO_IMPORTANCE_PROMPT, NPS_HIGH_LABEL, NPS_LOW_LABEL, OTHER_CHOICE, OTHER_CODE,
    OTHER_SPECIFY, SETTINGS_CLASS, YES_NO_CHOICES, Choice, DocumentError, MatrixRow,
    MultipleChoiceSettings, NumericSettings, Page, Question, Questionnaire, SingleChoiceSettings,
    TextSettings, Texts,
)
from survey.questionnaire.jsonio import (
    binding_from_json, binding_to_json, settings_from_json, settings_to_json, texts_from_json,
    texts_to_json,
)
from survey.questionnaire.sanitize import sanitize_questionnaire

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# xlrd reports a damaged .xls through its own errors or, from its low-level reader, through
# assertions, lookups (indexes, keys, codec names), text decoding and struct unpacking that
# fail (found by fuzzing the fixtures).
_XLS_READ_ERRORS: tuple[type[BaseException], ...] = (
    xlrd.XLRDError, xlrd.compdoc.CompDocError, AssertionError, LookupError, UnicodeDecodeError,
    struct.error, EOFError,
)
# zipfile reports a damaged archive through these (bad names, offsets, methods, deflate data).
_ZIP_READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, ValueError,
    EOFError, OSError,
)
_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"", "no", "false", "false()", "0"}
_TEXT_TYPES = {"text", "string"}
# Rows export_xlsform generates from one question; import regenerates them instead.
_GENERATED_MARKERS = ("other_specify", "matrix_row", "kano_part")
_UNDERSTOOD_BIND_KEYS = {"relevant", "required", "constraint", "jr:constraintMsg", "type"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# pyxform inserts these for a table-list group; they are layout, not designer content.
_TABLE_LIST_HEADER_PREFIX = "reserved_name_for_field_list_labels_"


class QuestionnaireImportError(DocumentError):
    """An uploaded XLSForm cannot be imported; the message says what to fix."""


class QuestionnaireExportError(DocumentError):
    """A questionnaire cannot be written as XLSForm yet; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """A successfully imported questionnaire and the warnings the designer must see."""

    questionnaire: Questionnaire
    warnings: tuple[str, ...]


# --- checking the upload ----------------------------------------------------------------------

def _detect_file_type(data: bytes, filename: str) -> str:
    """Return pyxform's file type ('.xlsx', '.xls', '.csv') after checking the bytes."""
    if not isinstance(data, (bytes, bytearray)):
        raise QuestionnaireImportError(f"{filename}: expected the file's bytes, got "
                                       f"{type(data).__name__}")
    if not data:
        raise QuestionnaireImportError(f"{filename}: the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise QuestionnaireImportError(
            f"{filename}: the file is {len(data) / 1048576:.1f} MB; XLSForm uploads are limited "
            f"to {MAX_UPLOAD_BYTES // 1048576} MB")
    if data.startswith(_XLSX_MAGIC):
        _check_xlsx(bytes(data), filename)
        return ".xlsx"
    if data.startswith(_XLS_MAGIC):
        _check_xls(bytes(data), filename)
        return ".xls"
    if PurePath(filename).suffix.lower() == ".csv":
        _check_csv(bytes(data), filename)
        return ".csv"
    raise QuestionnaireImportError(
        f"{filename}: this is not an Excel workbook; upload an XLSForm saved as .xlsx or .xls "
        "(or a UTF-8 .csv)")


def _check_xlsx(data: bytes, filename: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > MAX_UNCOMPRESSED_BYTES:
                raise QuestionnaireImportError(
                    f"{filename}: the workbook unpacks to {unpacked / 1048576:.0f} MB; the limit "
                    f"is {MAX_UNCOMPRESSED_BYTES // 1048576} MB")
            damaged = archive.testzip()
            names = set(archive.namelist())
    except _ZIP_READ_ERRORS as error:
        raise QuestionnaireImportError(f"{filename}: the workbook is damaged and cannot be opened "
                                       f"({error}); save it again from Excel and retry") from None
    if damaged is not None or "xl/workbook.xml" not in names:
        raise QuestionnaireImportError(f"{filename}: the workbook is damaged or is not an Excel "
                                       "file; save it again from Excel as .xlsx and retry")


def _check_xls(data: bytes, filename: str) -> None:
    try:
        xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=False)
    except _XLS_READ_ERRORS as error:
        raise QuestionnaireImportError(
            f"{filename}: the .xls workbook is damaged and cannot be read ({error}); save it "
            "again from Excel and retry") from None


def _check_csv(data: bytes, filename: str) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuestionnaireImportError(
            f"{filename}: the file is not UTF-8 text (byte {error.start + 1} is not valid UTF-8); "
            "save the CSV as 'CSV UTF-8' and retry") from None
    if "\x00" in text:
        raise QuestionnaireImportError(f"{filename}: the file contains NUL bytes, so it is not a "
                                       "CSV XLSForm")


# --- import -----------------------------------------------------------------------------------

def import_xlsform(data: bytes, *, filename: str) -> ImportResult:
    """Import an XLSForm upload (.xlsx, .xls or UTF-8 .csv, at most ``MAX_UPLOAD_BYTES``).

    Returns the questionnaire plus every warning from pyxform, from the workbook reader and from
    the mapping (elements left out, settings ignored). Raises ``QuestionnaireImportError`` with a
    message naming the file and the problem when the upload is not a readable XLSForm, pyxform
    rejects it (e.g. "Duplicate column header: label"), or the form breaks a document rule.
    """
    file_type = _detect_file_type(data, filename)
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
    messages.extend(f"{warning.category.__name__}: {warning.message}" for warning in caught)
    try:
        questionnaire = _Importer(converted._pyxform, raw, filename, messages).questionnaire()
    except (DocumentError, logic.LogicError) as error:
        raise QuestionnaireImportError(f"{filename}: {error}") from None
    return ImportResult(sanitize_questionnaire(questionnaire), tuple(messages))


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


def _language_slot(name: str) -> str | None:
    """Map an XLSForm language name ('English (en)', 'chinese', 'zh') to 'zh', 'en' or None."""
    code = re.search(r"\(\s*([A-Za-z]{2,3})", name)
    word = (code.group(1) if code else name).strip().lower()
    if word.startswith(("zh", "chinese", "中文", "简体", "繁體", "cn")):
        return "zh"
    if word.startswith(("en", "english")):
        return "en"
    return None


def _is_true(value: object) -> bool | None:
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


class _Importer:
    """Walks pyxform's parsed form and builds a ``Questionnaire``; collects warnings."""

    def __init__(self, form: dict, raw: Any, filename: str, warnings: list[str]) -> None:
        self.form, self.filename, self.warnings = form, filename, warnings
        self.choices: dict[str, list[dict]] = form.get("choices", {})
        self.or_other: set[str] = set()
        self._find_or_other(form.get("children", []))
        self.raw_choice_names: dict[str, set[str]] = {}
        for row in raw.choices or ():
            keys = {str(key).strip().lower().replace(" ", "_"): value for key, value in row.items()}
            self.raw_choice_names.setdefault(str(keys.get("list_name", "")).strip(), set()).add(
                str(keys.get("name", "")).strip())
        settings_row = {str(key).strip().lower().replace(" ", "_"): value
                        for row in (raw.settings or ())[:1] for key, value in row.items()}
        self.form_title = settings_row.get("form_title", settings_row.get("title"))
        self.ignored_languages: set[str] = set()
        self.plain_slot = self._plain_slot()
        self.used_codes: set[str] = set()
        self._collect_names(form.get("children", []))

    def _collect_names(self, nodes: list[dict]) -> None:
        for node in nodes:
            self.used_codes.add(str(node.get("name", "")))
            self._collect_names(node.get("children", []))

    # texts
    def _plain_slot(self) -> str:
        declared = _language_slot(str(self.form.get("default_language", "default")))
        if declared:
            return declared
        plain, explicit = [], set()

        def visit(value: object) -> None:
            if isinstance(value, str):
                plain.append(value)
            elif isinstance(value, dict):
                for language, text in value.items():
                    (plain.append(str(text)) if language == "default"
                     else explicit.add(_language_slot(language)))

        def walk(nodes: list[dict]) -> None:
            for node in nodes:
                visit(node.get("label"))
                visit(node.get("hint"))
                walk(node.get("children", []))
        walk(self.form.get("children", []))
        for items in self.choices.values():
            for item in items:
                visit(item.get("label"))
        if any(_CJK.search(text) for text in plain):
            return "zh"
        return "zh" if "zh" in explicit and "en" not in explicit else "en"

    def texts(self, value: object) -> Texts:
        """Turn a pyxform label (a string or {language: text}) into ``Texts``."""
        if value is None:
            return Texts()
        if not isinstance(value, dict):
            return Texts(**{self.plain_slot: str(value)})
        found: dict[str, str] = {}
        for language, text in value.items():
            slot = self.plain_slot if language == "default" else _language_slot(language)
            if slot is None:
                if language not in self.ignored_languages:
                    self.ignored_languages.add(language)
                    self.warnings.append(f"Language '{language}' is not Chinese or English; its "
                                         "texts were not imported.")
            elif language != "default" or slot not in found:
                found[slot] = str(text)
        return Texts(**found)

    # expressions
    def expression(self, text: object, name: str, column: str, *,
                   original: str | None = None) -> str | None:
        """Translate an XLSForm expression; keep ``original`` (exported by Xinsheng) when the
        workbook still holds exactly its translation, so unedited rules round-trip verbatim."""
        if text is None or not str(text).strip():
            return None
        if isinstance(original, str):
            try:
                if str(text) == _to_xlsform(original):
                    return original
            except logic.LogicError:
                pass  # a stored rule that no longer parses: use the workbook's text
        try:
            return logic.to_text(logic.from_xlsform(str(text)))
        except logic.LogicError as error:
            raise QuestionnaireImportError(
                f"'{name}': the {column} expression {text!r} cannot be imported ({error})"
            ) from None

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
            if node.get("type") == "group" and not node.get("xinsheng_type") in ("matrix", "kano"):
                if loose:
                    pages.append(self._auto_page(loose))
                    loose = []
                pages.extend(self.group_pages(node, inherited=None))
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

    def group_pages(self, group: dict, *, inherited: str | None) -> list[Page]:
        """One page per group; a nested group becomes its own page after its parent's part."""
        name = group.get("name", "")
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
            if node.get("type") == "group" and node.get("xinsheng_type") not in ("matrix", "kano"):
                if part or not pages:
                    pages.append(self._part(name, title, part, show_if, parts))
                    part, parts = [], parts + 1
                self.warnings.append(f"Group '{node.get('name')}' is inside group '{name}'; it "
                                     "was imported as a page of its own.")
                pages.extend(self.group_pages(node, inherited=relevant))
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
        if kind == "repeat":
            raise QuestionnaireImportError(f"repeat '{name}' cannot be imported: Xinsheng "
                                           "questionnaires have no repeating sections")
        marker = node.get("xinsheng_type")
        if marker and marker not in SETTINGS_CLASS and marker not in _GENERATED_MARKERS:
            self.warnings.append(f"'{name}': xinsheng_type {marker!r} is unknown and was ignored.")
            marker = None
        if marker in _GENERATED_MARKERS \
                or name.startswith(_TABLE_LIST_HEADER_PREFIX) or self._is_or_other_text(node):
            return []
        if marker:
            return [self.marked_question(node, marker)]
        mapped = self.plain_type(node)
        if mapped is None:
            self.warnings.append(f"'{name}' has type '{kind}', which Xinsheng does not support; "
                                 "it was left out.")
            return []
        question_type, settings = mapped
        return [self.build(node, question_type, settings, self.select_choices(node, settings))]

    def _find_or_other(self, nodes: list[dict]) -> None:
        """Find selects with pyxform's generated "specify other" text question after them."""
        selects = {node.get("name") for node in nodes if str(node.get("type")).startswith("select")}
        for node in nodes:
            if self._or_other_base(node) in selects:
                self.or_other.add(self._or_other_base(node))
            self._find_or_other(node.get("children", []))

    @staticmethod
    def _or_other_base(node: dict) -> str | None:
        name = str(node.get("name", ""))
        base = name[: -len("_other")]
        relevant = node.get("bind", {}).get("relevant")
        if node.get("type") == "text" and name.endswith("_other") \
                and relevant == f"selected(../{base}, '{OTHER_CODE}')":
            return base
        return None

    def _is_or_other_text(self, node: dict) -> bool:
        return self._or_other_base(node) in self.or_other

    def plain_type(self, node: dict) -> tuple[str, object] | None:
        kind = node.get("type", "")
        appearance = str(node.get("control", {}).get("appearance", "")).split()
        randomize = _is_true(node.get("parameters", {}).get("randomize", "")) is True
        other = node.get("name") in self.or_other
        if kind == "select one":
            display = "dropdown" if {"minimal", "autocomplete"} & set(appearance) else "radio"
            return "single_choice", SingleChoiceSettings(display, other, randomize)
        if kind == "select all that apply":
            return "multiple_choice", MultipleChoiceSettings(other=other, randomize=randomize)
        if kind in ("integer", "decimal"):
            return "numeric", NumericSettings(integer=kind == "integer")
        if kind in _TEXT_TYPES or kind == "phone number":
            if kind == "phone number":
                self.warnings.append(f"'{node.get('name')}' (phone number) was imported as a "
                                     "short text question.")
            return ("long_text" if "multiline" in appearance else "text"), TextSettings()
        if kind in ("date", "note"):
            return ("date" if kind == "date" else "info"), None
        return None

    def select_choices(self, node: dict, settings: object) -> tuple[Choice, ...]:
        list_name = node.get("itemset") or node.get("list_name")
        if not list_name:
            return ()
        if node.get("choice_filter"):
            self.warnings.append(f"'{node.get('name')}': the choice filter "
                                 f"{node['choice_filter']!r} is not supported; all choices are "
                                 "shown.")
        raw_names = self.raw_choice_names.get(list_name)
        result = []
        for item in self.choices.get(list_name, node.get("choices", [])):
            code = str(item.get("name", ""))
            if getattr(settings, "other", False) and code == OTHER_CODE:
                continue
            if raw_names is not None and code not in raw_names:
                continue  # added by pyxform for an or_other question sharing this list
            result.append(Choice(code, self.texts(item.get("label"))))
        return tuple(result)

    def build(self, node: dict, question_type: str, settings: object,
              choices: tuple[Choice, ...] = (), rows: tuple[MatrixRow, ...] = (),
              extra: dict | None = None) -> Question:
        name = str(node.get("name", ""))
        bind = node.get("bind", {})
        extra = extra or {}
        for key in sorted(set(bind) - _UNDERSTOOD_BIND_KEYS):
            self.warnings.append(f"'{name}': the {key} setting is not supported and was ignored.")
        for key in ("default", "trigger"):
            if node.get(key):
                self.warnings.append(f"'{name}': the {key} {node[key]!r} is not supported and was "
                                     "ignored.")
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
        if marker in ("matrix", "kano"):
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
            if marker in ("single_choice", "multiple_choice") else ()
        return self.build(node, marker, settings, choices, rows, extra)


# --- export -----------------------------------------------------------------------------------

ZH, EN = "Chinese (zh)", "English (en)"
SURVEY_COLUMNS = (
    "type", "name", f"label::{ZH}", f"label::{EN}", f"hint::{ZH}", f"hint::{EN}", "required",
    "relevant", "constraint", f"constraint_message::{ZH}", f"constraint_message::{EN}",
    "appearance", "parameters", "xinsheng_type", "xinsheng_settings",
)
CHOICE_COLUMNS = ("list_name", "name", f"label::{ZH}", f"label::{EN}")
SETTINGS_COLUMNS = ("form_title", "form_id", "default_language", "xinsheng_questionnaire")


def _bilingual(column: str, texts: Texts) -> dict[str, str]:
    return {f"{column}::{ZH}": texts.zh, f"{column}::{EN}": texts.en}


def _dumps(value: object) -> str:
    """JSON for an xinsheng cell: ASCII-only, so no cell normalisation (pyxform turns U+00A0
    into a space) can alter it, and with '$' escaped, so pyxform never sees a '${' reference."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("$", "\\u0024")


def _to_xlsform(expression: str | None) -> str:
    """XLSForm syntax of a logic-language expression ('' for None)."""
    return "" if expression is None else logic.to_xlsform(logic.parse(expression))


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
    return ()


def _question_rows(question: Question) -> list[dict[str, str]]:
    """The survey-sheet rows of one question (a group of rows for a matrix or Kano pair)."""
    code, settings = question.code, question.settings
    stored: dict[str, Any] = {"settings": settings_to_json(settings),
                              "binding": binding_to_json(question.binding),
                              "show_if": question.show_if, "validation": question.validation}
    row = {"name": code, **_bilingual("label", question.text), **_bilingual("hint", question.help),
           "required": "yes" if question.required else "",
           "relevant": _to_xlsform(question.show_if), "xinsheng_type": question.type}
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
    row.update(constraint=_to_xlsform(question.validation),
               **_bilingual("constraint_message", question.validation_message),
               xinsheng_settings=_dumps(stored))
    select = {"single_choice": "select_one", "rating": "select_one", "nps": "select_one",
              "yes_no": "select_one", "multiple_choice": "select_multiple"}
    plain = {"text": "text", "long_text": "text", "date": "date", "info": "note"}
    if question.type in select:
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


def export_xlsform(questionnaire: Questionnaire) -> bytes:
    """Return an .xlsx XLSForm (survey, choices, settings sheets) for ``questionnaire``.

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
                            "relevant": _to_xlsform(page.show_if), "xinsheng_type": "page",
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
    settings = {"form_title": title.replace("${", "$ {"),  # exact title: xinsheng_questionnaire
                "form_id": "xinsheng_questionnaire",
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
