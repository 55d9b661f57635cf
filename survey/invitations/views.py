"""Personal invitations (designer role): upload with a row-level validation report, sending them
by e-mail (send, remind, progress), the message templates with a preview and a test message."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from models import ImportJob, Invitation
from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.forms import ConfirmForm
from survey.i18n import normalise_locale
from survey.invitations import sending_forms as sending_page
from survey.jobs import enqueue
from survey.mail.channels import DeliveryError
from survey.mail.sending import SendingOff
from survey.mail.settings import MailSettingsError
from survey.public_urls import public_url
from survey.services import import_jobs
from survey.services import invitations as service
from survey.services import mailings
from survey.services.message_templates import PLACEHOLDERS, TemplateError
from survey.services.questionnaires import questionnaire_title
from survey.services.export_values import escape_formula
from survey.services.qr_codes import FORMATS, qr_code
from survey.workspace_access import current_scope, questionnaire_or_404

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

STATUS_LABELS = {"pending": _l("Pending"), "started": _l("Started"), "completed": _l("Completed"),
                 "closed": _l("Closed")}


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
    expiry_days = IntegerField(_l("Links expire after (days, optional)"),
                               validators=[Optional(), NumberRange(min=1, max=3650)])


def _upload_limit() -> int:
    return int(current_app.config.get("INVITATION_UPLOAD_MAX_BYTES", service.MAX_UPLOAD_BYTES))


def _link_base() -> str:
    """The configured public address (never the request's Host) + the invitation path."""
    return public_url("collect.invitation_start", token="-")[:-1]


@bp.route("/")
@role_required("designer")
def index():
    session = get_session()
    questionnaires = service.published_questionnaires(session, scope=current_scope())
    counts = {q.id: service.invitation_status_counts(session, q.id) for q in questionnaires}
    return render_template("invitations/index.html", questionnaires=questionnaires, counts=counts)


@bp.route("/<int:questionnaire_id>", methods=["GET", "POST"])
@role_required("designer")
def upload(questionnaire_id: int):
    session = get_session()
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = service.published_version(session, questionnaire_id)
    form = UploadForm()
    report = None
    status_code = 200
    if version is not None and form.validate_on_submit():
        limit = _upload_limit()
        data = form.file.data.read(limit + 1)
        if current_app.config["IMPORT_JOB_BYTES"] < len(data) <= limit:  # too long for a request
            job = import_jobs.start(session, "invitations", current_user, form.file.data.filename or "", data,
                                    folder=Path(current_app.config["FILE_JOBS_FOLDER"]),
                                    workspace_id=questionnaire.workspace_id, questionnaire_id=questionnaire.id,
                                    parameters={"expiry_days": form.expiry_days.data})
            session.commit()
            enqueue("import_invitations", job.id)
            return redirect(url_for("invitations.import_job", questionnaire_id=questionnaire_id, import_id=job.id))
        report = service.import_invitations(
            session, questionnaire_id, form.file.data.filename or "", data,
            max_bytes=limit, default_expiry_days=form.expiry_days.data)
        if report.ok:
            audit_event("invitations_upload", f"questionnaire {questionnaire_id}", details={"added": report.created})
            session.commit()
            flash(_("%(count)s invitations created.", count=report.created))
            return redirect(url_for("invitations.upload", questionnaire_id=questionnaire_id))
        session.rollback()
        status_code = 422
    elif form.errors:
        status_code = 422
    status = request.args.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    invitations = service.list_invitations(session, questionnaire_id, status=status)
    return render_template(
        "invitations/upload.html", questionnaire=questionnaire, version=version, form=form,
        report=report, status=status, status_labels=STATUS_LABELS,
        counts=service.invitation_status_counts(session, questionnaire_id),
        invitations=invitations,
        link_base=_link_base(), limit=_upload_limit(), upload_limits=service.UPLOAD_LIMITS,
        **sending_page.sending_overview(session, questionnaire_id, invitations),
    ), status_code


@bp.route("/<int:questionnaire_id>/imports/<int:import_id>")
@role_required("designer")
def import_job(questionnaire_id: int, import_id: int):
    """A large upload's progress (the page reloads itself until the worker is done) and report."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    job = get_session().get(ImportJob, import_id)
    if job is None or job.kind != "invitations" or job.questionnaire_id != questionnaire.id:
        abort(404)
    report = import_jobs.report_of(job)
    return render_template(
        "import_job.html", job=job, report=report,
        heading=_("Invitation upload") + " · " + questionnaire_title(
            questionnaire, normalise_locale(str(get_locale())) or "zh_CN"),
        back_url=url_for("invitations.upload", questionnaire_id=questionnaire.id), back_label=_("Back to the invitations"),
        done_message=_("%(count)s invitations created.", count=report.created if report else 0))


def _back(endpoint: str, questionnaire_id: int):
    """Back to a page of the questionnaire, in the language the request asked for."""
    return redirect(url_for(endpoint, questionnaire_id=questionnaire_id, lang=request.args.get("lang")))


def _checked_button() -> None:
    """A send, remind or test button's POST (CSRFProtect checked the token already)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _start_round(questionnaire_id: int, kind: str):
    questionnaire_or_404(questionnaire_id)
    _checked_button()
    problem, _server = sending_page.mail_state()
    if problem is not None:
        flash(problem, "error")
        return _back("invitations.upload", questionnaire_id)
    session = get_session()
    queue = mailings.queue_invitations if kind == "invitation" else mailings.queue_reminders
    summary = queue(session, questionnaire_id, started_by=current_user.email)
    reminder_days = mailings.template_for(session, questionnaire_id).reminder_days
    audit_event(f"send_{kind}s", f"questionnaire {questionnaire_id}", details={"queued": summary.queued})
    session.commit()
    if summary.batch_id is not None:
        enqueue("deliver_messages", summary.batch_id)
    flash(sending_page.round_message(kind, summary, reminder_days))
    return _back("invitations.upload", questionnaire_id)


@bp.route("/<int:questionnaire_id>/send", methods=["POST"])
@role_required("designer")
def send(questionnaire_id: int):
    """Queue the invitation message for every invited customer not yet sent one; the job worker sends it."""
    return _start_round(questionnaire_id, "invitation")


@bp.route("/<int:questionnaire_id>/remind", methods=["POST"])
@role_required("designer")
def remind(questionnaire_id: int):
    """Queue the reminders due now by the questionnaire's schedule."""
    return _start_round(questionnaire_id, "reminder")


@bp.route("/<int:questionnaire_id>/message", methods=["GET", "POST"])
@role_required("designer")
def message(questionnaire_id: int):
    """The invitation and reminder messages (both languages), the reminder schedule, a preview."""
    session = get_session()
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = sending_page.MessageForm(obj=mailings.template_for(session, questionnaire_id))
    status_code = 200
    if form.validate_on_submit():
        try:
            mailings.save_template(session, questionnaire_id, form.template_values(),
                                   reminders_on=form.reminders_on.data, reminder_days=form.reminder_days.data or "")
        except TemplateError as error:
            session.rollback()
            form.refuse(error)
            status_code = 422
        else:
            audit_event("settings_messages", f"questionnaire {questionnaire_id}")
            session.commit()
            flash(_("The messages were saved."))
            return _back("invitations.message", questionnaire_id)
    elif form.errors:
        status_code = 422
    problem, server = sending_page.mail_state()
    return render_template(
        "invitations/message.html", questionnaire=questionnaire, form=form, placeholders=PLACEHOLDERS,
        previews=sending_page.previews(mailings.template_for(session, questionnaire_id), questionnaire),
        sample_names=sending_page.SAMPLE_NAMES, mail_problem=problem, mail_server=server,
        test_form=ConfirmForm(),
    ), status_code


@bp.route("/<int:questionnaire_id>/message/test", methods=["POST"])
@role_required("designer")
def message_test(questionnaire_id: int):
    """Send the saved invitation (Chinese and English) to the signed-in designer, now."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    _checked_button()
    address = current_user.email
    try:
        sending_page.send_test(get_session(), questionnaire, address)
    except SendingOff:
        flash(sending_page.mail_state()[0] or "", "error")
    except MailSettingsError as error:
        flash(_("MAIL_URL cannot be used: %(reason)s", reason=str(error)), "error")
    except DeliveryError as error:
        flash(_("The test message was not sent: %(reason)s", reason=error.reason), "error")
    else:
        flash(_("Test sent to %(address)s.", address=address))
    return _back("invitations.message", questionnaire_id)


def _spreadsheet_safe(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection): the exports' rule."""
    return escape_formula(value)


@bp.route("/<int:questionnaire_id>/links.csv")
@role_required("designer")
def links_csv(questionnaire_id: int):
    """Every invitation with its personal link, for the mailing tool (UTF-8 with BOM)."""
    questionnaire_or_404(questionnaire_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["customer_ref", "language", "email", "status", "expires_at", "link"])
    for invitation in service.list_invitations(get_session(), questionnaire_id, limit=1_000_000):
        writer.writerow([_spreadsheet_safe(invitation.customer_ref), invitation.language,
                         _spreadsheet_safe(invitation.email or ""), invitation.status,
                         invitation.expires_at.isoformat() if invitation.expires_at else "",
                         _link_base() + invitation.token])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=invitations-{questionnaire_id}.csv"})


@bp.route("/<int:questionnaire_id>/qr.<any(svg, png):fmt>")
@role_required("designer")
def public_qr(questionnaire_id: int, fmt: str):
    """The QR code of the questionnaire's public link (the stable one: it survives new versions)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    if not questionnaire.public_token:
        abort(404)
    return _qr_response(public_url("collect.public_start", public_token=questionnaire.public_token), fmt,
                        f"survey-{questionnaire_id}")


@bp.route("/<int:questionnaire_id>/invitation/<int:invitation_id>/qr.<any(svg, png):fmt>")
@role_required("designer")
def invitation_qr(questionnaire_id: int, invitation_id: int, fmt: str):
    """The QR code of one personal invitation link (a printed letter, a shop-floor card)."""
    questionnaire_or_404(questionnaire_id)
    invitation = get_session().get(Invitation, invitation_id)
    if invitation is None or invitation.questionnaire_id != questionnaire_id:
        abort(404)
    return _qr_response(_link_base() + invitation.token, fmt, f"invitation-{invitation_id}")


def _qr_response(link: str, fmt: str, name: str) -> Response:
    mimetype = FORMATS[fmt][0]
    return Response(qr_code(link, fmt), mimetype=mimetype,  # type: ignore[arg-type]
                    headers={"Content-Disposition": f"inline; filename={name}.{fmt}",
                             "Cache-Control": "private, max-age=300"})


@bp.route("/template.csv")
@role_required("designer")
def template_csv():
    return Response(service.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=invitations-template.csv"})
