"""Distribution by message: per-questionnaire message templates, send batches, one delivery per
invitation message (the invitation itself is sequence 0, reminders 1, 2, ...), opt-outs kept
per customer across questionnaires, and the slots of periodic tasks already run.

Exactly once: a delivery row is unique per (invitation, sequence), so queuing twice adds
nothing; a worker claims a queued delivery with a compare-and-set on its status before sending,
so two workers never send the same message; a periodic slot is a primary key, so two schedulers
run a slot once.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

DELIVERY_STATUSES = ("queued", "sending", "sent", "failed", "skipped")
BATCH_KINDS = ("invitation", "reminder", "test")


class MessageTemplate(Base):
    """What a questionnaire's invitations and reminders say (sanitised HTML with placeholders)."""

    __tablename__ = "message_templates"

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), primary_key=True)
    invite_subject_zh: Mapped[str] = mapped_column(String(200))
    invite_subject_en: Mapped[str] = mapped_column(String(200))
    invite_body_zh: Mapped[str] = mapped_column(Text)
    invite_body_en: Mapped[str] = mapped_column(Text)
    reminder_subject_zh: Mapped[str] = mapped_column(String(200))
    reminder_subject_en: Mapped[str] = mapped_column(String(200))
    reminder_body_zh: Mapped[str] = mapped_column(Text)
    reminder_body_en: Mapped[str] = mapped_column(Text)
    # Days after the invitation was sent on which reminders go out, e.g. "3,7".
    reminder_days: Mapped[str] = mapped_column(String(64), default="3,7")
    reminders_on: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[Optional[datetime]]


class SendBatch(Base):
    """One sending round (a send, a reminder round, a test): its deliveries give the summary."""

    __tablename__ = "send_batches"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'reminder', 'test')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16), default="email")
    # Who started it: a user's e-mail, "cli" or "schedule".
    started_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = created_at_column()


class Delivery(Base):
    """One message to one invitation's address, with its fate."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'skipped')", name="status_known"),
        UniqueConstraint("invitation_id", "sequence"),
        # Workers look for queued deliveries that are due.
        Index("ix_deliveries_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("send_batches.id", ondelete="CASCADE"), index=True)
    # 0: the invitation; 1, 2, ...: reminders.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(16), default="email")
    address: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[Optional[datetime]]
    sent_at: Mapped[Optional[datetime]]
    # The server's reason for the last failure (e.g. "550 5.1.1 no such user").
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = created_at_column()


class OptOut(Base):
    """A customer who asked for no more messages: honoured by every later send, whatever the
    questionnaire. Matched by address (lower case) and, when known, by customer reference."""

    __tablename__ = "opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    customer_ref: Mapped[str] = mapped_column(String(128), default="", index=True)
    # "link" (the page), "one_click" (RFC 8058 POST from the mail program)
    source: Mapped[str] = mapped_column(String(16), default="link")
    created_at: Mapped[datetime] = created_at_column()


class PeriodicRun(Base):
    """A periodic task's time slot that has been taken: two schedulers run it once."""

    __tablename__ = "periodic_runs"

    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[datetime] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
