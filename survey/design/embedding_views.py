"""The questionnaire's embedding settings (designer role): which sites may show its respondent
pages in a frame. Applies to every version at once; survey/security_headers.py reads it."""
from __future__ import annotations

from survey.audit_trail import audit_event
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.access import questionnaire_or_404
from survey.design.forms import EmbeddingForm
from survey.design.views import bp
from survey.services import questionnaires as store


@bp.route("/<int:questionnaire_id>/embedding", methods=["GET", "POST"])
@role_required("designer")
def embedding(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = EmbeddingForm()
    if request.method == "GET":
        form.origins.data = "\n".join(store.embed_origins(questionnaire))
    elif form.validate_on_submit():
        store.set_embed_origins(questionnaire, form.parsed_origins)
        audit_event("settings_embedding", f"questionnaire {questionnaire_id}",
                    details={"origins": len(form.parsed_origins)})
        get_session().commit()
        flash(_("Saved."))
        return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    status = 422 if form.errors else 200
    return render_template("design/embedding.html", questionnaire=questionnaire, form=form), status
