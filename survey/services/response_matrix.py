"""Bulk loading of answers into a DataFrame for analysis — never one ORM object per row.

Answers live in ``responses.answers`` (one JSON document per response). The item columns are
extracted inside the database (``answers->>'X'`` on PostgreSQL, ``json_extract`` on SQLite) and
streamed out in one pass: PostgreSQL sends them with ``COPY ... TO STDOUT`` as CSV, which pandas'
C parser reads; SQLite hands rows to numpy in chunks.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine

_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
CHUNK_ROWS = 50_000


class ResponseLoadError(ValueError):
    """The requested variables or versions cannot be loaded as asked."""


def _check(variables: Sequence[str], version_ids: Sequence[int]) -> None:
    if not variables:
        raise ResponseLoadError("no answer variables were requested")
    for code in variables:
        if not _CODE.match(code):
            raise ResponseLoadError(f"{code!r} is not a valid answer-variable code (letters, digits, _)")
    if not version_ids or not all(isinstance(v, int) for v in version_ids):
        raise ResponseLoadError(f"version ids must be a non-empty list of integers, got {version_ids!r}")


def load_numeric_answers(
    engine: Engine, *, version_ids: Sequence[int], variables: Sequence[str]
) -> pd.DataFrame:
    """Complete responses of ``version_ids`` as a float DataFrame indexed by response id, one
    column per variable (NaN where unanswered or not numeric).

    Raises :class:`ResponseLoadError` for an invalid variable code or empty version list.
    """
    _check(variables, version_ids)
    if engine.dialect.name == "postgresql":
        return _load_postgresql(engine, list(version_ids), list(variables))
    return _load_sqlite(engine, list(version_ids), list(variables))


def _load_postgresql(engine: Engine, version_ids: list[int], variables: list[str]) -> pd.DataFrame:
    # Codes are validated identifiers, versions are integers: safe to inline into COPY.
    columns = ", ".join(
        f"CASE WHEN jsonb_typeof(answers->'{code}') = 'number' THEN (answers->>'{code}')::float8 END"
        for code in variables
    )
    versions = ", ".join(str(v) for v in version_ids)
    query = (
        f"COPY (SELECT id, {columns} FROM responses WHERE status = 'complete' "
        f"AND version_id IN ({versions}) ORDER BY id) TO STDOUT WITH (FORMAT csv)"
    )
    buffer = io.BytesIO()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(query) as copy:
            for block in copy:
                buffer.write(block)
    finally:
        raw.close()
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame(columns=variables, dtype="float64").rename_axis("response_id")
    frame = pd.read_csv(
        buffer, header=None, names=["response_id", *variables], index_col=0,
        dtype={code: "float64" for code in variables}, engine="c",
    )
    return frame


def _load_sqlite(engine: Engine, version_ids: list[int], variables: list[str]) -> pd.DataFrame:
    columns = ", ".join(
        f"CASE WHEN json_type(answers, '$.{code}') IN ('integer', 'real') "
        f"THEN json_extract(answers, '$.{code}') END"
        for code in variables
    )
    placeholders = ", ".join("?" for _ in version_ids)
    query = (
        f"SELECT id, {columns} FROM responses WHERE status = 'complete' "
        f"AND version_id IN ({placeholders}) ORDER BY id"
    )
    blocks: list[np.ndarray] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(query, version_ids)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            blocks.append(np.array(rows, dtype="float64"))
        cursor.close()
    finally:
        raw.close()
    data = np.concatenate(blocks) if blocks else np.empty((0, len(variables) + 1))
    frame = pd.DataFrame(data[:, 1:], index=pd.Index(data[:, 0].astype("int64"), name="response_id"),
                         columns=variables)
    return frame
