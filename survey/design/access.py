"""What every designer page needs: the questionnaire and version asked for (404 otherwise), the
draft to change, and saving it."""
from __future__ import annotations

from flask import abort, redirect, url_for

from models import Questionnaire, QuestionnaireVersion
from survey.db import get_session
from survey.questionnaire.document import Questionnaire as Document
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.services import questionnaires as store
from survey.workspace_access import questionnaire_or_404


class ArchivedError(Exception):
    """An edit was asked of an archived questionnaire."""

    def __init__(self, questionnaire_id: int) -> None:
        super().__init__(questionnaire_id)
        self.questionnaire_id = questionnaire_id


def version_or_404(questionnaire: Questionnaire, number: int | None = None) -> QuestionnaireVersion:
    """Version ``number`` of ``questionnaire`` (default: the latest)."""
    if not questionnaire.versions:
        abort(404)
    if number is None:
        return questionnaire.versions[-1]
    for version in questionnaire.versions:
        if version.number == number:
            return version
    abort(404)


def editable(questionnaire_id: int) -> tuple[Questionnaire, QuestionnaireVersion, Document]:
    """The draft to change (a new draft when the latest version is published). Raises
    :class:`ArchivedError` for an archived questionnaire."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    if questionnaire.status == "archived":
        raise ArchivedError(questionnaire_id)
    version = store.editable_draft(get_session(), questionnaire_id)
    return questionnaire, version, store.version_document(version)


def save_draft(version: QuestionnaireVersion, document: Document) -> None:
    """Sanitise rich text and store the document in the draft."""
    session = get_session()
    store.replace_draft(session, version, sanitize_questionnaire(document))
    session.commit()


def to_editor(questionnaire_id: int, anchor: str = ""):
    return redirect(url_for("design.edit", questionnaire_id=questionnaire_id) + anchor)
