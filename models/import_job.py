"""Import jobs: an invitation or complaint-case upload too large to check and store inside a web
request, done by the job worker (see survey/services/import_jobs.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

IMPORT_JOB_KINDS = ("invitations", "complaint_cases")
IMPORT_JOB_STATUSES = ("queued", "running", "done", "failed")


class ImportJob(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('invitations', 'complaint_cases')", name="kind_known"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="invitations")
    # Who may see the job: the workspace it imports into (invitations: the questionnaire's).
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    # Invitations: their questionnaire; complaint cases: the follow-up questionnaire, if any.
    questionnaire_id: Mapped[Optional[int]] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"),
                                                            index=True)
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    filename: Mapped[str] = mapped_column(String(200), default="")
    # The uploaded bytes, relative to the file-jobs folder, until the job has read them.
    file_path: Mapped[str] = mapped_column(String(200), default="")
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # survey.services.upload_report.ImportReport as stored by survey.services.import_jobs (with
    # "invited" for complaint cases).
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[Optional[datetime]]
