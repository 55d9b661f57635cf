"""Response exports: CSV, XLSX and SPSS .sav, streamed with memory that does not grow with the
number of responses.

Use::

    export = prepare_export(session, questionnaire_id, ExportOptions(version_ids=(3,), format="csv"))
    chunks = csv_chunks(engine, export)                 # bytes, for a streamed HTTP response
    write_xlsx(engine, export, path); write_sav(engine, export, path)   # temp file, then stream_file

Columns and labels: ``survey.services.export_columns``. Rows: ``survey.services.export_rows``.

* **CSV**: UTF-8 with a byte-order mark (Excel opens CJK text correctly), one header row of
  column names. Text cells that a spreadsheet would run as a formula — starting with ``=``,
  ``+``, ``-``, ``@`` (or their full-width forms), a tab, a carriage return or a line feed, or
  with whitespace or control characters before ``= + - @`` — get a leading ``'``; stored numbers
  (``-1``, ``2.5``) are written as numbers. ``values="labels"`` writes choice labels instead of
  codes.
* **XLSX**: a streaming SpreadsheetML writer (``survey.services.export_xlsx``) into a temporary
  file: sheet ``responses`` (more sheets ``responses_2``… past Excel's 1,048,575 data rows) and
  sheet ``labels`` (variable labels and value labels). Text is stored as inline strings, so text
  that looks like a formula is never a formula.
* **SAV**: see ``survey.services.export_sav``.

Stored values no format can carry (NaN, lone surrogates, NUL, whole numbers of more than 15
digits) are written by the rule of ``survey.services.export_values``.

"Don't know" answers are the code ``dont_know`` in CSV/XLSX (its label with ``values="labels"``)
and the user-missing value 99 (labelled) in .sav files.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import Questionnaire, QuestionnaireVersion, Response
from survey.questionnaire import document as doc
from survey.services.export_xlsx import MAX_DATA_ROWS as XLSX_MAX_DATA_ROWS
from survey.services.export_xlsx import XlsxWriter
from survey.services.export_columns import Column, ColumnPlan, Language, build_plan
from survey.services.export_values import FORMULA_STARTS, SKIPPABLE, formula_like
from survey.services.export_values import escape_formula as escape_formula  # one rule for every CSV
from survey.services.export_rows import (
    TIME_POSITIONS, RowReader, Selection, segment_keys, stream_rows, utc_naive,
)
from survey.services.questionnaires import version_document
from survey.services.workspaces import Scope, in_scope

ExportFormat = Literal["csv", "xlsx", "sav"]
ValueStyle = Literal["codes", "labels"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "sav")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}
BOM = "\ufeff".encode()
#: Called by a writer after each chunk of rows with the number of responses written so far.
Progress = Callable[[int], None]
FILE_CHUNK_BYTES = 256 * 1024


class ExportError(ValueError):
    """The export cannot be made as asked (unknown version, nothing to export…)."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to export: versions of one questionnaire, the format, the label language, whether
    partial responses are included, and (CSV/XLSX) codes or labels as cell values."""

    version_ids: tuple[int, ...]
    format: ExportFormat = "csv"
    language: Language = "zh_CN"
    include_partial: bool = False
    include_flagged: bool = False
    values: ValueStyle = "codes"


def options_to_json(options: ExportOptions) -> dict[str, Any]:
    """``options`` as JSON (what a file job keeps)."""
    return {"version_ids": list(options.version_ids), "format": options.format, "language": options.language,
            "include_partial": options.include_partial, "include_flagged": options.include_flagged,
            "values": options.values}


def options_from_json(data: dict[str, Any]) -> ExportOptions:
    """The options :func:`options_to_json` wrote; :class:`ExportError` names what is missing."""
    try:
        return ExportOptions(version_ids=tuple(int(v) for v in data["version_ids"]), format=data["format"],
                             language=data["language"], include_partial=bool(data["include_partial"]),
                             include_flagged=bool(data["include_flagged"]), values=data["values"])
    except (KeyError, TypeError, ValueError) as error:
        raise ExportError(f"stored export options {data!r} are not complete: {error!r}") from None


@dataclass(frozen=True, slots=True)
class PreparedExport:
    """A column plan and the rows it applies to, ready to be written in any format."""

    plan: ColumnPlan
    selection: Selection
    options: ExportOptions
    questionnaire_id: int
    filename_stem: str = field(default="responses")

    def filename(self) -> str:
        return f"{self.filename_stem}.{self.options.format}"


def exportable_versions(session: Session, questionnaire_id: int) -> list[QuestionnaireVersion]:
    """The versions of a questionnaire, newest first (drafts included: a draft may hold test
    responses)."""
    return list(session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(QuestionnaireVersion.number.desc())
    ))


def exportable_questionnaires(session: Session, scope: Scope = None) -> list[Questionnaire]:
    """Every questionnaire of the workspaces in ``scope`` (active first, then newest first) for
    the export index."""
    return list(session.scalars(
        select(Questionnaire).where(in_scope(Questionnaire.workspace_id, scope))
        .order_by(Questionnaire.status, Questionnaire.id.desc())
    ))


def response_counts(session: Session, questionnaire_id: int) -> dict[int, dict[str, int]]:
    """Version id → {'complete': n, 'partial': m} for a questionnaire (one grouped query)."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(Response.version_id, Response.status, func.count())
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .group_by(Response.version_id, Response.status)
    )
    for version_id, status, count in rows:
        counts.setdefault(version_id, {"complete": 0, "partial": 0})[status] = count
    return counts


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """Checked options: the rows they select, the chosen versions (newest first) and the file
    name, without the column plan (which reads every selected row's segment keys)."""

    selection: Selection
    versions: tuple[QuestionnaireVersion, ...]
    options: ExportOptions
    questionnaire_id: int
    filename_stem: str

    def filename(self) -> str:
        return f"{self.filename_stem}.{self.options.format}"


