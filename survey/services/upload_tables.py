"""Uploaded tables (CSV or XLSX) and the row-level report of what is wrong with them.

Shared by the invitation upload (``survey.services.invitations``) and the complaint-case import
(``survey.services.complaint_cases``): :func:`read_table` turns a file into a ``Table`` of
normalised columns and text cells; the value rules (language, dates, lengths, segment columns)
add ``RowProblem`` entries (``survey.services.upload_report``), each naming the row as a
spreadsheet shows it (the header is row 1), the column, the value and the rule, in Chinese and in
English. Segment columns follow the one rule of ``survey.services.segment_attributes`` (count,
name pattern, value length); an .xlsx passes ``survey.services.zip_guard`` before it is opened.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from survey.timezones import local_zone
from survey.services.segment_attributes import (
    KEY_PATTERN, MAX_ATTRIBUTES, MAX_KEY_LENGTH, MAX_VALUE_LENGTH,
)
from survey.services.upload_report import (  # noqa: F401 (RULE_MESSAGES, ImportReport: re-exported)
    RULE_MESSAGES, ImportReport, Language, RowProblem, UploadError,
)
from survey.services.zip_guard import ArchiveRejected, ZipLimits, check_archive

#: Largest accepted upload (bytes); the view may pass a smaller limit.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Most data rows in one upload.
MAX_ROWS = 50_000
#: Most lines (header, data and blank rows) read from one upload.
MAX_LINES = 2 * MAX_ROWS
MAX_SEGMENT_VALUE_LENGTH = MAX_VALUE_LENGTH
#: How far an uploaded .xlsx may unpack (a 5 MB workbook of 50,000 rows unpacks to ~25-65 MB).
XLSX_LIMITS = ZipLimits(max_total_bytes=100 * 1024 * 1024, max_member_bytes=100 * 1024 * 1024,
                        max_ratio=100)
MAX_REPORTED_PROBLEMS = 500
#: Values per IN (...) lookup (SQLite and psycopg cap the bound parameters of a statement).
LOOKUP_CHUNK = 1000

_SEGMENT_KEY = re.compile(KEY_PATTERN)

@dataclass(frozen=True, slots=True)
class UploadLimits:
    """The limits an upload page states: segment attribute columns besides ``known_columns``,
    the longest column name and value, and how far an .xlsx may unpack (MB)."""

    known_columns: tuple[str, ...]
    segment_columns: int
    name_length: int = MAX_KEY_LENGTH
    value_length: int = MAX_VALUE_LENGTH
    unpacked_megabytes: int = XLSX_LIMITS.max_total_bytes // (1024 * 1024)


@dataclass(frozen=True, slots=True)
class Table:
    """A parsed upload: normalised column names and ``(row number, {column: text})`` rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...] = field(default=())


# --- reading ----------------------------------------------------------------------------------

def normalise_column(name: object) -> str:
    """``' Current Value '`` → ``'current_value'``."""
    text = "" if name is None else str(name)
    return re.sub(r"[\s\-]+", "_", text.strip()).lower()


def cell_text(value: object) -> str:
    """A cell as trimmed text: dates in ISO form, whole floats without ``.0``, None as ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if (value.hour or value.minute) \
            else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


#: What a CSV may be written in: UTF-8 (Excel's "CSV UTF-8", with or without BOM), then GB18030 —
#: the superset of GBK that Chinese Excel writes for "CSV (逗号分隔)". Text that is neither fails on
#: its first byte that is not UTF-8. A file starting with a UTF-16 byte-order mark (Excel's
#: "Unicode text", tab-separated) is read as UTF-16.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
#: Separators a CSV may use; the header line decides (the one it holds most often; comma on a tie).
CSV_DELIMITERS = (",", ";", "\t")


def decode_csv(data: bytes) -> str:
    """The text of a CSV file in one of :data:`CSV_ENCODINGS` (or UTF-16 with its byte-order
    mark); UploadError ("encoding") naming the first byte that is not UTF-8 when none reads it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UploadError(RowProblem(0, "", f"byte {error.start}", "encoding")) from error
    try:
        return data.decode(CSV_ENCODINGS[0])
    except UnicodeDecodeError as first:
        for encoding in CSV_ENCODINGS[1:]:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise UploadError(RowProblem(0, "", f"byte {first.start}", "encoding")) from first


