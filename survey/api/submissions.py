"""Complete responses submitted through the API (call centre, CRM), checked like the web form.

The answers are checked page by page with the use case the respondent pages and the preview
call (:func:`survey.services.page_answers.answer_page`, Next on every page shown), so the rules
are the same: required answers,
choice codes, number bounds, text length, dates, ``validation`` rules, and ``show_if`` — answers
to questions the respondent would not have been shown are dropped, as on the web.

Idempotency: the client's ``client_id`` is stored as the response's idempotency key
(``api:<client_id>``, unique in the database). A repeat with the same content returns the first
response; a repeat with different content is a conflict.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from flask_babel import force_locale
from sqlalchemy import bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ComplaintCase, Questionnaire, QuestionnaireVersion, Quota, Response
from models.followup import FollowUpTask
from survey.collect.page_check import current_limits
from survey.db import begin_write
from survey.questionnaire.document import Questionnaire as Document
from survey.services import collection, consent, quotas
from survey.services.page_answers import answer_page
from survey.services.response_state import accepts_responses
from survey.services.bounded_numbers import NumberRejected, bounded_value
from survey.services.followup_tasks import FollowUpRules, open_followup_tasks
from survey.services.questionnaires import current_published
from survey.services.segment_attributes import segment_problems
from survey.observability import metrics

KEY_PREFIX = "api:"
Outcome = Literal["created", "repeat", "conflict", "invalid", "not_found"]
_FIELDS = {"client_id", "answers", "language", "channel", "segment", "case_ref", "invitation_token", "consent"}
#: Limits of a submission body, stated in the OpenAPI document too.
CLIENT_ID_MAX = 120
CASE_REF_MAX = 128
TOKEN_MAX = 64
MAX_ANSWERS = 2_000
MAX_LIST_ITEMS = 500
LANGUAGES = ("zh_CN", "en")
CHANNELS = ("api", "import")


@dataclass(frozen=True, slots=True)
class Submission:
    """What happened to a submission; ``errors`` maps a field (``answers.<code>``) to messages."""

    outcome: Outcome
    response: Response | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""
    followup_task_id: int | None = None
    version_number: int | None = None


def json_answer(value: object) -> object:
    """A JSON answer as a page value: true/false are the yes/no choice codes; everything else is
    taken as sent (a number stays a number; the page check reads it once)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def check_answers(document: Document, answers: Mapping[str, Any]) -> tuple[dict[str, object], dict[str, list[str]], int]:
    """Validate ``answers`` page by page, as the respondent pages answer them (Next on every
    page shown, :func:`survey.services.page_answers.answer_page`; messages in English).

    Returns the answers as stored (typed; hidden questions dropped), errors per question code,
    and the index of the last page shown.
    """
    known = {variable.code for variable in document.variables()}
    errors: dict[str, list[str]] = {
        code: ["is not an answer variable of this questionnaire"] for code in answers if code not in known}
    merged: dict[str, object] = {}
    index = collection.first_page(document, merged)
    last = 0
    limits = current_limits()
    with force_locale("en"):
        while index is not None:
            posted = {variable.code: json_answer(answers.get(variable.code))
                      for question in document.pages[index].questions for variable in question.variables()}
            outcome = answer_page(document, index, merged, posted, navigation="next", locale="en", limits=limits)
            errors.update(outcome.errors)
            merged, last, index = outcome.answers, index, outcome.target
    return merged, errors, last


def _answer_value_ok(value: object) -> bool:
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, (int, float)):
        try:
            bounded_value(value)
        except NumberRejected:
            return False
        return True
    return isinstance(value, list) and len(value) <= MAX_LIST_ITEMS and all(
        isinstance(item, str) for item in value)


