"""Complaint cases imported from the service desk; a resolved case invites its customer to the
complaint follow-up questionnaire."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column


class ComplaintCase(Base):
    __tablename__ = "complaint_cases"
    __table_args__ = (
        CheckConstraint(
            "resolution_status IN ('open', 'resolved', 'partly_resolved', 'unresolved')",
            name="resolution_status_known",
        ),
        # A case reference is the service desk's: unique within the workspace that imports it.
        UniqueConstraint("workspace_id", "case_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(128))
    customer_ref: Mapped[str] = mapped_column(String(128))
    segment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    category: Mapped[str] = mapped_column(String(128), default="")
    channel: Mapped[str] = mapped_column(String(64), default="")
    handler: Mapped[str] = mapped_column(String(128), default="")
    resolution_status: Mapped[str] = mapped_column(String(32), default="open")
    opened_at: Mapped[datetime]
    resolved_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = created_at_column()
