"""Input validation, missing data, respondent weights and (weighted) moments for the estimators.

:func:`prepare_items` turns a DataFrame into a :class:`PreparedData`: the model's item columns
as a float matrix, the row weights, and the item means and covariance matrix — the only pass
over the data the estimators need. Everything downstream works from the p×p moments.

Conventions (settings of the estimators, shown in their results):

* Respondent weights are rescaled to sum to the number of used rows; covariances use the
  denominator ``Σw − 1`` (= n − 1 without weights, like R's ``cov``).
* ``missing="listwise"`` drops every row with a missing item; ``"mean"`` replaces a missing
  cell by its item's (weighted) mean and warns for each item with more than 5 % missing;
  ``"em"`` estimates the mean and covariance by EM under multivariate normality and fills
  missing cells with their conditional expectation (used for construct scores).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from acsi.errors import EstimationError, InputDataError, InsufficientDataError

__all__ = [
    "MissingStrategy", "PreparedData", "prepare_items", "weighted_moments", "covariance_to_correlation",
    "em_moments", "numeric_column", "MEAN_REPLACEMENT_WARNING_SHARE", "DEFAULT_MIN_ROWS",
]

MissingStrategy = Literal["listwise", "mean", "em"]
MEAN_REPLACEMENT_WARNING_SHARE = 0.05
DEFAULT_MIN_ROWS = 30
_CHUNK_ROWS = 131_072


@dataclass(frozen=True, slots=True)
class PreparedData:
    """Item matrix and moments ready for estimation.

    ``values`` is n×p (after missing-data handling), ``weights`` the rescaled row weights (or
    None), ``mean`` and ``cov`` the (weighted) item moments, ``index`` the labels of the used
    rows, ``n_input`` the rows given, ``warnings`` what was done that a reader must know.
    """

    items: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray | None
    mean: np.ndarray
    cov: np.ndarray
    index: pd.Index
    n_input: int
    missing: MissingStrategy
    warnings: tuple[str, ...]
    #: Which cells of ``values`` were missing and filled by EM (n×p), or None when none were:
    #: the bootstrap repeats the EM in every resample from these.
    imputed: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of rows used."""
        return int(self.values.shape[0])

    @property
    def sd(self) -> np.ndarray:
        """Item standard deviations."""
        return np.sqrt(np.diag(self.cov))

    @property
    def correlation(self) -> np.ndarray:
        """Item correlation matrix (exact ones on the diagonal)."""
        return covariance_to_correlation(self.cov)


def covariance_to_correlation(cov: np.ndarray) -> np.ndarray:
    """Correlation matrix from a covariance matrix, with an exact unit diagonal."""
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    return corr