def csv_delimiter(text: str) -> str:
    """The separator of the header line: the one of :data:`CSV_DELIMITERS` it holds most often
    outside quotes (German or French Excel writes ";", "Unicode text" a tab)."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = [(header.count(d), -i, d) for i, d in enumerate(CSV_DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] else ","


def _csv_records(data: bytes) -> Iterator[list[str]]:
    text = decode_csv(data)
    if "\x00" in text:
        raise UploadError(RowProblem(0, "", f"character {text.index(chr(0)) + 1}", "nul"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UploadError(RowProblem(0, "", "", "unreadable", (("detail", str(exc)),))) from exc


# The archive rule that refused a workbook → the report's rule and its parameters.
_ARCHIVE_RULES = {"members": "zip_members", "member_size": "zip_size", "total_size": "zip_size",
                  "ratio": "zip_ratio", "overrun": "zip_overrun"}
# What openpyxl raises for a damaged workbook or sheet: a cut-off or invalid XML part is a
# SyntaxError (ElementTree's ParseError), a bad index or reference a LookupError/ValueError.
_XLSX_READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, SyntaxError, LookupError, ValueError, TypeError, EOFError, OSError,
    zlib.error,
)


def _unreadable(detail: str) -> UploadError:
    return UploadError(RowProblem(0, "", "", "unreadable", (("detail", detail),)))


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # imported when an .xlsx arrives, not at app start
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_archive(data, XLSX_LIMITS)
    except ArchiveRejected as exc:
        if exc.rule == "not_zip":
            raise _unreadable("not an Excel .xlsx workbook") from exc
        if exc.rule not in _ARCHIVE_RULES:
            raise _unreadable(f"the workbook is damaged: {exc}") from exc
        raise UploadError(RowProblem(0, exc.member, str(exc.actual), _ARCHIVE_RULES[exc.rule],
                                     (("limit", str(exc.limit)), ("actual", str(exc.actual))))) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (*_XLSX_READ_ERRORS, InvalidFileException) as exc:
        raise _unreadable("not an Excel .xlsx workbook") from exc
    if not workbook.worksheets:
        workbook.close()
        raise _unreadable("the workbook has no sheet")
    sheet = workbook.worksheets[0]
    # The sheet's declared size is not trusted: "A1:XFD1048576" would pad every row to 16,384
    # cells and add a million rows. The header is as wide as its cells; rows are cut to it.
    sheet.reset_dimensions()
    try:
        header = [cell_text(v) for v in next(sheet.iter_rows(max_row=1, values_only=True), ())]
        yield header
        width = max((i + 1 for i, cell in enumerate(header) if cell), default=1)
        for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            yield [cell_text(v) for v in values]
    except _XLSX_READ_ERRORS as exc:
        raise _unreadable("the first sheet is damaged (cut off or not valid XML)") from exc
    finally:
        workbook.close()


def check_header(header: list[str], known_columns: Collection[str], limit: int) -> tuple[str, ...]:
    """The normalised header; raises :class:`UploadError` when it has more segment columns than
    ``limit`` (counted on the raw cells first, so a 200,000-column header costs one pass)."""
    filled = sum(1 for cell in header if cell.strip())
    known = set(known_columns)
    if filled > len(known) + limit:
        raise UploadError(_too_many_columns(filled, known_columns, limit))
    columns = tuple(normalise_column(c) for c in header)
    if sum(1 for c in columns if c and c not in known) > limit:
        raise UploadError(_too_many_columns(filled, known_columns, limit))
    return columns


def _too_many_columns(count: int, known_columns: Collection[str], limit: int) -> RowProblem:
    return RowProblem(1, "", str(count), "too_many_columns",
                      (("count", str(count)), ("limit", str(limit)),
                       ("known", ", ".join(known_columns) or "-")))


def read_table(filename: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES,
               known_columns: Collection[str] = (), max_segment_columns: int = MAX_ATTRIBUTES) -> Table:
    """Parse a CSV (UTF-8 or UTF-8 with BOM) or XLSX upload into a :class:`Table`.

    Columns other than ``known_columns`` are segment attributes; a header with more than
    ``max_segment_columns`` of them is refused before any data row is read. An .xlsx file passes
    the archive guard (``survey.services.zip_guard``) before openpyxl opens it. Blank rows are
    skipped; row numbers stay those of the file. Raises :class:`UploadError` for a file too
    large, of another format or encoding, unreadable, breaking an archive limit, empty, with too
    many columns or too many rows.
    """
    if len(data) > max_bytes:
        raise UploadError(RowProblem(0, "", f"{len(data)}", "too_large", (("limit", str(max_bytes)),)))
    name = filename.lower().strip()
    if name.endswith(".csv"):
        records = _csv_records(data)
    elif name.endswith(".xlsx"):
        records = _xlsx_records(data)
    else:
        raise UploadError(RowProblem(0, "", filename[-60:], "format"))
    with closing(records):
        header = next(records, None)
        if header is None or not any(c.strip() for c in header):
            raise UploadError(RowProblem(0, "", "", "empty"))
        columns = check_header(header, known_columns, max_segment_columns)
        rows = []
        for number, record in enumerate(records, start=2):
            if number > MAX_LINES:
                raise UploadError(RowProblem(0, "", f"> {MAX_LINES}", "too_many_rows",
                                             (("limit", str(MAX_ROWS)),)))
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            rows.append((number, {col: cells[i] if i < len(cells) else ""
                                  for i, col in enumerate(columns) if col}))
            if len(rows) > MAX_ROWS:
                raise UploadError(RowProblem(0, "", f"> {MAX_ROWS}", "too_many_rows",
                                             (("limit", str(MAX_ROWS)),)))
    if not rows:
        raise UploadError(RowProblem(0, "", "", "empty"))
    return Table(columns, tuple(rows))


def check_columns(table: Table, required: Iterable[str]) -> list[RowProblem]:
    """Header problems: required columns missing, names repeated or not usable as a code."""
    problems = [RowProblem(1, name, "", "missing_column") for name in required if name not in table.columns]
    seen: set[str] = set()
    for column in table.columns:
        if not column:
            continue
        if column in seen:
            problems.append(RowProblem(1, column[:80], column[:80], "duplicate_column"))
        elif not _SEGMENT_KEY.match(column):
            problems.append(RowProblem(1, column[:80], column[:80], "column_name"))
        seen.add(column)
    return problems


# --- value rules (shared with complaint cases) -------------------------------------------------

def normalise_language(value: str) -> Language | None:
    """``'zh'``, ``'zh-CN'``, ``'zh_CN'``, ``'中文'`` → ``'zh_CN'``; ``'en'``, ``'en-US'`` → ``'en'``."""
    text = value.strip()
    if text in ("中文", "简体中文"):
        return "zh_CN"
    base = text.replace("-", "_").split("_")[0].lower()
    return {"zh": "zh_CN", "en": "en"}.get(base)  # type: ignore[return-value]


def parse_datetime(value: str, zone: tzinfo | None = None) -> datetime | None:
    """``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM[:SS]`` or ISO 8601 → an aware UTC datetime. A time
    without an offset is read in ``zone`` (default: the organisation's, survey.timezones)."""
    text = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or local_zone())
    return parsed.astimezone(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """Datetimes read back from SQLite are naive UTC; make them aware for comparisons."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def check_length(problems: list[RowProblem], number: int, column: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.append(RowProblem(number, column, value[:80], "too_long", (("limit", str(limit)),)))


def segment_of(row: Mapping[str, str], known: Iterable[str], number: int,
               problems: list[RowProblem]) -> dict[str, str]:
    """The row's segment attributes: every non-empty cell of a column not in ``known``."""
    known = set(known)
    segment = {}
    for column, value in row.items():
        if column in known or not value:
            continue
        check_length(problems, number, column, value, MAX_SEGMENT_VALUE_LENGTH)
        segment[column] = value
    return segment
