"""Observability: Prometheus metrics at ``/metrics`` (metrics.py, views.py), JSON log lines
carrying a request id (logs.py), job timing (tasks.py) and the readiness check ``/readyz``
(readiness.py). ``docs/operations.md`` lists every metric and setting."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Call first in ``create_app``: the request id and the request clock start before any other
    hook can answer the request (a 413 or 429 is counted and logged too)."""
    from survey.observability import logs, metrics, views

    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(views.bp)
