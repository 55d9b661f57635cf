"""Browser hardening headers on every response: a strict Content-Security-Policy with a fresh
nonce per request, framing rules, nosniff, Referrer-Policy and (in production) HSTS.

* Scripts run only from our own origin or with the request's nonce (``csp_nonce()`` in
  templates); no page needs an inline script today: the dashboard draws its plotly figures
  from JSON data blocks with ``static/js/figures.js``.
* Styles: ``'unsafe-inline'`` is allowed for style-src only, because plotly.js sets style
  attributes and inserts a ``<style>`` element while drawing (and CSS cannot run script).
* Framing: ``frame-ancestors 'none'`` plus ``X-Frame-Options: DENY``, except on the respondent
  pages of a questionnaire whose designer listed origins allowed to embed it
  (``Questionnaire.embed_origins``): those pages name the origins in frame-ancestors and send no
  X-Frame-Options (it cannot express a list).
* Respondent pages carry tokens in their URLs: ``Referrer-Policy: same-origin`` there (the
  URL goes to our own pages only, never to another site; behind a TLS proxy Flask-WTF refuses
  an https form post without a same-origin Referer), ``strict-origin-when-cross-origin``
  elsewhere.

The standalone HTML report (``reports.render.render_standalone``) is a file opened offline and is
not covered: it keeps plotly inline.
"""
from __future__ import annotations

import logging
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from models import Invitation, Questionnaire, QuestionnaireVersion
from models import Response as SurveyResponse
from survey.db import get_session

logger = logging.getLogger(__name__)

RESPONDENT_BLUEPRINT = "collect"
HSTS = "max-age=31536000; includeSubDomains"
MAX_EMBED_ORIGINS = 20
MAX_ORIGIN_LENGTH = 200
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*", re.IGNORECASE)


class OriginError(ValueError):
    """An embedding origin is not ``https://host[:port]``; the message names the value."""


def embed_origin(text: str) -> str:
    """``text`` as a normalised origin (``https://host[:port]``, lower case, no default port).

    Raises :class:`OriginError` for anything else: another scheme, a path, query, user name,
    wildcard or a value longer than MAX_ORIGIN_LENGTH."""
    value = text.strip()
    if len(value) > MAX_ORIGIN_LENGTH:
        raise OriginError(f"{value[:40]!r}... is longer than {MAX_ORIGIN_LENGTH} characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise OriginError(f"{value!r} is not a URL: {error}") from None
    host = parts.hostname or ""
    if (parts.scheme.lower() != "https" or not host or parts.path not in ("", "/") or parts.query
            or parts.fragment or parts.username is not None or not _HOST.fullmatch(host)):
        raise OriginError(f"{value!r} is not an https origin (https://host or https://host:port)")
    return f"https://{host.lower()}" + (f":{port}" if port not in (None, 443) else "")


def parse_embed_origins(text: str) -> tuple[str, ...]:
    """Origins from ``text``, one per line (blank lines ignored, duplicates dropped).

    Raises :class:`OriginError` for a bad line (see :func:`embed_origin`) or more than
    MAX_EMBED_ORIGINS origins."""
    origins = tuple(dict.fromkeys(embed_origin(line) for line in (text or "").splitlines() if line.strip()))
    if len(origins) > MAX_EMBED_ORIGINS:
        raise OriginError(f"{len(origins)} origins; at most {MAX_EMBED_ORIGINS} are allowed")
    return origins


def csp_nonce() -> str:
    """This request's script nonce (made on first use): ``<script nonce="{{ csp_nonce() }}">``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str | None, frame_ancestors: tuple[str, ...] = ()) -> str:
    """The policy text; ``frame_ancestors`` empty means ``'none'``."""
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    directives = (
        "default-src 'self'",
        f"script-src {scripts}",
        # plotly.js writes style attributes and a <style> element while drawing.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",  # plotly's "download as PNG" builds data:/blob: images
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors " + (" ".join(frame_ancestors) if frame_ancestors else "'none'"),
    )
    return "; ".join(directives)


def _respondent_page() -> bool:
    return request.blueprint == RESPONDENT_BLUEPRINT


def remember_embedding(embed_origins: str) -> None:
    """Called by a respondent view that has read its questionnaire: the headers then use its
    ``embed_origins`` instead of reading them again after the response (which, after the view's
    commit, would open a transaction of its own — on SQLite one that waits for every writer)."""
    g.embed_origins = embed_origins


def _embedding_origins() -> tuple[str, ...]:
    """The origins the designer allows to frame this respondent page's questionnaire (none when
    the page names no known questionnaire, or the database cannot answer)."""
    stored = g.embed_origins if "embed_origins" in g else _stored_embedding()
    try:
        return parse_embed_origins(stored or "")
    except OriginError:
        return ()


def _stored_embedding() -> str | None:
    """The stored origins of the questionnaire the page's token names (a page whose view did
    not :func:`remember_embedding`: a 404, an error page), or None."""
    args = request.view_args or {}
    if "public_token" in args:
        query = (select(Questionnaire.embed_origins).join(QuestionnaireVersion)
                 .where(QuestionnaireVersion.public_token == args["public_token"]))
    elif "token" in args:
        query = select(Questionnaire.embed_origins).join(Invitation).where(Invitation.token == args["token"])
    elif "resume_token" in args:
        query = (select(Questionnaire.embed_origins).join(QuestionnaireVersion)
                 .join(SurveyResponse, SurveyResponse.version_id == QuestionnaireVersion.id)
                 .where(SurveyResponse.resume_token == args["resume_token"]))
    else:
        return None
    try:
        return get_session().scalar(query.limit(1))
    except SQLAlchemyError:
        logger.warning("embedding origins of %s not read; framing stays forbidden", request.path)
        return None


def _set_headers(response: Response) -> Response:
    headers = response.headers
    respondent = _respondent_page()
    origins = _embedding_origins() if respondent else ()
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(g.get("csp_nonce"), origins))
    if not origins:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin" if respondent else "strict-origin-when-cross-origin")
    if current_app.config.get("ENV_NAME") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response and ``csp_nonce`` to templates."""
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
