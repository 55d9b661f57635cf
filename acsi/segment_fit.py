"""Fit a model per segment under a minimum-base rule, and test index differences between segments.

:func:`fit_segments` fits the whole sample ("all") and then every segment of a column (the
order of :func:`acsi.segments.split_by_segment`) with PLS, PLSc or CB-SEM. A segment whose
usable rows (complete rows under listwise deletion; Kish's effective n when weighted) fall
below the **minimum base**, or whose data cannot be estimated (a constant item, a singular
block...), becomes a :class:`SkippedSegment` carrying the reason; "all" below the base raises.

Minimum base (setting ``min_base``; default :func:`recommended_min_base`): the largest of

* 50 — above the NCHS "suppressed" (< 30) band and most of its "unreliable" (< 60) band, and the
  size at which PLS path estimates on ACSI-shaped data stop swinging by more than ~0.1 between
  resamples;
* the 10-times rule of PLS (Hair et al.): 10 × the most arrows pointing at one construct
  (structural predictors, or items of a formative block) — 40 for ECSI (satisfaction has 4);
* for CB-SEM, items + 1 (a non-singular sample covariance matrix).

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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.bootstrap import BootstrapResults, bootstrap, estimate_batch
from acsi.data import MissingStrategy, PreparedData, prepare_items
from acsi.errors import AcsiError, EstimationError, InputDataError, InsufficientDataError
from acsi.indices import IndexResults, ScaleBounds, construct_indices, index_values, resolve_scale_bounds
from acsi.pls import PLS, InnerScheme
from acsi.results import json_number
from acsi.segments import ALL_SEGMENT, holm_adjust, kish_effective_n, split_by_segment
from acsi.spec import ModelSpec
from acsi.validity import ValidityReport, assess_validity

__all__ = ["Method", "SegmentFit", "SkippedSegment", "IndexDifference", "recommended_min_base",
           "fit_segment", "fit_segments", "compare_segment_indices", "BASE_FLOOR"]

Method = Literal["pls", "plsc", "cbsem"]
BASE_FLOOR = 50
_CHUNK = 100


def recommended_min_base(spec: ModelSpec, method: Method = "pls") -> int:
    """max(50, 10 × most arrows into one construct[, items + 1 for CB-SEM]); see the module doc."""
    arrows = max(max((len(spec.predecessors(c.name)) for c in spec.constructs), default=0),
                 max((len(c.items) for c in spec.constructs if c.mode == "B"), default=0))
    base = max(BASE_FLOOR, 10 * arrows)
    return max(base, len(spec.items) + 1) if method == "cbsem" else base


@dataclass(frozen=True, slots=True)
class SegmentFit:
    """One fitted segment. ``results`` is a PLSResults (pls / plsc) or CBSEMResults (cbsem);
    ``weights`` are standardised outer weights (CB-SEM: within-block Bartlett factor-score
    weights λ/θ scaled to unit composite variance), ``indices`` the 0–100 indices computed with
    them, ``bootstrap`` the bootstrap (pls / plsc with resamples > 0)."""

    segment: str
    n: int
    n_used: int
    n_effective: float
    method: Method
    results: Any
    weights: pd.Series
    indices: IndexResults | None
    validity: ValidityReport | None
    bootstrap: BootstrapResults | None
    warnings: tuple[str, ...]

    status = "fitted"

    def to_dict(self) -> dict[str, Any]:
        """The segment's entry of the fit JSON (docs/acsi-fit-json.md)."""
        from acsi.report import segment_entry
        return segment_entry(self)


@dataclass(frozen=True, slots=True)
class SkippedSegment:
    """A segment that was not fitted, and why (``reason`` names the rule or the failure)."""

    segment: str
    n: int
    n_used: int
    reason: str

    status = "skipped"

    def to_dict(self) -> dict[str, Any]:
        from acsi.report import segment_entry
        return segment_entry(self)


def _usable(frame: pd.DataFrame, spec: ModelSpec, missing: MissingStrategy,
            weights: str | None) -> tuple[int, float]:
    rows = frame[list(spec.items)].notna().all(axis=1) if missing == "listwise" else np.ones(len(frame), bool)
    n = int(np.sum(rows))
    n_eff = float(n) if weights is None else kish_effective_n(frame.loc[np.asarray(rows), weights].to_numpy(float))
    return n, n_eff


