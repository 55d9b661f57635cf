"""Complaint cases and the follow-up task queue (designer and analyst roles)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.validators import Optional as OptionalValue

from models import ImportJob, User
from models.followup import FollowUpTask
from survey.mail.channels import OutgoingMessage
from survey.mail.sending import SEND_ERRORS, send_now, sending_on
from survey.public_urls import public_url
from survey.services import followup_tasks as followup
from survey.auth.roles import role_required
from survey.db import get_session
from survey.jobs import enqueue
from survey.services import complaint_cases as service
from survey.services import import_jobs
from survey.services.invitations import MAX_UPLOAD_BYTES, published_questionnaires
from survey.services.workspaces import allows, users_reaching
from survey.workspace_access import WorkspaceChoice, current_scope, offer_workspaces, workspace_or_404

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

CASE_STATUS_LABELS = {"open": _l("Open"), "resolved": _l("Resolved"),
                      "partly_resolved": _l("Partly resolved"), "unresolved": _l("Unresolved")}
TASK_STATUS_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "done": _l("Done")}
REASON_LABELS = {"unresolved": _l("Complaint not resolved"),
                 "low_resolution_satisfaction": _l("Low satisfaction with the resolution"),
                 "detractor": _l("Detractor (NPS 0–6)")}
DUE_FILTERS = {"overdue": _l("Overdue"), "week": _l("Due within 7 days")}


class ImportForm(WorkspaceChoice, FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
    questionnaire = SelectField(_l("Follow-up questionnaire"), coerce=int, choices=[])


class InviteForm(FlaskForm):
    """The "invite due customers now" button (CSRF only)."""


class TaskFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    owner = SelectField(_l("Owner"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    due = SelectField(_l("Due"), choices=[], validate_choice=False)


class TaskForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(k, v) for k, v in TASK_STATUS_LABELS.items()])
    assignee = SelectField(_l("Assigned to"), choices=[], default="")
    owner = StringField(_l("Owner"), validators=[OptionalValue(), Length(max=128)])
    notes = TextAreaField(_l("Notes"), validators=[OptionalValue(), Length(max=4000)])


def _settings() -> dict[str, float]:
    config = current_app.config
    return {"delay_hours": float(config.get("COMPLAINT_FOLLOWUP_DELAY_HOURS", 24)),
            "expiry_days": int(config.get("COMPLAINT_FOLLOWUP_EXPIRY_DAYS", 30))}


def _title(questionnaire) -> str:
    zh, en = questionnaire.title_zh, questionnaire.title_en
    return (en if str(get_locale() or "").startswith("en") else zh) or zh or en


@bp.route("/")
@role_required("designer", "analyst")
def cases():
    session = get_session()
    status = request.args.get("status")
    status = status if status in CASE_STATUS_LABELS else None
    rows = service.list_cases(session, status=status, scope=current_scope())
    return render_template(
        "complaints/cases.html", cases=rows, status=status, status_labels=CASE_STATUS_LABELS,
        invitations=service.case_invitations(session, [c.id for c in rows]),
        invite_form=InviteForm(), settings=_settings())


@bp.route("/import", methods=["GET", "POST"])
@role_required("designer", "analyst")
def import_cases():
    session = get_session()
    form = ImportForm()
    if not offer_workspaces(form):
        abort(403)
    followups = published_questionnaires(session, kind="complaint_followup", scope=current_scope())
    form.questionnaire.choices = [SelectChoice(0, _("None yet (invite later)"))] + [
        SelectChoice(q.id, _title(q)) for q in followups]
    if request.method == "GET" and followups:
        form.questionnaire.data = followups[0].id
    result = None
    status_code = 200
    if form.validate_on_submit():
        limit = int(current_app.config.get("COMPLAINT_UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES))
        settings = _settings()
        data = form.file.data.read(limit + 1)
        try:
            if current_app.config["IMPORT_JOB_BYTES"] < len(data) <= limit:  # too long for a request
                workspace_id, followup = service.import_target(session, form.workspace.data,
                                                               form.questionnaire.data or None, current_scope())
                job = import_jobs.start(session, "complaint_cases", current_user, form.file.data.filename or "", data,
                                        folder=Path(current_app.config["FILE_JOBS_FOLDER"]), workspace_id=workspace_id,
                                        questionnaire_id=followup.id if followup else None,
                                        parameters={"delay_hours": settings["delay_hours"],
                                                    "expiry_days": int(settings["expiry_days"])})
                session.commit()
                enqueue("import_invitations", job.id)
                return redirect(url_for("complaints.import_job", import_id=job.id))
            result = service.import_case_file(
                session, form.file.data.filename or "", data,
                max_bytes=limit, workspace_id=form.workspace.data,
                followup_questionnaire_id=form.questionnaire.data or None, scope=current_scope(),
                delay_hours=settings["delay_hours"], expiry_days=int(settings["expiry_days"]))
            if result.report.ok:
                session.commit()
        except service.ComplaintError:
            session.rollback()
            form.questionnaire.errors = [_("This follow-up questionnaire is in another workspace than the one "
                                           "chosen for the cases; choose both from the same workspace.")]
            return render_template("complaints/import.html", form=form, report=None, settings=_settings(),
                                   upload_limits=service.UPLOAD_LIMITS), 422
        except IntegrityError:
            session.rollback()
            flash(_("Another import added the same cases at the same time; upload the file again."))
            return redirect(url_for("complaints.import_cases"))
        if result.report.ok:
            flash(_("%(created)s cases added, %(updated)s updated, %(invited)s customers invited.",
                    created=result.report.created, updated=result.report.updated, invited=result.invited))
            return redirect(url_for("complaints.cases"))
        session.rollback()
        status_code = 422
    elif form.errors:
        status_code = 422
    return render_template("complaints/import.html", form=form,
                           report=result.report if result else None, settings=_settings(),
                           upload_limits=service.UPLOAD_LIMITS), status_code


@bp.route("/imports/<int:import_id>")
@role_required("designer", "analyst")
def import_job(import_id: int):
    """A large case file's progress (the page reloads itself until the worker is done) and report."""
    job = get_session().get(ImportJob, import_id)
    if job is None or not allows(current_scope(), job.workspace_id):  # an import of the user's workspaces
        abort(404)
    report = import_jobs.report_of(job)
    return render_template(
        "import_job.html", job=job, report=report, heading=_("Complaint case import"),
        back_url=url_for("complaints.cases"), back_label=_("Back to the complaint cases"),
        done_message=_("%(created)s cases added, %(updated)s updated, %(invited)s customers invited.",
                       created=report.created if report else 0, updated=report.updated if report else 0,
                       invited=(job.report or {}).get("invited", 0)))


