"""File jobs: a response export or a report PDF that the job worker makes and keeps for
download for a while.

The web request creates the job (:func:`create_job`, status ``queued``) and enqueues
``make_file``; the worker (``survey.services.file_making``) claims it (``running``), reports
progress, and ends it ``done`` (the file in place, with its size and expiry) or ``failed`` (a
message code with parameters, translated when shown; no file). :func:`sweep`, run by the worker's
periodic task, deletes expired files (status ``expired``), fails jobs that stopped without an
end (a worker killed mid-file), removes files no job owns, and forgets jobs after
:data:`KEEP_ROWS`.

Who may reach a job (:func:`visible_job`): its owner and admins, while the questionnaire's
workspace is in the request's scope; export files (raw responses) only while the user still holds
an export role (designer, analyst). Everyone else gets None, which the views answer with 404.

Files live in one folder (``FILE_JOBS_FOLDER``) under names the job row records
(``<id>-<random>.<ext>``); while being written they carry :data:`PART_SUFFIX`. Functions here
commit only where they say so (the worker's state changes must be seen by the web at once).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models import FileJob, Questionnaire, User
from survey.db import read_first
from survey.services.workspaces import Scope, allows, in_scope

ACTIVE = ("queued", "running")
EXPORT_ROLES = ("designer", "analyst")
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "sav": "sav", "pdf": "pdf"}
#: A queued or running job not heard of for this long was lost (worker stopped or killed).
STALE_AFTER = timedelta(hours=6)
#: Finished jobs (and their rows) are forgotten this long after they were made.
KEEP_ROWS = timedelta(days=30)
#: Files in the folder that no job owns are removed once older than this (a crashed write).
ORPHAN_AFTER = timedelta(hours=1)
PART_SUFFIX = ".part"
RECENT_LIMIT = 50


class FileJobError(ValueError):
    """A file job cannot be made as asked; the message names the value and the rule."""


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What :func:`sweep` did: files expired, jobs failed as interrupted, orphan files removed,
    job rows forgotten."""

    expired: int = 0
    interrupted: int = 0
    orphans: int = 0
    forgotten: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


