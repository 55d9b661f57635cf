"""The response inbox: a questionnaire's responses, newest first, filtered and paged by keyset
(``id < before``: the 10,000th page costs what the first does), and one response with what
surrounds it. Marking as test or spam keeps a response out of analyses and exports; deleting it
removes it with its follow-up task. Pure SQL, no Flask.

Filters: status, version, period (submitted, or started for partial responses), a segment
attribute's value, an answer's value, "opened a follow-up task", the flag, and a search in the
text answers — ``LIKE`` over each text value (``json_each`` on SQLite, ``jsonb_each`` on
PostgreSQL, case-insensitive there), which finds Chinese as well as any other script because it
matches characters, not words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, exists, func, or_, select, text
from sqlalchemy.orm import Session

from models import ComplaintCase, FollowUpTask, Invitation, QuestionnaireVersion, Response

PAGE_SIZE = 50
FLAGS = ("test", "spam")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


class InboxFilterError(ValueError):
    """A filter value breaks a rule (the message names it)."""


@dataclass(frozen=True, slots=True)
class InboxFilter:
    status: str | None = None            # complete, partial
    version_id: int | None = None
    since: datetime | None = None        # aware, inclusive
    until: datetime | None = None        # aware, exclusive
    segment_key: str = ""
    segment_value: str = ""
    answer_key: str = ""
    answer_value: str = ""
    has_task: bool = False
    flag: str = "unflagged"              # unflagged, test, spam, any
    search: str = ""

    def check(self) -> "InboxFilter":
        if self.status not in (None, "complete", "partial"):
            raise InboxFilterError(f"status {self.status!r} must be complete or partial")
        if self.flag not in ("unflagged", "any", *FLAGS):
            raise InboxFilterError(f"flag {self.flag!r} must be unflagged, any, test or spam")
        for name, key in (("segment attribute", self.segment_key), ("answer variable", self.answer_key)):
            if key and not _KEY.match(key):
                raise InboxFilterError(f"{name} {key[:70]!r} must start with a letter and hold only letters, "
                                       "digits and _ (at most 64)")
        if len(self.search) > 200 or len(self.segment_value) > 200 or len(self.answer_value) > 200:
            raise InboxFilterError("a filter value has at most 200 characters")
        return self


def _like(value: str) -> str:
    return "%" + value.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _text_search(session: Session, words: str):
    """Some text answer of the response holds ``words``."""
    pattern = _like(words)
    if session.get_bind().dialect.name == "postgresql":
        return text("EXISTS (SELECT 1 FROM jsonb_each(responses.answers) AS e "
                    "WHERE jsonb_typeof(e.value) = 'string' AND (e.value #>> '{}') ILIKE :pattern ESCAPE '!')"
                    ).bindparams(pattern=pattern)
    return text("EXISTS (SELECT 1 FROM json_each(responses.answers) AS e "
                "WHERE e.type = 'text' AND e.value LIKE :pattern ESCAPE '!')").bindparams(pattern=pattern)


def _json_text(column, key: str):
    """``column[key]`` as text on both databases (numbers as their digits)."""
    return cast(column[key].as_string(), String)


def conditions(session: Session, questionnaire_id: int, f: InboxFilter) -> list:
    versions = select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    conditions = [Response.version_id.in_(versions.scalar_subquery())]
    if f.status:
        conditions.append(Response.status == f.status)
    if f.version_id is not None:
        conditions.append(Response.version_id == f.version_id)
    moment = func.coalesce(Response.submitted_at, Response.started_at)
    if f.since is not None:
        conditions.append(moment >= f.since)
    if f.until is not None:
        conditions.append(moment < f.until)
    if f.segment_key and f.segment_value:
        conditions.append(_json_text(Response.segment, f.segment_key) == f.segment_value)
    if f.answer_key and f.answer_value:
        answered = _json_text(Response.answers, f.answer_key)
        conditions.append(or_(answered == f.answer_value,
                              # a multiple-choice answer holds a list: match one of its codes
                              cast(Response.answers[f.answer_key], String).like(_like(f'"{f.answer_value}"'),
                                                                                escape="!")))
    if f.has_task:
        conditions.append(exists().where(FollowUpTask.response_id == Response.id))
    if f.flag == "unflagged":
        conditions.append(Response.flag == "")
    elif f.flag in FLAGS:
        conditions.append(Response.flag == f.flag)
    if f.search.strip():
        conditions.append(_text_search(session, f.search.strip()))
    return conditions


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    version_number: int
    status: str
    flag: str
    language: str
    channel: str
    started_at: datetime
    submitted_at: datetime | None
    segment: dict
    has_task: bool


#: First id window a page reads (then 8×, 64×, ... until the page is full or the ids run out).
FIRST_WINDOW = 4_096


def page(session: Session, questionnaire_id: int, f: InboxFilter, *, before: int | None = None,
         size: int | None = None) -> list[InboxRow]:
    """One page of responses (``size``, else :data:`PAGE_SIZE`), newest (highest id) first, older
    than ``before``.

    Read in id windows below ``before`` that grow eightfold: a filter on a JSON value has no
    statistics, so for ``ORDER BY id DESC LIMIT 50`` PostgreSQL would guess it rare, read every
    matching version's rows and sort them (600 ms at 1,000,000 responses for a filter a third
    of them pass). A bounded id range keeps it on the primary key: a common filter fills the page
    from the first window, a rare one takes a few more."""
    size = size or PAGE_SIZE
    where = conditions(session, questionnaire_id, f.check())
    task = exists().where(FollowUpTask.response_id == Response.id).label("has_task")
    query = (select(Response.id, QuestionnaireVersion.number, Response.status, Response.flag, Response.language,
                    Response.channel, Response.started_at, Response.submitted_at, Response.segment, task)
             .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id))
    upper = before if before is not None else (session.scalar(select(func.max(Response.id))) or 0) + 1
    lowest = session.scalar(select(func.min(Response.id))) or 0
    rows: list = []
    window = FIRST_WINDOW
    while len(rows) < size and upper > lowest:
        floor = upper - window
        bounds = [Response.id < upper] + ([Response.id >= floor] if floor > lowest else [])
        rows += session.execute(query.where(and_(*where, *bounds))
                                .order_by(Response.id.desc()).limit(size - len(rows))).all()
        upper, window = floor, window * 8
    return [InboxRow(*row) for row in rows]


def count(session: Session, questionnaire_id: int, f: InboxFilter) -> int:
    return session.scalar(select(func.count(Response.id)).where(and_(*conditions(session, questionnaire_id,
                                                                                   f.check())))) or 0


@dataclass(frozen=True, slots=True)
class ResponseDetail:
    response: Response
    version: QuestionnaireVersion
    invitation: Invitation | None
    case: ComplaintCase | None
    tasks: list[FollowUpTask]


def detail(session: Session, questionnaire_id: int, response_id: int) -> ResponseDetail | None:
    """One response of the questionnaire with its version, invitation, case and tasks."""
    found = session.execute(
        select(Response, QuestionnaireVersion).join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
        .where(Response.id == response_id, QuestionnaireVersion.questionnaire_id == questionnaire_id)).first()
    if found is None:
        return None
    response, version = found
    invitation = session.get(Invitation, response.invitation_id) if response.invitation_id else None
    case = session.get(ComplaintCase, response.complaint_case_id) if response.complaint_case_id else None
    tasks = list(session.scalars(select(FollowUpTask).where(FollowUpTask.response_id == response.id)))
    return ResponseDetail(response, version, invitation, case, tasks)


def set_flag(session: Session, response: Response, flag: str) -> None:
    if flag not in ("", *FLAGS):
        raise InboxFilterError(f"flag {flag!r} must be test, spam or empty")
    response.flag = flag
    session.flush()


def delete_response(session: Session, response: Response) -> None:
    """Delete a response (its follow-up task goes with it; its invitation stays, as completed)."""
    session.delete(response)
    session.flush()
