"""Throttling with Flask-Limiter: sign-in, respondent starts and page posts, the API.

Limits (config keys ``RATE_LIMIT_*``, "N per period" strings, several joined by ";"):

- sign-in: failed attempts (the login page answers 422) per e-mail address and per client
  address; once either is used up every attempt, the right password included, gets 429 until
  the window has passed;
- respondents: starts (a POST that creates a response) per client address, shared by public
  links and invitations, and per link; page posts per client address and per response (its
  resume token);
- API: requests per bearer token (its hash, never the secret) and per client address, checked
  before the token is looked up.

The client address is ``request.remote_addr``; X-Forwarded-For counts only when the connection
comes from a proxy listed in ``RATE_LIMIT_TRUSTED_PROXIES`` (none by default). A limit used up
answers 429 with ``Retry-After`` (seconds): a page in the visitor's language, or the API's JSON
error. Each app gets its own :class:`~flask_limiter.Limiter` (``memory://`` gives
each app, hence each test, fresh counters); ``app.extensions["rate_limiter"]`` holds it.
"""
from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from flask import Flask, current_app, g, make_response, render_template, request
from flask.wrappers import Response
from flask_babel import format_timedelta
from flask_login import current_user
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from config import ConfigError
from survey.errors import render_error
from survey.services.accounts import normalise_email

LIMIT_KEYS = ("RATE_LIMIT_LOGIN_ACCOUNT", "RATE_LIMIT_LOGIN_ADDRESS", "RATE_LIMIT_PASSWORD_USER", "RATE_LIMIT_START_ADDRESS",
              "RATE_LIMIT_START_LINK", "RATE_LIMIT_SUBMIT_ADDRESS", "RATE_LIMIT_SUBMIT_LINK",
              "RATE_LIMIT_API_TOKEN", "RATE_LIMIT_API_ADDRESS")
LOGIN_FAILED = 422  # what survey/auth/views.py answers to a wrong e-mail or password


def init_app(app: Flask) -> Limiter:
    """Check the configured limits, attach them to the views (after the blueprints are
    registered) and answer 429. Raises :class:`ConfigError` naming a limit that does not parse."""
    for key in LIMIT_KEYS:
        check_limit(key, app.config[key])
    trusted_proxies(app.config["RATE_LIMIT_TRUSTED_PROXIES"])
    limiter = Limiter(key_func=client_address)
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter
    _limit_views(app, limiter)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limiter


def check_limit(key: str, value: object) -> None:
    """Raise :class:`ConfigError` unless ``value`` is a limit string such as "5 per 15 minutes"."""
    try:
        if isinstance(value, str) and parse_many(value):
            return
    except ValueError:
        pass
    raise ConfigError(f"{key}={value!r} is not a rate limit such as '5 per 15 minutes' "
                      f"(several joined by ';')")


# --- what a request is counted by ------------------------------------------------------------

def _digest(value: str) -> str:
    """A short, fixed-length stand-in for ``value`` (any text, however long or odd)."""
    return hashlib.sha256(value.encode("utf-8", "backslashreplace")).hexdigest()[:32]


def client_address() -> str:
    return f"address:{client_ip()}"


def client_ip() -> str:
    """The connecting address. Only when it is one of ``RATE_LIMIT_TRUSTED_PROXIES`` is
    X-Forwarded-For read: from the right, the first hop that is not a trusted proxy (the proxy's
    own address when that hop is not an address at all)."""
    address = request.remote_addr or "unknown"
    proxies = trusted_proxies(current_app.config["RATE_LIMIT_TRUSTED_PROXIES"])
    if not _within(address, proxies):
        return address
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")[-32:]):
        hop = hop.strip()
        if not _within(hop, proxies):
            return hop if _within(hop, (_ANY_V4, _ANY_V6)) else address
        address = hop
    return address


_ANY_V4, _ANY_V6 = ip_network("0.0.0.0/0"), ip_network("::/0")


def _within(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed.version == net.version and parsed in net for net in networks)


