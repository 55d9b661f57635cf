"""Accounts and roles."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at_column

# admin: everything; designer: questionnaires, distribution, exports; analyst: analysis runs,
# reports, exports; viewer: executive dashboards (read only).
ROLES = ("admin", "designer", "analyst", "viewer")


def new_session_token() -> str:
    """A fresh random session token (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'designer', 'analyst', 'viewer')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()
    # Part of every session and remember-me cookie (see get_id); replacing it ends them all.
    # See survey/auth/sessions.py.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    # Flask-Login's protocol, written out so this module needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Flask-Login's "alternative id": ``<id>:<session_token>``, kept in the session and the
        remember-me cookie; the user loader accepts it only while the token is current."""
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        """True when the user is an admin or holds one of ``roles``."""
        return self.role == "admin" or self.role in roles
