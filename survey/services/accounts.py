"""Accounts: creating users, checking and changing passwords (argon2id, with the rule of
``survey.services.password_policy``), finding users, ending a user's sessions.

Functions take a Session and flush, never commit; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ROLES, User
from models.user import new_session_token
from survey.services import workspaces
from survey.services.password_policy import PasswordProblem, password_problem

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


class WeakPassword(AccountError):
    """The new password breaks the password rule; ``problem`` says which and why (in Chinese
    and English)."""

    def __init__(self, problem: PasswordProblem) -> None:
        super().__init__(problem.message("en"))
        self.problem = problem


class WrongPassword(AccountError):
    """The current password given to confirm a change is not the user's password."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, password: str, role: str, name: str = "",
    workspace_ids: Iterable[int] | None = None,
) -> User:
    """Add a user (flushed, not committed), a member of ``workspace_ids`` (None: the default
    workspace; admins see every workspace anyway). Raises :class:`AccountError` naming the bad
    value."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    check_new_password(password, email=email, name=name)
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email!r} already exists")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    try:
        if workspace_ids is None:
            workspaces.join_default(session, user)
        else:
            workspaces.set_memberships(session, user, workspace_ids)
    except workspaces.WorkspaceError as error:
        raise AccountError(str(error)) from None
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
    if not _verifies(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_new_password(password: str, *, email: str, name: str = "") -> None:
    """Raise :class:`WeakPassword` when ``password`` breaks the password rule for a user with
    this e-mail and name."""
    problem = password_problem(password, user_inputs=(email, name))
    if problem is not None:
        raise WeakPassword(problem)


def set_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new password (after the password rule) and end all their sessions.
    Raises :class:`WeakPassword`."""
    check_new_password(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    end_sessions(session, user)


def change_password(session: Session, user: User, *, current_password: str, new_password: str) -> None:
    """The user's own change: ``current_password`` must be right (else :class:`WrongPassword`),
    ``new_password`` must follow the rule (else :class:`WeakPassword`). Ends all the user's
    sessions; the caller signs the current one in again."""
    if not _verifies(user.password_hash, current_password):
        raise WrongPassword("the current password is wrong")
    set_password(session, user, new_password)


def end_sessions(session: Session, user: User) -> None:
    """End every session and remember-me cookie of ``user`` by replacing the session token
    they all carry (see ``survey/auth/sessions.py``)."""
    user.session_token = new_session_token()
    session.flush()


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
