"""Uploaded tables (CSV or XLSX) and the row-level report of what is wrong with them.

Shared by the invitation upload (``survey.services.invitations``) and the complaint-case import
(``survey.services.complaint_cases``): :func:`read_table` turns a file into a ``Table`` of
normalised columns and text cells; the value rules (language, dates, lengths, segment columns)
add ``RowProblem`` entries, each naming the row as a spreadsheet shows it (the header is row 1),
the column, the value and the rule, in Chinese and in English (``RULE_MESSAGES``).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

#: Largest accepted upload (bytes); the view may pass a smaller limit.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Most data rows in one upload.
MAX_ROWS = 50_000
MAX_SEGMENT_VALUE_LENGTH = 200
MAX_REPORTED_PROBLEMS = 500
#: Values per IN (...) lookup (SQLite and psycopg cap the bound parameters of a statement).
LOOKUP_CHUNK = 1000

Language = Literal["zh_CN", "en"]

_SEGMENT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# rule code → (Chinese, English); ``%(...)s`` placeholders are filled from the problem.
RULE_MESSAGES: Mapping[str, tuple[str, str]] = {
    "too_large": ("文件过大（上限 %(limit)s 字节）。", "The file is too large (limit %(limit)s bytes)."),
    "format": ("只接受 .csv 或 .xlsx 文件。", "Only .csv and .xlsx files are accepted."),
    "encoding": ("CSV 文件必须是 UTF-8 编码（可带 BOM）；请在 Excel 中另存为“CSV UTF-8”。",
                 "A CSV file must be UTF-8 (with or without BOM); in Excel use “CSV UTF-8”."),
    "unreadable": ("无法读取该文件：%(detail)s。", "The file cannot be read: %(detail)s."),
    "empty": ("文件没有标题行或数据行。", "The file has no header row or no data rows."),
    "too_many_rows": ("数据行过多（上限 %(limit)s 行）。", "Too many data rows (limit %(limit)s)."),
    "missing_column": ("缺少必需的列。", "A required column is missing."),
    "duplicate_column": ("列名重复。", "The column name appears twice."),
    "column_name": ("列名只能包含字母、数字和下划线，并以字母开头（最多 64 个字符）。",
                    "Column names may contain only letters, digits and '_', starting with a letter "
                    "(at most 64)."),
    "required": ("必填，不能为空。", "Required; must not be empty."),
    "too_long": ("过长（最多 %(limit)s 个字符）。", "Too long (at most %(limit)s characters)."),
    "language": ("语言必须是 zh_CN 或 en。", "The language must be zh_CN or en."),
    "email": ("不是有效的电子邮件地址。", "Not a valid e-mail address."),
    "date": ("日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM。",
             "Dates must look like YYYY-MM-DD or YYYY-MM-DD HH:MM."),
    "past": ("过期时间已过去。", "The expiry time is in the past."),
    "duplicate": ("在文件中重复出现（第 %(first)s 行已有）。",
                  "Appears twice in the file (first on row %(first)s)."),
    "already_invited": ("该客户已有尚未完成的邀请。", "This customer already has an open invitation."),
    "choice": ("必须是以下之一：%(allowed)s。", "Must be one of: %(allowed)s."),
    "before_opened": ("解决时间早于受理时间。", "The resolution time is before the opening time."),
    "resolved_at_required": ("已结案的案件需要解决时间。", "A closed case needs a resolution time."),
    "not_object": ("每条记录必须是一个 JSON 对象。", "Each record must be a JSON object."),
}


class UploadError(ValueError):
    """The file itself cannot be used (size, format, encoding); carries one report problem."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.message("en"))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One broken rule: ``row`` as a spreadsheet numbers it (header = 1; 0 for the whole file)."""

    row: int
    column: str
    value: str
    rule: str
    params: tuple[tuple[str, str], ...] = ()

    def message(self, language: Language | str = "en") -> str:
        chinese, english = RULE_MESSAGES[self.rule]
        template = chinese if str(language).startswith("zh") else english
        return template % dict(self.params) if self.params else template

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "rule": self.rule,
                "message_en": self.message("en"), "message_zh": self.message("zh_CN")}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import found (``problems``) and did (``created``/``updated``)."""

    rows: int
    problems: tuple[RowProblem, ...] = ()
    created: int = 0
    updated: int = 0
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "created": self.created, "updated": self.updated,
                "problems": [p.as_dict() for p in self.problems], "truncated": self.truncated}


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


def _csv_records(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(RowProblem(0, "", f"byte {exc.start}", "encoding")) from exc
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise UploadError(RowProblem(0, "", "", "unreadable", (("detail", str(exc)),))) from exc


def _xlsx_records(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # imported when an .xlsx arrives, not at app start
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise UploadError(RowProblem(0, "", "", "unreadable",
                                     (("detail", "not an Excel .xlsx workbook"),))) from exc
    try:
        sheet = workbook.worksheets[0]
        records = []
        for values in sheet.iter_rows(values_only=True):
            records.append([cell_text(v) for v in values])
            if len(records) > MAX_ROWS + 1:
                break
        return records
    finally:
        workbook.close()


def read_table(filename: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Table:
    """Parse a CSV (UTF-8 or UTF-8 with BOM) or XLSX upload into a :class:`Table`.

    Blank rows are skipped; row numbers stay those of the file. Raises :class:`UploadError` for
    a file too large, of another format or encoding, unreadable, empty or with too many rows.
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
    if not records or not any(c.strip() for c in records[0]):
        raise UploadError(RowProblem(0, "", "", "empty"))
    columns = tuple(normalise_column(c) for c in records[0])
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        rows.append((number, {col: cells[i] if i < len(cells) else ""
                              for i, col in enumerate(columns) if col}))
    if not rows:
        raise UploadError(RowProblem(0, "", "", "empty"))
    if len(rows) > MAX_ROWS:
        raise UploadError(RowProblem(0, "", str(len(rows)), "too_many_rows", (("limit", str(MAX_ROWS)),)))
    return Table(columns, tuple(rows))


def check_columns(table: Table, required: Iterable[str]) -> list[RowProblem]:
    """Header problems: required columns missing, names repeated or not usable as a code."""
    problems = [RowProblem(1, name, "", "missing_column") for name in required if name not in table.columns]
    seen: set[str] = set()
    for column in table.columns:
        if not column:
            continue
        if column in seen:
            problems.append(RowProblem(1, column, column, "duplicate_column"))
        elif not _SEGMENT_KEY.match(column):
            problems.append(RowProblem(1, column, column, "column_name"))
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


def parse_datetime(value: str) -> datetime | None:
    """``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM[:SS]`` or ISO 8601 → an aware datetime (naive = UTC)."""
    text = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


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
