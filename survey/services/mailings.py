"""Invitations sent as messages: queue a round, deliver it, remind, honour opt-outs.

A round (:func:`queue_invitations`, :func:`queue_reminders`) adds one ``deliveries`` row per
customer it may write to, in a ``send_batches`` row that gives the per-run summary. Delivery
(:func:`deliver_due`) claims queued rows with a compare-and-set on their status (``UPDATE ...
WHERE status = 'queued' RETURNING id``), so two workers never send one message, sends them over
one open channel, and records each fate: sent; queued again with back-off after a temporary
failure (the server's 4xx, a dropped connection) until ``max_attempts``; failed with the
server's reason; or skipped when the customer completed, opted out or the link expired since
the round was queued.

Who gets a message: an invitation with an address, still open (pending or started) and not
expired, whose customer has not opted out (by address or customer reference, whatever the
questionnaire). A reminder (sequence 1, 2, ...) goes ``days[k-1]`` days after the invitation
was sent, in order, never after completion, opt-out or expiry.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from models import Delivery, Invitation, MessageTemplate, OptOut, Questionnaire, SendBatch
from models.collection import OPEN_INVITATION_STATUSES
from survey.mail.channels import Channel, DeliveryError, OutgoingMessage
from survey.services import message_templates as templates
from survey.services.questionnaires import questionnaire_title
from survey.services.upload_tables import aware

#: Deliveries claimed (and committed as 'sending') at a time by one worker.
CLAIM_CHUNK = 100
#: Attempts before a temporarily failing message is given up.
MAX_ATTEMPTS = 4
#: First retry after this many seconds, then 4×, 16× ...
RETRY_BASE_SECONDS = 60.0
#: A claim older than this (a worker that died while sending) is given up, not sent again.
STALE_CLAIM = timedelta(minutes=30)
#: Headers of RFC 8058 one-click unsubscribe.
ONE_CLICK = "List-Unsubscribe=One-Click"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """What a sending round queued, and why the others were left out."""

    batch_id: int | None
    queued: int
    left_out: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: "DeliveryStats") -> "DeliveryStats":
        return DeliveryStats(self.sent + other.sent, self.retried + other.retried,
                             self.failed + other.failed, self.skipped + other.skipped)


# --- templates ---------------------------------------------------------------------------------

TEMPLATE_FIELDS = tuple(templates.DEFAULTS)


def template_for(session: Session, questionnaire_id: int) -> MessageTemplate:
    """The questionnaire's saved template, or the defaults (not added to the session)."""
    saved = session.get(MessageTemplate, questionnaire_id)
    if saved is not None:
        return saved
    return MessageTemplate(questionnaire_id=questionnaire_id, reminder_days="3,7", reminders_on=False,
                           **templates.DEFAULTS)


def save_template(session: Session, questionnaire_id: int, values: dict[str, str], *,
                  reminders_on: bool, reminder_days: str) -> MessageTemplate:
    """Check every field (raises :class:`~survey.services.message_templates.TemplateError`
    naming the first broken one) and store the template. Flushed, not committed."""
    checked: dict[str, str] = {}
    for name in TEMPLATE_FIELDS:
        value = values.get(name, "")
        checked[name] = templates.check_subject(name, value) if "subject" in name else templates.check_body(name, value)
    days = templates.check_reminder_days("reminder_days", reminder_days)
    saved = session.get(MessageTemplate, questionnaire_id)
    if saved is None:
        saved = MessageTemplate(questionnaire_id=questionnaire_id)
        session.add(saved)
    for name, value in checked.items():
        setattr(saved, name, value)
    saved.reminder_days = ",".join(map(str, days))
    saved.reminders_on = reminders_on
    saved.updated_at = _now()
    session.flush()
    return saved


# --- who may be written to ---------------------------------------------------------------------

def _not_opted_out():
    return ~exists().where(or_(OptOut.address == func.lower(Invitation.email),
                               and_(Invitation.customer_ref != "", OptOut.customer_ref == Invitation.customer_ref)))


def _reachable(now: datetime):
    return and_(Invitation.email.is_not(None), Invitation.email != "",
                Invitation.status.in_(OPEN_INVITATION_STATUSES),
                or_(Invitation.expires_at.is_(None), Invitation.expires_at > now))


