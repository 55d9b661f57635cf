"""``flask api-tokens create NAME --role designer``, ``list`` and ``revoke ID``; and
``flask complaints invite-due`` / ``flask complaints sweep-tasks`` for the closed loop."""
from __future__ import annotations

from survey.audit_trail import audit_event
import click
from flask import Blueprint, current_app
from sqlalchemy.exc import IntegrityError

from models.api_tokens import API_TOKEN_ROLES
from survey.db import get_session
from survey.services.api_tokens import ApiTokenError, create_token, list_tokens, revoke_token
from survey.services import complaint_cases
from survey.services.workspaces import WorkspaceError, find_workspace

bp = Blueprint("api_tokens_cli", __name__, cli_group="api-tokens")
complaints_bp = Blueprint("complaints_cli", __name__, cli_group="complaints")


@bp.cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(API_TOKEN_ROLES), required=True,
              help="What the token may do (designer: submit responses and import cases).")
@click.option("--workspace", default=None,
              help="Id or name of the one workspace the token may reach (default: every workspace).")
def create(name: str, role: str, workspace: str | None) -> None:
    """Create an API token called NAME; its secret is printed once."""
    session = get_session()
    try:
        workspace_id = find_workspace(session, workspace).id if workspace is not None else None
        token, secret = create_token(session, name, role=role, workspace_id=workspace_id)
    except (ApiTokenError, WorkspaceError) as exc:
        raise click.ClickException(str(exc)) from exc
    audit_event("api_token_create", f"token {token.id}",
                details={"name": name, "role": role, "workspace": workspace_id})
    session.commit()
    click.echo(f"created API token {token.id} {token.name!r} ({token.role})")
    click.echo("secret (shown once, store it now):")
    click.echo(secret)


@bp.cli.command("list")
def list_command() -> None:
    """List API tokens (never their secrets)."""
    for token in list_tokens(get_session()):
        state = "revoked" if token.revoked_at else "active"
        used = token.last_used_at.isoformat() if token.last_used_at else "never used"
        reach = f"workspace {token.workspace_id}" if token.workspace_id is not None else "every workspace"
        click.echo(f"{token.id}\t{token.name}\t{token.role}\t{reach}\t{token.prefix}…\t{state}\t{used}")


@bp.cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke the API token TOKEN_ID."""
    session = get_session()
    try:
        revoke_token(session, token_id)
    except ApiTokenError as exc:
        raise click.ClickException(str(exc)) from exc
    audit_event("api_token_revoke", f"token {token_id}")
    session.commit()
    click.echo(f"revoked API token {token_id}")


@complaints_bp.cli.command("invite-due")
@click.option("--questionnaire", "questionnaire_id", type=int, default=None,
              help="Follow-up questionnaire (default: each workspace's newest published complaint follow-up).")
def invite_due(questionnaire_id: int | None) -> None:
    """Invite the customers of resolved cases whose follow-up delay has passed (run hourly)."""
    session = get_session()
    questionnaire_ids = ([questionnaire_id] if questionnaire_id
                         else list(complaint_cases.followup_questionnaires(session).values()))
    if not questionnaire_ids:
        raise click.ClickException("no complaint follow-up questionnaire is published")
    try:
        invited = [invitation for followup in questionnaire_ids for invitation in complaint_cases.invite_due_cases(
            session, followup,
            delay_hours=float(current_app.config.get("COMPLAINT_FOLLOWUP_DELAY_HOURS", 24)),
            expiry_days=int(current_app.config.get("COMPLAINT_FOLLOWUP_EXPIRY_DAYS", 30)))]
        session.commit()
    except complaint_cases.ComplaintError as exc:
        raise click.ClickException(str(exc)) from exc
    except IntegrityError as exc:
        session.rollback()
        raise click.ClickException("another run invited some of these cases at the same time; "
                                   "run the command again") from exc
    click.echo(f"{len(invited)} invitations created")


@complaints_bp.cli.command("sweep-tasks")
def sweep_tasks() -> None:
    """Open follow-up tasks for complete case responses that have none yet."""
    session = get_session()
    opened = complaint_cases.sweep_followup_tasks(
        session, complaint_cases.FollowUpRules.from_config(current_app.config))
    session.commit()
    click.echo(f"{opened} follow-up tasks opened")