def check_payload(payload: object) -> dict[str, list[str]]:
    """Shape errors of a submission body (before its answers are looked at): the rules the
    OpenAPI schema ``ResponseSubmission`` states (see :mod:`survey.api.openapi`)."""
    if not isinstance(payload, dict):
        return {"body": ["must be a JSON object"]}
    errors: dict[str, list[str]] = {}
    for name in sorted(set(payload) - _FIELDS)[:20]:
        errors[str(name)[:64]] = ["is not a known field"]
    client_id = payload.get("client_id")
    if not isinstance(client_id, str) or not 1 <= len(client_id.strip()) <= CLIENT_ID_MAX:
        errors["client_id"] = [f"is required: a string of 1 to {CLIENT_ID_MAX} characters"]
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        errors["answers"] = ["is required: an object of answer-variable code to value"]
    elif len(answers) > MAX_ANSWERS:
        errors["answers"] = [f"has {len(answers)} entries; at most {MAX_ANSWERS} are accepted"]
    else:
        for code, value in answers.items():
            if not _answer_value_ok(value):
                errors[f"answers.{code[:64]}"] = [
                    "must be text, a finite number below 1e15 in magnitude, true/false, a list of "
                    f"at most {MAX_LIST_ITEMS} choice codes, or null"]
    if payload.get("language", "zh_CN") not in LANGUAGES:
        errors["language"] = ["must be 'zh_CN' or 'en'"]
    if payload.get("channel", "api") not in CHANNELS:
        errors["channel"] = ["must be 'api' or 'import'"]
    for problem in segment_problems(payload.get("segment", {})):
        field_name = f"segment.{problem.key}" if problem.key else "segment"
        errors.setdefault(field_name, []).append(problem.message)
    if "consent" in payload and not isinstance(payload["consent"], bool):
        errors["consent"] = ["must be true or false"]
    for name, longest in (("case_ref", CASE_REF_MAX), ("invitation_token", TOKEN_MAX)):
        if name in payload and (not isinstance(payload[name], str) or len(payload[name]) > longest):
            errors[name] = [f"must be a string of at most {longest} characters"]
    return errors


def _same(response: Response, answers: Mapping[str, object], payload: Mapping[str, Any],
          case_id: int | None, version_ids: set[int]) -> bool:
    segment = {k: v for k, v in (payload.get("segment") or {}).items() if v is not None}
    return (response.version_id in version_ids and response.answers == dict(answers)
            and response.language == payload.get("language", response.language)
            and response.channel == payload.get("channel", "api")
            and response.complaint_case_id == case_id
            and all(response.segment.get(k) == v for k, v in segment.items()))


def _existing_response(session: Session, key: str) -> Response | None:
    return session.scalars(select(Response).where(Response.idempotency_key == key)).first()


