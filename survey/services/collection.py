"""Collecting responses: start, save page by page, complete exactly once.

The functions take a Session and never commit: the caller commits once per request (through
:func:`write_once`), so a failed commit (a database outage) rolls everything back and nothing is
half-written. What a respondent sees (show-if, page flow, progress) is the pure
``survey.services.page_flow``, re-exported here.

Exactly once: ``complete_response`` is a compare-and-set, ``UPDATE responses SET status =
'complete' … WHERE id = :id AND status = 'partial'``; of any number of concurrent attempts (double
click, back-button resubmit, a second tab, parallel POSTs) exactly one sees a row count of 1, the
others get ``AlreadySubmitted``. ``save_page`` is guarded the same way, so a late page save can
never reopen or overwrite a complete response. One response per invitation is the database's
unique constraint on ``responses.invitation_id``; losing that race returns the existing response.
"""
from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import Invitation, Questionnaire, QuestionnaireVersion, Response
from survey.db import begin_write
from survey.services.page_flow import (  # noqa: F401 (re-exported: respondents' page flow)
    Progress, first_page, next_page, page_is_shown, parsed_rule, previous_page, profile_answers,
    progress, rule_holds, shown_questions,
)
from survey.services.response_state import ResponseState, accepts_responses

T = TypeVar("T")
InvitationState = Literal["open", "closed", "expired", "completed", "unavailable"]


class CollectionError(ValueError):
    """A respondent action that the state of the response or link does not allow."""


class AlreadySubmitted(CollectionError):
    """The response is already complete; nothing was changed."""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- finding what a link points at -------------------------------------------------------------

def version_by_public_token(session: Session, token: str) -> QuestionnaireVersion | None:
    """The published version whose public link token is ``token`` (None if there is none), with
    its questionnaire (one query)."""
    return session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.public_token == token,
        QuestionnaireVersion.state == "published")
        .options(joinedload(QuestionnaireVersion.questionnaire))).first()


def version_for_public_link(session: Session, token: str) -> tuple[QuestionnaireVersion | None, str | None]:
    """(the version public link ``token`` serves, the stable token to send the browser to instead).

    The questionnaire's link (``Questionnaire.public_token``) serves its current published
    version; a link of one of its versions leads to the questionnaire's link (second item), so
    a link shared before a new version was published never collects answers on the old one."""
    current = session.scalars(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(Questionnaire.public_token == token, QuestionnaireVersion.state == "published")
        .order_by(QuestionnaireVersion.number.desc()).limit(1)
        .options(contains_eager(QuestionnaireVersion.questionnaire))).first()
    if current is not None:
        return current, None
    version = version_by_public_token(session, token)
    if version is None:
        return None, None
    stable = version.questionnaire.public_token
    return version, (stable if stable and stable != token else None)


def same_questionnaire(session: Session, response: Response, version: QuestionnaireVersion) -> bool:
    """Whether ``response`` answers (any version of) ``version``'s questionnaire: a response started
    on an earlier version is continued on that version through the questionnaire's link."""
    if response.version_id == version.id:
        return True
    started_on = session.get(QuestionnaireVersion, response.version_id)
    return started_on is not None and started_on.questionnaire_id == version.questionnaire_id


def is_open(version: QuestionnaireVersion) -> bool:
    """A published version of a questionnaire that is not archived accepts responses."""
    return accepts_responses(version.state, version.questionnaire.status, version.questionnaire.close_at)


def invitation_by_token(session: Session, token: str) -> Invitation | None:
    return session.scalars(select(Invitation).where(Invitation.token == token)).first()


def response_by_resume_token(session: Session, token: str) -> Response | None:
    return session.scalars(select(Response).where(Response.resume_token == token)).first()


def current_version(session: Session, questionnaire_id: int) -> QuestionnaireVersion | None:
    """The latest published version of a questionnaire (what new invitations answer)."""
    return session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id,
               QuestionnaireVersion.state == "published")
        .order_by(QuestionnaireVersion.number.desc())).first()


