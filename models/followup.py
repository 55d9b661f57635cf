"""Follow-up tasks: a response that signals an unresolved complaint, low resolution satisfaction
or a detractor opens a task with an owner, a status and a due date (the closed loop)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

FOLLOWUP_STATUSES = ("open", "in_progress", "done")


class FollowUpTask(Base):
    __tablename__ = "followup_tasks"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done')", name="status_known"),
        # The queue lists tasks by status and due date.
        Index("ix_followup_tasks_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One task per response: the rules are evaluated once, when the response completes.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    complaint_case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("complaint_cases.id", ondelete="SET NULL"), index=True
    )
    # Why the task was opened: ["unresolved", "low_resolution_satisfaction", "detractor"].
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    owner: Mapped[str] = mapped_column(String(128), default="")
    # The user the task is assigned to (its owner is then their e-mail).
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_at: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[Optional[datetime]]


class FollowUpTaskEvent(Base):
    """One change of a task (status, owner or assignee), who made it and when: the history shown
    with the task."""

    __tablename__ = "followup_task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("followup_tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = created_at_column()
    actor: Mapped[str] = mapped_column(String(254), default="")
    # {"status": ["open", "in_progress"], "owner": ["", "li@example.com"]}
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