def weighted_moments(values: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean vector and covariance matrix of the rows of ``values`` (n×p, no NaN).

    With ``weights`` (length n, non-negative) the covariance is Σ w (x − m)(x − m)ᵀ / (Σw − 1),
    so integer frequency weights give the covariance of the expanded data. When every item's
    mean is within 1000 sd of zero (survey scales), the cross-product is taken on the raw data in
    one matrix product and corrected by the mean (relative error < 1e-9); otherwise the data are
    centred first, in chunks so memory stays bounded at large n.
    """
    n, p = values.shape
    w = np.ones(n) if weights is None else weights
    total = float(w.sum())
    mean = (w @ values) / total
    if weights is None:
        raw = values.T @ values
    else:
        raw = np.zeros((p, p))
        for start in range(0, n, _CHUNK_ROWS):
            block = values[start:start + _CHUNK_ROWS]
            raw += (block * w[start:start + _CHUNK_ROWS, None]).T @ block
    cross = raw - total * np.outer(mean, mean)
    if np.any(mean ** 2 > 1e6 * np.maximum(np.diag(cross) / total, 1e-300)):
        cross = np.zeros((p, p))
        for start in range(0, n, _CHUNK_ROWS):
            block = values[start:start + _CHUNK_ROWS] - mean
            cross += (block * w[start:start + _CHUNK_ROWS, None]).T @ block
    return mean, (cross + cross.T) / (2.0 * (total - 1.0))


def prepare_items(
    frame: pd.DataFrame,
    items: Sequence[str],
    *,
    missing: MissingStrategy = "listwise",
    weights: Sequence[float] | np.ndarray | pd.Series | None = None,
    min_rows: int = DEFAULT_MIN_ROWS,
) -> PreparedData:
    """Validate ``frame[items]`` and compute the moments the estimators work from.

    Raises :class:`InputDataError` for a column not in the frame, a cell that is not a number,
    an item with no variance, or bad weights (wrong length, negative, missing, all zero), and
    :class:`InsufficientDataError` when fewer than ``min_rows`` rows remain.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(f"data must be a pandas DataFrame, got {type(frame).__name__}")
    if missing not in ("listwise", "mean", "em"):
        raise InputDataError(f"missing={missing!r} is not one of 'listwise', 'mean', 'em'")
    items = tuple(items)
    unknown = [c for c in items if c not in frame.columns]
    if unknown:
        raise InputDataError(f"column {unknown[0]!r} required by the model is not in the data"
                             + (f" (also missing: {', '.join(map(repr, unknown[1:]))})" if unknown[1:] else ""))
    values = _numeric_matrix(frame, items)
    row_weights = _check_weights(weights, frame)
    warnings: list[str] = []
    index = frame.index
    n_input = len(frame)
    nan_mask = np.zeros((0, len(items)), bool)
    if not np.isfinite(values).all():
        infinite = np.isinf(values)
        if infinite.any():
            row, column = np.argwhere(infinite)[0]
            raise InputDataError(f"column {items[column]!r} row {index[row]!r} is infinite; items must be finite numbers")
        nan_mask = np.isnan(values)
        if missing == "listwise":
            keep = ~nan_mask.any(axis=1)
            values, index = values[keep], index[keep]
            row_weights = None if row_weights is None else row_weights[keep]
            warnings.append(f"listwise deletion dropped {n_input - len(values)} of {n_input} rows with missing items")
        else:
            _check_enough(len(values), min_rows)
            share = nan_mask.mean(axis=0)
            for column in np.flatnonzero(share == 1.0):
                raise InputDataError(f"item {items[column]!r} has no observed value")
            if missing == "mean":
                values = _mean_replace(values, nan_mask, row_weights)
                for column in np.flatnonzero(share > MEAN_REPLACEMENT_WARNING_SHARE):
                    warnings.append(
                        f"mean replacement: item {items[column]!r} has {share[column]:.1%} missing values, "
                        f"above the {MEAN_REPLACEMENT_WARNING_SHARE:.0%} rule; estimates may be biased")
            else:
                if row_weights is not None and row_weights.sum() > 0:
                    row_weights = row_weights * (len(row_weights) / row_weights.sum())
                values, mean, cov, iterations = em_moments(values, row_weights)
                warnings.append(f"EM estimated the item moments from incomplete rows ({iterations} iterations)")
    _check_enough(len(values), min_rows)
    if row_weights is not None:
        if row_weights.sum() <= 0:
            raise InputDataError("respondent weights of the used rows sum to zero")
        row_weights = row_weights * (len(row_weights) / row_weights.sum())
    if not (missing == "em" and nan_mask.size):
        mean, cov = weighted_moments(values, row_weights)
    variances = np.diag(cov)
    for column in np.flatnonzero(~(variances > 1e-12 * np.maximum(1.0, np.abs(mean)) ** 2)):
        raise InputDataError(f"item {items[column]!r} is constant (every used row has "
                             f"{mean[column]:g}); an item needs variance to be modelled")
    imputed = nan_mask if missing == "em" and nan_mask.any() else None
    return PreparedData(items, values, row_weights, mean, cov, index, n_input, missing, tuple(warnings), imputed)


def _numeric_matrix(frame: pd.DataFrame, items: tuple[str, ...]) -> np.ndarray:
    """Item columns as an n×p float array (a view when the frame already holds floats)."""
    columns = [frame[c] for c in items]
    if all(pd.api.types.is_numeric_dtype(c.dtype) or pd.api.types.is_bool_dtype(c.dtype) for c in columns):
        return frame[list(items)].to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.empty((len(frame), len(items)), order="F")
    for j, column in enumerate(columns):
        values[:, j] = numeric_column(column, items[j])
    return values


def _check_enough(n: int, min_rows: int) -> None:
    if n < min_rows:
        raise InsufficientDataError(f"{n} usable rows; the model needs at least {min_rows}")


def numeric_column(column: pd.Series, name: str) -> np.ndarray:
    """``column`` as float64 with NaN for missing; InputDataError naming a non-numeric or infinite cell."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(column.dtype):
        out = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        converted = pd.to_numeric(column, errors="coerce")
        bad = converted.isna() & column.notna()
        if bad.any():
            label = bad.index[np.argmax(bad.to_numpy())]
            raise InputDataError(f"column {name!r} row {label!r} holds {column[label]!r}, which is not a number")
        out = converted.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(out).any():
        label = column.index[np.flatnonzero(np.isinf(out))[0]]
        raise InputDataError(f"column {name!r} row {label!r} is infinite; items must be finite numbers")
    return out


def _check_weights(weights: Sequence[float] | np.ndarray | pd.Series | None, frame: pd.DataFrame) -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, pd.Series):
        if not weights.index.equals(frame.index):
            weights = weights.reindex(frame.index)
        array = weights.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        array = np.asarray(weights, dtype=np.float64)
    if array.shape != (len(frame),):
        raise InputDataError(f"weights have shape {array.shape}; expected one weight per row ({len(frame)})")
    if not np.isfinite(array).all():
        raise InputDataError(f"weight of row {frame.index[np.flatnonzero(~np.isfinite(array))[0]]!r} is missing or "
                             "infinite; every respondent weight must be a finite number")
    if (array < 0).any():
        raise InputDataError(f"weight of row {frame.index[np.flatnonzero(array < 0)[0]]!r} is negative; "
                             "respondent weights must be ≥ 0")
    return array.copy()


def _mean_replace(values: np.ndarray, nan_mask: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    observed = ~nan_mask
    w = np.ones(len(values)) if weights is None else weights
    filled = np.where(observed, values, 0.0)
    means = (w @ filled) / (w @ observed)
    return np.where(observed, values, means)


@dataclass(frozen=True, slots=True)
class MissingPattern:
    """Rows sharing one pattern of observed cells that misses something, with their observed
    values and total weight (fixed across EM iterations, so gathered once)."""

    observed: np.ndarray
    missing: np.ndarray
    rows: np.ndarray
    values: np.ndarray
    weight: float
    # np.ix_ grids, built once: (missing, missing), (observed, observed), (observed, missing),
    # (missing, observed) of the covariance, and (rows, missing) of the filled matrix.
    grids: tuple[tuple[np.ndarray, np.ndarray], ...]


def missing_patterns(values: np.ndarray, weights: np.ndarray) -> list[MissingPattern]:
    """The :class:`MissingPattern` groups of the rows of ``values`` (NaN where missing)."""
    observed = ~np.isnan(values)
    p = values.shape[1]
    if p <= 62:  # one integer per row: a 1-D unique, far faster than unique(axis=0)
        codes = observed.astype(np.int64) @ (np.int64(1) << np.arange(p, dtype=np.int64))
        _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        patterns = observed[first]
    else:
        patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    found = []
    for k, pattern in enumerate(patterns):
        if pattern.all():
            continue
        rows = np.flatnonzero(inverse.ravel() == k)
        obs_idx = np.flatnonzero(pattern)
        miss_idx = np.flatnonzero(~pattern)
        grids = (np.ix_(miss_idx, miss_idx), np.ix_(obs_idx, obs_idx), np.ix_(obs_idx, miss_idx),
                 np.ix_(miss_idx, obs_idx), np.ix_(rows, miss_idx))
        found.append(MissingPattern(obs_idx, miss_idx, rows, values[np.ix_(rows, obs_idx)],
                                    float(weights[rows].sum()), grids))
    return found


def em_fill(filled: np.ndarray, patterns: Sequence[MissingPattern], mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """The E step of EM: write into ``filled`` each missing cell's conditional expectation
    given its row's observed cells under N(mean, cov), and return Σ w · (conditional covariance
    of the missing cells), which the M step adds to the cross-products."""
    p = filled.shape[1]
    extra = np.zeros((p, p))
    for pattern in patterns:
        obs_idx, miss_idx = pattern.observed, pattern.missing
        miss_miss, obs_obs, obs_miss, miss_obs, rows_miss = pattern.grids
        cov_mm = cov[miss_miss]
        if obs_idx.size:
            coef = np.linalg.solve(cov[obs_obs], cov[obs_miss])
            block = pattern.values - mean[obs_idx]
            filled[rows_miss] = mean[miss_idx] + block @ coef
            cov_mm = cov_mm - cov[miss_obs] @ coef
        else:
            filled[rows_miss] = mean[miss_idx]
        extra[miss_miss] += pattern.weight * cov_mm
    return extra


def em_moments_with(
    values: np.ndarray, weights: np.ndarray, fixed: tuple[float, np.ndarray, np.ndarray],
    mean: np.ndarray, cov: np.ndarray, *, tol: float = 1e-9, max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, int]:
    """EM moments of a sample made of complete rows, given only by their weighted sums
    ``fixed = (Σw, Σw·x, Σw·x·xᵀ)``, and the incomplete rows ``values`` (NaN where missing) with
    ``weights``; EM starts from ``mean`` and ``cov`` (``Σw`` denominator), e.g. the moments of
    the sample with the cells filled once. Returns ``(mean, cov, iterations)``, ``cov`` with the
    ``Σw − 1`` denominator like :func:`em_moments`, whose result it equals on the same rows.
    This is what the bootstrap repeats in every resample: only the incomplete rows are revisited.
    Raises :class:`EstimationError` when EM does not converge within ``max_iter`` iterations.
    """
    fixed_total, fixed_sum, fixed_cross = fixed
    filled = np.where(np.isnan(values), 0.0, values)
    groups = missing_patterns(values, weights)
    total = fixed_total + float(weights.sum())
    for iteration in range(1, max_iter + 1):
        extra = em_fill(filled, groups, mean, cov)
        new_mean = (fixed_sum + weights @ filled) / total
        cross = fixed_cross + (filled * weights[:, None]).T @ filled + extra
        new_cov = cross / total - np.outer(new_mean, new_mean)
        change = max(np.abs(new_mean - mean).max(), np.abs(new_cov - cov).max())
        mean, cov = new_mean, new_cov
        if change < tol:
            return mean, cov * (total / (total - 1.0)), iteration
    raise EstimationError(f"EM for the missing items did not converge in {max_iter} iterations")


def em_moments(
    values: np.ndarray, weights: np.ndarray | None = None, *, tol: float = 1e-9, max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """EM estimates of the mean and covariance of incomplete multivariate-normal rows.

    Returns ``(filled, mean, cov, iterations)``: ``filled`` has each missing cell replaced by
    its conditional expectation given the row's observed cells; ``cov`` uses the ``Σw − 1``
    denominator like :func:`weighted_moments`. Raises if EM does not
    converge within ``max_iter`` iterations (:class:`EstimationError`).
    """
    n, p = values.shape
    w = np.ones(n) if weights is None else weights
    total = float(w.sum())
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    mean = (w @ filled) / (w @ observed)
    filled = np.where(observed, values, mean)
    cov = np.diag(np.diag(weighted_moments(filled, w)[1]))
    groups = missing_patterns(values, w)
    for iteration in range(1, max_iter + 1):
        extra = em_fill(filled, groups, mean, cov)
        new_mean = (w @ filled) / total
        centred = filled - new_mean
        new_cov = ((centred * w[:, None]).T @ centred + extra) / total
        change = max(np.abs(new_mean - mean).max(), np.abs(new_cov - cov).max())
        mean, cov = new_mean, new_cov
        if change < tol:
            return filled, mean, cov * (total / (total - 1.0)), iteration
    raise EstimationError(f"EM for the missing items did not converge in {max_iter} iterations")
