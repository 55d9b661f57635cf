"""File jobs in the browser: "My files", a job's page (reloads itself until the file is made) and
the download. Thin views over :mod:`survey.services.file_jobs`; the export form and the report
PDF button start jobs through :func:`start`.

Who may reach a job: its owner and admins, within the workspaces they reach (export files only
with an export role); anyone else gets 404, as for a job that does not exist.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import FileJob, Questionnaire
from survey.auth.roles import role_required
from survey.db import get_session
from survey.i18n import normalise_locale
from survey.jobs import enqueue
from survey.services import file_jobs as service
from survey.services.exports import MEDIA_TYPES
from survey.workspace_access import current_scope

bp = Blueprint("files", __name__, url_prefix="/files")
logger = logging.getLogger(__name__)

ROLES = ("viewer", "designer", "analyst")
STATUS_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "done": _l("Ready"),
                 "failed": _l("Failed"), "expired": _l("Expired")}
KIND_LABELS = {"export": _l("Response export"), "pdf": _l("Report PDF")}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "sav": "SPSS .sav", "pdf": "PDF"}
MESSAGES = {
    "export_failed": _l("The export could not be made: %(reason)s"),
    "pdf_failed": _l("Reason: %(reason)s. The HTML report works without it."),
    "report_unavailable": _l("The report of analysis run %(run)s is not available: the run has not "
                             "succeeded or was removed."),
    "withdrawn": _l("The file was withdrawn because a customer's data was erased after it was requested. "
                    "Make the file again."),
    "queue_unavailable": _l("The job queue could not be reached, so the file was not started. Try again in a "
                            "moment; if it keeps failing, tell your administrator."),
    "interrupted": _l("The job stopped before the file was finished (the job worker was stopped). "
                      "Make the file again."),
    "unexpected": _l("The file could not be made because of an unexpected error (logged with job "
                     "number %(job)s). Try again later."),
}
HEADINGS = {"pdf_failed": _l("The PDF could not be made")}
MEDIA = {**MEDIA_TYPES, "pdf": "application/pdf"}


def message_text(job: FileJob) -> str:
    """A failed job's message in the page's language."""
    message = MESSAGES.get(job.message_code)
    if message is None:
        return str(_l("No reason was recorded."))
    try:
        return str(message) % {k: str(v) for k, v in (job.message_parameters or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(_l("No reason was recorded."))


def size_text(size: int | None) -> str:
    if size is None:
        return "—"
    for unit, scale in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("kB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _folder() -> Path:
    return Path(current_app.config["FILE_JOBS_FOLDER"])


def _titles(questionnaire_ids: set[int]) -> dict[int, str]:
    english = normalise_locale(str(get_locale() or "")) == "en"
    rows = get_session().execute(select(Questionnaire.id, Questionnaire.title_zh, Questionnaire.title_en)
                                 .where(Questionnaire.id.in_(sorted(questionnaire_ids)))) if questionnaire_ids else []
    return {i: ((en if english else zh) or zh or en) for i, zh, en in rows}


def _helpers() -> dict[str, object]:
    return {"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS, "format_labels": FORMAT_LABELS,
            "message_text": message_text, "size_text": size_text, "headings": HEADINGS,
            "available": lambda job: service.file_of(job, _folder()) is not None}


def _job_or_404(job_id: int) -> FileJob:
    job = service.visible_job(get_session(), job_id, current_user, current_scope())
    if job is None:
        abort(404)
    return job


def start(job: FileJob, created: bool) -> Response:
    """Commit the new job, hand it to the worker and send the user to its page (an existing
    active job of the same request is not queued again)."""
    session = get_session()
    job_id = job.id
    session.commit()
    if created:
        try:
            enqueue("make_file", job_id)  # inline in tests: the job is done when this returns
        except Exception:  # the queue's storage (Redis, the SQLite file) did not take it
            logger.exception("file job %s could not be queued", job_id)
            service.fail(session, job_id, "queue_unavailable")
    return redirect(url_for("files.job", job_id=job_id))


@bp.route("/")
@role_required(*ROLES)
def index():
    jobs = service.recent_jobs(get_session(), current_user, current_scope())
    return render_template("files/index.html", jobs=jobs, titles=_titles({j.questionnaire_id for j in jobs}),
                           refresh=any(j.status in service.ACTIVE for j in jobs), **_helpers())


@bp.route("/<int:job_id>")
@role_required(*ROLES)
def job(job_id: int):
    found = _job_or_404(job_id)
    get_session().refresh(found)  # the worker moves it on
    lost = service.missing(found, _folder())
    if lost:
        logger.warning("file job %s is done but its file %s is not in %s: does this web host share "
                       "FILE_JOBS_FOLDER with the job workers?", found.id, found.file_path, _folder())
    return render_template("files/job.html", job=found, title=_titles({found.questionnaire_id}).get(found.questionnaire_id, ""),
                           refresh=found.status in service.ACTIVE, lost=lost, **_helpers())


@bp.route("/<int:job_id>/download")
@role_required(*ROLES)
def download(job_id: int):
    found = _job_or_404(job_id)
    path = service.file_of(found, _folder())
    if path is None:
        return render_template("errors/error.html", code=410, heading=_l("The file is not available"),
                               message=_l("It has not been made yet, could not be made, or was deleted "
                                          "when it expired. Make it again.")), 410
    extension = path.suffix.lstrip(".")
    response = send_file(path, mimetype=MEDIA.get(extension, "application/octet-stream"), as_attachment=True,
                         download_name=found.file_name, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response
