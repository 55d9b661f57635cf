"""Raking (iterative proportional fitting) of respondent weights to population margins.

In: the sample's segment columns and, for each, the population share of every value (from a
census, the customer base or a sales ledger); optional base weights (design weights).
Out: one weight per row such that the weighted share of each value of each column equals its
population share, as close to the base weights as the margins allow (Deming & Stephan 1940).
Weights are scaled to average 1, so their sum is the sample size.

Raised (:class:`~acsi.errors.InputDataError`): a value in the sample without a population share,
a population value with a share but no respondents, shares that are negative or do not add up to
a positive total, and margins that cannot all be met (no convergence within ``max_iterations``).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from acsi.errors import InputDataError

__all__ = ["rake"]


def _targets(column: str, values: pd.Series, shares: Mapping[object, float]) -> dict[object, float]:
    total = float(sum(shares.values()))
    if total <= 0 or any(not np.isfinite(v) or v < 0 for v in shares.values()):
        raise InputDataError(f"population shares of {column!r} must be finite, >= 0 and add up to "
                             f"more than 0, got {dict(shares)}")
    present = set(values.unique())
    unknown = [v for v in present if v not in shares]
    if unknown:
        raise InputDataError(f"{column!r} value {unknown[0]!r} is in the sample but has no "
                             "population share")
    empty = [v for v, share in shares.items() if share > 0 and v not in present]
    if empty:
        raise InputDataError(f"{column!r} value {empty[0]!r} has a population share but no "
                             "respondents; merge it with a neighbouring value first")
    return {value: share / total for value, share in shares.items()}


def rake(frame: pd.DataFrame, margins: Mapping[str, Mapping[object, float]], *,
         base_weights: pd.Series | np.ndarray | None = None, max_iterations: int = 100,
         tolerance: float = 1e-10) -> pd.Series:
    """Weights whose weighted shares match ``margins`` ({column: {value: population share}}).

    Example: rows north/north/south with margins {"region": {"north": 0.5, "south": 0.5}} get
    weights 0.75, 0.75, 1.5. Rows with a missing value in a raked column are refused (rake
    complete cases, or give the missing value a category of its own).
    """
    if not margins:
        raise InputDataError("raking needs at least one column with population shares")
    n = len(frame)
    if n == 0:
        raise InputDataError("raking needs at least one row")
    weights = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    if weights.shape != (n,) or not np.all(np.isfinite(weights) & (weights > 0)):
        raise InputDataError(f"base weights must be {n} finite numbers > 0")
    codes, targets = [], []
    for column, shares in margins.items():
        if column not in frame.columns:
            raise InputDataError(f"raking column {column!r} is not in the data; columns are "
                                 f"{list(frame.columns)}")
        values = frame[column]
        if values.isna().any():
            row = values.index[values.isna().to_numpy()][0]
            raise InputDataError(f"row {row}, {column!r}: a raked column needs a value in every row")
        wanted = _targets(column, values, shares)
        categories = list(wanted)
        codes.append(values.map({v: i for i, v in enumerate(categories)}).to_numpy(dtype=int))
        targets.append(np.array([wanted[v] for v in categories]))
    for _ in range(max_iterations):
        worst = 0.0
        for code, target in zip(codes, targets):
            current = np.bincount(code, weights=weights, minlength=target.size) / weights.sum()
            factor = np.divide(target, current, out=np.zeros_like(target), where=current > 0)
            weights = weights * factor[code]
            worst = max(worst, float(np.max(np.abs(current - target))))
        if worst < tolerance:
            return pd.Series(weights * (n / weights.sum()), index=frame.index, name="weight")
    raise InputDataError(f"raking did not meet every margin within {max_iterations} iterations "
                         f"(largest gap {worst:.2e}); the margins may contradict each other or a "
                         "cell may be empty")
