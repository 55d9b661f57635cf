"""``flask workspaces list | create NAME | rename WORKSPACE NAME | add EMAIL WORKSPACE |
remove EMAIL WORKSPACE | move QUESTIONNAIRE_ID WORKSPACE``. WORKSPACE is an id or a name."""
from __future__ import annotations

import click
from flask import Blueprint

from models import Questionnaire
from survey.audit_trail import audit_event
from survey.db import get_session
from survey.services import workspaces
from survey.services.accounts import find_user

bp = Blueprint("workspaces_cli", __name__, cli_group="workspaces")


def _workspace(session, key: str):
    try:
        return workspaces.find_workspace(session, key)
    except workspaces.WorkspaceError as exc:
        raise click.ClickException(str(exc)) from exc


def _user(session, email: str):
    user = find_user(session, email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email!r}")
    return user


@bp.cli.command("list")
def list_command() -> None:
    """List workspaces with their member and questionnaire counts."""
    session = get_session()
    workspaces.default_workspace(session)
    session.commit()
    for row in workspaces.workspace_rows(session):
        click.echo(f"{row.workspace.id}\t{row.workspace.name}\t{row.members} members\t{row.questionnaires} questionnaires")


@bp.cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a workspace called NAME."""
    session = get_session()
    try:
        workspace = workspaces.create_workspace(session, name)
    except workspaces.WorkspaceError as exc:
        raise click.ClickException(str(exc)) from exc
    audit_event("workspace_create", f"workspace {workspace.id}", details={"name": workspace.name})
    session.commit()
    click.echo(f"created workspace {workspace.id} {workspace.name!r}")


@bp.cli.command("rename")
@click.argument("workspace")
@click.argument("name")
def rename(workspace: str, name: str) -> None:
    """Give WORKSPACE the name NAME."""
    session = get_session()
    found = _workspace(session, workspace)
    before = found.name
    try:
        workspaces.rename_workspace(session, found, name)
    except workspaces.WorkspaceError as exc:
        raise click.ClickException(str(exc)) from exc
    audit_event("workspace_rename", f"workspace {found.id}", details={"from": before, "to": found.name})
    session.commit()
    click.echo(f"workspace {found.id} is now {found.name!r}")


def _membership(email: str, workspace: str, *, member: bool) -> None:
    session = get_session()
    user, found = _user(session, email), _workspace(session, workspace)
    current = workspaces.member_ids(session, user.id)
    added, removed = workspaces.set_memberships(session, user, current | {found.id} if member else current - {found.id})
    if added or removed:
        audit_event("user_workspaces", user.email, details={"added": sorted(added), "removed": sorted(removed)})
    session.commit()
    click.echo(f"{user.email} is {'a' if member else 'not a'} member of {found.name!r}")


@bp.cli.command("add")
@click.argument("email")
@click.argument("workspace")
def add(email: str, workspace: str) -> None:
    """Make the user with EMAIL a member of WORKSPACE."""
    _membership(email, workspace, member=True)


@bp.cli.command("remove")
@click.argument("email")
@click.argument("workspace")
def remove(email: str, workspace: str) -> None:
    """End the membership of the user with EMAIL in WORKSPACE."""
    _membership(email, workspace, member=False)


@bp.cli.command("move")
@click.argument("questionnaire_id", type=int)
@click.argument("workspace")
def move(questionnaire_id: int, workspace: str) -> None:
    """Give questionnaire QUESTIONNAIRE_ID (with its responses, invitations and runs) to WORKSPACE."""
    session = get_session()
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise click.ClickException(f"questionnaire {questionnaire_id} does not exist")
    found = _workspace(session, workspace)
    before = questionnaire.workspace_id
    workspaces.move_questionnaire(session, questionnaire, found.id)
    audit_event("questionnaire_move", f"questionnaire {questionnaire_id}", details={"from": before, "to": found.id})
    session.commit()
    click.echo(f"questionnaire {questionnaire_id} is in {found.name!r}")
