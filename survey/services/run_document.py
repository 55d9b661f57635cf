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

from acsi.errors import AcsiError
from acsi.run import document_of
from models import AnalysisRun
from survey.services.analysis_pipeline import AnalysisParameters

__all__ = ["RunDocumentUnavailable", "run_document"]


class RunDocumentUnavailable(LookupError):
    """The run cannot be shown as a fit document; the message says why and what to do."""


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
    try:
        return document_of(
            results, segments=labels, model=model, method=parameters.method, missing=parameters.missing,
            bootstrap=parameters.bootstrap, seed=parameters.seed, names=meta.get("names", {}),
            run={"id": run.id, "status": run.status, "n": meta.get("n"), "segments": labels,
                 "segment_dimensions": list(parameters.segment_dimensions), "parameters": parameters.to_dict(),
                 "weights": meta.get("weights"),
                 "created_at": run.created_at.isoformat() if run.created_at else None,
                 "finished_at": run.finished_at.isoformat() if run.finished_at else None})
    except AcsiError as error:
        raise RunDocumentUnavailable(f"analysis run {run.id}: {error}") from error
