"""Pure view model of a report: run-result payloads -> frozen dataclasses for figures and templates.

In: ``results`` as returned by ``survey.services.analysis_runs.run_results`` —
``{(kind, segment): payload}`` with kinds "meta", "acsi"/"ecsi"/"ccsi", "nps:<code>", "kano",
"complaints" and segments "all" / "dimension=value" — plus optionally the previous run's results
(for change and significance) and earlier runs (for the trend).

Out: :func:`build_report` -> :class:`ReportView`. Index cards carry value, CI (bootstrap or the
estimator's own; None otherwise, with a note key), n, change vs the previous run and a
significance mark ("up" / "down" when |Δ| > 1.96·√(se₁² + se₂²), "none", or "unknown" when a
standard error is missing). Note keys are keys of :mod:`reports.labels`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from acsi.segments import NCHS_RULE, reliability
from acsi.validity import ValidityThresholds
from acsi.word_of_mouth import WordOfMouthSettings
from reports.view_types import (
    CARD_KEYS,
    CardKey,
    ComplaintPanel,
    DriverDifference,
    Estimate,
    IndexCard,
    IpmaPoint,
    KanoPoint,
    PathEdge,
    PathModel,
    ReportView,
    Results,
    SegmentComparison,
    SegmentMark,
    SegmentRow,
    Significance,
    TrendPoint,
    TrendSeries,
    ValidityRow,
    ValiditySummaryRow,
    validity_summary,
)

__all__ = ["CARD_KEYS", "MODEL_KINDS", "CardKey", "ComplaintPanel", "DriverDifference", "Estimate", "IndexCard", "IpmaPoint",
           "KanoPoint", "PathEdge", "PathModel", "ReportView", "Results", "SegmentComparison", "SegmentMark", "SegmentRow",
           "Significance", "TrendPoint", "TrendSeries", "ValidityRow", "ValiditySummaryRow", "build_report",
           "compare", "metric_estimate", "model_kind", "validity_summary"]

MODEL_KINDS = ("acsi", "ecsi", "ccsi")
Z_95 = 1.959963984540054

def _num(value: Any) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def _relative_se(value: float | None, se: float | None) -> float | None:
    """se / |value| for the relative-SE rule of :func:`acsi.segments.reliability` (None: not known)."""
    if value is None or se is None:
        return None
    return se / abs(value) if value else math.inf


def model_kind(results: Results) -> str | None:
    """The model kind ("acsi", "ecsi", "ccsi") present in ``results``, else None."""
    return next((k for k in MODEL_KINDS if (k, "all") in results), None)


def _model_index(payload: Mapping[str, Any] | None, construct: str) -> Estimate | None:
    if payload is None:
        return None
    if "skipped" in payload:
        n = int(payload.get("n", 0))
        return Estimate(None, n=n, reliability="suppressed", note=str(payload["skipped"]))
    indices = {i["construct"]: i for i in payload["indices"]["indices"]}
    if construct not in indices:
        return None
    n = int(payload["indices"]["n"])
    boot = payload.get("bootstrap") or {}
    row = next((r for r in (boot.get("indices") or []) if r["name"] == construct), None)
    low, high, se = (None, None, None) if row is None else (_num(row["lower"]), _num(row["upper"]),
                                                           _num(row["std_error"]))
    value = _num(indices[construct]["value"])
    flags = []
    if (payload.get("validity") or {}).get("admissible") is False:
        flags.append("inadmissible_fit")
    if row is not None and boot.get("intervals_reliable") is False:
        flags.append("ci_unreliable")
    return Estimate(value, low, high, se, n, reliability(n, relative_se=_relative_se(value, se)),
                    indices[construct].get("note", ""), tuple(flags))


def _first_nps(results: Results, segment: str) -> Mapping[str, Any] | None:
    codes = sorted(k for k, s in results if k.startswith("nps:") and s == segment)
    return results[(codes[0], segment)] if codes else None


def _cell(data: Mapping[str, Any] | None, scale: float = 1.0) -> Estimate | None:
    """A CellEstimate / NpsResult / word-of-mouth dict as an Estimate (``scale`` multiplies)."""
    if data is None:
        return None
    value = data.get("estimate", data.get("nps", data.get("index")))
    def scaled(x: Any) -> float | None:
        number = _num(x)
        return None if number is None else number * scale
    return Estimate(scaled(value), scaled(data.get("ci_low")), scaled(data.get("ci_high")), scaled(data.get("se")),
                    int(data["n"]), str(data.get("reliability", "reliable")))


def metric_estimate(results: Results, metric: CardKey, segment: str = "all") -> Estimate | None:
    """The estimate of card ``metric`` in ``segment`` of ``results``, None when not measured."""
    if metric in ("satisfaction", "loyalty"):
        kind = model_kind(results)
        return _model_index(results.get((kind, segment)) if kind else None, metric)
    if metric == "nps":
        return _cell(_first_nps(results, segment))
    complaints = results.get(("complaints", segment))
    if complaints is None:
        return None
    if metric == "word_of_mouth":
        return _cell(complaints.get("word_of_mouth_calibrated"))
    if metric == "complaint_handling":
        return _cell((complaints.get("summary") or {}).get("handling_mean"))
    raise ValueError(f"metric {metric!r} is not one of {', '.join(CARD_KEYS)}")


def compare(current: Estimate, previous: Estimate | None) -> tuple[float | None, Significance]:
    """Change current − previous and its mark (two-sided z test at 95 % on independent SEs)."""
    if previous is None or current.value is None or previous.value is None:
        return None, "unknown"
    change = current.value - previous.value
    if current.se is None or previous.se is None:
        return change, "unknown"
    margin = Z_95 * math.hypot(current.se, previous.se)
    if abs(change) > margin:
        return change, "up" if change > 0 else "down"
    return change, "none"


def _stored_change(results: Results, key: CardKey, previous_run_id: int | None
                   ) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """The run's stored change tests when they were made against ``previous_run_id``, and the
    test of card ``key`` among them (every card's metric is tested)."""
    stored = results.get(("change_tests", "all"))
    if stored is None or previous_run_id is None or stored.get("previous_run") != previous_run_id:
        return None, None
    metric = _tested_metric(results, key)
    return stored, next((t for t in stored.get("tests", ()) if t["metric"] == metric), None)


def _tested_metric(results: Results, key: CardKey) -> str | None:
    """The metric name under which the run's stored tests (segment against the rest, change
    since the previous run) hold card ``key``'s test (acsi.segment_tests, acsi.metric_tests)."""
    if key == "nps":
        codes = sorted(k for k, s in results if k.startswith("nps:") and s == "all")
        return codes[0] if codes else None
    return {"word_of_mouth": "wom:calibrated", "complaint_handling": "complaints:handling_mean"}.get(key, key)


def _card(results: Results, previous: Results | None, key: CardKey, previous_run_id: int | None = None) -> IndexCard:
    estimate = metric_estimate(results, key)
    if estimate is None:
        return IndexCard(key, Estimate(None), None, "unknown", ("not_measured",))
    notes = list(estimate.flags)
    if estimate.value is not None and estimate.ci_low is None:
        notes.append("no_ci")
    if estimate.reliability in ("suppressed", "unreliable"):
        notes.append(estimate.reliability)
    before = metric_estimate(previous, key) if previous is not None else None
    if before is None:
        notes.append("no_previous")
    change, mark = compare(estimate, before)
    test_name, p_value = ("z_se" if mark != "unknown" else None), None
    stored, test = _stored_change(results, key, previous_run_id) if before is not None else (None, None)
    if stored is not None and stored.get("overlap"):
        mark, test_name = "unknown", None  # the runs share respondents: not two samples
        notes.append("change_overlap")
    elif test is not None:
        test_name, p_value = test["test"], _num(test.get("p_value_holm"))
        mark = test["mark"] if test.get("comparable", True) else "unknown"
        if not test.get("comparable", True):
            notes.append("change_not_comparable")
    return IndexCard(key, estimate, change, mark, tuple(notes), test_name, p_value)


def _pair(stored: Any) -> tuple[str, str] | None:
    """A stored (zh_CN, en) name pair (JSON list), or None."""
    return (str(stored[0]), str(stored[1])) if isinstance(stored, (list, tuple)) and len(stored) == 2 else None


def _segments(results: Results, metric: CardKey) -> SegmentComparison | None:
    overall = metric_estimate(results, metric)
    if overall is None:
        return None
    meta = results.get(("meta", "all"), {})
    labels = [s for s in meta.get("segments", sorted({s for _k, s in results})) if s != "all"]
    names = meta.get("names", {})
    tested = _segment_marks(results, metric)
    rows = []
    for label in labels:
        estimate = metric_estimate(results, metric, label)
        if estimate is not None:
            dimension, _, level = label.partition("=")
            rows.append(SegmentRow(label, dimension, level, estimate, _pair(names.get(label)), tested.get(label)))
    return SegmentComparison(metric, overall, tuple(rows)) if rows else None


def _segment_marks(results: Results, metric: CardKey) -> dict[str, SegmentMark]:
    """Segment label -> its stored test against the rest (``segment_tests`` of the run) for ``metric``."""
    key = _tested_metric(results, metric)
    stored = (results.get(("segment_tests", "all")) or {}).get("tests", [])
    return {t["segment"]: SegmentMark(t["test"], _num(t["difference"]) if t["difference"] is not None else None,
                                      t["p_value"], t["p_value_holm"], t["mark"], t.get("comparable", True))
            for t in stored if t["metric"] == key}


def _driver_differences(results: Results, alpha: float = 0.05) -> tuple[DriverDifference, ...]:
    """Paths whose segment-vs-rest difference has a Holm-adjusted p below ``alpha`` (stored MGA)."""
    names = (results.get(("meta", "all")) or {}).get("names", {})
    stored = (results.get(("segment_tests", "all")) or {}).get("multigroup", [])
    return tuple(DriverDifference(g["segment"], p["from"], p["to"], float(p["first"]), float(p["second"]),
                                  float(p["p_value_holm"]), _pair(names.get(g["segment"])))
                 for g in stored if g.get("invariance") != "none" for p in g["paths"]
                 if p.get("p_value_holm") is not None and p["p_value_holm"] < alpha)


def _ipma(payload: Mapping[str, Any], target: str) -> tuple[IpmaPoint, ...]:
    """The map :func:`acsi.ipma.ipma` stored with the run (unstandardised total effects on the
    rescaled scores); a run stored without one shows none rather than a second computation."""
    stored = payload.get("ipma")
    if not stored or stored.get("target") != target:
        return ()
    return tuple(IpmaPoint(e["construct"], float(e["importance"]), float(e["performance"]))
                 for e in stored["constructs"] if e["importance"] is not None and e["performance"] is not None)


def _path(payload: Mapping[str, Any], model: str) -> PathModel:
    fit = payload["fit"]
    intervals = {(r["from"], r["to"]): r for r in ((payload.get("bootstrap") or {}).get("paths") or [])}
    edges = tuple(PathEdge(p["from"], p["to"], float(p["estimate"]),
                           _num(intervals.get((p["from"], p["to"]), {}).get("lower")),
                           _num(intervals.get((p["from"], p["to"]), {}).get("upper"))) for p in fit["paths"])
    return PathModel(model, tuple(fit["rho_a"]), edges,
                     {k: float(v) for k, v in fit["r_squared"].items() if v is not None})


def _complaints(payload: Mapping[str, Any]) -> ComplaintPanel:
    summary = payload.get("summary") or {}
    rates = tuple((key, est) for key in ("complaint_rate", "handling_top_box", "resolution_rate",
                                          "first_contact_resolution") if (est := _cell(summary.get(key))))
    change = summary.get("purchase_change") or {}
    purchase = tuple((f"purchase_{k}", est) for k in ("more", "same", "less", "stop")
                     if (est := _cell(change.get(k))))
    return ComplaintPanel(rates, purchase, _cell(summary.get("handling_mean")),
                          _cell(payload.get("word_of_mouth_calibrated")))


def _bootstrap_failures(results: Results, kind: str | None) -> dict[str, tuple[int, int]]:
    """Segment -> (failed, resamples) of every stored model bootstrap with failed resamples."""
    failures = {}
    for (k, segment), payload in results.items():
        boot = payload.get("bootstrap") if k == kind else None
        if boot and boot.get("failed"):
            failures[segment] = (int(boot["failed"]), int(boot["resamples"]))
    return failures


def _bootstrap_note(parameters: Mapping[str, Any], failures: Mapping[str, tuple[int, int]]) -> str:
    """"500", or "500; failed: all 446/500, region=north 3/500" (the counts of failed resamples)."""
    text = str(parameters.get("bootstrap", 0))
    if failures:
        text += "; failed: " + ", ".join(f"{segment} {failed}/{total}"
                                         for segment, (failed, total) in sorted(failures.items()))
    return text


def _weights_note(weights: Mapping[str, Any]) -> str:
    """"attribute current_value; raked to region, tier; effective n 2,345.6 (weights 0.41–3.07)"."""
    parts = []
    if weights.get("attribute"):
        parts.append(f"attribute {weights['attribute']}")
    if weights.get("margins"):
        parts.append("raked to " + ", ".join(weights["margins"]))
    parts.append(f"effective n {weights['n_effective']:,.1f} (weights {weights['min']:.2f}–{weights['max']:.2f})")
    return "; ".join(parts)


def _footnotes(parameters: Mapping[str, Any], model_payload: Mapping[str, Any] | None,
               failures: Mapping[str, tuple[int, int]] | None = None,
               weights: Mapping[str, Any] | None = None) -> tuple[tuple[str, str], ...]:
    notes: list[tuple[str, str]] = []
    if weights:
        notes.append(("weights", _weights_note(weights)))
    if parameters:
        if model_payload is not None:
            notes.append(("model", f"{str(parameters.get('model', '')).upper()}"))
            notes.append(("method", f"{str(parameters.get('method', '')).upper()}, seed {parameters.get('seed')}"))
            notes.append(("bootstrap", _bootstrap_note(parameters, failures or {})))
        notes.append(("period", f"{parameters.get('submitted_from') or '…'} – {parameters.get('submitted_to') or '…'}"))
    rule = NCHS_RULE
    notes.append(("suppression_rule", f"n < {rule.min_shown}: suppressed; n < {rule.min_reliable} or "
                                      f"relative SE ≥ {rule.max_relative_se:.0%}: unreliable"))
    t = ValidityThresholds()
    if model_payload is not None:
        notes.append(("validity_thresholds", f"loading ≥ {t.loading_min}, α ≥ {t.alpha_min}, "
                      f"ρA ≥ {t.rho_a_min}, ρC {t.rho_c_min}–{t.rho_c_max}, AVE ≥ {t.ave_min}, "
                      f"HTMT < {t.htmt_max}, VIF < {t.vif_max}"))
    if model_payload and "indices" in model_payload:
        weights = "; ".join(f"{i['construct']}: " + ", ".join(f"{k} {v:.2f}" for k, v in i["weights"].items()
                                                             if v is not None)
                            for i in model_payload["indices"]["indices"])
        notes.append(("index_weights", weights))
    w = WordOfMouthSettings()
    notes.append(("tarp", f"reach satisfied {w.reach_satisfied}, dissatisfied {w.reach_dissatisfied}, "
                          f"top box {w.resolution_top_box}, told many ≥ {w.many_told}"))
    return tuple(notes)


def build_report(results: Results, *, run_id: int | None = None, previous: Results | None = None,
                 history: Sequence[tuple[str, Results]] = (), current_label: str | None = None,
                 ipma_target: str = "satisfaction", previous_run_id: int | None = None) -> ReportView:
    """The report of one run.

    ``previous``: the previous comparable run's results (change and significance marks; a
    change tested with the run against ``previous_run_id`` — permutation for model indices, z
    for NPS — takes the place of the z test on the two runs' SEs);
    ``history``: earlier runs as (label, results), oldest first, for the trend (the current run
    is appended as ``current_label``, default "#run_id"). Raises ValueError when ``results`` has
    no "meta" entry (not a run's results).
    """
    if ("meta", "all") not in results:
        raise ValueError(f"results of run {run_id} have no ('meta', 'all') entry; pass run_results(...) output")
    meta = results[("meta", "all")]
    kind = model_kind(results)
    model_payload = results.get((kind, "all")) if kind else None
    fitted = model_payload if model_payload and "fit" in model_payload else None
    cards = tuple(_card(results, previous, key, previous_run_id) for key in CARD_KEYS)
    # Segment tables for the headline index and every index the executive cards show beside it
    # (loyalty follows satisfaction in the model and stays on its card).
    segments = tuple(s for key in ("satisfaction", "nps", "word_of_mouth", "complaint_handling")
                     if (s := _segments(results, key)) is not None)
    runs = [*history, (current_label or f"#{run_id}", results)]
    trend = []
    for key in CARD_KEYS:
        points = tuple(TrendPoint(label, est) for label, res in runs
                       if (est := metric_estimate(res, key)) is not None and est.value is not None)
        if points:
            trend.append(TrendSeries(key, points))
    names = meta.get("names", {})
    kano = tuple(KanoPoint(a["attribute"], _num(a["better"]), _num(a["worse"]), a["category"],
                           {k: float(v) for k, v in (a["shares"] or {}).items()}, int(a["n"]), a["reliability"],
                           _pair(names.get(f"kano:{a['attribute']}")))
                 for a in results.get(("kano", "all"), {}).get("attributes", []))
    validity = fitted["validity"] if fitted else {}
    return ReportView(
        run_id=run_id, n=int(meta.get("n", 0)), model=kind, cards=cards, segments=segments,
        trend=tuple(trend), ipma=_ipma(fitted, ipma_target) if fitted else (), ipma_target=ipma_target,
        kano=kano, path=_path(fitted, kind) if fitted else None,
        complaints=_complaints(results[("complaints", "all")]) if ("complaints", "all") in results else None,
        validity=tuple(ValidityRow(c["name"], c["subject"], _num(c["value"]) if c["value"] is not None else None,
                                   c["threshold"], c["passed"]) for c in validity.get("criteria", [])),
        admissibility_problems=tuple(validity.get("admissibility_problems", [])),
        model_skipped=str(model_payload["skipped"]) if model_payload and "skipped" in model_payload else None,
        footnotes=_footnotes(meta.get("parameters", {}), fitted, _bootstrap_failures(results, kind),
                             meta.get("weights")), parameters=dict(meta.get("parameters", {})),
        driver_differences=_driver_differences(results))