def invitation_state(session: Session, invitation: Invitation, *,
                     now: datetime | None = None) -> InvitationState:
    """Whether an invitation link can be answered, and if not, why (for a polite page)."""
    if invitation.status == "completed":
        return "completed"
    if invitation.status == "closed":
        return "closed"
    if invitation.expires_at is not None and _aware(invitation.expires_at) <= (now or _now()):
        return "expired"
    questionnaire = session.get(Questionnaire, invitation.questionnaire_id)
    if questionnaire is None or questionnaire.status != "active":
        return "closed"
    if questionnaire.close_at is not None and _aware(questionnaire.close_at) <= (now or _now()):
        return "closed"
    if current_version(session, invitation.questionnaire_id) is None:
        return "unavailable"
    return "open"


def invitation_response(session: Session, invitation: Invitation) -> Response | None:
    return session.scalars(select(Response).where(Response.invitation_id == invitation.id)).first()


# --- transactions ------------------------------------------------------------------------------

def is_write_conflict(error: OperationalError) -> bool:
    """SQLite's "database is locked" (a concurrent writer, or a stale read snapshot): the
    transaction did nothing and can simply run again. Any other OperationalError is an outage."""
    return "database is locked" in str(error.orig).lower()


def write_once(session: Session, work: Callable[[], T], *, attempts: int = 4,
               one_statement: bool = False) -> T:
    """Run ``work()`` and commit; on a write conflict roll back and run it again (a fresh
    transaction sees the other writer's commit, e.g. a response it completed). Re-raises any
    other OperationalError after rolling back, so nothing is half-written. After
    ``survey.db.read_first`` the transaction opens only now (:func:`survey.db.begin_write`:
    SQLite's write lock, PostgreSQL's BEGIN).

    ``one_statement``: ``work`` writes with a single statement, atomic by itself; after
    ``read_first`` it then runs in autocommit, without a transaction around it (on SQLite the
    write lock is held only while the statement runs, not from ``BEGIN IMMEDIATE`` to the
    commit)."""
    for attempt in range(1, attempts + 1):
        try:
            if not one_statement:
                begin_write(session)
            result = work()
            session.commit()
            return result
        except OperationalError as error:
            session.rollback()
            if attempt == attempts or not is_write_conflict(error):
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


# --- writing -----------------------------------------------------------------------------------

def _segment_snapshot(invitation: Invitation | None) -> dict[str, Any]:
    return copy.deepcopy(dict(invitation.segment or {})) if invitation is not None else {}


def start_response(session: Session, version: QuestionnaireVersion, *,
                   invitation: Invitation | None = None, language: str,
                   channel: Literal["web", "api", "import"] = "web",
                   start_key: str | None = None, consent_version: int | None = None) -> Response:
    """A new partial response to ``version`` (flushed, not committed).

    ``start_key`` (a public link: see :func:`browser_start_key`) works like an invitation: a
    response already started with the same key — by another tab, even at the same moment — is
    returned instead of a new one, and ``AlreadySubmitted`` is raised when it is complete.

    With an ``invitation``, its segment attributes are copied into the response (a snapshot:
    later edits to the invitation do not change it), the invitation becomes 'started', and when
    the invitation already has a response (the unique constraint says so, even under concurrent
    starts) that response is returned instead — losing that race rolls the session back, so
    call this before anything else is pending in it. Raises ``AlreadySubmitted`` when that
    existing response is complete.
    """
    def earlier() -> Response | None:
        if invitation is not None:
            return invitation_response(session, invitation)
        if start_key is not None:
            return session.scalars(select(Response).where(Response.start_key == start_key)).first()
        return None

    existing = earlier()
    if existing is not None:
        return _existing(existing)
    response = Response(
        version_id=version.id, invitation_id=invitation.id if invitation is not None else None,
        resume_token=secrets.token_urlsafe(24), status="partial", channel=channel,
        language=language, segment=_segment_snapshot(invitation), answers={}, last_page=0,
        started_at=_now(),
        complaint_case_id=invitation.complaint_case_id if invitation is not None else None,
        start_key=start_key if invitation is None else None,
        consent_version=consent_version, consented_at=_now() if consent_version is not None else None,
    )
    session.add(response)
    try:
        session.flush()
    except IntegrityError:
        # Another request started this invitation (or browser) first. (No SAVEPOINT: pysqlite
        # releases an outermost savepoint as a commit, which would write the row before the
        # caller commits.)
        session.rollback()
        existing = earlier()
        if existing is None:
            raise
        return _existing(existing)
    if invitation is not None and invitation.status == "pending":
        invitation.status = "started"
        session.flush()
    return response


