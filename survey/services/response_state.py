"""What a respondent's page needs to know about a response, read with one light query.

Every answer a customer gives goes through the resume, page and done views, and each needs the
response, its version and whether the questionnaire is still active. Loading those as three ORM
objects cost about three times what the columns themselves cost to read, so these views read the
few columns they need with one Core statement into two frozen snapshots.

Snapshots are not tracked by the ORM Session: a write goes through
``survey.services.collection`` (``save_page``, ``complete_response``), which returns the new
state instead of refreshing an object.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from models import Questionnaire, QuestionnaireVersion, Quota, Response


def accepts_responses(version_state: str, questionnaire_status: str, close_at: datetime | None = None, *,
                      now: datetime | None = None) -> bool:
    """A published version of a questionnaire that is not archived and whose close date (if
    any) has not come accepts responses."""
    if version_state != "published" or questionnaire_status != "active":
        return False
    if close_at is None:
        return True
    close_at = close_at if close_at.tzinfo is not None else close_at.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) < close_at


@dataclass(frozen=True, slots=True)
class VersionState:
    """The version a response answers: what its pages show and whether it is still open."""

    id: int
    questionnaire_id: int
    state: str
    public_token: str | None
    title_zh: str
    title_en: str
    questionnaire_status: str
    close_at: datetime | None = None
    embed_origins: str = ""  # the sites allowed to frame its pages (survey/security_headers.py)
    has_quotas: bool = True  # False: its questionnaire has no quota, a completion need not read them

    @property
    def is_open(self) -> bool:
        return accepts_responses(self.state, self.questionnaire_status, self.close_at)


@dataclass(frozen=True, slots=True)
class ResponseState:
    """A response as stored when it was read (``answers`` and ``segment`` are read-only views)."""

    id: int
    resume_token: str
    version_id: int
    invitation_id: int | None
    complaint_case_id: int | None
    status: str
    language: str
    answers: Mapping[str, Any]
    segment: Mapping[str, Any]
    last_page: int

    @classmethod
    def of(cls, response: Response) -> ResponseState:
        """The snapshot of an ORM response (as its attributes hold now)."""
        return cls(response.id, response.resume_token, response.version_id, response.invitation_id,
                   response.complaint_case_id, response.status, response.language,
                   MappingProxyType(dict(response.answers or {})),
                   MappingProxyType(dict(response.segment or {})), response.last_page)


_R = Response.__table__.c
_V = QuestionnaireVersion.__table__.c
_Q = Questionnaire.__table__.c
_BY_RESUME_TOKEN = (
    select(_R.id, _R.resume_token, _R.version_id, _R.invitation_id, _R.complaint_case_id, _R.status,
           _R.language, _R.answers, _R.segment, _R.last_page,
           _V.questionnaire_id, _V.state, _V.public_token, _V.title_zh, _V.title_en,
           _Q.status.label("questionnaire_status"), _Q.close_at, _Q.embed_origins,
           exists().where(Quota.__table__.c.questionnaire_id == _V.questionnaire_id).label("has_quotas"))
    .join_from(Response.__table__, QuestionnaireVersion.__table__, _V.id == _R.version_id)
    .join(Questionnaire.__table__, _Q.id == _V.questionnaire_id)
    .where(_R.resume_token == bindparam("token")))


def response_state(session: Session, resume_token: str) -> tuple[ResponseState, VersionState] | None:
    """The response whose resume token is ``resume_token`` and its version (one query), or None."""
    row = session.connection().execute(_BY_RESUME_TOKEN, {"token": resume_token}).first()
    if row is None:
        return None
    response = ResponseState(
        row.id, row.resume_token, row.version_id, row.invitation_id, row.complaint_case_id,
        row.status, row.language, MappingProxyType(row.answers or {}),
        MappingProxyType(row.segment or {}), row.last_page)
    version = VersionState(row.version_id, row.questionnaire_id, row.state, row.public_token,
                           row.title_zh, row.title_en, row.questionnaire_status, row.close_at, row.embed_origins or "",
                           bool(row.has_quotas))
    return response, version
