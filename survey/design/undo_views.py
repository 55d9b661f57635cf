"""Undo of the editor's last deletion (designer role): a POST with the CSRF token, for the designer
who deleted, while the draft is as the deletion left it (``survey.services.draft_undo``)."""
from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.access import ArchivedError, to_editor
from survey.design.deletions import deleted_codes, refusal_text
from survey.design.forms import ConfirmForm
from survey.design.views import bp
from survey.services.draft_undo import UndoRefused, undo_deletion
from survey.workspace_access import questionnaire_or_404


@bp.route("/<int:questionnaire_id>/undo/<int:snapshot_id>", methods=["POST"])
@role_required("designer")
def undo(questionnaire_id: int, snapshot_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if questionnaire.status == "archived":
        raise ArchivedError(questionnaire_id)
    session = get_session()
    try:
        deletion = undo_deletion(session, questionnaire_id, snapshot_id, current_user.id)
    except UndoRefused as refusal:
        session.rollback()
        flash(refusal_text(refusal), "error")
        return to_editor(questionnaire_id)
    session.commit()
    flash(_("Undone: the draft is back as it was before the deletion of %(what)s.",
            what=deleted_codes(deletion)))
    anchor = f"#question-{deletion.codes[0]}" if deletion.kind == "question" else \
        "" if deletion.kind == "page" else f"#question-{deletion.container}"
    return to_editor(questionnaire_id, anchor)
