"""Log lines as JSON objects (``LOG_FORMAT=json``), each with the request id of the request or
job that wrote it.

The request id is the incoming ``X-Request-ID`` when it is sane (1-128 characters of letters,
digits and ``._:-``, starting with a letter or digit), else a new random one. It is set on every
log record written while the request runs, returned in the response's ``X-Request-ID`` header,
and handed to jobs enqueued during the request (survey/jobs.py ``enqueue``), whose log lines
then carry the same id.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_request_id: ContextVar[str | None] = ContextVar("xinsheng_request_id", default=None)
request_logger = logging.getLogger("survey.requests")

#: LogRecord attributes that are not extra fields (what ``logging`` itself sets).
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str | None:
    """The id of the request or job running in this context, if any (also inside a response
    body streamed with ``stream_with_context``, which runs after the request's hooks)."""
    found = _request_id.get()
    if found is None and has_request_context():
        found = g.get("request_id")
    return found


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(offered: str | None) -> str:
    """``offered`` when it is a sane id (see the module docstring), else a new one."""
    if offered and offered.isascii() and _SANE_ID.fullmatch(offered):
        return offered
    return new_request_id()


@contextmanager
def bound_request_id(value: str) -> Iterator[str]:
    """Log records written inside carry ``value`` as their request id."""
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (``record.request_id``, None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's extra fields, and the traceback as ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonHandler(logging.StreamHandler):
    """The handler :func:`install_json_logging` puts on the root logger (stderr by default)."""


def install_json_logging(level: str, stream=None) -> JsonHandler:
    """Replace an earlier :class:`JsonHandler` on the root logger with a new one at ``level``."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, JsonHandler)]:
        root.removeHandler(handler)
    handler = JsonHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        install_json_logging(app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _bind_request_id() -> None:
        g.request_id = accepted_request_id(request.headers.get(HEADER))
        g.request_id_token = _request_id.set(g.request_id)
        g.request_log_started = time.perf_counter()

    @app.after_request
    def _answer_request_id(response: Response) -> Response:
        request_id = current_request_id()
        if request_id is not None:
            response.headers[HEADER] = request_id
        rule = request.url_rule.rule if request.url_rule is not None else None
        started = g.get("request_log_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        # The rule, not the path: paths hold respondents' resume and invitation tokens.
        request_logger.info("%s %s %s", request.method, rule or "(no route)", response.status_code,
                            extra={"method": request.method, "route": rule, "status": response.status_code,
                                   "duration_ms": duration_ms})
        return response

    @app.teardown_request
    def _unbind_request_id(_error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            _request_id.reset(token)
