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

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ComplaintCase, Invitation, Response
from models.followup import FOLLOWUP_STATUSES, FollowUpTask
from survey.services.response_state import ResponseState
from survey.services.upload_tables import aware


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


def sweep_followup_tasks(session: Session, rules: FollowUpRules, *, now: datetime | None = None) -> int:
    """Open tasks for complete responses linked to a case that have none yet (a safety net for
    responses completed through a path that did not call :func:`open_followup_tasks`)."""
    responses = session.scalars(
        select(Response).where(Response.status == "complete", Response.complaint_case_id.is_not(None),
                               Response.id.not_in(select(FollowUpTask.response_id)))
    ).all()
    return sum(open_followup_tasks(session, r, rules, now=now) is not None for r in responses)


# --- queue and lists --------------------------------------------------------------------------

def list_tasks(session: Session, *, owner: str | None = None, status: str | None = None,
               due_before: datetime | None = None, limit: int = 500) -> list[FollowUpTask]:
    """The follow-up queue, earliest due first, optionally filtered."""
    query = select(FollowUpTask)
    if owner:
        query = query.where(FollowUpTask.owner == owner)
    if status:
        query = query.where(FollowUpTask.status == status)
    if due_before is not None:
        query = query.where(FollowUpTask.due_at <= due_before)
    return list(session.scalars(query.order_by(FollowUpTask.due_at, FollowUpTask.id).limit(limit)))


def task_owners(session: Session) -> list[str]:
    return [o for o in session.scalars(select(FollowUpTask.owner).distinct().order_by(FollowUpTask.owner)) if o]


def update_task(session: Session, task: FollowUpTask, *, status: str | None = None,
                owner: str | None = None, notes: str | None = None,
                now: datetime | None = None) -> FollowUpTask:
    """Change a task's status, owner or notes. Raises ValueError for an unknown status."""
    if status is not None:
        if status not in FOLLOWUP_STATUSES:
            raise ValueError(f"status {status!r} is not one of {', '.join(FOLLOWUP_STATUSES)}")
        task.status = status
    if owner is not None:
        task.owner = owner.strip()[:128]
    if notes is not None:
        task.notes = notes
    task.updated_at = now or datetime.now(UTC)
    session.flush()
    return task


def is_overdue(task: FollowUpTask, now: datetime | None = None) -> bool:
    return task.status != "done" and aware(task.due_at) < (now or datetime.now(UTC))  # type: ignore[operator]