def _insert_ignoring_repeats(session: Session, rows: list[dict]) -> int:
    """Insert deliveries; a (invitation, sequence) already queued by a concurrent round is
    skipped by the unique constraint, not duplicated. Returns how many were added."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(Delivery).on_conflict_do_nothing(index_elements=["invitation_id", "sequence"])
    added = 0
    for start in range(0, len(rows), 1000):
        result = session.execute(statement.returning(Delivery.id), rows[start:start + 1000])
        added += len(result.all())
    return added


def _left_out(session: Session, questionnaire_id: int, now: datetime, eligible: int) -> dict[str, int]:
    """Why the other invitations of the questionnaire got nothing (for the round's summary)."""
    counts: Counter[str] = Counter()
    rows = session.execute(
        select(Invitation.email, Invitation.status, Invitation.expires_at, _not_opted_out().label("ok"))
        .where(Invitation.questionnaire_id == questionnaire_id)).all()
    for email, status, expires_at, not_opted_out in rows:
        if not email:
            counts["no_address"] += 1
        elif status not in OPEN_INVITATION_STATUSES:
            counts["completed" if status == "completed" else "closed"] += 1
        elif expires_at is not None and aware(expires_at) <= now:
            counts["expired"] += 1
        elif not not_opted_out:
            counts["opted_out"] += 1
    return {k: v for k, v in counts.items() if v}


def _new_batch(session: Session, questionnaire_id: int, kind: str, started_by: str) -> SendBatch:
    batch = SendBatch(questionnaire_id=questionnaire_id, kind=kind, channel="email", started_by=started_by[:254])
    session.add(batch)
    session.flush()
    return batch


def queue_invitations(session: Session, questionnaire_id: int, *, started_by: str,
                      now: datetime | None = None) -> RoundSummary:
    """Queue the invitation message for every reachable invitation not yet sent one.
    Flushed, not committed; an empty round adds no batch."""
    now = now or _now()
    already = select(Delivery.id).where(Delivery.invitation_id == Invitation.id, Delivery.sequence == 0)
    targets = session.execute(
        select(Invitation.id, Invitation.email)
        .where(Invitation.questionnaire_id == questionnaire_id, _reachable(now), _not_opted_out(),
               ~exists(already))
        .order_by(Invitation.id)).all()
    left_out = _left_out(session, questionnaire_id, now, len(targets))
    already_sent = session.scalar(select(func.count(Delivery.id)).join(Invitation, Invitation.id == Delivery.invitation_id)
                                  .where(Invitation.questionnaire_id == questionnaire_id, Delivery.sequence == 0))
    if already_sent:
        left_out["already_sent"] = already_sent
    if not targets:
        return RoundSummary(None, 0, left_out)
    batch = _new_batch(session, questionnaire_id, "invitation", started_by)
    added = _insert_ignoring_repeats(session, [
        {"invitation_id": i, "batch_id": batch.id, "sequence": 0, "channel": "email", "address": email.strip(),
         "status": "queued", "attempts": 0, "next_attempt_at": now, "last_error": ""}
        for i, email in targets])
    return RoundSummary(batch.id, added, left_out)


def reminders_due(session: Session, questionnaire_id: int, now: datetime,
                  days: tuple[int, ...]) -> list[tuple[int, str, int]]:
    """(invitation id, address, sequence) of every reminder due now: reminder k goes ``days[k-1]``
    days after the invitation was sent, after reminder k-1, to an open, unexpired, not opted-out
    invitation that has not completed. At most one per invitation per round (the next one)."""
    due: list[tuple[int, str, int]] = []
    first = aliased(Delivery)
    for sequence, after_days in enumerate(days, start=1):
        previous = aliased(Delivery)
        mine = aliased(Delivery)
        rows = session.execute(
            select(Invitation.id, Invitation.email)
            .join(first, and_(first.invitation_id == Invitation.id, first.sequence == 0, first.status == "sent"))
            .where(Invitation.questionnaire_id == questionnaire_id, _reachable(now), _not_opted_out(),
                   first.sent_at <= now - timedelta(days=after_days),
                   exists(select(previous.id).where(previous.invitation_id == Invitation.id,
                                                    previous.sequence == sequence - 1,
                                                    previous.status.in_(("sent", "failed", "skipped")))),
                   ~exists(select(mine.id).where(mine.invitation_id == Invitation.id, mine.sequence >= sequence)))
            .order_by(Invitation.id)).all()
        due.extend((i, email, sequence) for i, email in rows)
    return due


def queue_reminders(session: Session, questionnaire_id: int, *, started_by: str,
                    now: datetime | None = None) -> RoundSummary:
    """One reminder round now, by the questionnaire's schedule (also when the automatic
    reminders are off: that switch only governs the schedule). Flushed, not committed."""
    now = now or _now()
    days = templates.parse_reminder_days(template_for(session, questionnaire_id).reminder_days)
    due = reminders_due(session, questionnaire_id, now, days)
    if not due:
        return RoundSummary(None, 0, {})
    batch = _new_batch(session, questionnaire_id, "reminder", started_by)
    added = _insert_ignoring_repeats(session, [
        {"invitation_id": i, "batch_id": batch.id, "sequence": seq, "channel": "email", "address": email.strip(),
         "status": "queued", "attempts": 0, "next_attempt_at": now, "last_error": ""}
        for i, email, seq in due])
    return RoundSummary(batch.id, added, {})


def scheduled_reminder_rounds(session: Session, *, now: datetime | None = None) -> list[RoundSummary]:
    """A reminder round for every questionnaire whose automatic reminders are on."""
    now = now or _now()
    ids = session.scalars(select(MessageTemplate.questionnaire_id)
                          .join(Questionnaire, Questionnaire.id == MessageTemplate.questionnaire_id)
                          .where(MessageTemplate.reminders_on.is_(True), Questionnaire.status == "active")).all()
    return [queue_reminders(session, qid, started_by="schedule", now=now) for qid in ids]


# --- delivering --------------------------------------------------------------------------------

def _claim(session: Session, now: datetime, batch_id: int | None) -> list[int]:
    due = select(Delivery.id).where(Delivery.status == "queued", Delivery.next_attempt_at <= now)
    if batch_id is not None:
        due = due.where(Delivery.batch_id == batch_id)
    # PostgreSQL: rows another worker is claiming are skipped, not waited for (without SKIP
    # LOCKED both would pick the same 100, one would find them taken and stop early).
    due = due.order_by(Delivery.id).limit(CLAIM_CHUNK).with_for_update(skip_locked=True)
    claimed = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()), Delivery.status == "queued")
        .values(status="sending", claimed_at=now, attempts=Delivery.attempts + 1)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)).scalars().all()
    session.commit()
    return sorted(claimed)