def _safe_name(name: str) -> str:
    """A download name of letters, digits, ``.``, ``-`` and ``_`` only."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    if not cleaned:
        raise FileJobError(f"file name {name!r} has no letter or digit to keep")
    return cleaned[:200]


def create_job(session: Session, *, kind: str, owner: User, questionnaire: Questionnaire,
               file_name: str, parameters: Mapping[str, Any], run_id: int | None = None) -> tuple[FileJob, bool]:
    """A queued job (flushed, not committed) and True; or, when the owner already has a queued
    or running job of the same kind, questionnaire, run and parameters, that job and False (a
    second click does not make the file twice)."""
    if kind not in ("export", "pdf"):
        raise FileJobError(f"kind {kind!r} must be 'export' or 'pdf'")
    extension = EXTENSIONS.get(str(parameters.get("format", "pdf")))
    if extension is None:
        raise FileJobError(f"format {parameters.get('format')!r} is not one of {', '.join(EXTENSIONS)}")
    wanted = dict(parameters)
    for active in session.scalars(select(FileJob).where(
            FileJob.owner_id == owner.id, FileJob.status.in_(ACTIVE), FileJob.kind == kind,
            FileJob.questionnaire_id == questionnaire.id)):
        if active.run_id == run_id and active.parameters == wanted:
            return active, False
    job = FileJob(kind=kind, owner_id=owner.id, workspace_id=questionnaire.workspace_id,
                  questionnaire_id=questionnaire.id, run_id=run_id, parameters=wanted,
                  file_name=_safe_name(file_name), updated_at=_now())
    session.add(job)
    session.flush()
    job.file_path = f"{job.id}-{secrets.token_hex(8)}.{extension}"
    session.flush()
    return job, True


def _may_reach(job: FileJob, user: User, scope: Scope, workspace_id: int | None) -> bool:
    if not (job.owner_id == user.id or user.role == "admin"):
        return False
    if job.kind == "export" and not user.has_role(*EXPORT_ROLES):
        return False
    return allows(scope, workspace_id)


def visible_job(session: Session, job_id: int, user: User, scope: Scope) -> FileJob | None:
    """The job when ``user`` may reach it (see the module's rule), else None."""
    found = session.execute(select(FileJob, Questionnaire.workspace_id)
                            .join(Questionnaire, Questionnaire.id == FileJob.questionnaire_id)
                            .where(FileJob.id == job_id)).first()
    if found is None or not _may_reach(found[0], user, scope, found[1]):
        return None
    return found[0]


def recent_jobs(session: Session, user: User, scope: Scope, *, limit: int = RECENT_LIMIT) -> list[FileJob]:
    """The user's own jobs the user may still reach, newest first."""
    rows = session.scalars(select(FileJob)
                           .join(Questionnaire, Questionnaire.id == FileJob.questionnaire_id)
                           .where(FileJob.owner_id == user.id, in_scope(Questionnaire.workspace_id, scope))
                           .order_by(FileJob.id.desc()).limit(limit))
    return [job for job in rows if job.kind != "export" or user.has_role(*EXPORT_ROLES)]


def file_of(job: FileJob, folder: Path) -> Path | None:
    """The made file of a done, unexpired job when it is on disk, else None."""
    if job.status != "done" or not job.file_path:
        return None
    if job.expires_at is not None and _aware(job.expires_at) <= _now():
        return None
    path = folder / job.file_path
    return path if path.is_file() else None


def missing(job: FileJob, folder: Path) -> bool:
    """True when a done, unexpired job's file is not in ``folder`` (deleted by hand, or a web
    host that does not share the workers' FILE_JOBS_FOLDER)."""
    unexpired = job.expires_at is None or _aware(job.expires_at) > _now()
    return job.status == "done" and unexpired and not (folder / job.file_path).is_file()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive UTC times, PostgreSQL aware ones."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- the worker's side (each function commits) ---------------------------------------------------

def claim(session: Session, job_id: int) -> FileJob | None:
    """Mark a queued job running and return it; None when it is not queued (done, failed, or
    claimed by another worker).

    The job is read in :func:`survey.db.read_first` mode, and the session stays in it until the
    caller's next commit: what the file is made from (the export's plan, the report to print,
    seconds of reading) is then read without holding SQLite's one write lock, which every
    respondent's submit needs (a worker at idle priority holding it would stall them all)."""
    claimed = session.execute(update(FileJob).where(FileJob.id == job_id, FileJob.status == "queued")
                              .values(status="running", progress=0.0, updated_at=_now()))
    session.commit()
    if not claimed.rowcount:
        return None
    read_first(session)
    return session.get(FileJob, job_id)


def report_progress(session: Session, job_id: int, fraction: float) -> None:
    """Store how far a running job is (0–1, kept below 1 until the file is in place)."""
    session.execute(update(FileJob).where(FileJob.id == job_id, FileJob.status == "running")
                    .values(progress=round(min(max(fraction, 0.0), 0.99), 4), updated_at=_now()))
    session.commit()


def finish(session: Session, job_id: int, *, size: int, keep: timedelta) -> bool:
    """A running job's file is in place: done, with its size and expiry. False when the job was
    ended meanwhile (withdrawn by an erasure, failed by the sweep): the caller removes the file."""
    now = _now()
    done = session.execute(update(FileJob).where(FileJob.id == job_id, FileJob.status == "running")
                           .values(status="done", progress=1.0, size=size, updated_at=now, finished_at=now,
                                   expires_at=now + keep))
    session.commit()
    return bool(done.rowcount)


def fail(session: Session, job_id: int, code: str, **parameters: Any) -> None:
    """A job ends without a file: the message ``code`` and its parameters are kept."""
    now = _now()
    session.rollback()
    session.execute(update(FileJob).where(FileJob.id == job_id)
                    .values(status="failed", message_code=code[:40], updated_at=now, finished_at=now,
                            message_parameters={k: str(v)[:500] for k, v in parameters.items()},
                            expires_at=now + KEEP_ROWS))
    session.commit()


def withdraw_exports(session: Session, questionnaire_ids: Iterable[int]) -> int:
    """Export files of these questionnaires may hold data that was just erased: made ones expire
    now (no download; the sweep deletes the file), queued or running ones fail with the code
    ``withdrawn`` (the worker removes what it wrote). Flushed, not committed; returns how many."""
    ids = sorted(set(questionnaire_ids))
    if not ids:
        return 0
    now = _now()
    ours = (FileJob.kind == "export") & FileJob.questionnaire_id.in_(ids)
    made = session.execute(update(FileJob).where(ours, FileJob.status == "done", FileJob.expires_at > now)
                           .values(expires_at=now, updated_at=now).execution_options(synchronize_session=False))
    active = session.execute(update(FileJob).where(ours, FileJob.status.in_(ACTIVE))
                             .values(status="failed", message_code="withdrawn", message_parameters={},
                                     finished_at=now, updated_at=now, expires_at=now + KEEP_ROWS)
                             .execution_options(synchronize_session=False))
    session.flush()
    return (made.rowcount or 0) + (active.rowcount or 0)


# --- clean-up ----------------------------------------------------------------------------------

def sweep(session: Session, folder: Path, *, now: datetime | None = None) -> SweepResult:
    """Expire made files past their time, fail jobs lost by a worker, remove files no job owns
    and forget old jobs (commits)."""
    now = now or _now()
    expired = list(session.scalars(select(FileJob).where(FileJob.status == "done", FileJob.expires_at <= now)))
    for job in expired:
        (folder / job.file_path).unlink(missing_ok=True)
        job.status, job.updated_at = "expired", now
    stale = list(session.scalars(select(FileJob).where(FileJob.status.in_(ACTIVE),
                                                       FileJob.updated_at < now - STALE_AFTER)))
    for job in stale:
        (folder / (job.file_path + PART_SUFFIX)).unlink(missing_ok=True)
        job.status, job.message_code, job.message_parameters = "failed", "interrupted", {}
        job.finished_at = job.updated_at = now
    forgotten = session.execute(delete(FileJob).where(FileJob.status.not_in(ACTIVE),
                                                      FileJob.created_at < now - KEEP_ROWS)
                                .execution_options(synchronize_session=False)).rowcount
    session.commit()
    owned = set(session.scalars(select(FileJob.file_path).where(FileJob.status.in_((*ACTIVE, "done")))))
    orphans = 0
    if folder.is_dir():
        for path in folder.iterdir():
            name = path.name.removesuffix(PART_SUFFIX)
            old = datetime.fromtimestamp(path.stat().st_mtime, UTC) < now - ORPHAN_AFTER
            if path.is_file() and name not in owned and old:
                path.unlink(missing_ok=True)
                orphans += 1
    return SweepResult(len(expired), len(stale), orphans, forgotten or 0)
