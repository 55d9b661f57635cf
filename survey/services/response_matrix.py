"""Bulk loading of answers into a DataFrame for analysis — never one ORM object per row.

Answers live in ``responses.answers`` (one JSON document per response) and the segment snapshot in
``responses.segment``. The requested columns are extracted inside the database (``->>`` on
PostgreSQL, ``json_extract`` on SQLite) and streamed out in one pass: PostgreSQL sends them with
``COPY ... TO STDOUT`` as CSV, which pandas' C parser reads; SQLite hands rows over in chunks.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
CHUNK_ROWS = 50_000


class ResponseLoadError(ValueError):
    """The requested variables or versions cannot be loaded as asked."""


def _check(codes: Sequence[str], version_ids: Sequence[int]) -> None:
    for code in codes:
        if not isinstance(code, str) or not _CODE.match(code):
            raise ResponseLoadError(f"{code!r} is not a valid answer-variable code (letters, digits, _)")
    if not version_ids or not all(isinstance(v, int) and not isinstance(v, bool) for v in version_ids):
        raise ResponseLoadError(f"version ids must be a non-empty list of integers, got {version_ids!r}")


def _column_sql(dialect: str, document: str, code: str, kind: str) -> str:
    if dialect == "postgresql":
        if kind == "numeric":
            return (f"CASE WHEN jsonb_typeof({document}->'{code}') = 'number' "
                    f"THEN ({document}->>'{code}')::float8 END")
        return (f"CASE WHEN jsonb_typeof({document}->'{code}') IN ('array', 'object') THEN NULL "
                f"ELSE {document}->>'{code}' END")
    if kind == "numeric":
        return (f"CASE WHEN json_type({document}, '$.{code}') IN ('integer', 'real') "
                f"THEN json_extract({document}, '$.{code}') END")
    return (f"CASE WHEN json_type({document}, '$.{code}') IN ('array', 'object') THEN NULL "
            f"ELSE CAST(json_extract({document}, '$.{code}') AS TEXT) END")


def load_responses(
    engine: Engine,
    *,
    version_ids: Sequence[int],
    numeric: Sequence[str] = (),
    text: Sequence[str] = (),
    segment_keys: Sequence[str] = (),
    submitted_from: datetime | None = None,
    submitted_to: datetime | None = None,
) -> pd.DataFrame:
    """Complete responses of ``version_ids`` (optionally submitted in [from, to)), one row each,
    indexed by response id: ``numeric`` answer variables as float (NaN where unanswered or not a
    number), ``text`` answer variables as strings, ``segment_keys`` as ``segment_<key>`` strings.

    Raises :class:`ResponseLoadError` for an invalid code or an empty version list.
    """
    numeric, text, segment_keys = list(numeric), list(text), list(segment_keys)
    _check([*numeric, *text, *segment_keys], version_ids)
    if not (numeric or text or segment_keys):
        raise ResponseLoadError("no answer variables or segment keys were requested")
    dialect = engine.dialect.name
    names = [*numeric, *text, *(f"segment_{key}" for key in segment_keys)]
    if len(set(names)) != len(names):
        raise ResponseLoadError(f"a column is requested twice: {sorted(n for n in names if names.count(n) > 1)}")
    columns = ([_column_sql(dialect, "answers", c, "numeric") for c in numeric]
               + [_column_sql(dialect, "answers", c, "text") for c in text]
               + [_column_sql(dialect, "segment", k, "text") for k in segment_keys])
    # Responses marked as test or spam (the response inbox) never enter an analysis.
    conditions = ["status = 'complete'", "flag = ''", f"version_id IN ({', '.join(str(int(v)) for v in version_ids)})"]
    params: list[object] = []
    for bound, operator in ((submitted_from, ">="), (submitted_to, "<")):
        if bound is None:
            continue
        if not isinstance(bound, datetime):
            raise ResponseLoadError(f"period bounds must be datetimes, got {bound!r}")
        if dialect == "postgresql":  # COPY takes no bind parameters; an ISO datetime is inert
            conditions.append(f"submitted_at {operator} '{bound.isoformat()}'::timestamptz")
        else:
            conditions.append(f"submitted_at {operator} ?")
            params.append(bound.isoformat(sep=" "))
    query = f"SELECT id, {', '.join(columns)} FROM responses WHERE {' AND '.join(conditions)} ORDER BY id"
    dtypes = {**{c: "float64" for c in numeric}, **{c: "string" for c in names[len(numeric):]}}
    if dialect == "postgresql":
        frame = _read_postgresql(engine, query, names, dtypes)
    else:
        frame = _read_sqlite(engine, query, params, names, dtypes)
    frame.index.name = "response_id"
    return frame


def load_numeric_answers(engine: Engine, *, version_ids: Sequence[int], variables: Sequence[str]) -> pd.DataFrame:
    """Only numeric answer variables as a float DataFrame (see :func:`load_responses`)."""
    if not variables:
        raise ResponseLoadError("no answer variables were requested")
    return load_responses(engine, version_ids=version_ids, numeric=variables)


def _read_postgresql(engine: Engine, query: str, names: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    buffer = io.BytesIO()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    finally:
        raw.close()
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame({n: pd.Series(dtype=dtypes[n]) for n in names},
                            index=pd.Index([], dtype="int64"))
    buffer.seek(0)
    return pd.read_csv(buffer, header=None, names=["response_id", *names], index_col=0,
                       dtype=dtypes, keep_default_na=False, na_values={n: [""] for n in names})


def _read_sqlite(engine: Engine, query: str, params: list[object], names: list[str],
                 dtypes: dict[str, str]) -> pd.DataFrame:
    raw = engine.raw_connection()
    blocks: list[list[tuple]] = []
    try:
        cursor = raw.cursor()
        cursor.execute(query, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            blocks.append(rows)
        cursor.close()
    finally:
        raw.close()
    numeric = [n for n in names if dtypes[n] == "float64"]
    if numeric and len(numeric) == len(names):  # the analysis hot path: one float matrix
        data = np.concatenate([np.array(b, dtype="float64") for b in blocks]) if blocks else np.empty((0, len(names) + 1))
        return pd.DataFrame(data[:, 1:], index=pd.Index(data[:, 0].astype("int64")), columns=names)
    rows = [row for block in blocks for row in block]
    frame = pd.DataFrame.from_records(rows, columns=["response_id", *names]).set_index("response_id")
    frame.index = frame.index.astype("int64")
    return frame.astype(dtypes)
