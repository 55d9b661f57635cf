"""Accounts administered from the web: invite a user (they set their own password through a
link), change a role, disable or enable, send a new set-password link. Every change that takes
rights away ends the user's sessions; the last active administrator cannot be demoted or
disabled. Set-password links are signed with the secret key, carry the user's session token
(so a link works once: setting the password replaces the token) and expire after
:data:`LINK_DAYS` days. No Flask here: the caller passes the secret and builds the URL.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ROLES, User
from survey.services.accounts import AccountError, create_user, end_sessions, find_user, set_password

LINK_DAYS = 7
_SALT = "xinsheng-set-password"


class LinkError(ValueError):
    """A set-password link is expired, used or not ours (``reason``: expired, invalid)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT)


def set_password_token(user: User, secret: str) -> str:
    return _serializer(secret).dumps({"user": user.id, "session": user.session_token})


def user_for_token(session: Session, token: str, secret: str) -> User:
    """The active user a link was made for; :class:`LinkError` when expired, used or forged."""
    try:
        data = _serializer(secret).loads(token, max_age=LINK_DAYS * 86400)
    except SignatureExpired:
        raise LinkError("expired") from None
    except BadSignature:
        raise LinkError("invalid") from None
    user = session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or user.session_token != data.get("session"):
        raise LinkError("invalid")
    return user


def set_password_from_link(session: Session, token: str, secret: str, password: str) -> User:
    """Set the password a link allows (the rule applies: :class:`WeakPassword`); the link is
    used up. Flushed, not committed."""
    user = user_for_token(session, token, secret)
    set_password(session, user, password)
    return user


def invite(session: Session, *, email: str, role: str, name: str = "",
           workspace_ids: Iterable[int] | None = None) -> User:
    """A new account, a member of ``workspace_ids`` (None: the default workspace), that cannot
    sign in until its owner sets a password through the link. Raises :class:`AccountError`
    (bad address or role, address taken, unknown workspace)."""
    placeholder = secrets.token_urlsafe(32) + "Aa1!"  # never told to anyone; replaced through the link
    return create_user(session, email=email, password=placeholder, role=role, name=name,
                       workspace_ids=workspace_ids)


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))) or 0


def set_role(session: Session, user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if user.role == "admin" and role != "admin" and user.active and _active_admins(session) <= 1:
        raise AccountError("the last active administrator keeps the admin role")
    if role != user.role:
        user.role = role
        end_sessions(session, user)  # pages open with the old rights close
    session.flush()


def set_active(session: Session, user: User, active: bool) -> None:
    if not active and user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise AccountError("the last active administrator cannot be disabled")
    user.active = active
    if not active:
        end_sessions(session, user)
    session.flush()


def reset(session: Session, user: User) -> None:
    """End the user's sessions before a new set-password link is made (an old link stops
    working too, since it carries the old session token)."""
    end_sessions(session, user)


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


__all__ = ["AccountError", "LINK_DAYS", "LinkError", "find_user", "invite", "reset", "set_active", "set_password_from_link",
           "set_password_token", "set_role", "user_for_token", "users"]
