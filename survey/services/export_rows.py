"""Reading responses for an export: which rows, which segment keys, and one pass over them in
chunks, so memory does not grow with the number of responses.

Rows are read with one ``SELECT … ORDER BY id`` fetched in chunks on the driver's cursor (a
named server-side cursor on PostgreSQL, SQLite's stepping cursor), never as ORM objects.
Segment keys and the byte widths a .sav file needs are computed inside the database by one
query each. All reads here use raw driver connections: on SQLite they run in autocommit, so a
long export neither waits for nor holds the write lock (``survey.db`` begins every Session
transaction with BEGIN IMMEDIATE).
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from survey.services.export_columns import Column
from survey.services.export_values import MAX_NUMBER_DIGITS, clean_text, load_document

CHUNK_ROWS = 5_000
SEGMENT, ANSWERS = 7, 8


@dataclass(frozen=True, slots=True)
class Selection:
    """Which responses an export reads: these versions (id → version number), complete ones
    only unless ``include_partial``, and none marked as test or spam unless ``include_flagged``."""

    version_numbers: dict[int, int]
    include_partial: bool = False
    include_flagged: bool = False

    @property
    def statuses(self) -> tuple[str, ...]:
        return ("complete", "partial") if self.include_partial else ("complete",)

    def where_sql(self) -> str:
        """The WHERE clause; version ids are integers and statuses come from a fixed tuple, so
        both are safe to inline."""
        versions = ", ".join(str(int(v)) for v in sorted(self.version_numbers))
        statuses = ", ".join(f"'{s}'" for s in self.statuses)
        flagged = "" if self.include_flagged else " AND flag = ''"
        return f"WHERE version_id IN ({versions}) AND status IN ({statuses}){flagged}"


def _fetch_all(engine: Engine, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """A small read on a raw driver connection (autocommit on SQLite: it never waits for, or
    holds, the write lock that the app's sessions take with BEGIN IMMEDIATE)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()
            raw.rollback()
    finally:
        raw.close()


def count_rows(engine: Engine, selection: Selection, *, at_most: int | None = None) -> int:
    """How many responses ``selection`` reads (one COUNT on a raw connection); with ``at_most``,
    counting stops there (whether an export is larger than a threshold costs the threshold's
    rows, not the whole table's)."""
    if at_most is None:
        sql = f"SELECT count(*) FROM responses {selection.where_sql()}"
    else:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM responses {selection.where_sql()} LIMIT {int(at_most)}) AS upto"
    return int(_fetch_all(engine, sql)[0][0])


def _odd_documents(engine: Engine, selection: Selection) -> list[tuple[Any, Any]]:
    """(segment, answers) of the selected rows SQLite's JSON functions cannot measure as the
    export writes them (see :mod:`survey.services.export_values`): JSON text it refuses (NaN,
    Infinity), escaped surrogates, or runs of 16 digits; read by :func:`load_document`. Such
    rows cannot be stored in PostgreSQL's jsonb, where this is empty."""
    if engine.dialect.name == "postgresql":
        return []
    digits = "[0-9]" * (MAX_NUMBER_DIGITS + 1)
    odd = " OR ".join(f"{c} LIKE '%\\ud%' OR {c} GLOB '*{digits}*' OR NOT json_valid({c})"
                      for c in ("segment", "answers"))
    rows = _fetch_all(engine, f"SELECT segment, answers FROM responses {selection.where_sql()} AND ({odd})")
    return [tuple(load_document(d) if isinstance(d, str) else d for d in row) for row in rows]


def segment_keys(engine: Engine, selection: Selection) -> list[str]:
    """The union of the segment attribute keys of the selected responses, sorted (one query, and
    on SQLite one more for rows its JSON functions refuse). Keys are cleaned like values."""
    if engine.dialect.name == "postgresql":
        sql = (f"SELECT DISTINCT jsonb_object_keys(segment) FROM responses {selection.where_sql()} "
               "AND jsonb_typeof(segment) = 'object'")
        return sorted(clean_text(str(key)) for (key,) in _fetch_all(engine, sql))
    # Keys as bytes: an escaped lone surrogate comes out of SQLite as bytes that are not UTF-8.
    sql = (f"SELECT DISTINCT CAST(j.key AS BLOB) FROM (SELECT segment FROM responses "
           f"{selection.where_sql()} AND CASE WHEN json_valid(segment) THEN json_type(segment) END "
           "= 'object') AS r, json_each(r.segment) AS j")
    keys = {clean_text(bytes(key).decode("utf-8", "surrogatepass")) for (key,) in _fetch_all(engine, sql)}
    keys.update(key for segment, _answers in _odd_documents(engine, selection)
                if isinstance(segment, dict) for key in segment)
    return sorted(keys)


