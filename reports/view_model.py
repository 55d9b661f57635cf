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

from acsi.problems import Problem
from acsi.segments import NCHS_RULE, reliability
from acsi.validity import ValidityThresholds
from acsi.word_of_mouth import WordOfMouthSettings
from reports.view_types import (
    CARD_KEYS,
    CardKey,
    ComplaintPanel,
    DriverDifference,
    Estimate,
    Footnote,
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

__all__ = ["CARD_KEYS", "MODEL_KINDS", "CardKey", "ComplaintPanel", "DriverDifference", "Estimate", "Footnote", "IndexCard", "IpmaPoint",
           "KanoPoint", "PathEdge", "PathModel", "ReportView", "Results", "SegmentComparison", "SegmentMark", "SegmentRow",
           "Significance", "TrendPoint", "TrendSeries", "ValidityRow", "ValiditySummaryRow", "build_report",
           "compare", "metric_estimate", "model_kind", "stored_problems", "validity_summary"]

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


def stored_problems(codes: Sequence[Mapping[str, Any]] | None, texts: Sequence[str]) -> tuple[Problem | str, ...]:
    """The problems a run stored: as codes and parameters (``codes``, :mod:`acsi.problems`), else
    — a run stored before problems had codes, or a code this version no longer knows — the
    stored English ``texts`` as they are."""
    if codes is None:
        return tuple(str(text) for text in texts)
    out: list[Problem | str] = []
    for position, code in enumerate(codes):
        try:
            out.append(Problem.from_dict(code))
        except (ValueError, KeyError, TypeError):
            out.append(str(texts[position]) if position < len(texts) else str(code.get("code", "")))
    return tuple(out)


def _skip_reason(payload: Mapping[str, Any] | None) -> Problem | str | None:
    """Why the model was not estimated (None: it was, or the run has no model)."""
    if not payload or "skipped" not in payload:
        return None
    return stored_problems([payload["skipped_code"]] if "skipped_code" in payload else None,
                           [str(payload["skipped"])])[0]


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


def _tested_change(results: Results, key: CardKey, estimate: Estimate, before: Estimate | None,
                   previous_run_id: int | None) -> tuple[float | None, Significance, str | None, float | None,
                                                         tuple[str, ...]]:
    """(change, mark, test name, Holm p, note keys) of ``estimate`` against ``before``: the run's
    stored change test when it was made against ``previous_run_id``, else the z test on the SEs."""
    change, mark = compare(estimate, before)
    test_name, p_value, notes = ("z_se" if mark != "unknown" else None), None, []
    stored, test = _stored_change(results, key, previous_run_id) if before is not None else (None, None)
    if stored is not None and stored.get("overlap"):
        mark, test_name = "unknown", None  # the runs share respondents: not two samples
        notes.append("change_overlap")
    elif test is not None:
        test_name, p_value = test["test"], _num(test.get("p_value_holm"))
        mark = test["mark"] if test.get("comparable", True) else "unknown"
        if not test.get("comparable", True):
            notes.append("change_not_comparable")
    return change, mark, test_name, p_value, tuple(notes)


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
    change, mark, test_name, p_value, change_notes = _tested_change(results, key, estimate, before, previous_run_id)
    return IndexCard(key, estimate, change, mark, (*notes, *change_notes), test_name, p_value)


def _trend(runs: Sequence[tuple[str, Results, int | None]]) -> tuple[TrendSeries, ...]:
    """Each card's index across ``runs`` (label, results, run id; oldest first), every point with
    its change from the previous point of its series, tested as on the cards."""
    series = []
    for key in CARD_KEYS:
        points: list[TrendPoint] = []
        for label, results, run_id in runs:
            estimate = metric_estimate(results, key)
            if estimate is None or estimate.value is None:
                continue
            if not points:
                points.append(TrendPoint(label, estimate, run_id=run_id))
                continue
            before = points[-1]
            change, mark, test_name, p_value, notes = _tested_change(results, key, estimate, before.estimate,
                                                                     before.run_id)
            points.append(TrendPoint(label, estimate, change, mark, test_name, p_value, notes, run_id))
        if points:
            series.append(TrendSeries(key, tuple(points)))
    return tuple(series)


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


def _footnotes(parameters: Mapping[str, Any], model_payload: Mapping[str, Any] | None,
               failures: Mapping[str, tuple[int, int]] | None = None,
               weights: Mapping[str, Any] | None = None) -> tuple[Footnote, ...]:
    """The settings the report names, as label keys with parameters (no text in a language:
    :func:`reports.labels.footnote_text` writes them in zh_CN or en)."""
    notes: list[Footnote] = []
    if weights:
        notes.append(Footnote("weights", {"attribute": weights.get("attribute") or None,
                                          "margins": tuple(weights.get("margins") or ()),
                                          "n_effective": float(weights["n_effective"]),
                                          "min": float(weights["min"]), "max": float(weights["max"])}))
    if parameters:
        if model_payload is not None:
            notes.append(Footnote("model", {"model": str(parameters.get("model", "")).upper()}))
            notes.append(Footnote("method", {"method": str(parameters.get("method", "")), "seed": parameters.get("seed")}))
            notes.append(Footnote("bootstrap", {
                "resamples": int(parameters.get("bootstrap", 0) or 0),
                "failures": tuple((segment, failed, total)
                                  for segment, (failed, total) in sorted((failures or {}).items()))}))
        notes.append(Footnote("period", {"from": parameters.get("submitted_from"),
                                         "to": parameters.get("submitted_to")}))
    rule = NCHS_RULE
    notes.append(Footnote("suppression_rule", {"min_shown": rule.min_shown, "min_reliable": rule.min_reliable,
                                               "max_relative_se": rule.max_relative_se}))
    t = ValidityThresholds()
    if model_payload is not None:
        notes.append(Footnote("validity_thresholds", {
            "loading": t.loading_min, "alpha": t.alpha_min, "rho_a": t.rho_a_min, "rho_c_min": t.rho_c_min,
            "rho_c_max": t.rho_c_max, "ave": t.ave_min, "htmt": t.htmt_max, "vif": t.vif_max}))
    if model_payload and "indices" in model_payload:
        notes.append(Footnote("index_weights", {"indices": tuple(
            (i["construct"], tuple((k, float(v)) for k, v in i["weights"].items() if v is not None))
            for i in model_payload["indices"]["indices"])}))
    w = WordOfMouthSettings()
    notes.append(Footnote("tarp", {"reach_satisfied": w.reach_satisfied, "reach_dissatisfied": w.reach_dissatisfied,
                                   "top_box": w.resolution_top_box, "many_told": w.many_told}))
    return tuple(notes)


def build_report(results: Results, *, run_id: int | None = None, previous: Results | None = None,
                 history: Sequence[tuple[str, Results]] = (), current_label: str | None = None,
                 ipma_target: str = "satisfaction", previous_run_id: int | None = None,
                 history_ids: Sequence[int] = ()) -> ReportView:
    """The report of one run.

    ``previous``: the previous comparable run's results (change and significance marks; a
    change tested with the run against ``previous_run_id`` — permutation for model indices, z
    for NPS — takes the place of the z test on the two runs' SEs);
    ``history``: earlier runs as (label, results), oldest first, for the trend (the current run
    is appended as ``current_label``, default "#run_id"); ``history_ids``: their run ids, same
    order, so a trend point's stored change test is used when it was made against the point
    before it (empty: every trend change is the z test on the SEs). Raises ValueError when
    ``results`` has no "meta" entry (not a run's results) or ``history_ids`` does not match.
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
    if history_ids and len(history_ids) != len(history):
        raise ValueError(f"history_ids has {len(history_ids)} run ids for {len(history)} earlier runs")
    ids = list(history_ids) if history_ids else [None] * len(history)
    trend = _trend([*((label, res, rid) for (label, res), rid in zip(history, ids, strict=True)),
                    (current_label or f"#{run_id}", results, run_id)])
    names = meta.get("names", {})
    kano = tuple(KanoPoint(a["attribute"], _num(a["better"]), _num(a["worse"]), a["category"],
                           {k: float(v) for k, v in (a["shares"] or {}).items()}, int(a["n"]), a["reliability"],
                           _pair(names.get(f"kano:{a['attribute']}")))
                 for a in results.get(("kano", "all"), {}).get("attributes", []))
    validity = fitted["validity"] if fitted else {}
    return ReportView(
        run_id=run_id, n=int(meta.get("n", 0)), model=kind, cards=cards, segments=segments,
        trend=trend, ipma=_ipma(fitted, ipma_target) if fitted else (), ipma_target=ipma_target,
        kano=kano, path=_path(fitted, kind) if fitted else None,
        complaints=_complaints(results[("complaints", "all")]) if ("complaints", "all") in results else None,
        validity=tuple(ValidityRow(c["name"], c["subject"], _num(c["value"]) if c["value"] is not None else None,
                                   c["threshold"], c["passed"]) for c in validity.get("criteria", [])),
        admissibility_problems=stored_problems(validity.get("admissibility_codes"),
                                               validity.get("admissibility_problems", [])),
        model_skipped=_skip_reason(model_payload),
        footnotes=_footnotes(meta.get("parameters", {}), fitted, _bootstrap_failures(results, kind),
                             meta.get("weights")), parameters=dict(meta.get("parameters", {})),
        driver_differences=_driver_differences(results))
