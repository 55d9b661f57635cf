"""Error pages in both languages; no stack trace ever reaches a visitor."""
from __future__ import annotations

import logging

from flask import Flask, Response, g, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

logger = logging.getLogger(__name__)

HANDLED = (400, 403, 404, 405, 413, 422, 500)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, description: str | None = None):
    if request_ctx.url_adapter is None:
        # The request names a host outside TRUSTED_HOSTS: no URL can be built, so the page
        # (which links to the home page and the stylesheet) cannot be rendered.
        return Response(f"{code} — {HTTP_STATUS_CODES.get(code, '')} / 请求无法处理\n", status=code,
                        mimetype="text/plain"), code
    if _wants_json():
        return {"error": {"status": code, "message": description or ""}}, code
    return render_template("errors/error.html", code=code, description=description), code


def _with_headers(response, error: HTTPException):
    """Keep the headers the exception carries (``Allow`` of a 405, ``Retry-After``,
    ``WWW-Authenticate``...) on the re-rendered page; its own Content-Type wins."""
    for name, value in error.get_headers(request.environ):
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, "csrf")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in HANDLED:
            return error
        return _with_headers(make_response(render_error(code)), error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Logged with its traceback for the operators; the visitor sees a plain page.
        logger.exception("unhandled error on %s %s", request.method, request.path)
        _roll_back_the_request_session()
        return render_error(InternalServerError.code)


def _roll_back_the_request_session() -> None:
    """A failed write leaves the request's session unusable (PendingRollbackError): the error
    page itself loads the signed-in user, so roll back first. An unreachable database must not
    turn the error page into a second failure."""
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except SQLAlchemyError:
        logger.exception("rollback after an unhandled error failed")