@bp.route("/invite-due", methods=["POST"])
@role_required("designer", "analyst")
def invite_due():
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    if not service.followup_questionnaires(session, current_scope()):
        flash(_("No complaint follow-up questionnaire is published yet."))
        return redirect(url_for("complaints.cases"))
    try:
        rounds = service.invite_due_everywhere(session, current_scope(), **_settings())
        invited = [invitation for found in rounds.values() for invitation in found]
        session.commit()
    except IntegrityError:
        session.rollback()
        flash(_("Another import added the same cases at the same time; upload the file again."))
        return redirect(url_for("complaints.cases"))
    flash(_("%(count)s customers invited.", count=len(invited)))
    return redirect(url_for("complaints.cases"))


@bp.route("/tasks")
@role_required("designer", "analyst")
def tasks():
    session = get_session()
    owners = service.task_owners(session, current_scope())
    filters = TaskFilterForm(formdata=request.args)
    filters.owner.choices = [SelectChoice("", _("Any owner"))] + [SelectChoice(o, o) for o in owners]
    filters.status.choices = [SelectChoice("", _("Any status"))] + [
        SelectChoice(k, v) for k, v in TASK_STATUS_LABELS.items()]
    filters.due.choices = [SelectChoice("", _("Any due date"))] + [
        SelectChoice(k, v) for k, v in DUE_FILTERS.items()]
    now = datetime.now(UTC)
    status = filters.status.data if filters.status.data in TASK_STATUS_LABELS else None
    due_before = {"overdue": now, "week": now + timedelta(days=7)}.get(filters.due.data or "")
    found = service.list_tasks(session, owner=filters.owner.data or None, status=status,
                               due_before=due_before, scope=current_scope())
    if due_before is not None and status is None:
        found = [t for t in found if t.status != "done"]
    contexts = followup.contexts(session, found)
    people: dict[int | None, list[SelectChoice]] = {}
    forms = {}
    for task in found:
        workspace_id = contexts[task.id].workspace_id if task.id in contexts else None
        if workspace_id not in people:
            people[workspace_id] = _assignable(session, workspace_id)
        form = TaskForm(prefix=f"t{task.id}", obj=task, formdata=None)
        form.assignee.choices = people[workspace_id]
        form.assignee.data = str(task.assignee_id or "")
        forms[task.id] = form
    return render_template("complaints/tasks.html", tasks=found, forms=forms, filters=filters,
                           status_labels=TASK_STATUS_LABELS, reason_labels=REASON_LABELS,
                           overdue={t.id for t in found if service.is_overdue(t, now)},
                           contexts=contexts,
                           history=followup.history(session, [t.id for t in found]),
                           users={u.id: u.email for u in session.scalars(select(User))})


