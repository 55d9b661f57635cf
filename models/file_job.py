"""File jobs: a response export or a report PDF made by the job worker, kept for download
until it expires (see survey/services/file_jobs.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

FILE_JOB_KINDS = ("export", "pdf")
FILE_JOB_STATUSES = ("queued", "running", "done", "failed", "expired")


class FileJob(Base):
    __tablename__ = "file_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('export', 'pdf')", name="kind_known"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')", name="status_known"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The workspace the questionnaire belonged to when the job was made; who may download is
    # decided by the questionnaire's workspace at the time of the download.
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[Optional[int]] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    # export: version_ids, format, language, include_partial, include_flagged, values; pdf: language.
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    # Why a job failed, as a message code and its parameters, translated when shown.
    message_code: Mapped[str] = mapped_column(String(40), default="")
    message_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Relative to the file-jobs folder (FILE_JOBS_FOLDER); empty until the job is made.
    file_path: Mapped[str] = mapped_column(String(200), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[Optional[int]] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at_column()
    # Last sign of life from the worker (start, progress, end): a job silent for long is stale.
    updated_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]
    expires_at: Mapped[Optional[datetime]] = mapped_column(index=True)
