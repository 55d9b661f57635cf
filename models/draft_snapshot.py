"""Draft snapshots: the draft document as it was before one deletion in the editor, so that the
designer who deleted can undo it (survey/services/draft_undo.py). A few are kept per draft and
designer; they go with their version (and their user)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, created_at_column
from models.questionnaire import QuestionnaireVersion

#: What a deletion removed: a question, a page (with its questions), choices or matrix rows of
#: a question.
DELETION_KINDS = ("question", "page", "choices", "rows")


class DraftSnapshot(Base):
    __tablename__ = "draft_snapshots"
    __table_args__ = (
        CheckConstraint("kind IN ('question', 'page', 'choices', 'rows')", name="kind_known"),
        # The undo offered in the editor: the newest snapshot of one draft and designer.
        Index("ix_draft_snapshots_version_user", "version_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # What was deleted, for the notice: {"codes": [...], "container": page or question code}.
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The whole draft before the deletion (survey.questionnaire.jsonio.to_json).
    document: Mapped[dict[str, Any]]
    # survey.questionnaire.fingerprint of the draft the deletion left: undo is allowed only while
    # the draft still has it (nothing changed since).
    after_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()

    version: Mapped[QuestionnaireVersion] = relationship()