def _check_options(spec: ModelSpec, frame: pd.DataFrame, method: str, weights: str | None,
                   min_base: int | None, resamples: int, scale_bounds: ScaleBounds
                   ) -> tuple[int, dict[str, tuple[float, float]]]:
    if method not in ("pls", "plsc", "cbsem"):
        raise AcsiError(f"method={method!r} is not one of 'pls', 'plsc', 'cbsem'")
    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(f"data must be a pandas DataFrame, got {type(frame).__name__}")
    unknown = [c for c in (*spec.items, *([weights] if weights else [])) if c not in frame.columns]
    if unknown:
        raise InputDataError(f"column {unknown[0]!r} required by model {spec.name!r} is not in the data; "
                             f"columns are {list(frame.columns)}")
    base = recommended_min_base(spec, method) if min_base is None else min_base  # type: ignore[arg-type]
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)) or base < 3:
        raise AcsiError(f"min_base={min_base!r} must be an integer ≥ 3")
    if resamples and method == "cbsem":
        raise AcsiError(f"a bootstrap ({resamples} resamples) is available for methods 'pls' and 'plsc' only, "
                        "not 'cbsem'")
    return int(base), resolve_scale_bounds(spec, scale_bounds)


def fit_segments(
    spec: ModelSpec, frame: pd.DataFrame, *, segment: str | None = None, method: Method = "pls",
    scheme: InnerScheme = "path", weights: str | None = None, missing: MissingStrategy = "listwise",
    min_base: int | None = None, scale_bounds: ScaleBounds = (1, 10), resamples: int = 0, seed: int = 0,
    level: float = 0.95, n_jobs: int = 1,
) -> tuple[SegmentFit | SkippedSegment, ...]:
    """Fit ``spec`` on all rows and on each segment of column ``segment``.

    ``weights`` names a column of respondent weights; ``resamples`` > 0 adds a seeded bootstrap
    (pls / plsc only) of each segment. Returns "all" first, then segments sorted by label.
    Raises :class:`InputDataError` for an unknown column or bad cells, :class:`InsufficientDataError`
    when the whole sample is below the minimum base, :class:`AcsiError` for bad options; a
    segment that cannot be fitted is returned as a :class:`SkippedSegment`.
    """
    base, bounds = _check_options(spec, frame, method, weights, min_base, resamples, scale_bounds)
    return tuple(
        _segment(spec, rows, label, method, scheme, weights, missing, base, bounds, resamples, seed, level,
                 n_jobs, strict=label == ALL_SEGMENT)
        for label, rows in split_by_segment(frame, segment))


def fit_segment(
    spec: ModelSpec, rows: pd.DataFrame, label: str, *, method: Method = "pls", scheme: InnerScheme = "path",
    weights: str | None = None, missing: MissingStrategy = "listwise", min_base: int | None = None,
    scale_bounds: ScaleBounds = (1, 10), resamples: int = 0, seed: int = 0, level: float = 0.95, n_jobs: int = 1,
) -> SegmentFit | SkippedSegment:
    """Fit ``spec`` on the rows of one segment called ``label``, with the rules of
    :func:`fit_segments` (minimum base, bootstrap, indices, validity); a segment below the base
    or not estimable comes back as a :class:`SkippedSegment` saying why. Raises for bad options
    and bad cells like :func:`fit_segments`."""
    base, bounds = _check_options(spec, rows, method, weights, min_base, resamples, scale_bounds)
    return _segment(spec, rows, label, method, scheme, weights, missing, base, bounds, resamples, seed, level,
                    n_jobs, strict=False)


