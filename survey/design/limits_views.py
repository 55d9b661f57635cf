"""A questionnaire's collection limits (designer role): close date, response limit and quotas,
for every version at once. The rules and the exact counting live in survey/services/quotas.py."""
from __future__ import annotations

from survey.audit_trail import audit_event
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.access import questionnaire_or_404
from survey.design.forms import LimitsForm, quota_error_text
from survey.design.views import bp
from survey.services import quotas as service
from survey.timezones import local_time


@bp.route("/<int:questionnaire_id>/limits", methods=["GET", "POST"])
@role_required("designer")
def limits(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    session = get_session()
    current = service.quotas_of(session, questionnaire_id)
    total = service.response_limit(current)
    form = LimitsForm()
    refused = False
    if request.method == "GET":
        form.close_at.data = local_time(questionnaire.close_at, "%Y-%m-%dT%H:%M") if questionnaire.close_at else ""
        form.response_limit.data = total.limit if total else None
        form.quotas.data = "\n".join(q.line() for q in current if q.kind != "total")
    elif form.validate_on_submit():
        try:
            service.set_limits(session, questionnaire, close_at=form.parsed_close_at,
                               limit=form.response_limit.data, rules=form.parsed_quotas)
        except service.QuotaError as error:
            session.rollback()
            form.quotas.errors = [*form.quotas.errors, quota_error_text(error)]
            refused = True
        else:
            audit_event("settings_limits", f"questionnaire {questionnaire_id}",
                        details={"quotas": len(form.parsed_quotas), "response_limit": form.response_limit.data,
                                 "close_at": form.parsed_close_at.isoformat() if form.parsed_close_at else None})
            session.commit()
            flash(_("Saved."))
            return redirect(url_for("design.limits", questionnaire_id=questionnaire_id))
    status = 422 if refused or form.errors else 200
    return render_template("design/limits.html", questionnaire=questionnaire, form=form, quotas=current,
                           total=total), status
