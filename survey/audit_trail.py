"""Audit entries from a request or a CLI command: who (the signed-in user, or the given actor)
and from where (the client address as the rate limiter sees it, trusted proxies included)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from survey.db import get_session
from survey.services import audit


def _actor() -> str:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.email
    return "anonymous" if has_request_context() else "cli"


def _address() -> str:
    if not has_request_context():
        return ""
    from survey.rate_limits import client_address

    return client_address()


def audit_event(action: str, target: str = "", *, details: Mapping[str, Any] | None = None,
                actor: str | None = None, session: Session | None = None) -> None:
    """Add an entry for ``action`` to the request's session (committed with its work)."""
    audit.record(session or get_session(), action, actor=actor or _actor(), target=target, details=details,
                 address=_address())


def person_key(customer_ref: str) -> str:
    return audit.person_key(customer_ref, current_app.config["SECRET_KEY"])
