"""Follow-up tasks: the end of the complaint closed loop.

When a follow-up response completes, :func:`open_followup_tasks` applies the
:class:`FollowUpRules` and opens a task (owner, status, due date) if the answers signal an
unresolved complaint, low resolution satisfaction or a detractor; the task belongs to the case
the response (or its invitation) came from. The queue lists, filters and updates tasks.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models import ComplaintCase, Invitation, Questionnaire, QuestionnaireVersion, Response
from models.followup import FOLLOWUP_STATUSES, FollowUpTask, FollowUpTaskEvent
from survey.db import begin_write
from survey.services.response_state import ResponseState
from survey.services.upload_tables import aware
from survey.services.workspaces import Scope, in_scope


@dataclass(frozen=True, slots=True)
class FollowUpRules:
    """When a follow-up response opens a task, and for whom.

    A task opens when ``resolution_status`` is one of ``unresolved_answers``, when
    ``resolution_satisfaction`` ≤ ``satisfaction_threshold`` (1–5 scale), or when ``nps`` ≤
    ``detractor_max`` (0–10). The owner is the case handler, else ``default_owner``; the task is
    due ``due_days`` after it opens.
    """

    unresolved_answers: frozenset[str] = frozenset({"not", "partly"})
    satisfaction_threshold: int = 2
    detractor_max: int = 6
    due_days: int = 3
    default_owner: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FollowUpRules:
        """Rules from ``FOLLOWUP_*`` settings (missing ones keep their defaults)."""
        values: dict[str, Any] = {}
        for name, key in (("satisfaction_threshold", "FOLLOWUP_SATISFACTION_THRESHOLD"),
                          ("detractor_max", "FOLLOWUP_DETRACTOR_MAX"),
                          ("due_days", "FOLLOWUP_DUE_DAYS"), ("default_owner", "FOLLOWUP_DEFAULT_OWNER")):
            if key in config:
                values[name] = config[key]
        if "FOLLOWUP_UNRESOLVED_ANSWERS" in config:
            values["unresolved_answers"] = frozenset(config["FOLLOWUP_UNRESOLVED_ANSWERS"])
        return cls(**values)

    def reasons(self, answers: Mapping[str, Any]) -> list[str]:
        """The reason codes these answers give for a task (empty: no task)."""
        found = []
        if answers.get("resolution_status") in self.unresolved_answers:
            found.append("unresolved")
        satisfaction = _number(answers.get("resolution_satisfaction"))
        if satisfaction is not None and satisfaction <= self.satisfaction_threshold:
            found.append("low_resolution_satisfaction")
        nps = _number(answers.get("nps"))
        if nps is not None and nps <= self.detractor_max:
            found.append("detractor")
        return found


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def open_followup_tasks(session: Session, response: Response | ResponseState, rules: FollowUpRules,
                        *, now: datetime | None = None) -> FollowUpTask | None:
    """Open a follow-up task for a complete response whose answers meet ``rules``.

    Returns the task (an existing one if the response already has it), or None when the answers
    meet no rule. The case comes from the response, else from its invitation. Flushed, not
    committed.
    """
    if response.status != "complete":
        return None
    reasons = rules.reasons(response.answers or {})
    if not reasons:
        return None
    existing = session.scalars(select(FollowUpTask).where(FollowUpTask.response_id == response.id)).first()
    if existing is not None:
        return existing
    if response.invitation_id is None and response.complaint_case_id is None and \
            not reachable_anonymous(session, response):
        return None  # nobody could act on it: an anonymous respondent left no way to reach them
    case_id = response.complaint_case_id
    if case_id is None and response.invitation_id is not None:
        invitation = session.get(Invitation, response.invitation_id)
        case_id = invitation.complaint_case_id if invitation is not None else None
    case = session.get(ComplaintCase, case_id) if case_id is not None else None
    now = now or datetime.now(UTC)
    task = FollowUpTask(response_id=response.id, complaint_case_id=case_id, reasons=reasons,
                        owner=(case.handler if case is not None and case.handler else rules.default_owner),
                        status="open", due_at=now + timedelta(days=rules.due_days))
    session.add(task)
    session.flush()
    return task


#: Answer variables whose codes start so hold contact details a respondent chose to leave.
CONTACT_PREFIX = "contact"
#: The answers the rules read (shown with a task in the queue).
TRIGGER_VARIABLES = ("resolution_status", "resolution_satisfaction", "nps")


def reachable_anonymous(session: Session, response: Response | ResponseState) -> bool:
    """An anonymous response (no invitation, no case) can be followed up only when the respondent
    accepted the questionnaire's consent statement and left contact details (an answer whose
    variable code starts with ``contact``, e.g. ``contact_phone``)."""
    answers = response.answers or {}
    if not any(str(code).startswith(CONTACT_PREFIX) and str(value).strip()
               for code, value in answers.items() if value not in (None, "", [])):
        return False
    consent_version = getattr(response, "consent_version", None)
    if consent_version is None:
        consent_version = session.scalar(select(Response.consent_version).where(Response.id == response.id))
    return consent_version is not None


def sweep_followup_tasks(session: Session, rules: FollowUpRules, *, now: datetime | None = None) -> int:
    """Open tasks for complete responses linked to a case that have none yet (a safety net for
    responses completed through a path that did not call :func:`open_followup_tasks`)."""
    responses = session.scalars(
        select(Response).where(Response.status == "complete", Response.complaint_case_id.is_not(None),
                               Response.id.not_in(select(FollowUpTask.response_id)))
    ).all()
    if responses:
        begin_write(session)  # after a read_first search: a task is opened (or found) under the lock
    return sum(open_followup_tasks(session, r, rules, now=now) is not None for r in responses)


# --- queue and lists --------------------------------------------------------------------------

def _scoped(query: Select, scope: Scope) -> Select:
    """``query`` (over FollowUpTask) kept to tasks whose response's questionnaire is in ``scope``."""
    if scope is None:
        return query
    return (query.join(Response, Response.id == FollowUpTask.response_id)
            .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
            .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
            .where(in_scope(Questionnaire.workspace_id, scope)))


