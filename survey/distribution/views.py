"""Invitation uploads, complaint-case imports and response exports (designer/analyst roles).

Exports: the page lists a questionnaire's versions with their response counts; the form chooses
versions, format (CSV, XLSX, SPSS .sav), label language, codes or labels as values, and whether
partial responses are included. An export of at most ``EXPORT_JOB_THRESHOLD`` responses is
made in the request: CSV streams straight from the database; XLSX and .sav are written to a
temporary file first (so a failure shows an error page, not a cut-off file) and then streamed and
deleted. A larger one is a file job made by the job worker (``survey.files``): the user is sent
to its page, which offers the file when it is ready. See ``survey.services.exports``.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import engine, get_session
from survey.files.views import start
from survey.i18n import normalise_locale
from survey.services import exports as service
from survey.services import file_jobs
from survey.services.export_rows import count_rows
from survey.workspace_access import current_scope, questionnaire_or_404

bp = Blueprint("distribution", __name__, url_prefix="/distribution")

FORMAT_LABELS = {"csv": _l("CSV (UTF-8, opens in Excel)"), "xlsx": _l("Excel workbook (XLSX)"),
                 "sav": _l("SPSS data file (.sav) with variable and value labels")}
VALUE_LABELS = {"codes": _l("Answer codes (e.g. north, 5)"), "labels": _l("Answer labels in the chosen language")}
STATE_LABELS = {"draft": _l("Draft"), "published": _l("Published")}


def _choices(labels: dict[str, object]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ExportForm(FlaskForm):
    versions = SelectMultipleField(
        _l("Versions"), coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
        validators=[DataRequired(_l("Choose at least one version."))])
    format = RadioField(_l("Format"), choices=_choices(FORMAT_LABELS), default="csv",
                        validators=[InputRequired()])
    language = RadioField(_l("Language of labels"), choices=_choices({"zh_CN": "中文", "en": "English"}),
                          validators=[InputRequired()])
    values = RadioField(_l("Cell values (CSV and XLSX)"), choices=_choices(VALUE_LABELS),
                        default="codes", validators=[InputRequired()])
    include_partial = BooleanField(_l("Include partial (unfinished) responses"))
    include_flagged = BooleanField(_l("Include responses marked as test or spam"))


@bp.route("/exports")
@role_required("designer", "analyst")
def exports_index():
    questionnaires = service.exportable_questionnaires(get_session(), current_scope())
    return render_template("distribution/export_index.html", questionnaires=questionnaires)


@bp.route("/exports/<int:questionnaire_id>", methods=["GET", "POST"])
@role_required("designer", "analyst")
def export(questionnaire_id: int):
    session = get_session()
    questionnaire = questionnaire_or_404(questionnaire_id)
    versions = service.exportable_versions(session, questionnaire_id)
    counts = service.response_counts(session, questionnaire_id)
    form = ExportForm()
    form.versions.choices = [SelectChoice(v.id, str(v.number)) for v in versions]
    if not form.is_submitted():
        form.language.data = normalise_locale(str(get_locale())) or "zh_CN"
        published = [v.id for v in versions if v.state == "published"]
        form.versions.data = published[:1] or [v.id for v in versions[:1]]
    if form.validate_on_submit():
        options = service.ExportOptions(
            version_ids=tuple(form.versions.data), format=form.format.data,
            language=form.language.data, include_partial=form.include_partial.data,
            include_flagged=form.include_flagged.data,
            values=form.values.data)
        checked = service.check_export(session, questionnaire_id, options)
        threshold = current_app.config["EXPORT_JOB_THRESHOLD"]
        as_job = count_rows(engine(), checked.selection, at_most=threshold + 1) > threshold
        audit_event("export", f"questionnaire {questionnaire_id}",
                    details={"format": options.format, "versions": len(options.version_ids),
                             "partial": options.include_partial, "job": as_job})
        if as_job:  # the plan (a pass over the rows for their segment keys) is the worker's too
            job, created = file_jobs.create_job(session, kind="export", owner=current_user, questionnaire=questionnaire,
                                                file_name=checked.filename(),
                                                parameters=service.options_to_json(options))
            return start(job, created)
        prepared = service.prepare_export(session, questionnaire_id, options, checked)
        session.commit()
        # End the request's transaction before the long write: on SQLite it holds the write
        # lock (BEGIN IMMEDIATE), which respondents' submissions wait for.
        session.close()
        return _download(prepared)
    status = 400 if form.is_submitted() else 200
    return render_template("distribution/export.html", questionnaire=questionnaire, versions=versions,
                           counts=counts, form=form, state_labels=STATE_LABELS), status


def _download(prepared: service.PreparedExport) -> Response:
    if prepared.options.format == "csv":
        body = service.csv_chunks(engine(), prepared)
    else:
        body = service.stream_file(service.write_export_file(engine(), prepared))
    response = Response(body, content_type=service.MEDIA_TYPES[prepared.options.format])
    response.headers["Content-Disposition"] = f'attachment; filename="{prepared.filename()}"'
    response.headers["Cache-Control"] = "no-store"
    return response
