"""Making a file job's file (the worker's ``make_file`` task).

The file is written under its name plus ``.part`` and renamed to its own name only when it is
complete, so a download never sees half a file; on any failure the partial file is removed and
the job records a message code (translated when shown). Exports report progress after each chunk
of rows (they know their row count); the PDF after its HTML is rendered.

Export files are the bytes the direct download gives for the same options
(``survey.services.exports``); the PDF is ``reports.pdf.html_to_pdf`` of the standalone report
``flask report export`` writes.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import FileJob
from reports.pdf import PdfError, html_to_pdf
from survey.reports.cli import ReportUnavailable, standalone_html
from survey.services import exports
from survey.services import file_jobs as jobs
from survey.services.export_rows import count_rows
from survey.services.export_sav import write_sav

logger = logging.getLogger(__name__)
#: Least time between two progress writes of an export. Each is a write transaction: on SQLite it
#: takes the database's one write lock, which the respondents' submits need too, from a worker that
#: runs at idle priority (a holder the scheduler leaves waiting would make them wait with it).
PROGRESS_SECONDS = 2.0
_clock = time.monotonic
WRITERS: dict[str, Callable[..., int]] = {"csv": exports.write_csv, "xlsx": exports.write_xlsx, "sav": write_sav}


def make_file(session: Session, engine: Engine, job_id: int, *, folder: Path, keep: timedelta) -> str:
    """Make the file of queued job ``job_id`` in ``folder``; returns the job's new status
    ("done", "failed", or "skipped" when the job was not queued). Never raises for a file that
    cannot be made: the job fails with a message instead."""
    job = jobs.claim(session, job_id)
    if job is None:
        logger.info("file job %s is not queued any more; skipped", job_id)
        return "skipped"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / job.file_path
    part = target.with_name(target.name + jobs.PART_SUFFIX)
    try:
        if job.kind == "export":
            _write_export(session, engine, job, part)
        else:
            _write_pdf(session, job, part)
        os.replace(part, target)
        if jobs.finish(session, job_id, size=target.stat().st_size, keep=keep):
            return "done"
        target.unlink(missing_ok=True)  # withdrawn or failed while it was being written
        logger.info("file job %s ended while its file was written; file removed", job_id)
    except exports.ExportError as error:
        _fail(session, job_id, target, "export_failed", reason=str(error))
    except PdfError as error:
        logger.error("PDF of run %s (file job %s) failed: %s", job.run_id, job_id, error)
        _fail(session, job_id, target, "pdf_failed", reason=str(error))
    except ReportUnavailable:
        _fail(session, job_id, target, "report_unavailable", run=job.run_id)
    except Exception:
        logger.exception("file job %s failed", job_id)
        _fail(session, job_id, target, "unexpected", job=job_id)
    except BaseException:  # the worker is stopping: leave no file and no job that looks alive
        _fail(session, job_id, target, "interrupted")
        raise
    finally:
        part.unlink(missing_ok=True)
    return "failed"


def _fail(session: Session, job_id: int, target: Path, code: str, **parameters: object) -> None:
    target.unlink(missing_ok=True)
    target.with_name(target.name + jobs.PART_SUFFIX).unlink(missing_ok=True)
    jobs.fail(session, job_id, code, **parameters)


def _write_export(session: Session, engine: Engine, job: FileJob, part: Path) -> None:
    prepared = exports.prepare_export(session, job.questionnaire_id, exports.options_from_json(job.parameters))
    session.commit()  # end the read transaction (SQLite: the write lock) before the long write
    total = max(count_rows(engine, prepared.selection), 1)
    job_id = job.id
    last = [_clock()]

    def progress(written: int) -> None:
        if _clock() - last[0] >= PROGRESS_SECONDS:
            jobs.report_progress(session, job_id, written / total)
            last[0] = _clock()

    WRITERS[prepared.options.format](engine, prepared, part, progress)


def _write_pdf(session: Session, job: FileJob, part: Path) -> None:
    if job.run_id is None:
        raise ReportUnavailable("the job names no analysis run")
    html = standalone_html(session, job.run_id, str(job.parameters.get("language", "zh_CN")))
    session.commit()
    jobs.report_progress(session, job.id, 0.2)
    part.write_bytes(html_to_pdf(html))