@functools.lru_cache(maxsize=8)
def trusted_proxies(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` → the networks; raises :class:`ConfigError` on a bad one."""
    try:
        return tuple(ip_network(item.strip(), strict=False) for item in str(value).split(",") if item.strip())
    except ValueError as error:
        raise ConfigError(f"RATE_LIMIT_TRUSTED_PROXIES={value!r}: {error} "
                          f"(addresses or networks, comma-separated)") from None


def login_account() -> str:
    """The e-mail address posted to the login form, normalised as accounts are looked up."""
    try:
        email = request.form.get("email", "")
    except (ValueError, UnicodeError):  # an unreadable body: counted as one unnamed account
        email = ""
    return f"account:{_digest(normalise_email(email))}"


def link_token() -> str:
    """The link in the URL: public token, invitation token or resume token."""
    args = request.view_args or {}
    token = args.get("public_token") or args.get("token") or args.get("resume_token") or ""
    return f"link:{_digest(str(token))}"


def api_token() -> str:
    """The bearer token's hash; the client address when no bearer token is sent."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return client_address()
    return f"token:{_digest(secret.strip())}"


def _login_failed(response: Response) -> bool:
    return response.status_code == LOGIN_FAILED


def signed_in_user() -> str:
    """The signed-in user (the password page is for signed-in users only)."""
    return f"user:{getattr(current_user, 'id', 'anonymous')}"


def _wrong_current_password(_response: Response) -> bool:
    return bool(g.get("wrong_current_password"))


# --- where the limits apply ------------------------------------------------------------------

def _limit_views(app: Flask, limiter: Limiter) -> None:
    def setting(key: str) -> Callable[[], str]:
        return lambda: current_app.config[key]  # read per request: a test may lower it

    post = ["POST"]
    login = [
        limiter.limit(setting("RATE_LIMIT_LOGIN_ACCOUNT"), key_func=login_account, methods=post,
                      deduct_when=_login_failed),
        limiter.limit(setting("RATE_LIMIT_LOGIN_ADDRESS"), key_func=client_address, methods=post,
                      deduct_when=_login_failed),
    ]
    password = [
        limiter.limit(setting("RATE_LIMIT_PASSWORD_USER"), key_func=signed_in_user, methods=post,
                      deduct_when=_wrong_current_password),
    ]
    start = [
        limiter.shared_limit(setting("RATE_LIMIT_START_ADDRESS"), "respondent-start",
                             key_func=client_address, methods=post),
        limiter.limit(setting("RATE_LIMIT_START_LINK"), key_func=link_token, methods=post),
    ]
    submit = [
        limiter.shared_limit(setting("RATE_LIMIT_SUBMIT_ADDRESS"), "respondent-submit",
                             key_func=client_address, methods=post),
        limiter.limit(setting("RATE_LIMIT_SUBMIT_LINK"), key_func=link_token, methods=post),
    ]
    for endpoint, limits in (("auth.login", login), ("auth.password", password),
                             ("collect.public_start", start),
                             ("collect.invitation_start", start), ("collect.page", submit)):
        view = app.view_functions[endpoint]
        for limit in limits:
            view = limit(view)
        app.view_functions[endpoint] = view

    api = app.blueprints["api"]
    limiter.shared_limit(setting("RATE_LIMIT_API_TOKEN"), "api-token", key_func=api_token)(api)
    limiter.shared_limit(setting("RATE_LIMIT_API_ADDRESS"), "api-address", key_func=client_address)(api)


# --- the answer ------------------------------------------------------------------------------

def retry_after_seconds() -> int:
    """Seconds until the used-up limit of this request allows again (at least 1)."""
    limiter: Limiter = current_app.extensions["rate_limiter"]
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, int(breached.reset_at - time.time()))


def too_many_requests(error: RateLimitExceeded):
    """429 with ``Retry-After``: the API's JSON error, or a page in the visitor's language."""
    seconds = retry_after_seconds()
    if request.path.startswith("/api/"):
        body, status = render_error(
            429, f"too many requests ({error.description}); retry after {seconds} seconds")
        reply = make_response(body, status)
    else:
        kind = "login" if request.endpoint == "auth.login" else (
            "respondent" if request.blueprint == "collect" else "other")
        reply = make_response(render_template(
            "errors/429.html", kind=kind,
            wait=format_timedelta(timedelta(seconds=seconds), add_direction=True)), 429)
    reply.headers["Retry-After"] = str(seconds)
    return reply
