"""Scheduled reports: an analysis of a rolling period, run weekly or monthly, whose summary and
PDF are e-mailed to a list of recipients (see survey/services/report_schedules.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

FREQUENCIES = ("weekly", "monthly")


class ReportSchedule(Base):
    __tablename__ = "report_schedules"
    __table_args__ = (
        CheckConstraint("frequency IN ('weekly', 'monthly')", name="frequency_known"),
        CheckConstraint("period_days >= 1 AND period_days <= 366", name="period_days_range"),
        CheckConstraint("language IN ('zh_CN', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    frequency: Mapped[str] = mapped_column(String(8))
    # The run covers the responses submitted in the period_days before it starts (a rolling window).
    period_days: Mapped[int]
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    recipients: Mapped[list[Any]] = mapped_column(default=list)  # e-mail addresses
    # Segment dimensions and bootstrap of the runs (survey.services.analysis_pipeline.AnalysisParameters).
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime] = mapped_column(index=True)
    last_run_id: Mapped[Optional[int]] = mapped_column(ForeignKey("analysis_runs.id", ondelete="SET NULL"))
    last_sent_at: Mapped[Optional[datetime]]
    # The last delivery's outcome as a message code and its parameters, translated when shown.
    last_code: Mapped[str] = mapped_column(String(40), default="")
    last_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = created_at_column()
