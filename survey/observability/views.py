"""``/metrics`` (token or admin) and ``/readyz`` (public, for load balancers)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from prometheus_client import CONTENT_TYPE_LATEST

from survey.auth.roles import public
from survey.observability import metrics, readiness
from survey.observability.access import bearer_matches

bp = Blueprint("observability", __name__)


@bp.route("/metrics")
@public  # guarded below: a bearer token (scrapers) or an admin's session
def metrics_page():
    token = current_app.config.get("METRICS_TOKEN", "")
    admin = current_user.is_authenticated and current_user.role == "admin"
    if not (admin or bearer_matches(request.headers.get("Authorization"), token)):
        message = (_("Send Authorization: Bearer with the METRICS_TOKEN, or sign in as an admin.") if token else
                   _("Metrics are off: set METRICS_TOKEN (at least 32 characters) in the environment and "
                     "send it as Authorization: Bearer, or sign in as an admin."))
        return Response(message + "\n", status=401, mimetype="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"})
    body = metrics.exposition(current_app.extensions["job_queue"])
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


@bp.route("/readyz")
@public
def ready():
    state = readiness.check_all(current_app.extensions["sqlalchemy_engine"], current_app.extensions["job_queue"])
    body = {"status": "ready" if state.ready else "not ready", "failed": list(state.failed),
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in state.checks}}
    return body, 200 if state.ready else 503, {"Cache-Control": "no-store"}
