"""Accounts: creating users, checking passwords (argon2id), finding users."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ROLES, User

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, password: str, role: str, name: str = ""
) -> User:
    """Add a user (flushed, not committed). Raises :class:`AccountError` naming the bad value."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email!r} already exists")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).first()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Rehashes outdated hashes."""
    user = find_user(session, email)
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time whether or not the account exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
