"""``flask users create --role ...``, ``list``, ``set-password`` and ``sign-out-everywhere``."""
from __future__ import annotations

import click
from flask import Blueprint
from sqlalchemy import select

from models import ROLES, User
from survey.audit_trail import audit_event
from survey.db import get_session
from survey.services.accounts import AccountError, create_user, end_sessions, find_user, set_password
from survey.services.workspaces import WorkspaceError, find_workspace

bp = Blueprint("users_cli", __name__, cli_group="users")


@bp.cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--name", default="", help="Display name.")
@click.option("--workspace", "workspace_keys", multiple=True,
              help="Id or name of a workspace the user joins (repeat for several; default: the first workspace).")
@click.password_option(help="Password (asked for when not given).")
def create(email: str, role: str, name: str, workspace_keys: tuple[str, ...], password: str) -> None:
    """Create a user with EMAIL and a role."""
    session = get_session()
    try:
        workspace_ids = [find_workspace(session, key).id for key in workspace_keys] if workspace_keys else None
        user = create_user(session, email=email, password=password, role=role, name=name, workspace_ids=workspace_ids)
    except (AccountError, WorkspaceError) as exc:
        raise click.ClickException(str(exc)) from exc
    audit_event("user_create", user.email, details={"role": role, "workspaces": workspace_ids})
    session.commit()
    click.echo(f"created user {user.id} {user.email} ({user.role})")


@bp.cli.command("list")
def list_users() -> None:
    """List users with their roles."""
    for user in get_session().scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{'active' if user.active else 'disabled'}")


@bp.cli.command("set-password")
@click.argument("email")
@click.password_option(help="New password (asked for when not given).")
def set_password_command(email: str, password: str) -> None:
    """Give the user with EMAIL a new password; ends all their sessions."""
    session = get_session()
    user = _user(session, email)
    try:
        set_password(session, user, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    audit_event("password_set", user.email)
    session.commit()
    click.echo(f"new password set for {user.email}; all their sessions ended")


@bp.cli.command("sign-out-everywhere")
@click.argument("email")
def sign_out_everywhere(email: str) -> None:
    """End every session and remember-me cookie of the user with EMAIL (all browsers)."""
    session = get_session()
    user = _user(session, email)
    end_sessions(session, user)
    audit_event("sign_out_everywhere", user.email)
    session.commit()
    click.echo(f"signed {user.email} out everywhere")


def _user(session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email!r}")
    return user