def _segment(spec: ModelSpec, rows: pd.DataFrame, label: str, method: Method, scheme: InnerScheme,
             weights: str | None, missing: MissingStrategy, base: int, bounds: dict[str, tuple[float, float]],
             resamples: int, seed: int, level: float, n_jobs: int, *, strict: bool) -> SegmentFit | SkippedSegment:
    """One segment; ``strict`` (the whole sample) raises instead of skipping."""
    n_used, n_eff = _usable(rows, spec, missing, weights)
    if n_eff < base:
        reason = (f"{n_used} usable rows" + (f" (effective n {n_eff:.1f})" if weights else "")
                  + f": below the minimum base of {base} (min_base rule: max(50, 10 × most arrows into "
                  f"a construct{', items + 1' if method == 'cbsem' else ''}), or as set)")
        if strict:
            raise InsufficientDataError(f"the whole sample: {reason}")
        return SkippedSegment(label, len(rows), n_used, reason)
    try:
        return _fit_one(spec, rows, label, method, scheme, weights, missing, base, bounds,
                        resamples, seed, level, n_jobs)
    except AcsiError as error:
        if strict:
            raise
        return SkippedSegment(label, len(rows), n_used, f"not estimable: {error}")


def _fit_one(spec: ModelSpec, rows: pd.DataFrame, label: str, method: Method, scheme: InnerScheme,
             weights: str | None, missing: MissingStrategy, base: int, bounds: dict[str, tuple[float, float]],
             resamples: int, seed: int, level: float, n_jobs: int) -> SegmentFit:
    row_weights = None if weights is None else rows[weights].to_numpy(float)
    data = prepare_items(rows, spec.items, missing=missing, weights=row_weights, min_rows=base)
    n_eff = float(data.n) if data.weights is None else kish_effective_n(data.weights)
    if method == "cbsem":
        return _fit_cbsem(spec, data, label, len(rows), n_eff, bounds)
    estimator = PLS(spec, scheme=scheme, consistent=method == "plsc", missing=missing, min_rows=base)
    boot = None
    if resamples:
        boot = bootstrap(estimator, rows, resamples=resamples, seed=seed, level=level, weights=row_weights,
                         scale_bounds=bounds, n_jobs=n_jobs)
        results = boot.estimate
    else:
        results = estimator.fit_prepared(data)
    indices = construct_indices(results, scale_bounds=bounds)
    validity = assess_validity(results)
    warnings = tuple(dict.fromkeys((*results.warnings, *validity.warnings, *indices.warnings,
                                    *(boot.warnings if boot else ()))))
    return SegmentFit(label, len(rows), results.n, n_eff, method, results, results.outer_weights, indices,
                      validity, boot, warnings)


def _fit_cbsem(spec: ModelSpec, data: PreparedData, label: str, n_rows: int, n_eff: float,
               bounds: dict[str, tuple[float, float]]) -> SegmentFit:
    from acsi.cbsem import CBSEM  # semopy is imported only when CB-SEM is asked for
    results = CBSEM(spec).fit_prepared(data)
    corr = pd.DataFrame(data.correlation, index=list(data.items), columns=list(data.items))
    weights, notes = {}, []
    for construct in spec.constructs:
        items = list(construct.items)
        lam = np.array([results.standardized_loadings[i] for i in items])
        theta = 1.0 - lam ** 2
        if len(items) == 1:
            w = np.ones(1)
        elif np.all(theta > 1e-6):
            w = lam / theta
            w = w / np.sqrt(w @ corr.loc[items, items].to_numpy() @ w)
        else:
            w = np.full(len(items), np.nan)
            notes.append(f"no factor-score weights for {construct.name!r}: a loading of ±1 (Heywood case)")
        weights.update(zip(items, w))
    series = pd.Series(weights, name="outer_weight")[list(spec.items)]
    sd = pd.Series(data.sd, index=list(data.items))[list(spec.items)]
    low = np.array([bounds[i][0] for i in spec.items])
    high = np.array([bounds[i][1] for i in spec.items])
    position = {item: k for k, item in enumerate(spec.items)}
    blocks = [np.array([position[i] for i in c.items]) for c in spec.constructs]
    means = pd.Series(data.mean, index=list(data.items))[list(spec.items)].to_numpy()
    with np.errstate(invalid="ignore"):
        values = index_values((series / sd).to_numpy(), means, low, high, blocks)
    indices = _cbsem_indices(spec, series / sd, values, bounds, data.n)
    warnings = tuple(dict.fromkeys((*results.warnings, *notes, *indices.warnings)))
    return SegmentFit(label, n_rows, data.n, n_eff, "cbsem", results, series, indices, None, None, warnings)