def check_export(session: Session, questionnaire_id: int, options: ExportOptions) -> ExportRequest:
    """Check the options and return what they select (cheap: no row is read).

    Raises :class:`ExportError` when no version is chosen, a version is not one of this
    questionnaire's, or the format, language or value style is unknown.
    """
    if options.format not in FORMATS:
        raise ExportError(f"format {options.format!r} is not one of {', '.join(FORMATS)}")
    if options.language not in ("zh_CN", "en"):
        raise ExportError(f"language {options.language!r} must be 'zh_CN' or 'en'")
    if options.values not in ("codes", "labels"):
        raise ExportError(f"values {options.values!r} must be 'codes' or 'labels'")
    if not options.version_ids:
        raise ExportError("choose at least one version to export")
    versions = {v.id: v for v in exportable_versions(session, questionnaire_id)}
    unknown = sorted(set(options.version_ids) - set(versions))
    if unknown:
        raise ExportError(f"version ids {unknown} do not belong to questionnaire {questionnaire_id}")
    chosen = tuple(sorted((versions[i] for i in set(options.version_ids)), key=lambda v: -v.number))
    selection = Selection({v.id: v.number for v in chosen}, include_partial=options.include_partial,
                          include_flagged=options.include_flagged)
    numbers = "-".join(str(v.number) for v in reversed(chosen))
    return ExportRequest(selection, chosen, options, questionnaire_id,
                         f"questionnaire-{questionnaire_id}-v{numbers}-{options.language}")


def prepare_export(session: Session, questionnaire_id: int, options: ExportOptions,
                   checked: ExportRequest | None = None) -> PreparedExport:
    """Check the options (unless ``checked`` is their :func:`check_export`), load the version
    documents and the segment keys, build the plan. Raises :class:`ExportError` as
    :func:`check_export` does."""
    request = checked or check_export(session, questionnaire_id, options)
    keys = segment_keys(session.get_bind(), request.selection)
    documents: Sequence[doc.Questionnaire] = [version_document(v) for v in request.versions]
    plan = build_plan(documents, segment_keys=keys, language=request.options.language)
    return PreparedExport(plan, request.selection, request.options, questionnaire_id, request.filename_stem)


# --- cells ------------------------------------------------------------------------------------

def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _label_maps(export: PreparedExport) -> list[tuple[int, dict[str, str]]]:
    """(column position, code → label) for the columns whose codes become labels."""
    if export.options.values != "labels":
        return []
    return [(i, labels) for i, column in enumerate(export.plan.columns)
            if column.source == "answer"
            and (labels := {code: label for code, label in column.value_labels if isinstance(code, str)})]


def _csv_time(value: datetime | str | None) -> str | None:
    if value.__class__ is str:
        return value[:19]  # SQLite: 'YYYY-MM-DD HH:MM:SS[.ffffff]', already UTC
    value = utc_naive(value)
    return None if value is None else value.isoformat(" ", "seconds")


