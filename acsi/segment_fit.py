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

Differences between segments' indices: :mod:`acsi.segment_differences`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.bootstrap import BootstrapResults, bootstrap
from acsi.data import MissingStrategy, PreparedData, prepare_items
from acsi.errors import AcsiError, InputDataError, InsufficientDataError
from acsi.indices import IndexResults, ScaleBounds, construct_indices, index_values, resolve_scale_bounds
from acsi.pls import PLS, InnerScheme
from acsi.problems import Problem
from acsi.segments import ALL_SEGMENT, kish_effective_n, split_by_segment
from acsi.spec import ModelSpec
from acsi.validity import ValidityReport, assess_validity

__all__ = ["BASE_FLOOR", "Method", "SegmentFit", "SkippedSegment", "check_options", "fit_segment",
           "fit_segments", "recommended_min_base", "usable_rows", "answered_rows"]

Method = Literal["pls", "plsc", "cbsem"]
BASE_FLOOR = 50


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
    """A segment that was not fitted, and why: ``problem`` is the rule or the failure as a code
    and its parameters ("below_min_base" / "not_estimable", :mod:`acsi.problems`)."""

    segment: str
    n: int
    n_used: int
    problem: Problem

    status = "skipped"

    @property
    def reason(self) -> str:
        """Why, in English (the CLI, the fit document)."""
        return self.problem.english()

    def to_dict(self) -> dict[str, Any]:
        from acsi.report import segment_entry
        return segment_entry(self)


def answered_rows(frame: pd.DataFrame, spec: ModelSpec, missing: MissingStrategy) -> np.ndarray:
    """Rows that answered the model's items: every item under ``listwise``; otherwise at least one
    item of every construct — a row with a construct left wholly blank would be imputation only."""
    observed = frame[list(spec.items)].notna()
    if missing == "listwise":
        return observed.all(axis=1).to_numpy()
    keep = np.ones(len(frame), bool)
    for construct in spec.constructs:
        keep &= observed[list(construct.items)].any(axis=1).to_numpy()
    return keep


def usable_rows(frame: pd.DataFrame, spec: ModelSpec, missing: MissingStrategy,
                weights: str | None) -> tuple[int, float]:
    """(rows that answered the model's items (:func:`answered_rows`), their effective n: Kish's
    when ``weights`` names a column). The minimum base is checked against this count, never
    against rows that only imputation would fill."""
    rows = answered_rows(frame, spec, missing)
    n = int(np.sum(rows))
    n_eff = float(n) if weights is None else kish_effective_n(frame.loc[rows, weights].to_numpy(float))
    return n, n_eff


def check_options(spec: ModelSpec, frame: pd.DataFrame, method: str, weights: str | None,
                  min_base: int | None, resamples: int, scale_bounds: ScaleBounds
                  ) -> tuple[int, dict[str, tuple[float, float]]]:
    """(the minimum base, the scale bounds) of a segment fit; raises ``AcsiError`` /
    ``InputDataError`` naming a bad method, column, base or bootstrap request."""
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
    base, bounds = check_options(spec, frame, method, weights, min_base, resamples, scale_bounds)
    return tuple(
        _segment(spec, rows, label, method, scheme, weights, missing, base, bounds, resamples, seed, level,
                 n_jobs, strict=label == ALL_SEGMENT)
        for label, rows in split_by_segment(frame, segment))


def fit_segment(
    spec: ModelSpec, rows: pd.DataFrame, label: str, *, method: Method = "pls", scheme: InnerScheme = "path",
    weights: str | None = None, missing: MissingStrategy = "listwise", min_base: int | None = None,
    scale_bounds: ScaleBounds = (1, 10), resamples: int = 0, seed: int = 0, level: float = 0.95, n_jobs: int = 1,
    strict: bool = False,
) -> SegmentFit | SkippedSegment:
    """Fit ``spec`` on the rows of one segment called ``label``, with the rules of
    :func:`fit_segments` (minimum base, bootstrap, indices, validity); a segment below the base
    or not estimable comes back as a :class:`SkippedSegment` saying why — or, ``strict`` (the
    whole sample of ``python -m acsi fit``), raises. Raises for bad options and bad cells like
    :func:`fit_segments`."""
    base, bounds = check_options(spec, rows, method, weights, min_base, resamples, scale_bounds)
    return _segment(spec, rows, label, method, scheme, weights, missing, base, bounds, resamples, seed, level,
                    n_jobs, strict=strict)


def _segment(spec: ModelSpec, rows: pd.DataFrame, label: str, method: Method, scheme: InnerScheme,
             weights: str | None, missing: MissingStrategy, base: int, bounds: dict[str, tuple[float, float]],
             resamples: int, seed: int, level: float, n_jobs: int, *, strict: bool) -> SegmentFit | SkippedSegment:
    """One segment; ``strict`` (the whole sample) raises instead of skipping."""
    n_used, n_eff = usable_rows(rows, spec, missing, weights)
    if n_eff < base:
        below = Problem("below_min_base", {"n_used": n_used, "n_effective": n_eff if weights else None,
                                           "min_base": base, "method": method})
        if strict:
            raise InsufficientDataError(f"the whole sample: {below.english()}")
        return SkippedSegment(label, len(rows), n_used, below)
    answered = rows if missing == "listwise" else rows[answered_rows(rows, spec, missing)]
    try:
        return _fit_one(spec, answered, label, method, scheme, weights, missing, base, bounds,
                        resamples, seed, level, n_jobs, n_rows=len(rows))
    except AcsiError as error:
        if strict:
            raise
        return SkippedSegment(label, len(rows), n_used, Problem("not_estimable", {"detail": str(error)}))


def _fit_one(spec: ModelSpec, rows: pd.DataFrame, label: str, method: Method, scheme: InnerScheme,
             weights: str | None, missing: MissingStrategy, base: int, bounds: dict[str, tuple[float, float]],
             resamples: int, seed: int, level: float, n_jobs: int, *, n_rows: int) -> SegmentFit:
    row_weights = None if weights is None else rows[weights].to_numpy(float)
    data = prepare_items(rows, spec.items, missing=missing, weights=row_weights, min_rows=base)
    n_eff = float(data.n) if data.weights is None else kish_effective_n(data.weights)
    if method == "cbsem":
        return _fit_cbsem(spec, data, label, n_rows, n_eff, bounds)
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
    return SegmentFit(label, n_rows, results.n, n_eff, method, results, results.outer_weights, indices,
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
