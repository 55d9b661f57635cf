"""Differences of a construct's 0–100 index between segments, with p-values.

:func:`compare_segment_indices` tests the difference of a construct's 0–100 index between two
groups (each segment against the rest of the sample, or every pair of segments), refitting the
model in each group, by **permutation** (labels reshuffled; two-sided p =
(1 + #{|T*| ≥ |T|}) / (1 + R)) or **bootstrap** (each group resampled on its own; two-sided p =
min(1, 2·min(1 + #{d* ≤ 0}, 1 + #{d* ≥ 0}) / (1 + R)) and a percentile interval). The two
groups are put in a canonical order (by size, then a hash of their data) before drawing, so
swapping them flips the sign of the difference and leaves p unchanged; permutation / resample
b uses ``default_rng(SeedSequence(seed).spawn(R)[b])`` (bootstrap: spawned per group). Holm's
correction runs across all comparisons returned by one call. Replicates are computed from
weighted moments and the batched PLS core (:func:`acsi.bootstrap.estimate_batch`); replicates
that fail to converge are dropped and counted.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.bootstrap import estimate_batch, weighted_cross_products
from acsi.data import MissingStrategy, PreparedData, prepare_items
from acsi.errors import AcsiError, EstimationError
from acsi.indices import ScaleBounds, construct_indices, index_values
from acsi.pls import PLS, InnerScheme
from acsi.results import json_number
from acsi.segment_fit import check_options, usable_rows
from acsi.multiple_testing import holm_adjust, versus_rest_families
from acsi.segments import ALL_SEGMENT, split_by_segment
from acsi.spec import ModelSpec

__all__ = ["IndexDifference", "compare_segment_indices"]

_CHUNK = 100  # replicates estimated together


@dataclass(frozen=True, slots=True)
class IndexDifference:
    """index(first) − index(second) of ``construct`` with its two-sided p-value (and Holm's)."""

    construct: str
    first: str
    second: str
    method: Literal["permutation", "bootstrap"]
    difference: float
    p_value: float
    p_value_holm: float | None
    ci_low: float | None
    ci_high: float | None
    resamples: int
    successful: int
    n_first: int
    n_second: int

    def to_dict(self) -> dict[str, Any]:
        return {"construct": self.construct, "first": self.first, "second": self.second, "method": self.method,
                "difference": json_number(self.difference), "p_value": json_number(self.p_value),
                "p_value_holm": None if self.p_value_holm is None else json_number(self.p_value_holm),
                "ci_low": None if self.ci_low is None else json_number(self.ci_low),
                "ci_high": None if self.ci_high is None else json_number(self.ci_high),
                "resamples": self.resamples, "successful": self.successful,
                "n_first": self.n_first, "n_second": self.n_second}


def compare_segment_indices(
    spec: ModelSpec, frame: pd.DataFrame, *, segment: str, constructs: Sequence[str] | None = None,
    versus: Literal["rest", "pairwise"] = "rest", method: Literal["permutation", "bootstrap"] = "permutation",
    resamples: int = 999, seed: int = 0, weights: str | None = None, scheme: InnerScheme = "path",
    consistent: bool = False, missing: MissingStrategy = "listwise", min_base: int | None = None,
    scale_bounds: ScaleBounds = (1, 10), level: float = 0.95,
) -> tuple[IndexDifference, ...]:
    """Index differences between segments of column ``segment`` (PLS / PLSc indices, refitted per group).

    ``versus="rest"`` compares each segment with all other rows; ``"pairwise"`` every pair of
    segments (label order). Groups below the minimum base are left out. ``constructs`` defaults
    to ("satisfaction",) when the model has it, else all constructs. Returns the comparisons with
    Holm-adjusted p-values across all of them. Raises :class:`AcsiError` for bad options and the
    errors of :func:`acsi.data.prepare_items` for bad data.
    """
    base, bounds = check_options(spec, frame, "plsc" if consistent else "pls", weights, min_base, 0, scale_bounds)
    if method not in ("permutation", "bootstrap") or versus not in ("rest", "pairwise"):
        raise AcsiError(f"method={method!r} / versus={versus!r} must be 'permutation' | 'bootstrap' and "
                        "'rest' | 'pairwise'")
    if not (isinstance(resamples, (int, np.integer)) and resamples >= 10):
        raise AcsiError(f"resamples={resamples!r} must be an integer ≥ 10")
    names = list(spec.construct_names)
    chosen = list(constructs) if constructs else (["satisfaction"] if "satisfaction" in names else names)
    for c in chosen:
        if c not in names:
            raise AcsiError(f"construct {c!r} is not in model {spec.name!r}; constructs are {names}")
    estimator = PLS(spec, scheme=scheme, consistent=consistent, missing=missing, min_rows=base)
    groups = {label: rows for label, rows in split_by_segment(frame, segment) if label != ALL_SEGMENT}
    usable = {label for label, rows in groups.items() if usable_rows(rows, spec, missing, weights)[1] >= base}
    if versus == "rest":
        pairs = [(label, "rest", groups[label], frame.drop(index=groups[label].index)) for label in groups]
    else:
        labels = sorted(groups)
        pairs = [(a, b, groups[a], groups[b]) for i, a in enumerate(labels) for b in labels[i + 1:]]
    found: list[IndexDifference] = []
    for first, second, x, y in pairs:
        if first not in usable or (second != "rest" and second not in usable) or \
                usable_rows(y, spec, missing, weights)[1] < base:
            continue
        found += _difference(estimator, x, y, first, second, chosen, method, int(resamples), seed, weights,
                             bounds, level)
    families: list[object] = [(d.construct, d.first, d.second) for d in found]
    if versus == "rest":
        # With two segments holding every row, "north vs rest" is "south vs rest": one comparison.
        keys = dict(zip(groups, versus_rest_families(list(groups), frame, segment)))
        families = [(d.construct, keys[d.first]) for d in found]
    holm = holm_adjust([d.p_value for d in found], families=families)
    return tuple(replace(d, p_value_holm=h) for d, h in zip(found, holm))


def _group(estimator: PLS, rows: pd.DataFrame, weights: str | None) -> tuple[PreparedData, np.ndarray]:
    raw = None if weights is None else rows[weights].to_numpy(float)
    data = prepare_items(rows, estimator.spec.items, missing=estimator.missing, weights=raw,
                         min_rows=estimator.min_rows)
    base = np.ones(data.n) if raw is None else rows.loc[data.index, weights].to_numpy(float)
    return data, base


def _digest(data: PreparedData, base: np.ndarray) -> tuple[int, str]:
    return data.n, hashlib.sha1(np.ascontiguousarray(data.values).tobytes() + base.tobytes()).hexdigest()


def _difference(estimator: PLS, x: pd.DataFrame, y: pd.DataFrame, first: str, second: str, chosen: list[str],
                method: str, resamples: int, seed: int, weights: str | None,
                bounds: dict[str, tuple[float, float]], level: float) -> list[IndexDifference]:
    (dx, bx), (dy, by) = _group(estimator, x, weights), _group(estimator, y, weights)
    observed = (construct_indices(estimator.fit_prepared(dx), scale_bounds=bounds).values
                - construct_indices(estimator.fit_prepared(dy), scale_bounds=bounds).values)
    sign = 1.0
    if _digest(dx, bx) > _digest(dy, by):  # canonical order: the draws do not depend on argument order
        (dx, bx), (dy, by), sign = (dy, by), (dx, bx), -1.0
    low = np.array([bounds[i][0] for i in estimator.spec.items])
    high = np.array([bounds[i][1] for i in estimator.spec.items])
    draws = (_permutation_draws if method == "permutation" else _bootstrap_draws)(
        estimator, dx, bx, dy, by, resamples, seed, low, high) * sign
    draws = draws[np.isfinite(draws).all(axis=1)]
    if draws.shape[0] < 2:
        raise EstimationError(f"only {draws.shape[0]} of {resamples} {method} replicates of {first} vs {second} "
                              "could be estimated")
    names = list(estimator.spec.construct_names)
    out = []
    for construct in chosen:
        j = names.index(construct)
        d, t = draws[:, j], float(observed[construct])
        ci_low = ci_high = None
        if method == "permutation":
            p = (1 + np.sum(np.abs(d) >= abs(t) - 1e-9)) / (1 + d.size)
        else:
            p = min(1.0, 2 * min(1 + np.sum(d <= 0), 1 + np.sum(d >= 0)) / (1 + d.size))
            ci_low, ci_high = (float(v) for v in np.quantile(d, [(1 - level) / 2, (1 + level) / 2]))
        out.append(IndexDifference(construct, first, second, method, t, float(p), None, ci_low, ci_high,  # type: ignore[arg-type]
                                   resamples, int(d.size), len(x), len(y)))
    return out


def permutation_members(seed: int, resamples: int, rows: int, first: int) -> Iterator[np.ndarray]:
    """Chunks (at most :data:`_CHUNK` × ``rows``) of 0/1 membership of the first group under
    each reshuffle: reshuffle b puts the first ``first`` rows of
    ``default_rng(SeedSequence(seed).spawn(resamples)[b]).permutation(rows)`` in the first group."""
    seeds = np.random.SeedSequence(seed).spawn(resamples)
    for start in range(0, resamples, _CHUNK):
        chunk = seeds[start:start + _CHUNK]
        member = np.zeros((len(chunk), rows))
        for b, child in enumerate(chunk):
            member[b, np.random.default_rng(child).permutation(rows)[:first]] = 1.0
        yield member


def _permutation_draws(estimator: PLS, dx: PreparedData, bx: np.ndarray, dy: PreparedData, by: np.ndarray,
                       resamples: int, seed: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    values, base, n_x = np.vstack([dx.values, dy.values]), np.concatenate([bx, by]), dx.n
    out = []
    for member in permutation_members(seed, resamples, len(values), n_x):
        out.append(_replicate_indices(estimator, values, member * base, low, high)
                   - _replicate_indices(estimator, values, (1.0 - member) * base, low, high))
    return np.concatenate(out)


def _bootstrap_draws(estimator: PLS, dx: PreparedData, bx: np.ndarray, dy: PreparedData, by: np.ndarray,
                     resamples: int, seed: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    parts = []
    for (data, base), group_seed in zip(((dx, bx), (dy, by)), np.random.SeedSequence(seed).spawn(2)):
        seeds, draws = group_seed.spawn(resamples), []
        for start in range(0, resamples, _CHUNK):
            chunk = seeds[start:start + _CHUNK]
            counts = np.stack([np.bincount(np.random.default_rng(c).integers(0, data.n, data.n), minlength=data.n)
                               for c in chunk])
            draws.append(_replicate_indices(estimator, data.values, counts * base, low, high))
        parts.append(np.concatenate(draws))
    return parts[0] - parts[1]


def weighted_sums(values: np.ndarray, row_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Σw, Σw·x, Σw·x xᵀ) of each row-weight vector (rows of ``row_weights``, B×n) over the
    values centred on their column means (returned sums are of the centred values)."""
    count, p = row_weights.shape[0], values.shape[1]
    centred = values - values.mean(axis=0)
    totals = row_weights.sum(axis=1)
    first = row_weights @ centred
    if values.shape[0] * p * p <= 5_000_000:
        second = (row_weights @ (centred[:, :, None] * centred[:, None, :]).reshape(-1, p * p)).reshape(count, p, p)
    else:
        second = weighted_cross_products(centred, row_weights)
    return totals, first, second


def fits_from_sums(estimator: PLS, centre: np.ndarray, totals: np.ndarray, first: np.ndarray, second: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Item means, covariances, standard deviations, outer weights and paths (NaN: failed) of the
    model fitted to each set of weighted sums (:func:`weighted_sums`; ``centre`` the column means
    the values were centred on)."""
    count, p = first.shape
    means = first / totals[:, None]
    cov = (second - totals[:, None, None] * means[:, :, None] * means[:, None, :]) / (totals - 1)[:, None, None]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    weights = np.full((count, p), np.nan)
    paths = np.full((count, len(estimator.spec.paths)), np.nan)
    good = np.flatnonzero(np.all(sd > 1e-12, axis=1))
    corr = cov[good] / (sd[good][:, :, None] * sd[good][:, None, :])
    corr[:, np.arange(p), np.arange(p)] = 1.0
    try:
        batch = estimate_batch(corr, estimator.layout, scheme=estimator.scheme, consistent=estimator.consistent,
                               tol=estimator.tol, max_iter=estimator.max_iter)
        ok, found_weights, found_paths = batch["ok"], batch["outer_weights"], batch["paths"]
    except np.linalg.LinAlgError:  # a degenerate replicate in the stack: one by one
        ok = np.zeros(good.size, bool)
        found_weights, found_paths = np.full((good.size, p), np.nan), np.full((good.size, paths.shape[1]), np.nan)
        for b in range(good.size):
            try:
                core = estimator.estimate(corr[b])
            except (EstimationError, np.linalg.LinAlgError):
                continue
            ok[b], found_weights[b], found_paths[b] = core.converged, core.weights, core.paths
    weights[good[ok]], paths[good[ok]] = found_weights[ok], found_paths[ok]
    return means + centre, cov, sd, weights, paths


def replicate_fits(estimator: PLS, values: np.ndarray, row_weights: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The model refitted under each row-weight vector (rows of ``row_weights``, B×n), from
    weighted moments: item means (B×p), covariances (B×p×p), standard deviations (B×p), outer
    weights of the standardised items (B×p) and standardised paths (B×paths); weights and paths
    are NaN for a replicate that failed (constant item, no convergence, not positive definite)."""
    return fits_from_sums(estimator, values.mean(axis=0), *weighted_sums(values, row_weights))


def _replicate_indices(estimator: PLS, values: np.ndarray, row_weights: np.ndarray, low: np.ndarray,
                       high: np.ndarray) -> np.ndarray:
    """Indices (B×k) of the model refitted under each row-weight vector (NaN rows: failed)."""
    means, _cov, sd, weights, _paths = replicate_fits(estimator, values, row_weights)
    out = np.full((row_weights.shape[0], len(estimator.layout.blocks)), np.nan)
    for b in np.flatnonzero(np.isfinite(weights).all(axis=1)):
        out[b] = index_values(weights[b] / sd[b], means[b], low, high, estimator.layout.blocks)
    return out
