"""Quotas: how many complete responses a questionnaire takes in all (kind ``total``), per value
of a segment attribute (``segment``: region = 华东) or per answer (``answer``: q_region = north).

Exact under concurrency: a completion raises ``filled`` with ``UPDATE ... WHERE filled <
"limit"`` in its own transaction and the CHECK below refuses any count past the limit, so two
respondents completing at once can never both take the last place.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

QUOTA_KINDS = ("total", "segment", "answer")


class Quota(Base):
    __tablename__ = "quotas"
    __table_args__ = (
        CheckConstraint("kind IN ('total', 'segment', 'answer')", name="kind_known"),
        CheckConstraint('"limit" > 0', name="limit_positive"),
        CheckConstraint('filled >= 0 AND filled <= "limit"', name="filled_within_limit"),
        UniqueConstraint("questionnaire_id", "kind", "key", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The segment attribute or answer variable ("" for total), and the value counted ("" for total).
    key: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[str] = mapped_column(String(200), default="")
    limit: Mapped[int] = mapped_column(Integer)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()