@dataclass(frozen=True, slots=True)
class Links:
    """How a message's links are made (absolute, from the configured public address)."""

    invitation: Callable[[str], str]
    unsubscribe: Callable[[str], str]
    one_click: Callable[[str], str]


def compose(invitation: Invitation, template: MessageTemplate, survey_title: str, sequence: int,
            address: str, links: Links) -> OutgoingMessage:
    """The message for one invitation: its language's template, its links and RFC 8058 headers."""
    kind = "invite" if sequence == 0 else "reminder"
    suffix = "zh" if invitation.language == "zh_CN" else "en"
    rendered = templates.render(
        getattr(template, f"{kind}_subject_{suffix}"), getattr(template, f"{kind}_body_{suffix}"),
        name=invitation.name or "", link=links.invitation(invitation.token), survey=survey_title,
        unsubscribe=links.unsubscribe(invitation.token), locale=invitation.language)
    return OutgoingMessage(
        to=address, to_name=invitation.name or "", subject=rendered.subject, text=rendered.text, html=rendered.html,
        headers={"List-Unsubscribe": f"<{links.one_click(invitation.token)}>", "List-Unsubscribe-Post": ONE_CLICK,
                 "Auto-Submitted": "auto-generated"})


def _still_wanted(invitation: Invitation, now: datetime, opted_out: set[int]) -> str | None:
    """Why a queued message must not go now (completed, closed, expired, opted out), or None."""
    if invitation.status not in OPEN_INVITATION_STATUSES:
        return f"not sent: the invitation is {invitation.status}"
    if invitation.expires_at is not None and aware(invitation.expires_at) <= now:
        return "not sent: the link has expired"
    if invitation.id in opted_out:
        return "not sent: the customer opted out"
    return None


def deliver_due(session: Session, channel: Channel, links: Links, *, batch_id: int | None = None,
                max_attempts: int = MAX_ATTEMPTS, retry_base_seconds: float = RETRY_BASE_SECONDS,
                now: Callable[[], datetime] = _now, limit: int | None = None) -> DeliveryStats:
    """Send every delivery that is due (of one batch, or all), chunk by chunk, over ``channel``
    (opened here, once, and closed at the end). Commits after each chunk's claim and outcome.
    A channel that cannot be opened counts as a temporary failure of the claimed messages."""
    stats = DeliveryStats()
    opened = False
    handled = 0
    try:
        while limit is None or handled < limit:
            moment = now()
            claimed = _claim(session, moment, batch_id)
            if not claimed:
                break
            handled += len(claimed)
            outcomes: list[tuple[int, str, str]] = []  # id, status, reason
            to_send, attempts = _prepare_chunk(session, claimed, moment, links, outcomes)
            # The read ends here: on SQLite a transaction holds the write lock, and another
            # worker must be able to claim its chunk while this one talks to the mail server.
            session.commit()
            unreachable: str | None = None
            for delivery_id, message in to_send:
                if unreachable is None:
                    try:
                        if not opened:
                            channel.open()
                            opened = True
                    except DeliveryError as error:
                        unreachable = error.reason
                if unreachable is not None:  # the server cannot be reached: the chunk waits
                    outcomes.append((delivery_id, _retry_or_fail(attempts[delivery_id], max_attempts), unreachable))
                    continue
                try:
                    channel.send(message)
                except DeliveryError as error:
                    status = "failed" if error.permanent else _retry_or_fail(attempts[delivery_id], max_attempts)
                    outcomes.append((delivery_id, status, error.reason))
                    continue
                outcomes.append((delivery_id, "sent", ""))
            stats = stats + _record(session, outcomes, attempts, now(), retry_base_seconds)
            if unreachable is not None:
                break
    finally:
        if opened:
            channel.close()
    return stats


