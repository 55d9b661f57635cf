"""Signed-in sessions that can be revoked: Flask-Login with a per-user session token.

Design. Each user row holds a random ``session_token`` (``models.user``). ``User.get_id()``
returns ``"<id>:<session_token>"`` — Flask-Login's "alternative id" — and Flask-Login puts that
string in the session cookie (``_user_id``) and in the remember-me cookie (HMAC-signed with
``SECRET_KEY``). :func:`load_user` accepts such a string only while its token equals the user's
current token (compared in constant time) and the user is active. Replacing the token
(``survey.services.accounts.end_sessions``) therefore ends every session and every remember-me
cookie of that user at once, in every browser, on the next request — whatever copies exist.

The token is replaced on logout, on a password change or reset, and by "sign out everywhere"
(the user's own button on the password page, or an admin's ``flask users sign-out-everywhere``).
A password change and the user's own "sign out everywhere else" sign the current browser in
again with the new token (:func:`sign_in`), so only the other sessions end.

Why not server-side remember-me tokens: one version per user revokes everything the issue asks
to revoke with one column and no table that grows per login. The token is not a password
equivalent: forging a cookie needs both it and ``SECRET_KEY``, and a stolen database row alone
forges nothing. Logging out one browser ends the others too (the price of a single version).

CSRF: the raw CSRF secret lives in the session (Flask-WTF, ``session["csrf_token"]``);
:func:`sign_in` and :func:`sign_out` drop it, so a token handed out before login (or before
logout) is no longer accepted afterwards. ``session_protection = "strong"`` stays on: a session
used from another address or browser is dropped by Flask-Login as before.
"""
from __future__ import annotations

import hmac

from flask import Flask, current_app, g, request, session
from flask_login import LoginManager, login_user, logout_user

from models import User
from survey import db

# Longest user id accepted from a cookie (ids are database integers).
_MAX_ID_DIGITS = 18


def init_app(app: Flask) -> None:
    """Set up Flask-Login: the login page, strong session protection and :func:`load_user`."""
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.login_message = None  # the login page explains itself
    manager.session_protection = "strong"
    manager.user_loader(load_user)
    manager.anonymous_user = _Anonymous
    manager.init_app(app)


def load_user(alternative_id: str) -> User | None:
    """The active user whose ``get_id()`` is ``alternative_id`` now (``"<id>:<token>"``), else
    None: a stale token, an old plain id, a disabled or deleted user all give None."""
    user_id, _, token = alternative_id.partition(":")
    if not token or not user_id.isdigit() or len(user_id) > _MAX_ID_DIGITS:
        return None
    user = db.get_session().get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(token.encode("utf-8"), user.session_token.encode("utf-8")):
        return None
    return user


def sign_in(user: User, *, remember: bool) -> None:
    """Start a session for ``user`` (with a remember-me cookie if asked) and drop the CSRF
    secret of the session before it."""
    _forget_csrf_secret()
    login_user(user, remember=remember)


def sign_out() -> None:
    """End this browser's session (and remember-me cookie) and drop its CSRF secret. Ending the
    user's other sessions is ``accounts.end_sessions``'s job."""
    logout_user()
    _forget_csrf_secret()


def has_remember_cookie() -> bool:
    """True when this request came with a remember-me cookie (to re-issue it after a change)."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _forget_csrf_secret() -> None:
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)


class _Anonymous:
    is_authenticated = False
    is_active = False
    is_anonymous = True

    def get_id(self) -> None:
        return None

    def has_role(self, *roles: str) -> bool:
        return False