def list_tasks(session: Session, *, owner: str | None = None, status: str | None = None,
               due_before: datetime | None = None, scope: Scope = None, limit: int = 500) -> list[FollowUpTask]:
    """The follow-up queue of the workspaces in ``scope``, earliest due first, optionally filtered."""
    query = _scoped(select(FollowUpTask), scope)
    if owner:
        query = query.where(FollowUpTask.owner == owner)
    if status:
        query = query.where(FollowUpTask.status == status)
    if due_before is not None:
        query = query.where(FollowUpTask.due_at <= due_before)
    return list(session.scalars(query.order_by(FollowUpTask.due_at, FollowUpTask.id).limit(limit)))


def task_owners(session: Session, scope: Scope = None) -> list[str]:
    return [o for o in session.scalars(_scoped(select(FollowUpTask.owner), scope).distinct()
                                       .order_by(FollowUpTask.owner)) if o]


def task_workspace(session: Session, task: FollowUpTask) -> int | None:
    """The workspace of the questionnaire a task's response answered."""
    return session.scalar(select(Questionnaire.workspace_id)
                          .join(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
                          .join(Response, Response.version_id == QuestionnaireVersion.id)
                          .where(Response.id == task.response_id))


_UNSET = object()


def update_task(session: Session, task: FollowUpTask, *, status: str | None = None,
                owner: str | None = None, notes: str | None = None, assignee: Any = _UNSET,
                actor: str = "", now: datetime | None = None) -> FollowUpTask:
    """Change a task's status, owner, notes or assignee (a :class:`User` or None; assigning makes
    the user's e-mail the owner). Each change of status, owner or assignee is kept in the task's
    history with ``actor``. Raises ValueError for an unknown status."""
    changes: dict[str, list] = {}
    if status is not None:
        if status not in FOLLOWUP_STATUSES:
            raise ValueError(f"status {status!r} is not one of {', '.join(FOLLOWUP_STATUSES)}")
        if status != task.status:
            changes["status"] = [task.status, status]
        task.status = status
    if assignee is not _UNSET:
        new_id = assignee.id if assignee is not None else None
        if new_id != task.assignee_id:
            changes["assignee"] = [task.assignee_id, new_id]
            task.assignee_id = new_id
            if assignee is not None:
                owner = assignee.email
    if owner is not None:
        owner = owner.strip()[:128]
        if owner != task.owner:
            changes["owner"] = [task.owner, owner]
        task.owner = owner
    if notes is not None:
        task.notes = notes
    task.updated_at = now or datetime.now(UTC)
    if changes:
        session.add(FollowUpTaskEvent(task_id=task.id, actor=actor[:254], changes=changes))
    session.flush()
    return task


def history(session: Session, task_ids: list[int]) -> dict[int, list[FollowUpTaskEvent]]:
    """Each task's changes, oldest first."""
    found: dict[int, list[FollowUpTaskEvent]] = {}
    if task_ids:
        for event in session.scalars(select(FollowUpTaskEvent).where(FollowUpTaskEvent.task_id.in_(task_ids))
                                     .order_by(FollowUpTaskEvent.id)):
            found.setdefault(event.task_id, []).append(event)
    return found


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What the queue shows with a task: who the customer is, which case, and the answers that
    opened it (with a way to the whole response)."""

    customer_ref: str
    case_ref: str
    questionnaire_id: int | None
    response_id: int
    triggers: dict[str, Any]
    workspace_id: int | None = None


def contexts(session: Session, tasks: list[FollowUpTask]) -> dict[int, TaskContext]:
    if not tasks:
        return {}
    rows = session.execute(
        select(FollowUpTask.id, Response.id, Response.answers, QuestionnaireVersion.questionnaire_id,
               Invitation.customer_ref, ComplaintCase.case_ref, ComplaintCase.customer_ref, Questionnaire.workspace_id)
        .join(Response, Response.id == FollowUpTask.response_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .outerjoin(Invitation, Invitation.id == Response.invitation_id)
        .outerjoin(ComplaintCase, ComplaintCase.id == FollowUpTask.complaint_case_id)
        .where(FollowUpTask.id.in_([t.id for t in tasks]))).all()
    found = {}
    for task_id, response_id, answers, questionnaire_id, invited_ref, case_ref, case_customer, workspace_id in rows:
        answers = answers or {}
        found[task_id] = TaskContext(
            customer_ref=invited_ref or case_customer or "", case_ref=case_ref or "",
            questionnaire_id=questionnaire_id, response_id=response_id,
            triggers={k: answers[k] for k in TRIGGER_VARIABLES if k in answers}, workspace_id=workspace_id)
    return found


def is_overdue(task: FollowUpTask, now: datetime | None = None) -> bool:
    return task.status != "done" and aware(task.due_at) < (now or datetime.now(UTC))  # type: ignore[operator]