def browser_start_key(version_id: int, browser: str) -> str:
    """The ``start_key`` of a public-link start by the browser whose session key is ``browser``."""
    return hashlib.sha256(f"{version_id}:{browser}".encode()).hexdigest()


def _existing(response: Response) -> Response:
    if response.status == "complete":
        raise AlreadySubmitted(f"response {response.id} is already complete")
    return response


def save_page(session: Session, response: ResponseState, page_index: int,
              answers: Mapping[str, object], *, next_index: int | None = None) -> ResponseState:
    """Store the answers after page ``page_index`` (the full answers dict, all pages) and return
    the response as now stored.

    ``last_page`` (where a resume link continues) becomes ``next_index`` if given, and never
    moves backwards. Raises ``AlreadySubmitted`` when the response is complete.
    """
    reached = max(response.last_page, page_index if next_index is None else next_index)
    stored = dict(answers)
    result = session.connection().execute(_SAVE_PAGE, {"response_id": response.id, "answers": stored,
                                                       "last_page": reached})
    if result.rowcount != 1:
        raise AlreadySubmitted(f"response {response.id} is already complete")
    _sync_loaded(session, response.id, {"answers": stored, "last_page": reached})
    return replace(response, answers=MappingProxyType(stored), last_page=reached)


_SAVE_PAGE = (
    update(Response)
    .where(Response.id == bindparam("response_id"), Response.status == "partial")
    .values({name: bindparam(name) for name in ("answers", "last_page")}))


def complete_response(session: Session, response: ResponseState, *, answers: Mapping[str, object],
                      page_index: int, submission_id: str | None = None,
                      profile: Mapping[str, object] | None = None) -> ResponseState:
    """Complete a response exactly once (compare-and-set on status='partial') and return it as
    now stored.

    Stores the final ``answers``, the completion time (``submitted_at``), ``submission_id`` as
    the idempotency key, and adds ``profile`` answers to the segment snapshot (invitation
    attributes win). The invitation, if any, becomes 'completed' (a second statement: call this
    inside :func:`write_once` without ``one_statement`` then). Raises ``AlreadySubmitted`` when
    another attempt completed it first (nothing is changed then).
    """
    values = {"status": "complete", "answers": dict(answers), "submitted_at": _now(),
              "last_page": max(response.last_page, page_index),
              "segment": {**dict(profile or {}), **dict(response.segment)},
              "idempotency_key": submission_id or None}
    result = session.connection().execute(_COMPLETE, {"response_id": response.id, **values})
    if result.rowcount != 1:
        raise AlreadySubmitted(f"response {response.id} is already complete")
    if response.invitation_id is not None:
        session.execute(update(Invitation).where(Invitation.id == response.invitation_id)
                        .values(status="completed"))
    _sync_loaded(session, response.id, values)
    return replace(response, status="complete", answers=MappingProxyType(values["answers"]),
                   segment=MappingProxyType(values["segment"]), last_page=values["last_page"])


def _sync_loaded(session: Session, response_id: int, values: Mapping[str, object]) -> None:
    """If ``session`` holds the response as an ORM object, give it what the row now holds
    (without reading it back), so later queries in the same session do not see it stale."""
    loaded = session.identity_map.get(session.identity_key(Response, response_id))
    if loaded is not None:
        for name, value in values.items():
            set_committed_value(loaded, name, value)


_COMPLETE = (
    update(Response)
    .where(Response.id == bindparam("response_id"), Response.status == "partial")
    .values({name: bindparam(name) for name in (
        "status", "answers", "submitted_at", "last_page", "segment", "idempotency_key")}))
