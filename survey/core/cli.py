"""``flask demo seed``: the demo data that ``make run`` loads. Running it again changes nothing."""
from __future__ import annotations

import secrets

import click
from flask import Blueprint

from survey.db import get_session
from survey.services.demo import seed_demo, seed_demo_analysis
from survey.services.accounts import create_user, find_user

bp = Blueprint("demo_cli", __name__, cli_group="demo")

DEMO_ADMIN_EMAIL = "admin@example.com"


@bp.cli.command("seed")
def seed() -> None:
    """Create the demo admin (credentials printed once, when created) and the demo data."""
    session = get_session()
    if find_user(session, DEMO_ADMIN_EMAIL) is None:
        password = secrets.token_urlsafe(12)
        create_user(session, email=DEMO_ADMIN_EMAIL, password=password, role="admin", name="Demo admin")
        session.commit()
        click.echo("=" * 60)
        click.echo("Demo administrator created (shown only this once):")
        click.echo(f"  e-mail:   {DEMO_ADMIN_EMAIL}")
        click.echo(f"  password: {password}")
        click.echo("=" * 60)
    else:
        click.echo(f"Demo administrator {DEMO_ADMIN_EMAIL} already exists.")
    summary = seed_demo(session)
    session.commit()
    if summary is None:
        click.echo("Demo questionnaires already exist; nothing to do.")
        return
    click.echo(f"Seeded {summary.questionnaires} demo questionnaires with {summary.responses:,} responses.")
    for run_id in seed_demo_analysis(session, history=True, bootstrap=200):
        click.echo(f"Demo analysis run {run_id} finished.")
