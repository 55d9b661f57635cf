"""Questionnaires, their versions (draft or immutable published), pages, questions, choices and
matrix rows. A published version is never edited: editing makes a new draft version, and every
response stays tied to the version it answered."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, created_at_column

QUESTION_TYPES = (
    "single_choice", "multiple_choice", "rating", "nps", "matrix", "kano",
    "yes_no", "numeric", "text", "long_text", "date", "info",
    # The registered types (survey/questionnaire/types), migration 0019.
    "time", "datetime", "slider", "ranking", "constant_sum",
)
QUESTIONNAIRE_KINDS = ("acsi", "kano", "complaint_followup", "nps", "custom")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Questionnaire(Base):
    __tablename__ = "questionnaires"
    __table_args__ = (
        CheckConstraint(_in("kind", QUESTIONNAIRE_KINDS), name="kind_known"),
        CheckConstraint("status IN ('active', 'archived')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(32), default="custom")
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    # Who may see it: members of this workspace and admins (models/workspace.py).
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    # Origins (https://host[:port]) allowed to show the respondent pages in a frame, one per
    # line; empty: no site may frame them (survey/security_headers.py).
    embed_origins: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The questionnaire's public link (/s/<token>): always its current published version. Set at
    # the first publication; each version's own token (QuestionnaireVersion.public_token) leads here.
    public_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    # After this moment no response is started or completed (every link says it is closed).
    close_at: Mapped[Optional[datetime]]
    # A consent statement respondents must accept before starting (sanitised rich text); its
    # version rises with every change and is stored with each response that accepted it.
    consent_required: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    consent_zh: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_version: Mapped[int] = mapped_column(default=0, server_default="0")

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number",
        cascade="all, delete-orphan",
    )


class QuestionnaireVersion(Base):
    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "number"),
        CheckConstraint("state IN ('draft', 'published')", name="state_known"),
        CheckConstraint("default_language IN ('zh_CN', 'en')", name="default_language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="draft")
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    default_language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    # The public link of a published version: /s/<public_token>.
    public_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    published_at: Mapped[Optional[datetime]]

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    pages: Mapped[list[Page]] = relationship(
        back_populates="version", order_by="Page.position", cascade="all, delete-orphan"
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    show_if: Mapped[Optional[str]] = mapped_column(Text)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="pages")
    questions: Mapped[list[Question]] = relationship(
        back_populates="page", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        CheckConstraint(_in("type", QUESTION_TYPES), name="type_known"),
        # A construct binding is all three parts or none.
        CheckConstraint(
            "(binding_model IS NULL AND binding_construct IS NULL AND binding_indicator IS NULL)"
            " OR (binding_model IS NOT NULL AND binding_construct IS NOT NULL"
            " AND binding_indicator IS NOT NULL)",
            name="binding_complete",
        ),
        Index("ix_questions_page_position", "page_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised from the page so that codes are unique per version by a constraint.
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    help_zh: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    show_if: Mapped[Optional[str]] = mapped_column(Text)
    validation: Mapped[Optional[str]] = mapped_column(Text)
    validation_message_zh: Mapped[str] = mapped_column(Text, default="")
    validation_message_en: Mapped[str] = mapped_column(Text, default="")
    binding_model: Mapped[Optional[str]] = mapped_column(String(64))
    binding_construct: Mapped[Optional[str]] = mapped_column(String(64))
    binding_indicator: Mapped[Optional[str]] = mapped_column(String(64))
    # Type-specific settings (scale range, end labels, min/max, display...), validated by
    # survey.questionnaire.document before they are stored.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)

    page: Mapped[Page] = relationship(back_populates="questions")
    version: Mapped[QuestionnaireVersion] = relationship()
    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )
    rows: Mapped[list[MatrixRow]] = relationship(
        back_populates="question", order_by="MatrixRow.position", cascade="all, delete-orphan"
    )


class Choice(Base):
    __tablename__ = "choices"
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    label_zh: Mapped[str] = mapped_column(Text, default="")
    label_en: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="choices")


class MatrixRow(Base):
    """A row of a matrix question: its own answer variable, optionally bound to a construct."""

    __tablename__ = "matrix_rows"
    __table_args__ = (
        UniqueConstraint("question_id", "code"),
        CheckConstraint(
            "(binding_model IS NULL AND binding_construct IS NULL AND binding_indicator IS NULL)"
            " OR (binding_model IS NOT NULL AND binding_construct IS NOT NULL"
            " AND binding_indicator IS NOT NULL)",
            name="binding_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    binding_model: Mapped[Optional[str]] = mapped_column(String(64))
    binding_construct: Mapped[Optional[str]] = mapped_column(String(64))
    binding_indicator: Mapped[Optional[str]] = mapped_column(String(64))

    question: Mapped[Question] = relationship(back_populates="rows")
