"""Analysis runs: queue, execute with progress and cancel, store results, list.

State lives in ``analysis_runs``; the queue only carries run ids. Results are written in one
transaction at the end, so a failed or cancelled run leaves no partial results behind.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from acsi.errors import AcsiError
from models import AnalysisResult, AnalysisRun, QuestionnaireVersion
from survey.db import engine as current_engine, read_first
from survey.services.analysis_pipeline import (
    AnalysisParameters,
    AnalysisSetupError,
    PreviousRun,
    run_analysis,
)
from survey.services.questionnaires import version_document

logger = logging.getLogger(__name__)


class RunCancelled(Exception):
    """Raised at a checkpoint when a cancel was requested."""


def create_run(session: Session, parameters: AnalysisParameters, *, created_by_id: int | None = None) -> AnalysisRun:
    """A queued run (flushed, not committed). Raises AnalysisSetupError for unknown versions."""
    found = session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(parameters.version_ids))).all()
    if len(found) != len(set(parameters.version_ids)):
        missing = sorted(set(parameters.version_ids) - {v.id for v in found})
        raise AnalysisSetupError(f"questionnaire versions {missing} do not exist")
    if len({v.questionnaire_id for v in found}) != 1:
        raise AnalysisSetupError("all versions of one run must belong to the same questionnaire")
    run = AnalysisRun(parameters=parameters.to_dict(), created_by_id=created_by_id,
                      questionnaire_id=found[0].questionnaire_id)
    session.add(run)
    session.flush()
    return run


def cancel_run(session: Session, run_id: int) -> str:
    """Cancel a queued run at once, or ask a running one to stop; returns the new status."""
    queued = session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id, AnalysisRun.status == "queued")
                             .values(status="cancelled", finished_at=datetime.now(UTC), stage="cancelled"))
    if queued.rowcount:
        session.commit()
        return "cancelled"
    session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id, AnalysisRun.status == "running")
                    .values(cancel_requested=True))
    session.commit()
    return session.get(AnalysisRun, run_id).status


def execute_run(session: Session, run_id: int) -> None:
    """Run a queued analysis to the end (called by the worker). Never raises for bad data: the
    run is marked failed with a readable message."""
    claimed = session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id, AnalysisRun.status == "queued")
                              .values(status="running", started_at=datetime.now(UTC), progress=0.0))
    session.commit()
    if not claimed.rowcount:
        logger.info("run %s is not queued any more; skipped", run_id)
        return
    read_first(session)  # SQLite: what the run starts from is read without the respondents' write lock
    run = session.get(AnalysisRun, run_id)

    def checkpoint(fraction: float, stage: str) -> None:
        session.refresh(run, ["cancel_requested"])
        if run.cancel_requested:
            raise RunCancelled
        run.progress, run.stage = round(min(max(fraction, 0.0), 1.0), 4), stage[:200]
        session.commit()

    try:
        parameters = AnalysisParameters.from_dict(run.parameters)
        version = session.get(QuestionnaireVersion, parameters.version_ids[0])
        before = next(iter(earlier_comparable_runs(session, run, limit=1)), None)
        previous = None if before is None else PreviousRun(before.id, AnalysisParameters.from_dict(before.parameters))
        document = version_document(version)
        # The reads end here: what follows writes (progress, then the results) in transactions of
        # its own, so storing the results stays all or nothing.
        session.commit()
        results = run_analysis(current_engine(), document, parameters, checkpoint,
                               n_jobs=int(current_app.config.get("ANALYSIS_JOBS", 1)), previous=previous)
    except RunCancelled:
        _finish(session, run, "cancelled", stage="cancelled")
        return
    except (AnalysisSetupError, AcsiError) as error:
        code = getattr(error, "code", None)
        _finish(session, run, "failed", error=str(error),
                failure=Failure(code, error.params) if code else None)  # type: ignore[union-attr]
        return
    except Exception:  # noqa: BLE001 - a worker must record every failure, not die silently
        logger.exception("analysis run %s failed", run_id)
        _finish(session, run, "failed", error="The analysis stopped because of an internal error; it has been logged.",
                failure=Failure("internal_error", {}))
        return
    try:
        session.add_all(AnalysisResult(run_id=run.id, kind=r.kind, segment=r.segment, payload=r.payload)
                        for r in results)
        _finish(session, run, "succeeded", stage="done")
    except DBAPIError as error:  # the database refused the results: none are kept, the run says why
        logger.exception("analysis run %s: results not stored", run_id)
        _finish(session, run, "failed", error=f"The results could not be stored: {error.orig}",
                failure=Failure("results_not_stored", {"detail": str(error.orig)}))


#: How far back to look for earlier runs of the same questionnaire.
HISTORY_RUNS = 200


def earlier_comparable_runs(session: Session, run: AnalysisRun, *, limit: int) -> list[AnalysisRun]:
    """Up to ``limit`` succeeded runs before ``run`` of the same questionnaire with the same
    model, newest first: the previous run a dashboard compares with, and the trend."""
    if run.questionnaire_id is None:
        return []
    model = (run.parameters or {}).get("model", "acsi")
    candidates = session.scalars(
        select(AnalysisRun).where(AnalysisRun.status == "succeeded", AnalysisRun.id < run.id,
                                  AnalysisRun.questionnaire_id == run.questionnaire_id)
        .order_by(AnalysisRun.id.desc()).limit(HISTORY_RUNS))
    return [c for c in candidates if (c.parameters or {}).get("model", "acsi") == model][:limit]


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a run failed, for translation: a code and its parameters (JSON values), stored as
    ``parameters["failure"]`` beside the English ``error`` text (no schema change; runs stored
    before codes have only the text)."""

    code: str
    params: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


def stored_failure(run: AnalysisRun) -> Failure | None:
    """The coded reason stored with a failed run, or None (an old run, or a reason from the
    estimators that has only its text)."""
    stored = (run.parameters or {}).get("failure")
    if not isinstance(stored, Mapping) or not isinstance(stored.get("code"), str):
        return None
    return Failure(stored["code"], dict(stored.get("params") or {}))


def _finish(session: Session, run: AnalysisRun, status: str, *, error: str | None = None, stage: str = "",
            failure: Failure | None = None) -> None:
    if status != "succeeded":
        session.rollback()  # drop anything the failed step left in the session
    run = session.get(AnalysisRun, run.id)
    run.status, run.error, run.finished_at = status, error, datetime.now(UTC)
    if failure is not None:  # a new dict, so the JSON column is written
        run.parameters = {**(run.parameters or {}), "failure": failure.to_dict()}
    run.stage = stage or run.stage
    if status == "succeeded":
        run.progress = 1.0
    session.commit()


def list_runs(session: Session, *, limit: int = 50) -> list[AnalysisRun]:
    return list(session.scalars(select(AnalysisRun).order_by(AnalysisRun.id.desc()).limit(limit)))


def run_results(session: Session, run_id: int) -> dict[tuple[str, str], dict]:
    """Stored results of a run keyed by (kind, segment)."""
    rows = session.execute(select(AnalysisResult.kind, AnalysisResult.segment, AnalysisResult.payload)
                           .where(AnalysisResult.run_id == run_id)).all()
    return {(kind, segment): payload for kind, segment, payload in rows}
