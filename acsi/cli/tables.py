"""Reading the CSV file a ``python -m acsi`` subcommand analyses.

Rows are named by their CSV line (the header is line 1). Columns named in ``numeric`` (a model's
items) are parsed as numbers by pandas' C parser straight away — 1,000,000 rows × 24 items take
about a second instead of the five that reading text and converting column by column took. When a
numeric column holds anything the parser cannot read as a number, the file is read again as
text, so that the estimators' own checks name the bad cell (``column 'X' row 17 holds 'abc'``).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from acsi.errors import InputDataError

__all__ = ["read_header", "read_table"]

_OPTIONS = {"encoding": "utf-8-sig", "skipinitialspace": True}


def _read(path: str, **options: object) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **_OPTIONS, **options)  # type: ignore[arg-type]
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputDataError(f"cannot read {path!r}: {exc}") from exc


def read_header(path: str) -> list[str]:
    """The column names of the CSV file, trimmed (its header row only)."""
    return [str(c).strip() for c in _read(path, nrows=0).columns]


def read_table(path: str, *, weights: str | None = None,
               numeric: Iterable[str] = ()) -> pd.DataFrame:
    """Read a CSV (UTF-8, BOM allowed): ``numeric`` columns as float64 where every cell is a
    number or empty, all other columns as text; index = CSV line number; ``weights`` made
    numeric. Raises InputDataError for an unreadable file or a weight that is not a number ≥ 0.
    """
    wanted = set(numeric)
    raw_columns = list(_read(path, nrows=0).columns)
    types = {raw: ("float64" if str(raw).strip() in wanted else str) for raw in raw_columns}
    try:
        frame = _read(path, dtype=types)
    except (ValueError, TypeError):
        # Some numeric column holds text: read everything as text and let the checks name it.
        frame = _read(path, dtype=str)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    if weights is not None:
        if weights not in frame.columns:
            raise InputDataError(f"weights column {weights!r} is not in {path!r}; columns are "
                                 f"{list(frame.columns)}")
        numbers = pd.to_numeric(frame[weights], errors="coerce")
        bad = numbers.isna() | (numbers < 0) | ~np.isfinite(numbers.fillna(0))
        if bad.any():
            row = frame.index[bad.to_numpy()][0]
            raise InputDataError(f"row {row}, column {weights!r}: weight {frame.at[row, weights]!r} "
                                 "is not a number >= 0")
        frame[weights] = numbers
    return frame
