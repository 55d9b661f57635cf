"""Request bodies larger than their route accepts are refused before anything parses them.

A respondent page never needs more than :func:`respondent_post_max_bytes` bytes (every text
answer of a response together, percent-encoded, plus the form's other fields), while uploads
may use all of ``MAX_CONTENT_LENGTH``. Without this check a 15 MB post to a survey page was
parsed in full (by the CSRF check first) and refused only by the answer rules, holding a
worker for half a second. Here it is refused by its ``Content-Length`` before any parsing.

The refused body is still read and thrown away (up to ``MAX_CONTENT_LENGTH``; reading costs a
copy, parsing is what was expensive): a server that answers while the client is still sending
resets the connection, and the browser then shows a connection error instead of the page that
says what went wrong. Bodies sent without a length are held to the same limit while they are
read (``request.max_content_length``).

Must be installed before CSRF protection, whose check reads the form.
"""
from __future__ import annotations

from flask import Flask, abort, current_app, request

from survey.collect.fields import AnswerLimits

#: Bytes per character of a text answer, at worst, in a urlencoded form (``%E4%B8%AD``).
_ENCODED_BYTES_PER_CHAR = 9
#: Room for a page's other fields (choices, tokens, navigation) besides its text answers.
_FORM_OVERHEAD_BYTES = 64 * 1024
_DRAIN_CHUNK = 64 * 1024


def respondent_post_max_bytes(config) -> int:
    """``RESPONDENT_POST_MAX_BYTES`` when set, else what the answer limits can need."""
    configured = config.get("RESPONDENT_POST_MAX_BYTES")
    if configured:
        return int(configured)
    return AnswerLimits.from_config(config).response_chars * _ENCODED_BYTES_PER_CHAR + _FORM_OVERHEAD_BYTES


def drain(environ: dict, length: int) -> None:
    """Read and discard ``length`` bytes of the request body (stops early at its end)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    left = length
    while left > 0:
        chunk = stream.read(min(_DRAIN_CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)


def _route_limit() -> int | None:
    if request.blueprint == "collect":
        return respondent_post_max_bytes(current_app.config)
    return None


def refuse_oversized_body() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    limit = _route_limit()
    if limit is None:
        return
    request.max_content_length = limit  # bodies without a Content-Length, as they are read
    length = request.content_length
    if length is None or length <= limit:
        return
    overall = current_app.config.get("MAX_CONTENT_LENGTH")
    if overall is None or length <= overall:
        drain(request.environ, length)
    abort(413)


def init_app(app: Flask) -> None:
    app.before_request(refuse_oversized_body)
