"""Checking an uploaded XLSForm before pyxform reads it: size, a real workbook or UTF-8 CSV,
no zip bomb."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import PurePath

import xlrd

from survey.questionnaire.xlsform.common import QuestionnaireImportError

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