def text_byte_widths(engine: Engine, selection: Selection, columns: Sequence[Column]) -> dict[str, int]:
    """The longest UTF-8 value (in bytes) of each text answer or segment column, by one
    aggregate query in the database; 1 for a column with no value."""
    wanted = [c for c in columns if c.kind == "text" and c.source in ("answer", "segment")]
    if not wanted:
        return {}
    postgresql = engine.dialect.name == "postgresql"
    expressions, params = [], []
    for column in wanted:
        document = "segment" if column.source == "segment" else "answers"
        if postgresql:
            expressions.append(f"max(octet_length({document} ->> %s))")
            params.append(column.key)
        else:
            expressions.append(f"max(length(CAST(CASE WHEN json_valid({document}) THEN "
                               f"json_extract({document}, ?) END AS BLOB)))")
            params.append('$."' + column.key.replace('"', '""') + '"')
    (row,) = _fetch_all(engine, f"SELECT {', '.join(expressions)} FROM responses {selection.where_sql()}", params)
    widths = {column.name: max(int(width or 0), 1) for column, width in zip(wanted, row)}
    for segment, answers in _odd_documents(engine, selection):
        for column in wanted:
            document = segment if column.source == "segment" else answers
            value = document.get(column.key) if isinstance(document, dict) else None
            if value is not None:
                shown = segment_text(value) if column.source == "segment" else value
                size = len((shown if isinstance(shown, str) else str(shown)).encode("utf-8"))
                widths[column.name] = max(widths[column.name], size)
    return widths


def _rows_sql(selection: Selection, dialect: str) -> str:
    if dialect == "postgresql":
        # Text, not jsonb/timestamptz: json.loads on a str and a slice of a UTC string are
        # cheaper than psycopg's loaders (measured: a third of the export time).
        fields = ("to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
                  "to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
                  "segment::text, answers::text")
    else:
        fields = "started_at, submitted_at, segment, answers"
    return (f"SELECT id, version_id, status, channel, language, {fields} FROM responses "
            f"{selection.where_sql()} ORDER BY id")


def stream_rows(engine: Engine, selection: Selection, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Yield the selected responses in chunks of at most ``chunk_rows`` tuples, in id order:
    ``(id, version_id, status, channel, language, started_at, submitted_at, segment, answers)``.

    One query on the driver's own cursor (SQLAlchemy's row processing would cost a fifth of the
    time): a named server-side cursor on PostgreSQL, SQLite's stepping cursor. Both return the
    JSON documents as text (parsed by :class:`RowReader`) and the times as UTC text
    (``YYYY-MM-DD HH:MM:SS[.ffffff]``, read by :func:`utc_naive`). Closing the generator closes
    the cursor.
    """
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            cursor = raw.driver_connection.cursor(name="xinsheng_export")
            cursor.itersize = chunk_rows
        else:
            cursor = raw.cursor()
        try:
            cursor.execute(_rows_sql(selection, engine.dialect.name))
            while rows := cursor.fetchmany(chunk_rows):
                yield rows
        finally:
            cursor.close()
            raw.rollback()
    finally:
        raw.close()


def utc_naive(value: datetime | str | None) -> datetime | None:
    """A stored time as a naive UTC datetime (SQLite returns naive UTC, PostgreSQL aware)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def segment_text(value: Any) -> Any:
    """A segment value as text (numbers, booleans and objects become their JSON text)."""
    if value is None or value.__class__ is str:
        return value
    return json.dumps(value, ensure_ascii=False)


META_ORDER = ("response_id", "version", "status", "channel", "language", "started_at", "submitted_at")
TIME_POSITIONS = (5, 6)


class RowReader:
    """Turns a selected row into the list of raw cell values of a plan's columns, in order:
    response fields (times as stored), segment values (text), stored answers, and 1/0/None for
    multiple-choice flags, and the rank (1 = first) of each choice of a ranking. Written for speed:
    a few list comprehensions per row, no call per cell.
    """

    def __init__(self, columns: Sequence[Column], selection: Selection) -> None:
        kinds = [c.source for c in columns]
        meta = [c.key for c in columns if c.source == "meta"]
        if tuple(meta) != META_ORDER or kinds[:len(meta)] != ["meta"] * len(meta):
            raise ValueError("a plan starts with the response fields in their fixed order")
        segments = [c for c in columns if c.source == "segment"]
        if kinds[len(meta):len(meta) + len(segments)] != ["segment"] * len(segments):
            raise ValueError("a plan lists segment columns right after the response fields")
        answers = list(columns[len(meta) + len(segments):])
        self.numbers = selection.version_numbers
        self.segment_keys = [c.key for c in segments]
        self.answer_keys = [c.key for c in answers]
        self.flags = [(i, c.choice) for i, c in enumerate(answers) if c.source == "flag"]
        self.ranks = [(i, c.choice) for i, c in enumerate(answers) if c.source == "rank"]
        self.offset = len(meta) + len(segments)

    def values(self, row: Sequence[Any]) -> list[Any]:
        values = [row[0], self.numbers[row[1]], row[2], row[3], row[4], row[5], row[6]]
        if self.segment_keys:
            segment = row[SEGMENT]
            if segment.__class__ is str:
                segment = load_document(segment)
            if segment.__class__ is dict:
                values += [segment_text(segment.get(k)) for k in self.segment_keys]
            else:
                values += [None] * len(self.segment_keys)
        answers = row[ANSWERS]
        if answers.__class__ is str:
            answers = load_document(answers)
        if answers.__class__ is not dict:  # not an object (never written so, but never a 500)
            answers = {}
        part = [answers.get(k) for k in self.answer_keys]
        for i, choice in self.flags:
            value = part[i]
            if value is not None:
                part[i] = int(choice in value) if value.__class__ is list else int(value == choice)
        for i, choice in self.ranks:
            value = part[i]
            if value is not None:
                part[i] = value.index(choice) + 1 if value.__class__ is list and choice in value else None
        values += part
        return values
