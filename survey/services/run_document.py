"""A stored analysis run as the fit document of ``python -m acsi fit`` (docs/acsi-fit-json.md).

``flask analysis show RUN_ID`` prints it, so a run can be audited outside the app: the same
schema, the model's segment entries exactly as :func:`acsi.report.segment_entry` built them
when the run was computed, the run's segment tests of model indices as ``comparisons``, and —
in the keys ``python -m acsi fit`` leaves null — the run (``run``) and its other metrics
(``metrics``: NPS, Kano, complaints per segment, and every segment test).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acsi.report import fit_document
from acsi.segment_fit import recommended_min_base
from acsi.spec import BUILTIN_MODELS
from models import AnalysisRun
from survey.services.analysis_pipeline import AnalysisParameters

__all__ = ["RunDocumentUnavailable", "run_document"]


class RunDocumentUnavailable(LookupError):
    """The run cannot be shown as a fit document; the message says why and what to do."""


def _comparisons(tests: Mapping[str, Any] | None, constructs: tuple[str, ...]) -> list[dict[str, Any]] | None:
    """The run's permutation tests of model indices in the shape of the document's ``comparisons``."""
    if tests is None:
        return None
    return [{"construct": t["metric"], "first": t["segment"], "second": "rest", "method": t["test"],
             "difference": t["difference"], "p_value": t["p_value"], "p_value_holm": t["p_value_holm"],
             "ci_low": None, "ci_high": None, "resamples": t["resamples"], "successful": t["successful"],
             "n_first": t["n_segment"], "n_second": t["n_rest"]}
            for t in tests["tests"] if t["metric"] in constructs]


def run_document(run: AnalysisRun, results: Mapping[tuple[str, str], Mapping[str, Any]]) -> dict[str, Any]:
    """The document of succeeded run ``run`` with stored ``results`` ({(kind, segment): payload}).

    Raises :class:`RunDocumentUnavailable` when the run has not succeeded or was stored before
    runs kept their fit entries (run it again to get one)."""
    if run.status != "succeeded" or ("meta", "all") not in results:
        raise RunDocumentUnavailable(f"analysis run {run.id} is {run.status}; only a succeeded run can be shown")
    meta = results[("meta", "all")]
    parameters = AnalysisParameters.from_dict(meta["parameters"])
    labels = list(meta.get("segments", ["all"]))
    model = parameters.model if (parameters.model, "all") in results else None
    spec = BUILTIN_MODELS[model] if model else None
    entries, bounds = [], {}
    if model:
        payloads = [results[(model, label)] for label in labels if (model, label) in results]
        if any("entry" not in payload for payload in payloads):
            raise RunDocumentUnavailable(
                f"analysis run {run.id} was stored before runs kept the fit document; start the same "
                "analysis again to get one")
        entries = [payload["entry"] for payload in payloads]
        bounds = (results[(model, "all")].get("indices") or {}).get("scale_bounds", {})
    tests = results.get(("segment_tests", "all"))
    metrics: dict[str, Any] = {"nps": {}, "kano": {}, "complaints": {}, "segment_tests": tests,
                               "names": meta.get("names", {})}
    for (kind, label), payload in sorted(results.items()):
        if kind.startswith("nps:"):
            metrics["nps"].setdefault(kind.removeprefix("nps:"), {})[label] = payload
        elif kind in ("kano", "complaints"):
            metrics[kind][label] = payload
    boot = None
    if parameters.bootstrap and spec is not None:
        boot = {"resamples": parameters.bootstrap, "seed": parameters.seed, "level": 0.95}
    return fit_document(
        spec, method=parameters.method, scheme="path", missing=parameters.missing, segment_column=None,
        weights_column=None, min_base=recommended_min_base(spec, parameters.method) if spec else None,
        scale_bounds=bounds, bootstrap=boot, segments=entries,
        comparisons=_comparisons(tests, spec.construct_names) if spec else None, rollup=None, warnings=[],
        run={"id": run.id, "status": run.status, "n": meta.get("n"), "segments": labels,
             "segment_dimensions": list(parameters.segment_dimensions), "parameters": parameters.to_dict(),
             "created_at": run.created_at.isoformat() if run.created_at else None,
             "finished_at": run.finished_at.isoformat() if run.finished_at else None},
        metrics=metrics)
