"""Invitations and responses.

Answers are stored as one JSON document per response, keyed by answer-variable code
(``{"SATIS": 8, "q_region": "north", "features": ["a", "c"]}``), JSONB on PostgreSQL. Why, with
figures, in ``bench/answer_storage.py`` and the README: a complete response is written in one row
(the submission hot path), and the analysis loader extracts the item columns inside the database
in one pass, which loads 1,000,000 × 15 items faster and in less memory than pivoting 15,000,000
entity-attribute-value rows. Integrity of the codes comes from the immutable version the response
answered, which the collection layer validates against.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, created_at_column

INVITATION_STATUSES = ("pending", "started", "completed", "closed")
#: An invitation a customer can still answer (pending or started; expiry is checked on use).
OPEN_INVITATION_STATUSES = ("pending", "started")
# Which invitations must be unique per (questionnaire, customer): the open ones from uploads.
# Complaint follow-ups are one per case (a customer with two cases gets two) and invitations
# without a customer reference name nobody, so both are left out.
_OPEN_UPLOADED = text("status IN ('pending', 'started') AND complaint_case_id IS NULL"
                      " AND customer_ref <> ''")


class Invitation(Base):
    """A personal link to one published questionnaire, carrying the customer's segment."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'started', 'completed', 'closed')", name="status_known"
        ),
        CheckConstraint("language IN ('zh_CN', 'en')", name="language_known"),
        # At most one open uploaded invitation per customer and questionnaire, whatever the
        # concurrency (four parallel uploads of one file once made two per customer).
        Index("uq_invitations_open_customer", "questionnaire_id", "customer_ref", unique=True,
              postgresql_where=_OPEN_UPLOADED, sqlite_where=_OPEN_UPLOADED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    customer_ref: Mapped[str] = mapped_column(String(128), default="")
    email: Mapped[Optional[str]] = mapped_column(String(254))
    # How messages address the customer ({{name}} in a template); optional.
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    # Segment attributes (region, product, channel, tier, current value, lifecycle stage...).
    segment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    expires_at: Mapped[Optional[datetime]]
    complaint_case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("complaint_cases.id", ondelete="SET NULL"), unique=True
    )
    # First time the personal link was opened (the welcome page shown).
    opened_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = created_at_column()


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("status IN ('partial', 'complete')", name="status_known"),
        CheckConstraint("channel IN ('web', 'api', 'import')", name="channel_known"),
        CheckConstraint("flag IN ('', 'test', 'spam')", name="flag_known"),
        # Reports read complete responses of a set of versions over a period.
        Index("ix_responses_version_status_submitted", "version_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="RESTRICT")
    )
    # One response per invitation token, enforced here (NULLs — public links — are distinct).
    invitation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), unique=True
    )
    # Secret that lets the respondent resume a partial response.
    resume_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Client-supplied id of an API submission (or the form's one-time submission id).
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(128), unique=True)
    # A public-link start: a hash of the browser's session key and the version, so two tabs
    # that start at the same moment (before the resume cookie exists) get one response.
    start_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="partial")
    channel: Mapped[str] = mapped_column(String(8), default="web")
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    # Invitation attributes + profile answers at the time of answering; later edits to the
    # invitation never rewrite it.
    segment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_page: Mapped[int] = mapped_column(default=0)
    # The consent statement's version the respondent accepted, and when (None: none was asked).
    consent_version: Mapped[Optional[int]]
    consented_at: Mapped[Optional[datetime]]
    # "test" or "spam": kept out of analyses and (unless asked for) exports; "" for a real answer.
    flag: Mapped[str] = mapped_column(String(8), default="", server_default="")
    complaint_case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("complaint_cases.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = created_at_column()
    submitted_at: Mapped[Optional[datetime]]

    invitation: Mapped[Optional[Invitation]] = relationship()