def submit_response(session: Session, questionnaire_id: int, payload: object, *,
                    rules: FollowUpRules) -> Submission:
    """Check and store one complete response (committed on success); see the module docstring."""
    shape_errors = check_payload(payload)
    if shape_errors:
        return Submission("invalid", errors=shape_errors, message="the request body is not valid")
    assert isinstance(payload, dict)
    version = current_published(session, questionnaire_id)
    if version is None:
        return Submission("not_found", message=f"questionnaire {questionnaire_id} has no published version")
    if not accepts_responses("published", "active", version.close_at):
        return Submission("conflict", message=f"questionnaire {questionnaire_id} closed at "
                          f"{version.close_at.isoformat()} and accepts no more responses")
    key = KEY_PREFIX + payload["client_id"].strip()
    document = version.document
    answers, answer_errors, last_page = check_answers(document, payload["answers"])
    errors = {f"answers.{code}": messages for code, messages in answer_errors.items()}

    case_id = None
    if payload.get("case_ref"):
        workspace = select(Questionnaire.workspace_id).where(Questionnaire.id == questionnaire_id).scalar_subquery()
        case_id = session.scalars(select(ComplaintCase.id).where(
            ComplaintCase.workspace_id == workspace, ComplaintCase.case_ref == payload["case_ref"])).first()
        if case_id is None:
            errors["case_ref"] = ["no complaint case has this reference"]
    invitation = None
    if payload.get("invitation_token"):
        invitation = collection.invitation_by_token(session, payload["invitation_token"])
        if invitation is None or invitation.questionnaire_id != questionnaire_id:
            errors["invitation_token"] = ["no invitation to this questionnaire has this token"]
        elif case_id is None:
            case_id = invitation.complaint_case_id

    if errors or invitation is not None:
        # A repeat is judged before the errors and the invitation's state (which the first
        # submission changed); new submissions skip this query and let the key's unique
        # constraint catch repeats on insert.
        existing = _existing_response(session, key)
        if existing is not None:
            return _repeat(session, existing, answers, errors, payload, case_id, questionnaire_id)
    required_consent, has_quotas = _collection_rules(session, questionnaire_id)
    if required_consent is not None and payload.get("consent") is not True:
        errors["consent"] = ["this questionnaire asks for the respondent's consent: send consent: true once "
                             "they accepted its statement"]
    if errors:
        return Submission("invalid", errors=errors, message="the response is not valid")
    if invitation is not None and collection.invitation_state(session, invitation) != "open":
        return Submission("conflict", message="the invitation has been used, closed or has expired")

    language = payload.get("language") or (invitation.language if invitation else version.default_language)
    now = datetime.now(UTC)
    segment = {**dict(invitation.segment if invitation else {}),
               **{k: v for k, v in (payload.get("segment") or {}).items() if v is not None}}
    # One INSERT of a complete response: the unique idempotency key (and invitation) decide
    # concurrent repeats; no partial row is ever left behind.
    response = Response(
        version_id=version.id, invitation_id=invitation.id if invitation else None,
        resume_token=secrets.token_urlsafe(24), idempotency_key=key, status="complete",
        channel=payload.get("channel", "api"), language=language,
        segment={**collection.profile_answers(document, answers), **segment},
        answers=answers, last_page=last_page, complaint_case_id=case_id,
        started_at=now, submitted_at=now, consent_version=required_consent,
        consented_at=now if required_consent is not None else None)
    quota_rules = quotas.quotas_of(session, questionnaire_id) if has_quotas else []
    several_rows = invitation is not None or bool(rules.reasons(answers)) or bool(quota_rules)
    try:
        if several_rows:  # the response with its invitation, quotas or follow-up task, or nothing
            begin_write(session)
        session.add(response)
        session.flush()
        if invitation is not None:
            invitation.status = "completed"
        if quota_rules:
            quotas.fill(session, questionnaire_id, response.segment, answers, quota_rules)
        task = open_followup_tasks(session, response, rules, now=now) if several_rows else None
        session.commit()
    except quotas.QuotaFull as full:
        session.rollback()
        return Submission("conflict", message=f"{full}; the response was not stored")
    except IntegrityError:
        session.rollback()  # an earlier or concurrent request with this client_id (or invitation)
        existing = _existing_response(session, key)
        if existing is None:
            return Submission("conflict", message="the invitation already has a response")
        return _repeat(session, existing, answers, errors, payload, case_id, questionnaire_id)
    metrics.submission_accepted("api")
    return Submission("created", response, followup_task_id=task.id if task else None,
                      version_number=version.number)


_Q = Questionnaire.__table__.c
_RULES = select(_Q.consent_required, _Q.consent_version,
                exists().where(Quota.__table__.c.questionnaire_id == _Q.id).label("has_quotas")
                ).where(_Q.id == bindparam("questionnaire"))


def _collection_rules(session: Session, questionnaire_id: int) -> tuple[int | None, bool]:
    """(the consent version a new response must accept or None, whether the questionnaire has
    quotas), read fresh in one query: neither may lag behind the designer's change."""
    row = session.connection().execute(_RULES, {"questionnaire": questionnaire_id}).first()
    if row is None:
        return None, False
    return consent.required_version(row), bool(row.has_quotas)


def _repeat(session: Session, existing: Response, answers: Mapping[str, object],
            errors: Mapping[str, list[str]], payload: Mapping[str, Any], case_id: int | None,
            questionnaire_id: int) -> Submission:
    version_ids = set(session.scalars(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id)))
    if not errors and _same(existing, answers, payload, case_id, version_ids):
        task_id = session.scalars(select(FollowUpTask.id).where(FollowUpTask.response_id == existing.id)).first()
        return Submission("repeat", existing, followup_task_id=task_id,
                          version_number=session.scalar(select(QuestionnaireVersion.number).where(
                              QuestionnaireVersion.id == existing.version_id)))
    return Submission("conflict", existing, message=(
        f"client_id {payload['client_id']!r} was already used for a different response"))
