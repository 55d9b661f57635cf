"""The stable JSON document of a model fit (``python -m acsi fit``); schema in docs/acsi-fit-json.md.

:func:`fit_report` runs the model through the run orchestrator (:func:`acsi.run.analyse`, the
same per-segment fits the app stores; when asked, index comparisons, IPMA and a roll-up) and
returns a JSON-serialisable dict; :func:`segment_entry`
builds one segment's entry. Every segment entry has the same keys whether fitted or skipped
(skipped: empty maps / lists and nulls, plus ``reason``), constructs keep the model's names, a
path's ``estimate`` is the standardised coefficient for every method, and undefined numbers
are ``null`` (never NaN). Bump :data:`SCHEMA_VERSION` on any incompatible change.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from acsi.data import MissingStrategy
from acsi.errors import AcsiError
from acsi.indices import ScaleBounds
from acsi.ipma import ipma
from acsi.pls import InnerScheme
from acsi.results import json_number, series_to_dict
from acsi.rollup import rollup
from acsi.segment_differences import compare_segment_indices
from acsi.segment_fit import Method, SegmentFit, SkippedSegment, check_options
from acsi.spec import ModelSpec

__all__ = ["SCHEMA_VERSION", "fit_document", "fit_report", "segment_entry"]

SCHEMA_VERSION = 1


def _number_map(mapping: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): json_number(v) for k, v in mapping.items()}


def _admissible(fit: SegmentFit) -> bool | None:
    """The fit's admissibility: CB-SEM's own verdict, else the validity report's."""
    if fit.method == "cbsem":
        return fit.results.admissible
    return None if fit.validity is None else fit.validity.admissible


def segment_entry(fit: SegmentFit | SkippedSegment, *, ipma_target: str | None = None) -> dict[str, Any]:
    """One entry of ``segments``: see docs/acsi-fit-json.md for every key."""
    entry: dict[str, Any] = {"segment": fit.segment, "status": fit.status, "n": fit.n, "n_used": fit.n_used}
    if isinstance(fit, SkippedSegment):
        return {**entry, "n_effective": None, "reason": fit.reason, "reason_code": fit.problem.to_dict(),
                "converged": None, "admissible": None,
                "paths": [], "weights": {}, "loadings": {}, "r2": {}, "indices": {}, "index_intervals": None,
                "validity": None, "ipma": None, "bootstrap": None, "warnings": []}
    results, boot = fit.results, fit.bootstrap
    if fit.method == "cbsem":
        paths = [{"from": s, "to": t, "estimate": json_number(v), "ci_low": None, "ci_high": None,
                  "std_error": None} for (s, t), v in results.standardized_paths.items()]
        loadings, r2 = _number_map(results.standardized_loadings), _number_map(results.r_squared)
        validity = {"admissible": results.admissible,
                    "admissibility_problems": [p.english() for p in results.problems],
                    "admissibility_codes": [p.to_dict() for p in results.problems],
                    "fit_indices": results.fit.to_dict()}
        converged, admissible = results.converged, results.admissible
    else:
        table = None if boot is None else boot.paths
        paths = []
        for (s, t), value in results.paths.items():
            row = None if table is None else table.loc[(s, t)]
            paths.append({"from": s, "to": t, "estimate": json_number(value),
                          "ci_low": None if row is None else json_number(row["lower"]),
                          "ci_high": None if row is None else json_number(row["upper"]),
                          "std_error": None if row is None else json_number(row["std_error"])})
        loadings, r2 = series_to_dict(results.loadings), series_to_dict(results.r_squared)
        validity = fit.validity.to_dict()
        converged, admissible = results.converged, _admissible(fit)
    intervals = None
    if boot is not None and boot.indices is not None:
        intervals = {str(c): {"ci_low": json_number(r["lower"]), "ci_high": json_number(r["upper"]),
                              "std_error": json_number(r["std_error"])} for c, r in boot.indices.iterrows()}
    ipma_entry = None
    if ipma_target is not None and fit.method != "cbsem":
        ipma_entry = ipma(results, target=ipma_target, scale_bounds=dict(fit.indices.scale_bounds)).to_dict()
    return {**entry, "n_effective": json_number(fit.n_effective), "reason": None, "reason_code": None,
            "converged": converged,
            "admissible": admissible, "paths": paths, "weights": series_to_dict(fit.weights), "loadings": loadings,
            "r2": r2, "indices": _number_map(fit.indices.values) if fit.indices is not None else {},
            "index_intervals": intervals, "validity": validity, "ipma": ipma_entry,
            "bootstrap": None if boot is None else {"resamples": boot.resamples, "successful": boot.successful,
                                                    "failed": boot.failed, "seed": boot.seed, "level": boot.level,
                                                    "intervals_reliable": boot.intervals_reliable},
            "warnings": list(fit.warnings)}


