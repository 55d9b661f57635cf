"""Scheduled reports (``/reports/schedules``): an analyst lists, creates, pauses, resumes, sends
now and deletes the schedules of the questionnaires their workspaces reach; the job worker runs
them (survey.services.report_schedules). Every change is audited; other workspaces' schedules
answer 404."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, ValidationError

from models import ReportSchedule
from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.mail.sending import sending_on
from survey.services import report_schedules as service
from survey.services.analysis_pipeline import DEFAULT_BOOTSTRAP
from survey.services.dashboard import response_attributes, published_versions
from survey.services.invitations import published_questionnaires
from survey.services.questionnaires import questionnaire_title
from survey.i18n import normalise_locale
from survey.workspace_access import current_scope, questionnaire_or_404

bp = Blueprint("schedules", __name__, url_prefix="/reports/schedules")

FREQUENCY_LABELS = {"weekly": _l("Weekly"), "monthly": _l("Monthly")}
PERIOD_LABELS = {7: _l("The last 7 days"), 30: _l("The last 30 days"), 90: _l("The last 90 days")}
LANGUAGE_LABELS = {"zh_CN": "中文", "en": "English"}


def outcome_text(code: str, params: dict) -> str:
    """The last delivery's outcome, translated."""
    texts = {
        "sent": lambda: _("Sent to %(count)s recipients (analysis run %(run)s).", count=params.get("recipients", 0),
                          run=params.get("run", "")),
        "no_responses": lambda: _("Not sent: no responses in the period (run %(run)s).", run=params.get("run", "")),
        "run_failed": lambda: _("Not sent: the analysis failed (run %(run)s).", run=params.get("run", "")),
        "send_failed": lambda: _("Not sent: the mail server refused it (%(reason)s).", reason=params.get("reason", "")),
        "no_version": lambda: _("Not sent: the questionnaire has no published version."),
    }
    return texts[code]() if code in texts else ""


class ScheduleForm(FlaskForm):
    questionnaire = SelectField(_l("Questionnaire"), coerce=int, choices=[])
    frequency = SelectField(_l("How often"), choices=[SelectChoice(k, v) for k, v in FREQUENCY_LABELS.items()])
    period_days = SelectField(_l("Responses analysed"), coerce=int,
                              choices=[SelectChoice(k, v) for k, v in PERIOD_LABELS.items()], default=30)
    language = SelectField(_l("Language of the report"), choices=[SelectChoice(k, v) for k, v in LANGUAGE_LABELS.items()])
    recipients = TextAreaField(_l("Recipients (e-mail addresses, one per line or separated by commas)"),
                               validators=[DataRequired(_l("Enter at least one e-mail address."))])
    segments = StringField(_l("Segment dimensions (attribute names, separated by commas)"))
    bootstrap = IntegerField(_l("Bootstrap resamples"), default=DEFAULT_BOOTSTRAP,
                             validators=[NumberRange(0, 5000, _l("Enter a number between %(min)s and %(max)s."))])

    def validate_recipients(self, field: TextAreaField) -> None:
        try:
            self.parsed_recipients = service.parse_recipients(field.data or "")
        except service.ScheduleError as error:
            if error.code == "bad_recipient":
                raise ValidationError(_("“%(value)s” is not an e-mail address.", value=error.params["value"])) from None
            if error.code == "too_many_recipients":
                raise ValidationError(_("At most %(limit)s recipients; %(count)s were entered.",
                                        limit=error.params["limit"], count=error.params["count"])) from None
            raise ValidationError(_("Enter at least one e-mail address.")) from None


class ConfirmForm(FlaskForm):
    """The CSRF token of the row buttons."""


def _schedule_or_404(schedule_id: int) -> ReportSchedule:
    schedule = get_session().get(ReportSchedule, schedule_id)
    if schedule is None:
        abort(404)
    questionnaire_or_404(schedule.questionnaire_id)  # 404 outside the user's workspaces
    return schedule


def _locale() -> str:
    from flask_babel import get_locale

    return normalise_locale(str(get_locale())) or "zh_CN"


@bp.route("/", methods=["GET", "POST"])
@role_required("analyst")
def index():
    session = get_session()
    questionnaires = published_questionnaires(session, scope=current_scope())
    titles = {q.id: questionnaire_title(q, _locale()) for q in questionnaires}
    form = ScheduleForm()
    form.questionnaire.choices = [SelectChoice(q.id, titles[q.id]) for q in questionnaires]
    if form.validate_on_submit():
        questionnaire = questionnaire_or_404(form.questionnaire.data)
        versions = published_versions(session, questionnaire.id)
        known, _numbers = response_attributes(session, [v.id for v in versions])
        dimensions = tuple(d.strip() for d in (form.segments.data or "").split(",") if d.strip())
        unknown = [d for d in dimensions if d not in known]
        if unknown:
            form.segments.errors = [_("%(name)s is not a segment attribute of these responses.", name=unknown[0])]
        else:
            settings = service.ScheduleSettings(form.frequency.data, form.period_days.data, form.language.data,
                                                form.parsed_recipients, dimensions, form.bootstrap.data)
            schedule = service.create_schedule(session, questionnaire, settings, created_by_id=current_user.id)
            audit_event("report_schedule.created", f"report_schedule:{schedule.id}",
                        details={"questionnaire": questionnaire.id, "frequency": settings.frequency,
                                 "recipients": len(settings.recipients)})
            session.commit()
            flash(_("The report is scheduled; the first one goes out on %(date)s.",
                    date=schedule.next_run_at.date().isoformat()))
            return redirect(url_for("schedules.index"))
    schedules = service.schedules_in(session, current_scope())
    return render_template("reports/schedules.html", form=form, schedules=schedules, titles=titles,
                           confirm=ConfirmForm(), sending=sending_on(), frequency_labels=FREQUENCY_LABELS,
                           period_labels=PERIOD_LABELS, language_labels=LANGUAGE_LABELS, outcome=outcome_text), \
        422 if form.errors else 200


@bp.route("/<int:schedule_id>/<action>", methods=["POST"])
@role_required("analyst")
def act(schedule_id: int, action: str):
    if action not in ("send", "pause", "resume", "delete"):
        abort(404)
    schedule = _schedule_or_404(schedule_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    if action == "send":
        service.send_soon(session, schedule)
        flash(_("The report will be made and sent within a minute."))
    elif action in ("pause", "resume"):
        service.set_active(schedule, action == "resume")
        flash(_("The schedule is paused.") if action == "pause" else _("The schedule is active again."))
    else:
        service.delete_schedule(session, schedule)
        flash(_("The schedule is deleted."))
    audit_event(f"report_schedule.{action}", f"report_schedule:{schedule_id}")
    session.commit()
    return redirect(url_for("schedules.index"))