def _prepare_chunk(session: Session, claimed: list[int], moment: datetime, links: Links,
                   outcomes: list[tuple[int, str, str]]) -> tuple[list[tuple[int, OutgoingMessage]], dict[int, int]]:
    """The claimed deliveries' messages (composed now, so sending needs no database), each
    delivery's attempt count; deliveries no longer wanted go to ``outcomes`` as skipped."""
    rows = session.execute(
        select(Delivery, Invitation).join(Invitation, Invitation.id == Delivery.invitation_id)
        .where(Delivery.id.in_(claimed)).order_by(Delivery.id)
        .execution_options(populate_existing=True)).all()
    opted_out = opted_out_refs(session, [invitation for _, invitation in rows])
    texts: dict[int, tuple[MessageTemplate, Questionnaire | None]] = {}
    to_send: list[tuple[int, OutgoingMessage]] = []
    for delivery, invitation in rows:
        reason = _still_wanted(invitation, moment, opted_out)
        if reason is not None:
            outcomes.append((delivery.id, "skipped", reason))
            continue
        if invitation.questionnaire_id not in texts:
            texts[invitation.questionnaire_id] = (template_for(session, invitation.questionnaire_id),
                                                  session.get(Questionnaire, invitation.questionnaire_id))
        template, questionnaire = texts[invitation.questionnaire_id]
        to_send.append((delivery.id, compose(invitation, template, _title(questionnaire, invitation.language),
                                             delivery.sequence, delivery.address, links)))
    return to_send, {delivery.id: delivery.attempts for delivery, _ in rows}


def _retry_or_fail(attempts: int, max_attempts: int) -> str:
    return "failed" if attempts >= max_attempts else "retry"


def _title(questionnaire: Questionnaire | None, language: str) -> str:
    return questionnaire_title(questionnaire, language) if questionnaire is not None else ""


def _record(session: Session, outcomes: list[tuple[int, str, str]], attempts: dict[int, int],
            moment: datetime, retry_base_seconds: float) -> DeliveryStats:
    counts: Counter[str] = Counter()
    sent = [i for i, status, _ in outcomes if status == "sent"]
    if sent:
        session.execute(update(Delivery).where(Delivery.id.in_(sent))
                        .values(status="sent", sent_at=moment, last_error="")
                        .execution_options(synchronize_session=False))
    for delivery_id, status, reason in outcomes:
        counts[status] += 1
        if status == "sent":
            continue
        values: dict = {"last_error": reason[:500]}
        if status == "retry":
            delay = retry_base_seconds * 4 ** (attempts[delivery_id] - 1)
            values.update(status="queued", next_attempt_at=moment + timedelta(seconds=delay))
        else:
            values["status"] = status
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values)
                        .execution_options(synchronize_session=False))
    session.commit()
    return DeliveryStats(counts["sent"], counts["retry"], counts["failed"], counts["skipped"])