def _assignable(session, workspace_id: int | None) -> list[SelectChoice]:
    """Active users who may work on the tasks of ``workspace_id``: its designers and analysts,
    and the admins."""
    users = users_reaching(session, workspace_id, ("designer", "analyst")) if workspace_id is not None else []
    return [SelectChoice("", _("Nobody"))] + [SelectChoice(str(u.id), u.email) for u in users]


def _tell_assignee(task: FollowUpTask, user: User) -> None:
    """E-mail the new assignee when sending is on (a failure is shown, the assignment stays)."""
    if not sending_on():
        return
    link = public_url("complaints.tasks", owner=user.email)
    reasons = ", ".join(str(REASON_LABELS.get(r, r)) for r in task.reasons)
    message = OutgoingMessage(
        to=user.email, to_name=user.name, subject=f"心声 Xinsheng：跟进任务 #{task.id} / Follow-up task #{task.id}",
        text=f"您被分配了跟进任务 #{task.id}（{reasons}）。\nYou were assigned follow-up task #{task.id}.\n{link}\n",
        html=f"<p>您被分配了跟进任务 #{task.id}（{reasons}）。<br>You were assigned follow-up task #{task.id}.</p>"
             f"<p><a href=\"{link}\">{link}</a></p>")
    try:
        send_now(message)
    except SEND_ERRORS as error:
        flash(_("The assignee could not be told by e-mail: %(reason)s", reason=str(error)), "error")


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@role_required("designer", "analyst")
def update_task(task_id: int):
    session = get_session()
    task = session.get(FollowUpTask, task_id)
    if task is None:
        abort(404)
    workspace_id = followup.task_workspace(session, task)
    workspace_or_404(workspace_id)
    form = TaskForm(prefix=f"t{task_id}")
    form.assignee.choices = _assignable(session, workspace_id)
    if not form.validate_on_submit():
        flash(_("The task was not changed: %(errors)s",
                errors="; ".join(m for messages in form.errors.values() for m in messages)))
        return redirect(url_for("complaints.tasks"))
    assignee = session.get(User, int(form.assignee.data)) if form.assignee.data else None
    newly_assigned = assignee is not None and assignee.id != task.assignee_id
    owner = form.owner.data or ""
    if assignee is None and task.assignee_id is not None and owner == task.owner:
        owner = ""  # unassigned: the owner was the assignee's address
    service.update_task(session, task, status=form.status.data, owner=owner, notes=form.notes.data or "",
                        assignee=assignee, actor=current_user.email)
    session.commit()
    if newly_assigned:
        _tell_assignee(task, assignee)
    flash(_("Task %(id)s updated.", id=task_id))
    return redirect(url_for("complaints.tasks", **{k: v for k, v in request.args.items() if k in ("owner", "status", "due")}))
