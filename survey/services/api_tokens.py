"""API tokens: create (the secret is shown once), verify, revoke.

Only a SHA-256 of the secret is stored; a token is found by its hash (an indexed, unique column)
and the hashes are compared again with :func:`hmac.compare_digest`. Secrets carry 256 bits of
randomness, so a plain (unsalted) hash is enough: there is nothing to brute-force.

What a token may do follows its role (:data:`ROLE_SCOPES`). API requests authenticate with
:func:`authenticate`, which each process remembers for a moment (``survey.services.live_cache``):
a revoked token stops working at once in the process that revoked it and within
``LIVE_SECONDS`` in every other.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.api_tokens import API_TOKEN_ROLES, ApiToken
from models.workspace import Workspace
from survey.services.live_cache import forget, live_cache

TOKEN_PREFIX = "xs_"
LAST_USED_RESOLUTION = timedelta(minutes=1)

#: What each role may do through the API.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "admin": frozenset({"responses:write", "cases:write", "counts:read"}),
    "designer": frozenset({"responses:write", "cases:write", "counts:read"}),
    "analyst": frozenset({"cases:write", "counts:read"}),
    "viewer": frozenset({"counts:read"}),
}


class ApiTokenError(ValueError):
    """A token cannot be created or changed as asked."""


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """A verified, live token: who is calling and what role it has."""

    token_id: int
    name: str
    role: str
    workspace_id: int | None = None  # None: every workspace


GRANTS = "api_token_grants"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, *, role: str, created_by_id: int | None = None,
                 workspace_id: int | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret (show the secret once; it is not stored), reaching only
    ``workspace_id`` (None: every workspace). Flushed, not committed. Raises
    :class:`ApiTokenError` for an empty name, an unknown role or workspace."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ApiTokenError("a token needs a name of 1 to 120 characters")
    if role not in API_TOKEN_ROLES:
        raise ApiTokenError(f"role {role!r} is not one of {', '.join(API_TOKEN_ROLES)}")
    if workspace_id is not None and session.get(Workspace, workspace_id) is None:
        raise ApiTokenError(f"workspace {workspace_id} does not exist")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(secret), prefix=secret[:10], role=role,
                     created_by_id=created_by_id, workspace_id=workspace_id)
    session.add(token)
    session.flush()
    return token, secret


def verify_token(session: Session, secret: str | None, *, now: datetime | None = None) -> ApiToken | None:
    """The live (not revoked) token with this secret, or None. Sets ``last_used_at`` (not
    flushed; the caller commits) when it is more than a minute old."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_token(secret)
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_at is not None:
        return None
    now = now or datetime.now(UTC)
    last = token.last_used_at
    if last is None or (last if last.tzinfo else last.replace(tzinfo=UTC)) < now - LAST_USED_RESOLUTION:
        token.last_used_at = now  # at most once a minute: no extra write per API call
    return token


def authenticate(session: Session, secret: str | None) -> TokenGrant | None:
    """:func:`verify_token`, remembered per process for ``LIVE_SECONDS`` (valid tokens only, so
    every wrong guess still costs a lookup). May leave ``last_used_at`` to commit."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_token(secret)
    grants = live_cache(session, GRANTS)
    grant = grants.get(digest)
    if grant is None:
        token = verify_token(session, secret)
        if token is None:
            return None
        grant = TokenGrant(token.id, token.name, token.role, token.workspace_id)
        grants.put(digest, grant)
    return grant


def allows(token: ApiToken | TokenGrant, scope: str) -> bool:
    return scope in ROLE_SCOPES.get(token.role, frozenset())


def revoke_token(session: Session, token_id: int, *, now: datetime | None = None) -> ApiToken:
    """Revoke a token (idempotent). Raises :class:`ApiTokenError` when there is no such token."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise ApiTokenError(f"there is no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = now or datetime.now(UTC)
        session.flush()
    forget(GRANTS)
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
