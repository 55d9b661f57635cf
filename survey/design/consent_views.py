"""A questionnaire's consent statement (designer role): what respondents accept before they
start, for every version; see survey/services/consent.py."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.access import questionnaire_or_404
from survey.design.forms import ConsentForm
from survey.design.views import bp
from survey.services import consent as service


@bp.route("/<int:questionnaire_id>/consent", methods=["GET", "POST"])
@role_required("designer")
def consent(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = ConsentForm()
    refused = False
    if request.method == "GET":
        form.required.data = questionnaire.consent_required
        form.statement_zh.data = questionnaire.consent_zh
        form.statement_en.data = questionnaire.consent_en
    elif form.validate_on_submit():
        session = get_session()
        try:
            raised = service.set_consent(session, questionnaire, required=form.required.data,
                                         zh=form.statement_zh.data or "", en=form.statement_en.data or "")
        except service.ConsentError:
            session.rollback()
            form.statement_zh.errors = [*form.statement_zh.errors,
                                        _("Write the statement in at least one language, or do not require consent.")]
            refused = True
        else:
            audit_event("settings_consent", f"questionnaire {questionnaire_id}",
                        details={"required": questionnaire.consent_required, "version": questionnaire.consent_version})
            session.commit()
            flash(_("Saved. Respondents now accept version %(version)s of the statement.",
                    version=questionnaire.consent_version) if raised else _("Saved."))
            return redirect(url_for("design.consent", questionnaire_id=questionnaire_id))
    status = 422 if refused or form.errors else 200
    return render_template("design/consent.html", questionnaire=questionnaire, form=form), status
