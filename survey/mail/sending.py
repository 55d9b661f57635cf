"""Sending inside the app: the channel from ``MAIL_URL``, absolute links from the configured
public address, delivery of due messages, and the periodic tick (complaint follow-up
invitations, reminders, retries, task sweeps) that huey runs every minute — once per minute
across every worker and host, because each tick first takes its slot in ``periodic_runs``.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import PeriodicRun
from survey.db import begin_write, read_first
from survey.mail.channels import CHANNELS, Channel, DeliveryError, OutgoingMessage, mail_settings
from survey.mail.settings import MailSettingsError
from survey.observability.metrics import CountedChannel
from survey.services import mailings

logger = logging.getLogger(__name__)
TICK = "distribution_tick"


class SendingOff(RuntimeError):
    """``MAIL_URL`` is not set: nothing can be sent."""


def sending_on() -> bool:
    return bool(current_app.config.get("MAIL_URL"))


def open_channel(name: str = "email") -> Channel:
    """A fresh channel (not yet connected). Raises :class:`SendingOff` without ``MAIL_URL``."""
    settings = mail_settings(current_app.config)
    if settings is None:
        raise SendingOff("sending is off: set MAIL_URL (e.g. smtp://user:password@host:587?tls=starttls)")
    return CountedChannel(CHANNELS[name](settings))  # sent and failed messages counted for /metrics


def send_now(*messages: OutgoingMessage) -> None:
    """Send ``messages`` at once over one connection (a test message, a notice to a colleague).
    Raises :class:`SendingOff`, :class:`~survey.mail.settings.MailSettingsError` or
    :class:`~survey.mail.channels.DeliveryError` with the reason."""
    channel = open_channel()
    channel.open()
    try:
        for message in messages:
            channel.send(message)
    finally:
        channel.close()


#: What :func:`send_now` may raise: each names its reason.
SEND_ERRORS = (SendingOff, MailSettingsError, DeliveryError)


def _path(endpoint: str, **values: str) -> str:
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT", "/"))
    return adapter.build(endpoint, values)


def links() -> mailings.Links:
    """Absolute links from ``PUBLIC_BASE_URL`` (never a request's Host; works in the worker)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return mailings.Links(
        invitation=lambda token: base + _path("collect.invitation_start", token=token),
        unsubscribe=lambda token: base + _path("collect.unsubscribe", token=token),
        one_click=lambda token: base + _path("collect.unsubscribe", token=token),
    )


def dashboard_link(run_id: int) -> str:
    """The absolute address of a run's dashboard (for scheduled report e-mails)."""
    return current_app.config["PUBLIC_BASE_URL"] + _path("reports.dashboard", run_id=str(run_id))


def deliver(session: Session, *, batch_id: int | None = None,
            now: datetime | None = None) -> mailings.DeliveryStats:
    """Send what is due now (of one round, or all) with the configured channel and limits;
    ``now`` fixes the clock (the tick's minute), else the real one."""
    config = current_app.config
    clock = (lambda: now) if now is not None else (lambda: datetime.now(UTC))
    return mailings.deliver_due(
        session, open_channel(), links(), batch_id=batch_id, now=clock,
        max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", mailings.MAX_ATTEMPTS)),
        retry_base_seconds=float(config.get("MAIL_RETRY_BASE_SECONDS", mailings.RETRY_BASE_SECONDS)))


def take_slot(session: Session, task: str, slot: datetime) -> bool:
    """True for the one caller that takes ``task``'s ``slot`` (committed at once)."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    taken = session.execute(module.insert(PeriodicRun).values(task=task, slot=slot)
                            .on_conflict_do_nothing().returning(PeriodicRun.task)).first()
    session.commit()
    return taken is not None


def purge_retention(session: Session, *, now: datetime, days: int) -> dict[str, int]:
    """Identifying data older than ``days`` purged (survey.services.people), with an audit entry
    when anything went; committed."""
    from datetime import timedelta

    from survey.services import audit, people

    report = people.purge_identities(session, older_than=now - timedelta(days=days))
    purged = {f"retention_{k}": v for k, v in report.as_dict().items()}
    if any(purged.values()):
        audit.record(session, "retention_purge", actor="schedule", target=f"older than {days} days",
                     details=report.as_dict())
    session.commit()
    return purged


def tick(session: Session, *, now: datetime | None = None) -> dict[str, int] | None:
    """The periodic work of one minute, or None when another worker already did this minute:
    complaint follow-up invitations that are due, the scheduled reminder rounds, sending what is
    due (new rounds and retries), stale claims given up, follow-up task sweeps, and the scheduled
    reports that are due (each a job: run, PDF, e-mail)."""
    from survey.jobs import enqueue
    from survey.services import complaint_cases, report_schedules
    from survey.services.followup_tasks import FollowUpRules

    now = now or datetime.now(UTC)
    if not take_slot(session, TICK, now.replace(second=0, microsecond=0)):
        return None
    config = current_app.config
    done: dict[str, int] = {}
    # The job worker runs at idle priority: on SQLite its reads must not hold the write lock every
    # respondent's submit needs (read_first); a transaction opens only where it writes.
    read_first(session)
    followups = complaint_cases.followup_questionnaires(session)  # one per workspace that has one
    if followups:
        begin_write(session)
        invited = complaint_cases.invite_due_everywhere(
            session, delay_hours=float(config.get("COMPLAINT_FOLLOWUP_DELAY_HOURS", 24)),
            expiry_days=int(config.get("COMPLAINT_FOLLOWUP_EXPIRY_DAYS", 30)), now=now)
        done["complaint_invitations"] = sum(len(found) for found in invited.values())
        session.commit()
    read_first(session)
    done["tasks_opened"] = complaint_cases.sweep_followup_tasks(session, FollowUpRules.from_config(config))
    session.commit()
    if config.get("RETENTION_DAYS"):
        done.update(purge_retention(session, now=now, days=int(config["RETENTION_DAYS"])))
    if sending_on():
        if followups:
            done["followup_messages"] = sum(mailings.queue_invitations(
                session, followup, started_by="schedule", now=now).queued for followup in followups.values())
        done["reminders"] = sum(r.queued for r in mailings.scheduled_reminder_rounds(session, now=now))
        done["given_up"] = mailings.give_up_stale_claims(session, now=now)
        session.commit()
        done["sent"] = deliver(session, now=now).sent
        due = report_schedules.claim_due(session, now=now)  # each runs, reports and mails in a job
        for schedule_id in due:
            enqueue("scheduled_report", schedule_id)
        done["scheduled_reports"] = len(due)
    return done
