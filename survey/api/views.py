"""JSON API v1: bearer-token auth, OpenAPI document, responses, complaint cases, counts.

Every route is marked ``@public`` for the route walker because it does its own authentication:
:func:`token_required` answers 401 (JSON, ``WWW-Authenticate: Bearer``) without a valid token
and 403 when the token's role lacks the scope. Error bodies are English JSON:
``{"error": {"status": ..., "message": ..., "fields"?: {...}, "report"?: {...}}}``.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from models import QuestionnaireVersion, Response
from survey.api.openapi import openapi_document
from survey.api.submissions import submit_response
from survey.auth.roles import public
from survey.services.workspaces import questionnaire_in_scope
from survey.workspace_access import current_scope
from survey.db import get_session, read_first
from survey.services.api_tokens import allows, authenticate
from survey.services.complaint_cases import ComplaintError, FollowUpRules, import_case_records
from survey.services.inbound_json import MAX_BYTES, MAX_DEPTH, JsonRejected, load_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: Largest id a client may name (the database's integer ids).
MAX_ID = 2**31 - 1


def error(status: int, message: str, **extra: Any):
    return {"error": {"status": status, "message": message, **extra}}, status


def token_required(scope: str, *, autocommit_reads: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let through only requests with a live bearer token whose role has ``scope``.

    ``autocommit_reads``: the view reads in autocommit and opens a transaction itself when it writes
    more than one statement (``survey.db.read_first`` / ``begin_write``)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            session = get_session()
            if autocommit_reads:
                read_first(session)
            token = authenticate(session, secret.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                body, status = error(401, "a valid API token is required: Authorization: Bearer <token>")
                return body, status, {"WWW-Authenticate": 'Bearer realm="xinsheng"'}
            if session.dirty:
                session.commit()  # last_used_at moved on
                if autocommit_reads:  # the commit ended the first transaction's settings
                    read_first(session)
            if not allows(token, scope):
                return error(403, f"the token's role {token.role!r} does not allow {scope}")
            g.api_token = token
            return view(*args, **kwargs)

        wrapped.api_scope = scope  # type: ignore[attr-defined]
        return wrapped

    return decorate


@bp.errorhandler(OperationalError)
def _database_unavailable(failure: OperationalError):
    """The database went away: a 503 the client can retry (a repeated ``client_id`` is stored
    once); what the request was writing is rolled back, never half-written."""
    current_app.logger.warning("database unavailable on %s: %s", request.path, failure.orig)
    try:
        get_session().rollback()
    except OperationalError:
        pass
    body, status = error(503, "the database is unavailable just now; try again in a moment "
                              "(a request repeated with the same client_id is stored once)")
    return body, status, {"Retry-After": "5"}


class BodyRejected(Exception):
    """The request body is not an acceptable JSON document; ``response`` is the error to send."""

    def __init__(self, response: tuple[dict[str, Any], int]) -> None:
        super().__init__(response[0]["error"]["message"])
        self.response = response


@bp.errorhandler(BodyRejected)
def _body_rejected(rejected: BodyRejected):
    return rejected.response


def _json_body() -> Any:
    """The JSON body, read by the one inbound JSON validator (:mod:`survey.services.inbound_json`:
    finite numbers, no NUL or lone surrogate, at most ``API_JSON_MAX_DEPTH`` levels and
    ``API_JSON_MAX_BYTES`` bytes). Raises :class:`BodyRejected` (answered 400, or 413 for size)
    naming the path and the rule broken."""
    if not request.is_json:
        raise BodyRejected(error(400, "the body must be JSON (Content-Type: application/json)"))
    config = current_app.config
    try:
        return load_json(request.get_data(cache=True),
                         max_bytes=int(config.get("API_JSON_MAX_BYTES", MAX_BYTES)),
                         max_depth=int(config.get("API_JSON_MAX_DEPTH", MAX_DEPTH)))
    except JsonRejected as rejected:
        status = 413 if rejected.rule == "size" else 400
        raise BodyRejected(error(status, f"the body is not acceptable JSON: {rejected}",
                                 path=rejected.path, rule=rejected.rule)) from None


@bp.route("/openapi.json")
@public
def openapi():
    return openapi_document(request.script_root + bp.url_prefix)


@bp.route("/questionnaires/<int:questionnaire_id>/responses", methods=["POST"])
@public
@token_required("responses:write", autocommit_reads=True)
def submit(questionnaire_id: int):
    body = _json_body()
    if current_scope() is not None and questionnaire_in_scope(get_session(), questionnaire_id, current_scope()) is None:
        return error(404, f"questionnaire {questionnaire_id} does not exist")
    result = submit_response(get_session(), questionnaire_id, body,
                             rules=FollowUpRules.from_config(current_app.config))
    if result.outcome == "not_found":
        return error(404, result.message)
    if result.outcome == "invalid":
        return error(422, result.message, fields=result.errors)
    if result.outcome == "conflict":
        extra = {"response_id": result.response.id} if result.response is not None else {}
        return error(409, result.message, **extra)
    response = result.response
    assert response is not None
    return {"id": response.id, "client_id": body["client_id"].strip(), "status": response.status,
            "version": result.version_number,
            "complaint_case_id": response.complaint_case_id,
            "followup_task_id": result.followup_task_id}, 201 if result.outcome == "created" else 200


#: The fields of a complaint-case import body (a bare list of cases is read as ``cases``).
IMPORT_FIELDS = frozenset({"cases", "followup_questionnaire_id"})


@bp.route("/complaint-cases", methods=["POST"])
@public
@token_required("cases:write")
def complaint_cases():
    body = _json_body()
    unknown = sorted(set(body) - IMPORT_FIELDS) if isinstance(body, dict) else []
    if unknown:
        return error(422, "the request body is not valid", fields={
            name: [f"unknown field; the body holds only {', '.join(sorted(IMPORT_FIELDS))}"]
            for name in unknown[:20]})
    records = body.get("cases") if isinstance(body, dict) else body
    questionnaire_id = body.get("followup_questionnaire_id") if isinstance(body, dict) else None
    if questionnaire_id is not None and (not isinstance(questionnaire_id, int) or isinstance(questionnaire_id, bool)
                                         or not 1 <= questionnaire_id <= MAX_ID):
        return error(422, "the request body is not valid",
                     fields={"followup_questionnaire_id": [f"must be an integer from 1 to {MAX_ID}"]})
    session = get_session()
    config = current_app.config
    try:
        result = import_case_records(
            session, records, followup_questionnaire_id=questionnaire_id,
            workspace_id=g.api_token.workspace_id, scope=current_scope(),
            delay_hours=float(config.get("COMPLAINT_FOLLOWUP_DELAY_HOURS", 24)),
            expiry_days=int(config.get("COMPLAINT_FOLLOWUP_EXPIRY_DAYS", 30)))
        report = {**result.report.as_dict(), "invited": result.invited}
        if not result.report.ok:
            session.rollback()
            return error(422, "nothing was imported: some cases are not valid", report=report)
        session.commit()
    except ComplaintError as exc:
        session.rollback()
        return error(404, str(exc))
    except IntegrityError:
        session.rollback()
        return error(409, "a concurrent import added the same cases; send the request again")
    return report


@bp.route("/questionnaires/<int:questionnaire_id>/counts")
@public
@token_required("counts:read")
def counts(questionnaire_id: int):
    session = get_session()
    if questionnaire_in_scope(session, questionnaire_id, current_scope()) is None:
        return error(404, f"questionnaire {questionnaire_id} does not exist")
    rows = session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.number, Response.channel,
               Response.status, func.count(Response.id))
        .join(Response, Response.version_id == QuestionnaireVersion.id, isouter=True)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .group_by(QuestionnaireVersion.id, QuestionnaireVersion.number, Response.channel, Response.status)
        .order_by(QuestionnaireVersion.number))
    versions: dict[int, dict[str, Any]] = {}
    total = {"complete": 0, "partial": 0}
    for version_id, number, channel, status, count in rows:
        entry = versions.setdefault(version_id, {"version": number, "version_id": version_id,
                                                 "total": {"complete": 0, "partial": 0}, "channels": {}})
        if channel is None:
            continue  # a version without responses
        bucket = entry["channels"].setdefault(channel, {"complete": 0, "partial": 0})
        bucket[status] += count
        entry["total"][status] += count
        total[status] += count
    return {"questionnaire_id": questionnaire_id, "total": total, "versions": list(versions.values())}
