"""Analysis runs (queued jobs) and their stored results."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, created_at_column


class AnalysisRun(Base):
    __tablename__ = "analysis_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name="status_known",
        ),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The questionnaire whose versions the run analyses (its workspace decides who sees the run).
    questionnaire_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    # What the run is doing now, for the progress bar ("loading responses", "segment north"...).
    stage: Mapped[str] = mapped_column(String(200), default="")
    # Set by "cancel" while the run is executing; the worker stops at its next checkpoint.
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # Questionnaire versions, period, segment dimensions, model, method, bootstrap size...
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    started_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]

    results: Mapped[list[AnalysisResult]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="AnalysisResult.id"
    )


class AnalysisResult(Base):
    """One stored result of a run: a kind (acsi, kano, nps, word_of_mouth, complaints...) for a
    segment, as the JSON its result dataclass serialises to."""

    __tablename__ = "analysis_results"
    __table_args__ = (UniqueConstraint("run_id", "kind", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    # "nps:<code>" (a code has up to 64 characters); "<dimension>=<value>" (64 + 1 + 200).
    kind: Mapped[str] = mapped_column(String(80))
    segment: Mapped[str] = mapped_column(String(300), default="all")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)

    run: Mapped[AnalysisRun] = relationship(back_populates="results")
