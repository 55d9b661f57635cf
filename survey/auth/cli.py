"""``flask users create --role ...`` and ``flask users list``."""
from __future__ import annotations

import click
from flask import Blueprint
from sqlalchemy import select

from models import ROLES, User
from survey.db import get_session
from survey.services.accounts import AccountError, create_user

bp = Blueprint("users_cli", __name__, cli_group="users")


@bp.cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
def create(email: str, role: str, name: str, password: str) -> None:
    """Create a user with EMAIL and a role."""
    session = get_session()
    try:
        user = create_user(session, email=email, password=password, role=role, name=name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"created user {user.id} {user.email} ({user.role})")


@bp.cli.command("list")
def list_users() -> None:
    """List users with their roles."""
    for user in get_session().scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{'active' if user.active else 'disabled'}")
