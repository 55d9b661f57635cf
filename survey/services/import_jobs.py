"""Invitation and complaint-case uploads too large for a web request (over
``IMPORT_JOB_BYTES``, 256 KiB by default: about 5,000 rows) are checked and stored by the job
worker, as a 50,000-row invitation file took 9 s (SQLite) to 21 s (PostgreSQL) of a web worker's
time.

:func:`start` keeps the uploaded bytes under the file-jobs folder (shared by the web hosts and the
workers) and records a queued :class:`~models.ImportJob`; :func:`run` — the job — claims it,
imports exactly as an upload in the request would
(:func:`survey.services.invitations.import_invitations`,
:func:`survey.services.complaint_cases.import_case_file`: every row checked, nothing stored when
any row has a problem), keeps the row-level report on the job, audits what was added and
deletes the bytes, whatever the outcome.
"""
from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import ImportJob, User
from survey.services import audit
from survey.services.invitations import import_invitations
from survey.services.upload_report import ImportReport, RowProblem

logger = logging.getLogger(__name__)

#: Uploads larger than this many bytes are imported by the job worker.
DEFAULT_JOB_BYTES = 256 * 1024
SUBFOLDER = "imports"


def start(session: Session, kind: str, owner: User, filename: str, data: bytes, *, folder: Path,
          workspace_id: int, questionnaire_id: int | None, parameters: dict[str, Any]) -> ImportJob:
    """Keep ``data`` under ``folder`` and record a queued import of ``kind`` ("invitations" or
    "complaint_cases"; flushed, not committed)."""
    relative = Path(SUBFOLDER) / f"{secrets.token_hex(12)}.upload"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)  # complete before the job can see it
    job = ImportJob(kind=kind, workspace_id=workspace_id, questionnaire_id=questionnaire_id, owner_id=owner.id,
                    filename=filename[:200], file_path=str(relative), parameters=parameters)
    session.add(job)
    session.flush()
    return job


def _stored(report: ImportReport, invited: int = 0) -> dict[str, Any]:
    return {"rows": report.rows, "created": report.created, "updated": report.updated, "invited": invited,
            "truncated": report.truncated,
            "problems": [{"row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
                          "params": [list(pair) for pair in p.params]} for p in report.problems]}


def report_of(job: ImportJob) -> ImportReport | None:
    """The job's report (None until it has run)."""
    if not job.report:
        return None
    stored = job.report
    return ImportReport(rows=int(stored.get("rows", 0)), created=int(stored.get("created", 0)),
                        updated=int(stored.get("updated", 0)), truncated=bool(stored.get("truncated", False)),
                        problems=tuple(
                            RowProblem(int(p["row"]), str(p["column"]), str(p["value"]), str(p["rule"]),
                                       tuple((str(k), str(v)) for k, v in p.get("params", ())))
                            for p in stored.get("problems", ())))


def _finish(session: Session, job_id: int, status: str, report: ImportReport, invited: int = 0) -> None:
    session.execute(update(ImportJob).where(ImportJob.id == job_id)
                    .values(status=status, report=_stored(report, invited), finished_at=datetime.now(UTC)))
    session.commit()


def _import(session: Session, job: ImportJob, data: bytes) -> tuple[ImportReport, int]:
    """(report, customers invited) of the job's file, imported as the request would."""
    options = job.parameters
    if job.kind == "invitations":
        return import_invitations(session, job.questionnaire_id, job.filename, data, max_bytes=len(data) + 1,
                                  default_expiry_days=options.get("expiry_days")), 0
    from survey.services.complaint_cases import import_case_file
    from survey.services.workspaces import scope_of

    owner = session.get(User, job.owner_id) if job.owner_id else None
    result = import_case_file(session, job.filename, data, max_bytes=len(data) + 1, workspace_id=job.workspace_id,
                              followup_questionnaire_id=job.questionnaire_id,
                              scope=scope_of(session, owner) if owner else frozenset({job.workspace_id}),
                              delay_hours=options["delay_hours"], expiry_days=options["expiry_days"])
    return result.report, result.invited


def run(session: Session, job_id: int, *, folder: Path) -> str | None:
    """Import a queued job's file; returns its final status (None when it was not queued)."""
    claimed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "queued")
                              .values(status="running"))
    session.commit()
    if not claimed.rowcount:
        return None
    job = session.get(ImportJob, job_id)
    path = folder / job.file_path
    try:
        data = path.read_bytes()
        report, invited = _import(session, job, data)
        if report.ok:
            owner = session.get(User, job.owner_id) if job.owner_id else None
            target = (f"questionnaire {job.questionnaire_id}" if job.kind == "invitations"
                      else f"workspace {job.workspace_id}")
            audit.record(session, "invitations_upload" if job.kind == "invitations" else "complaint_cases_import",
                         actor=owner.email if owner else "job worker", target=target,
                         details={"added": report.created, "updated": report.updated, "import_job": job_id})
            session.commit()
            _finish(session, job_id, "done", report, invited)
            return "done"
        session.rollback()
        _finish(session, job_id, "failed", report)
        return "failed"
    except Exception:  # the job must end, with nothing half-written: record why and re-raise
        session.rollback()
        logger.exception("import job %s failed", job_id)
        _finish(session, job_id, "failed", ImportReport(rows=0, problems=(RowProblem(0, "", "", "import_failed"),)))
        raise
    finally:
        path.unlink(missing_ok=True)
