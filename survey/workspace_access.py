"""What the signed-in user (or the API token) may reach: the request's workspace scope and the
one way views load a questionnaire, so that an object of another workspace answers 404 exactly
like one that does not exist (its id reveals nothing)."""
from __future__ import annotations

from flask import abort, g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField
from wtforms.validators import DataRequired

from models import Questionnaire
from survey.db import get_session
from survey.services import workspaces
from survey.services.workspaces import Scope


def current_scope() -> Scope:
    """The workspaces this request may reach: the API token's, else the signed-in user's (None:
    all, for admins and commands run outside a request)."""
    if not has_request_context():
        return None
    if "workspace_scope" not in g:
        token = g.get("api_token")
        if token is not None:
            g.workspace_scope = None if token.workspace_id is None else frozenset({token.workspace_id})
        elif getattr(current_user, "is_authenticated", False):
            g.workspace_scope = workspaces.scope_of(get_session(), current_user)
        else:
            g.workspace_scope = frozenset()
    return g.workspace_scope


def questionnaire_or_404(questionnaire_id: int) -> Questionnaire:
    """The questionnaire when it exists and is in the request's scope; 404 otherwise."""
    questionnaire = workspaces.questionnaire_in_scope(get_session(), questionnaire_id, current_scope())
    if questionnaire is None:
        abort(404)
    return questionnaire


def workspace_or_404(workspace_id: int | None) -> None:
    """404 unless the request's scope reaches ``workspace_id``."""
    if not workspaces.allows(current_scope(), workspace_id):
        abort(404)


class WorkspaceChoice:
    """Form mixin: the workspace a new questionnaire or imported cases go to, among the user's
    own (the choices are checked on submit, so no other workspace can be posted)."""

    workspace = SelectField(_l("Workspace"), coerce=int, choices=[],
                            validators=[DataRequired(_l("Choose a workspace."))])


def offer_workspaces(form: WorkspaceChoice) -> bool:
    """Fill ``form.workspace`` with the workspaces the user may work in (the default workspace
    first chosen when it is one of them); False when there are none, which the view explains."""
    session = get_session()
    choices = workspaces.visible_workspaces(session, current_scope())
    form.workspace.choices = [(w.id, w.name) for w in choices]
    if choices and form.workspace.data is None:
        default = workspaces.default_workspace(session).id
        form.workspace.data = default if any(w.id == default for w in choices) else choices[0].id
    return bool(choices)