def give_up_stale_claims(session: Session, *, now: datetime | None = None) -> int:
    """Deliveries a worker claimed and never settled (it died while sending) are marked failed,
    not sent again: the message may have gone out, and a duplicate is worse than a resend by
    hand. Flushed, not committed."""
    now = now or _now()
    result = session.execute(
        update(Delivery).where(Delivery.status == "sending", Delivery.claimed_at < now - STALE_CLAIM)
        .values(status="failed", last_error="interrupted while sending; not sent again automatically "
                                             "(it may have arrived) — send again by hand if needed")
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def due_count(session: Session, *, now: datetime | None = None) -> int:
    now = now or _now()
    return session.scalar(select(func.count(Delivery.id))
                          .where(Delivery.status == "queued", Delivery.next_attempt_at <= now)) or 0


# --- what happened -----------------------------------------------------------------------------

def batch_summary(session: Session, batch_id: int) -> dict[str, int]:
    """Deliveries of a round by status."""
    rows = session.execute(select(Delivery.status, func.count(Delivery.id))
                           .where(Delivery.batch_id == batch_id).group_by(Delivery.status)).all()
    return {status: count for status, count in rows}


def recent_batches(session: Session, questionnaire_id: int, limit: int = 10) -> list[tuple[SendBatch, dict[str, int]]]:
    batches = session.scalars(select(SendBatch).where(SendBatch.questionnaire_id == questionnaire_id)
                              .order_by(SendBatch.id.desc()).limit(limit)).all()
    return [(batch, batch_summary(session, batch.id)) for batch in batches]


def latest_deliveries(session: Session, invitation_ids: Iterable[int]) -> dict[int, Delivery]:
    """The newest delivery (highest sequence) of each invitation."""
    ids = list(invitation_ids)
    if not ids:
        return {}
    latest: dict[int, Delivery] = {}
    for delivery in session.scalars(select(Delivery).where(Delivery.invitation_id.in_(ids))
                                    .order_by(Delivery.invitation_id, Delivery.sequence)):
        latest[delivery.invitation_id] = delivery
    return latest


def opted_out_refs(session: Session, invitations: Iterable[Invitation]) -> set[int]:
    """Ids of the given invitations whose customer opted out."""
    invitations = list(invitations)
    addresses = {(i.email or "").lower() for i in invitations if i.email}
    refs = {i.customer_ref for i in invitations if i.customer_ref}
    if not addresses and not refs:
        return set()
    rows = session.execute(select(OptOut.address, OptOut.customer_ref).where(
        or_(OptOut.address.in_(addresses), OptOut.customer_ref.in_(refs)))).all()
    out_addresses = {a for a, _ in rows}
    out_refs = {r for _, r in rows if r}
    return {i.id for i in invitations
            if (i.email or "").lower() in out_addresses or (i.customer_ref and i.customer_ref in out_refs)}


def progress(session: Session, questionnaire_id: int) -> dict[str, int]:
    """Per questionnaire: messages queued, sent, failed, skipped; links opened; opt-outs."""
    counts = {status: count for status, count in session.execute(
        select(Delivery.status, func.count(Delivery.id))
        .join(Invitation, Invitation.id == Delivery.invitation_id)
        .where(Invitation.questionnaire_id == questionnaire_id).group_by(Delivery.status)).all()}
    counts["opened"] = session.scalar(select(func.count(Invitation.id)).where(
        Invitation.questionnaire_id == questionnaire_id, Invitation.opened_at.is_not(None))) or 0
    counts["opted_out"] = session.scalar(select(func.count(Invitation.id)).where(
        Invitation.questionnaire_id == questionnaire_id, ~_not_opted_out())) or 0
    return counts


# --- opening and opting out --------------------------------------------------------------------

def mark_opened(session: Session, invitation_id: int, *, now: datetime | None = None) -> None:
    """Record the first time a personal link was opened (one statement; later opens keep it)."""
    session.execute(update(Invitation).where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
                    .values(opened_at=now or _now()).execution_options(synchronize_session=False))


def opt_out(session: Session, invitation: Invitation, *, source: str) -> None:
    """Keep the customer's opt-out (by address and reference) and skip what is still queued for
    them. Repeating it changes nothing. Flushed, not committed."""
    address = (invitation.email or "").strip().lower()
    if not address:
        address = f"ref:{invitation.customer_ref}"[:254]
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(OptOut).values(address=address, customer_ref=invitation.customer_ref or "",
                                                 source=source).on_conflict_do_nothing(index_elements=["address"]))
    same_customer = select(Invitation.id).where(or_(
        func.lower(Invitation.email) == address,
        and_(Invitation.customer_ref != "", Invitation.customer_ref == (invitation.customer_ref or "\x00"))))
    session.execute(update(Delivery).where(Delivery.status == "queued", Delivery.invitation_id.in_(same_customer))
                    .values(status="skipped", last_error="not sent: the customer opted out")
                    .execution_options(synchronize_session=False))


def is_opted_out(session: Session, invitation: Invitation) -> bool:
    return bool(opted_out_refs(session, [invitation]))


__all__ = ["DeliveryStats", "Links", "RoundSummary", "batch_summary", "compose", "deliver_due",
           "give_up_stale_claims", "is_opted_out", "latest_deliveries", "mark_opened", "opt_out",
           "opted_out_refs", "progress", "queue_invitations", "queue_reminders", "recent_batches",
           "reminders_due", "save_template", "scheduled_reminder_rounds", "template_for"]
