"""Role checks for views.

Every designer, analyst and admin view is wrapped in :func:`role_required`; the wrapper records
the roles on the view function (``required_roles``) so that a test can walk the URL map and prove
that no such route is left open.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

View = TypeVar("View", bound=Callable[..., Any])

# Views any visitor may reach: login, language switch, static files, respondent pages, errors.
PUBLIC_ATTRIBUTE = "public_view"


def role_required(*roles: str) -> Callable[[View], View]:
    """Allow only logged-in users holding one of ``roles`` (admins always pass); others get 403,
    anonymous visitors are sent to the login page."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        guarded.required_roles = frozenset(roles) | {"admin"}  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: View) -> View:
    """Mark a view as deliberately open to anonymous visitors."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view