def csv_cells(export: PreparedExport) -> Callable[[Sequence[Any]], list[Any]]:
    """A function from a selected row to its CSV cells (formula-like text escaped)."""
    reader = RowReader(export.plan.columns, export.selection)
    label_maps = _label_maps(export)
    starts = FORMULA_STARTS | SKIPPABLE  # a quick first test; formula_like decides

    def cells(row: Sequence[Any]) -> list[Any]:
        values = reader.values(row)
        for i in TIME_POSITIONS:
            values[i] = _csv_time(values[i])
        for i, labels in label_maps:
            value = values[i]
            if value.__class__ is str:
                values[i] = labels.get(value, value)
        return [v if v is None or (t := v.__class__) is int or t is float
                else (("'" + v if v and v[0] in starts and formula_like(v) else v) if t is str
                      else _json_text(v))
                for v in values]
    return cells


# --- CSV --------------------------------------------------------------------------------------

def csv_chunks(engine: Engine, export: PreparedExport) -> Iterator[bytes]:
    """The CSV file as a sequence of UTF-8 byte chunks (BOM first), one per chunk of rows."""
    return (chunk for chunk, _rows in _csv_chunks(engine, export))


def _csv_chunks(engine: Engine, export: PreparedExport) -> Iterator[tuple[bytes, int]]:
    """(bytes, responses in them) chunks of the CSV file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export.plan.names)
    yield BOM + buffer.getvalue().encode("utf-8"), 0
    cells = csv_cells(export)
    for rows in stream_rows(engine, export.selection):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([cells(row) for row in rows])
        yield buffer.getvalue().encode("utf-8"), len(rows)


def write_csv(engine: Engine, export: PreparedExport, path: str | os.PathLike[str],
              progress: Progress | None = None) -> int:
    """Write the CSV file (the bytes :func:`csv_chunks` streams) to ``path``; return the number
    of responses written."""
    written = 0
    with open(path, "wb") as handle:
        for chunk, rows in _csv_chunks(engine, export):
            handle.write(chunk)
            if rows:
                written += rows
                if progress is not None:
                    progress(written)
    return written


# --- XLSX -------------------------------------------------------------------------------------

def value_labels_text(column: Column) -> str:
    """Value labels as one line: ``1 = 很差; 5 = 很好``."""
    return "; ".join(f"{code} = {label}" for code, label in column.value_labels)


def write_xlsx(engine: Engine, export: PreparedExport, path: str | os.PathLike[str],
               progress: Progress | None = None) -> int:
    """Write the XLSX workbook to ``path``; return the number of responses written (reported to
    ``progress`` after each chunk of rows)."""
    writer = XlsxWriter(os.fspath(path))
    header = list(export.plan.names)
    writer.start_sheet("responses")
    writer.append(header)
    reader = RowReader(export.plan.columns, export.selection)
    label_maps = _label_maps(export)
    written, sheet_number = 0, 1
    for rows in stream_rows(engine, export.selection):
        for row in rows:
            if writer.rows_on_sheet > XLSX_MAX_DATA_ROWS:
                sheet_number += 1
                writer.start_sheet(f"responses_{sheet_number}")
                writer.append(header)
            values = reader.values(row)
            for i in TIME_POSITIONS:
                values[i] = utc_naive(values[i])
            for i, mapping in label_maps:
                value = values[i]
                if value.__class__ is str:
                    values[i] = mapping.get(value, value)
            writer.append([v if v is None or v.__class__ in _XLSX_PLAIN else _json_text(v) for v in values])
            written += 1
        if progress is not None:
            progress(written)
    writer.start_sheet("labels")
    _append_labels(writer, export)
    writer.close()
    return written


_XLSX_PLAIN = frozenset({int, float, str, datetime})


def _append_labels(sheet: Any, export: PreparedExport) -> None:
    english = export.plan.language == "en"
    sheet.append(["variable", "label", "value labels"] if english else ["变量", "标签", "取值标签"])
    for column in export.plan.columns:
        sheet.append([column.name, column.label, value_labels_text(column)])


# --- files ------------------------------------------------------------------------------------

def write_export_file(engine: Engine, export: PreparedExport, directory: str | None = None) -> Path:
    """Write an XLSX or SAV export to a new temporary file and return its path (the caller
    deletes it, e.g. through :func:`stream_file`)."""
    from survey.services.export_sav import write_sav

    writers = {"xlsx": write_xlsx, "sav": write_sav}
    if export.options.format not in writers:
        raise ExportError(f"{export.options.format!r} is streamed directly, not written to a file")
    handle, name = tempfile.mkstemp(suffix=f".{export.options.format}", prefix="xinsheng-export-", dir=directory)
    os.close(handle)
    path = Path(name)
    try:
        writers[export.options.format](engine, export, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def stream_file(path: Path, *, delete: bool = True) -> Iterator[bytes]:
    """The file's bytes in chunks; the file is removed when the stream ends or is closed."""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(FILE_CHUNK_BYTES):
                yield chunk
    finally:
        if delete:
            path.unlink(missing_ok=True)