def _cbsem_indices(spec: ModelSpec, raw: pd.Series, values: np.ndarray, bounds: dict[str, tuple[float, float]],
                   n: int) -> IndexResults:
    from acsi.indices import ConstructIndex
    out, warnings = [], []
    for construct, value in zip(spec.constructs, values):
        w = raw[list(construct.items)]
        negative = tuple(i for i, v in w.items() if v < 0)
        if negative:
            warnings.append(f"index of {construct.name!r} has negative weights for {', '.join(negative)}; "
                            "it is not a valid 0–100 index")
        out.append(ConstructIndex(construct.name, float(value), "model_weights", (w / w.sum()).to_dict(), negative,
                                  "CB-SEM within-block factor-score weights"))
    return IndexResults(tuple(out), bounds, n, tuple(warnings))


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
    base, bounds = _check_options(spec, frame, "plsc" if consistent else "pls", weights, min_base, 0, scale_bounds)
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
    usable = {label for label, rows in groups.items() if _usable(rows, spec, missing, weights)[1] >= base}
    if versus == "rest":
        pairs = [(label, "rest", groups[label], frame.drop(index=groups[label].index)) for label in groups]
    else:
        labels = sorted(groups)
        pairs = [(a, b, groups[a], groups[b]) for i, a in enumerate(labels) for b in labels[i + 1:]]
    found: list[IndexDifference] = []
    for first, second, x, y in pairs:
        if first not in usable or (second != "rest" and second not in usable) or \
                _usable(y, spec, missing, weights)[1] < base:
            continue
        found += _difference(estimator, x, y, first, second, chosen, method, int(resamples), seed, weights,
                             bounds, level)
    holm = holm_adjust([d.p_value for d in found])
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


def _permutation_draws(estimator: PLS, dx: PreparedData, bx: np.ndarray, dy: PreparedData, by: np.ndarray,
                       resamples: int, seed: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    values, base, n_x = np.vstack([dx.values, dy.values]), np.concatenate([bx, by]), dx.n
    seeds = np.random.SeedSequence(seed).spawn(resamples)
    out = []
    for start in range(0, resamples, _CHUNK):
        chunk = seeds[start:start + _CHUNK]
        member = np.zeros((len(chunk), len(values)))
        for b, child in enumerate(chunk):
            member[b, np.random.default_rng(child).permutation(len(values))[:n_x]] = 1.0
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


def _replicate_indices(estimator: PLS, values: np.ndarray, row_weights: np.ndarray, low: np.ndarray,
                       high: np.ndarray) -> np.ndarray:
    """Indices (B×k) of the model refitted under each row-weight vector (NaN rows: failed)."""
    count, p = row_weights.shape[0], values.shape[1]
    centre = values.mean(axis=0)
    centred = values - centre
    totals = row_weights.sum(axis=1)
    means = (row_weights @ centred) / totals[:, None]
    if values.shape[0] * p * p <= 5_000_000:
        second = (row_weights @ (centred[:, :, None] * centred[:, None, :]).reshape(-1, p * p)).reshape(count, p, p)
    else:
        second = np.stack([(centred * w[:, None]).T @ centred for w in row_weights])
    cov = (second - totals[:, None, None] * means[:, :, None] * means[:, None, :]) / (totals - 1)[:, None, None]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    out = np.full((count, len(estimator.layout.blocks)), np.nan)
    good = np.flatnonzero(np.all(sd > 1e-12, axis=1))
    corr = cov[good] / (sd[good][:, :, None] * sd[good][:, None, :])
    corr[:, np.arange(p), np.arange(p)] = 1.0
    try:
        batch = estimate_batch(corr, estimator.layout, scheme=estimator.scheme, consistent=estimator.consistent,
                               tol=estimator.tol, max_iter=estimator.max_iter)
        ok, weights = batch["ok"], batch["outer_weights"]
    except np.linalg.LinAlgError:  # a degenerate replicate in the stack: one by one
        ok, weights = np.zeros(good.size, bool), np.full((good.size, p), np.nan)
        for b in range(good.size):
            try:
                core = estimator.estimate(corr[b])
            except (EstimationError, np.linalg.LinAlgError):
                continue
            ok[b], weights[b] = core.converged, core.weights
    for b, row in zip(good[ok], weights[ok]):
        out[b] = index_values(row / sd[b], means[b] + centre, low, high, estimator.layout.blocks)
    return out