def fit_report(
    spec: ModelSpec, frame: Any, *, method: Method = "pls", scheme: InnerScheme = "path",
    segment: str | None = None, weights: str | None = None, missing: MissingStrategy = "listwise",
    min_base: int | None = None, scale_bounds: ScaleBounds = (1, 10), resamples: int = 0, seed: int = 0,
    level: float = 0.95, ipma_target: str | None = None,
    compare: Literal["permutation", "bootstrap"] | None = None, compare_versus: Literal["rest", "pairwise"] = "rest",
    compare_resamples: int = 999, compare_constructs: Sequence[str] | None = None,
    rollup_weights: Mapping[str, float] | None = None, rollup_source: str | None = None,
    rollup_construct: str = "satisfaction",
) -> dict[str, Any]:
    """Fit and describe ``spec`` on ``frame`` as the documented JSON dict (docs/acsi-fit-json.md).

    Options as in :func:`acsi.segment_fit.fit_segments`; ``ipma_target`` adds an IPMA per
    segment (pls / plsc); ``compare`` adds index differences between segments
    (:func:`acsi.segment_differences.compare_segment_indices`, pls / plsc); ``rollup_weights``
    (segment → weight, named by ``rollup_source``) adds the weighted roll-up of the segments'
    ``rollup_construct`` index, skipped segments excluded and listed. Raises the errors of those
    functions.
    """
    from acsi.run import RunOptions, RunPlan, analyse  # acsi.run builds on this module

    base, bounds = check_options(spec, frame, method, weights, min_base, resamples, scale_bounds)
    options = RunOptions(method=method, missing=missing, dimensions={segment: segment} if segment else {},
                         weights=weights, bootstrap=resamples, seed=seed, scheme=scheme, min_base=min_base,
                         level=level, ipma_target=ipma_target, segment_tests=False, strict_all=True)
    results = analyse(frame, RunPlan(model=spec, scale_bounds=bounds), options)
    prefix = f"{segment}=" if segment else ""
    entries = [{**dict(record.payload["entry"]), "segment": record.segment.removeprefix(prefix)}
               for record in results.records if record.kind == spec.name]
    warnings: list[str] = []
    if ipma_target is not None and method == "cbsem":
        warnings.append("IPMA uses PLS outer weights and is not computed for method 'cbsem'")
    comparisons = None
    if compare is not None:
        if segment is None:
            raise AcsiError("index comparisons need a segment column (--segment)")
        comparisons = [d.to_dict() for d in compare_segment_indices(
            spec, frame, segment=segment, constructs=compare_constructs, versus=compare_versus, method=compare,
            resamples=compare_resamples, seed=seed, weights=weights, scheme=scheme, consistent=method == "plsc",
            missing=missing, min_base=min_base, scale_bounds=scale_bounds, level=level)]
        if method == "cbsem":
            warnings.append("index comparisons refit the model with PLS (the index weights of ACSI)")
    rolled = None
    if rollup_weights is not None:
        # An inadmissible fit (a Heywood case, a negative variance) has no comparable index: it is
        # left out of the roll-up like a skipped segment, and the run says so.
        segments = [e for e in entries if e["segment"] != "all"]
        inadmissible = [e["segment"] for e in segments if e["status"] != "skipped" and e["admissible"] is False]
        values = {e["segment"]: (e["indices"].get(rollup_construct)
                                 if e["status"] != "skipped" and e["segment"] not in inadmissible else None)
                  for e in segments}
        if inadmissible:
            warnings.append(f"roll-up leaves out inadmissible fits: {', '.join(inadmissible)}")
        rolled = {"construct": rollup_construct,
                  **rollup(values, {k: v for k, v in rollup_weights.items() if k in values},
                           weight_source=rollup_source or "", missing="exclude").to_dict()}
        unknown = sorted(set(rollup_weights) - set(values))
        if unknown:
            warnings.append(f"roll-up weights given for segments not in the data: {', '.join(unknown)}")
    return fit_document(
        spec, method=method, scheme=scheme, missing=missing, segment_column=segment, weights_column=weights,
        min_base=base, scale_bounds=bounds,
        bootstrap=None if not resamples else {"resamples": resamples, "seed": seed, "level": level},
        segments=entries, comparisons=comparisons,
        rollup=rolled, warnings=warnings)


def fit_document(
    spec: ModelSpec | None, *, method: str, scheme: str | None, missing: str, segment_column: str | None,
    weights_column: str | None, min_base: int | None, scale_bounds: Mapping[str, Sequence[float]],
    bootstrap: Mapping[str, Any] | None, segments: Sequence[Mapping[str, Any]],
    comparisons: Sequence[Mapping[str, Any]] | None, rollup: Mapping[str, Any] | None, warnings: Sequence[str],
    run: Mapping[str, Any] | None = None, metrics: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The documented JSON dict (docs/acsi-fit-json.md) from its parts: ``python -m acsi fit``
    and a stored analysis run (``flask analysis show``, which adds ``run`` and ``metrics``) both
    print through here. ``spec`` is None for a run without a model (NPS, Kano or complaints only)."""
    return {
        "schema_version": SCHEMA_VERSION, "model": None if spec is None else spec.name,
        "lavaan": None if spec is None else spec.to_lavaan(), "method": method,
        "scheme": None if method == "cbsem" else scheme, "missing": missing, "segment_column": segment_column,
        "weights_column": weights_column, "min_base": min_base,
        "scale_bounds": {item: [float(lo), float(hi)] for item, (lo, hi) in scale_bounds.items()},
        "bootstrap": None if bootstrap is None else dict(bootstrap),
        "segments": list(segments), "comparisons": None if comparisons is None else list(comparisons),
        "rollup": None if rollup is None else dict(rollup), "warnings": list(warnings),
        "run": None if run is None else dict(run), "metrics": None if metrics is None else dict(metrics),
    }
