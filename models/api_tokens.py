"""API tokens for ``/api/v1``: only a SHA-256 of the secret is stored."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

API_TOKEN_ROLES = ("admin", "designer", "analyst", "viewer")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'designer', 'analyst', 'viewer')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Hex SHA-256 of the secret; the secret itself is shown once, at creation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Readable first characters of the secret, to tell tokens apart in lists.
    prefix: Mapped[str] = mapped_column(String(12), default="")
    role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The one workspace the token may reach; None: every workspace (a token made for the whole install).
    workspace_id: Mapped[Optional[int]] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[Optional[datetime]]
    last_used_at: Mapped[Optional[datetime]]
