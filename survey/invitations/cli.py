"""``flask invitations upload QUESTIONNAIRE_ID FILE``, ``send QUESTIONNAIRE_ID [--wait]`` and
``remind QUESTIONNAIRE_ID [--wait]`` — the same actions as the invitations page.

Without ``--wait`` a round is queued and handed to the job worker; with it, this process sends
the round itself and prints what became of each message.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, current_app

from models import Questionnaire
from survey.audit_trail import audit_event
from survey.db import get_session
from survey.jobs import enqueue
from survey.mail.channels import DeliveryError
from survey.mail.sending import SendingOff, deliver, sending_on
from survey.services import invitations as service
from survey.services import mailings

bp = Blueprint("invitations_cli", __name__, cli_group="invitations")


def _questionnaire(questionnaire_id: int) -> Questionnaire:
    questionnaire = get_session().get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise click.ClickException(f"there is no questionnaire {questionnaire_id}")
    return questionnaire


@bp.cli.command("upload")
@click.argument("questionnaire_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--expiry-days", type=click.IntRange(1, 3650), default=None, help="Links expire after N days.")
def upload(questionnaire_id: int, path: Path, expiry_days: int | None) -> None:
    """Add one invitation per row of a CSV or XLSX file; nothing is added if a row is wrong."""
    _questionnaire(questionnaire_id)
    session = get_session()
    limit = int(current_app.config.get("INVITATION_UPLOAD_MAX_BYTES", service.MAX_UPLOAD_BYTES))
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    try:
        report = service.import_invitations(session, questionnaire_id, path.name, data, max_bytes=limit,
                                            default_expiry_days=expiry_days)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    if not report.ok:
        session.rollback()
        for problem in report.problems:
            where = f"row {problem.row}" if problem.row else "file"
            click.echo(f"{where}, {problem.column or '-'}: {problem.message('en')}", err=True)
        raise click.ClickException(f"nothing was added: {len(report.problems)} problem(s) in {report.rows} row(s)")
    audit_event("invitations_upload", f"questionnaire {questionnaire_id}", details={"added": report.created})
    session.commit()
    click.echo(f"{report.created} invitations added")


def _round(questionnaire_id: int, kind: str, wait: bool) -> None:
    _questionnaire(questionnaire_id)
    if not sending_on():
        raise click.ClickException("sending is off: set MAIL_URL, e.g. smtp://user:password@host:587?tls=starttls")
    session = get_session()
    queue = mailings.queue_invitations if kind == "invitation" else mailings.queue_reminders
    summary = queue(session, questionnaire_id, started_by="cli")
    audit_event(f"send_{kind}s", f"questionnaire {questionnaire_id}", details={"queued": summary.queued})
    session.commit()
    left_out = ", ".join(f"{reason.replace('_', ' ')}: {n}" for reason, n in sorted(summary.left_out.items()))
    click.echo(f"{summary.queued} {'invitations' if kind == 'invitation' else 'reminders'} queued"
               + (f" (left out — {left_out})" if left_out else ""))
    if summary.batch_id is None:
        return
    if not wait:
        enqueue("deliver_messages", summary.batch_id)
        click.echo("the job worker sends them (flask jobs worker)")
        return
    try:
        stats = deliver(session, batch_id=summary.batch_id)
    except (SendingOff, DeliveryError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"sent {stats.sent}, failed {stats.failed}, to retry {stats.retried}, skipped {stats.skipped}")
    for status, count in sorted(mailings.batch_summary(session, summary.batch_id).items()):
        click.echo(f"  {status}: {count}")


@bp.cli.command("send")
@click.argument("questionnaire_id", type=int)
@click.option("--wait", is_flag=True, help="Send now in this process and report, instead of queuing.")
def send(questionnaire_id: int, wait: bool) -> None:
    """Send the invitation message to every invited customer not yet sent one."""
    _round(questionnaire_id, "invitation", wait)


@bp.cli.command("remind")
@click.argument("questionnaire_id", type=int)
@click.option("--wait", is_flag=True, help="Send now in this process and report, instead of queuing.")
def remind(questionnaire_id: int, wait: bool) -> None:
    """One reminder round now, by the questionnaire's reminder schedule."""
    _round(questionnaire_id, "reminder", wait)
