"""Checking an uploaded XLSForm before pyxform reads it: size, a real workbook (through the one
ZIP guard, ``survey.services.zip_guard``: no decompression bomb, no damaged member) or a UTF-8
CSV laid out as an XLSForm (a ``survey`` sheet with ``type`` and ``name`` columns)."""
from __future__ import annotations

import csv
import io
import struct
import zipfile
from pathlib import PurePath

import xlrd

from survey.questionnaire.xlsform.common import QuestionnaireImportError
from survey.services.zip_guard import ArchiveRejected, ZipLimits, check_archive

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: How far an XLSForm workbook may unpack.
XLSFORM_LIMITS = ZipLimits(max_total_bytes=MAX_UNCOMPRESSED_BYTES,
                           max_member_bytes=MAX_UNCOMPRESSED_BYTES)
#: The sheets pyxform reads from a CSV XLSForm (named in its first column).
CSV_SHEETS = ("survey", "choices", "settings", "external_choices", "entities", "osm")
_ARCHIVE_LIMIT_RULES = ("members", "member_size", "total_size", "ratio", "overrun")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# xlrd reports a damaged .xls through its own errors or, from its low-level reader, through
# assertions, lookups (indexes, keys, codec names), text decoding and struct unpacking that
# fail (found by fuzzing the fixtures).
_XLS_READ_ERRORS: tuple[type[BaseException], ...] = (
    xlrd.XLRDError, xlrd.compdoc.CompDocError, AssertionError, LookupError, UnicodeDecodeError,
    struct.error, EOFError,
)
# --- checking the upload ----------------------------------------------------------------------

def detect_file_type(data: bytes, filename: str) -> str:
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
        check_archive(data, XLSFORM_LIMITS)
    except ArchiveRejected as error:
        if error.rule in _ARCHIVE_LIMIT_RULES:
            raise QuestionnaireImportError(
                f"{filename}: the workbook breaks an archive limit: {error}") from None
        raise QuestionnaireImportError(f"{filename}: the workbook is damaged and cannot be opened "
                                       f"({error}); save it again from Excel and retry") from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
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
    try:
        _check_csv_layout(list(csv.reader(io.StringIO(text, newline=""))), filename)
    except csv.Error as error:
        raise QuestionnaireImportError(f"{filename}: the CSV cannot be read ({error})") from None


_CSV_LAYOUT = ("an XLSForm CSV names each sheet in its first column: a row 'survey', then a "
               "header row ',type,name,label' and one row per question")


def _check_csv_layout(rows: list[list[str]], filename: str) -> None:
    """Refuse a CSV that is not an XLSForm (e.g. an invitation list), naming what is missing."""
    sheet, headers = None, {}
    for number, row in enumerate(rows, start=1):
        first = row[0].strip().lower() if row else ""
        if sheet is None and not first and any(cell.strip() for cell in row):
            raise QuestionnaireImportError(
                f"{filename}: this CSV is not an XLSForm: row {number} has values before any "
                f"sheet is named; {_CSV_LAYOUT}")
        if first:
            if first not in CSV_SHEETS:
                raise QuestionnaireImportError(
                    f"{filename}: this CSV is not an XLSForm: it has no 'survey' sheet with "
                    f"'type' and 'name' columns (row {number} starts with "
                    f"{row[0].strip()[:40]!r}, which is not a sheet name: "
                    f"{', '.join(CSV_SHEETS)}); {_CSV_LAYOUT}")
            sheet = first
        content = [cell.strip().lower() for cell in row[1:]]
        if sheet is not None and sheet not in headers and any(content):
            headers[sheet] = content
    if "survey" not in headers:
        raise QuestionnaireImportError(
            f"{filename}: this CSV is not an XLSForm: it has no 'survey' sheet with a header "
            f"row; {_CSV_LAYOUT}")
    missing = [column for column in ("type", "name") if column not in headers["survey"]]
    if missing:
        raise QuestionnaireImportError(
            f"{filename}: the 'survey' sheet has no {' or '.join(repr(c) for c in missing)} "
            f"column; {_CSV_LAYOUT}")


