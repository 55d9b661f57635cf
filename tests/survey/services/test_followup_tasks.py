"""Follow-up tasks: the rules that open them, opening once, the sweep, the queue."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import ComplaintCase, Response
from models.followup import FollowUpTask
from survey.services.followup_tasks import (
    FollowUpRules, is_overdue, list_tasks, open_followup_tasks, sweep_followup_tasks, update_task,
)
from survey.services.response_state import ResponseState
from survey.services.workspaces import default_workspace

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def test_partial_response_opens_no_task_and_rules_are_configurable(session, followup) -> None:
    response = Response(version_id=followup.id, resume_token="r", status="partial",
                        answers={"nps": 0})
    session.add(response)
    session.flush()
    assert open_followup_tasks(session, response, FollowUpRules()) is None
    strict = FollowUpRules.from_config({"FOLLOWUP_DETRACTOR_MAX": 8, "FOLLOWUP_SATISFACTION_THRESHOLD": 3})
    assert strict.reasons({"nps": 8, "resolution_satisfaction": 3}) == ["low_resolution_satisfaction", "detractor"]
    assert FollowUpRules().reasons({"nps": 8, "resolution_satisfaction": 3}) == []
    assert FollowUpRules().reasons({"resolution_status": "partly"}) == ["unresolved"]


def test_sweep_opens_tasks_for_linked_responses(session, followup) -> None:
    case = ComplaintCase(workspace_id=default_workspace(session).id, case_ref="S1", customer_ref="C", resolution_status="resolved",
                         opened_at=NOW, resolved_at=NOW, handler="Sun")
    session.add(case)
    session.flush()
    session.add(Response(version_id=followup.id, resume_token="s", status="complete",
                         complaint_case_id=case.id, answers={"resolution_status": "not"}))
    session.flush()
    assert sweep_followup_tasks(session, FollowUpRules(), now=NOW) == 1
    assert sweep_followup_tasks(session, FollowUpRules(), now=NOW) == 0
    assert session.scalars(select(FollowUpTask)).one().owner == "Sun"


@pytest.mark.parametrize("answers, reasons", [
    ({"nps": "3"}, ["detractor"]),  # numbers as stored text count too
    ({"nps": True}, []), ({"nps": "n/a"}, []), ({"resolution_satisfaction": None}, []),
    ({"resolution_status": "fully", "resolution_satisfaction": 2, "nps": 7},
     ["low_resolution_satisfaction"]),
])
def test_reasons_read_only_numbers_and_the_configured_answers(answers, reasons) -> None:
    assert FollowUpRules().reasons(answers) == reasons


def test_a_snapshot_opens_its_task_once_and_the_queue_tracks_it(session, followup) -> None:
    case = ComplaintCase(workspace_id=default_workspace(session).id, case_ref="K-1", customer_ref="C-1", opened_at=NOW)
    session.add(case)
    session.flush()
    row = Response(version_id=followup.id, resume_token="t", status="complete", answers={"nps": 1},
                   complaint_case_id=case.id)
    session.add(row)
    session.flush()
    rules = FollowUpRules(default_owner="desk", due_days=1)
    task = open_followup_tasks(session, ResponseState.of(row), rules, now=NOW)
    assert (task.reasons, task.owner, task.due_at) == (["detractor"], "desk", NOW + timedelta(days=1))
    assert open_followup_tasks(session, ResponseState.of(row), rules, now=NOW).id == task.id
    assert is_overdue(task, NOW + timedelta(days=2)) and not is_overdue(task, NOW)
    update_task(session, task, status="done", now=NOW)
    assert not is_overdue(task, NOW + timedelta(days=2))
    assert [t.id for t in list_tasks(session, status="done")] == [task.id]
    with pytest.raises(ValueError, match="status 'lost' is not one of"):
        update_task(session, task, status="lost")


def test_an_anonymous_detractor_opens_a_task_only_with_consent_and_contact_details(session, followup) -> None:
    rules = FollowUpRules()
    nobody = Response(version_id=followup.id, resume_token="a1", status="complete", answers={"nps": 1})
    no_consent = Response(version_id=followup.id, resume_token="a2", status="complete",
                          answers={"nps": 1, "contact_phone": "13800138000"})
    reachable = Response(version_id=followup.id, resume_token="a3", status="complete", consent_version=1,
                         consented_at=NOW, answers={"nps": 1, "contact_phone": "13800138000"})
    session.add_all([nobody, no_consent, reachable])
    session.flush()
    assert open_followup_tasks(session, nobody, rules, now=NOW) is None
    assert open_followup_tasks(session, no_consent, rules, now=NOW) is None
    assert open_followup_tasks(session, reachable, rules, now=NOW) is not None
    assert open_followup_tasks(session, ResponseState.of(reachable), rules, now=NOW) is not None


def test_changes_are_kept_in_the_task_history(session, followup) -> None:
    from models import User
    from survey.services.followup_tasks import contexts, history

    case = ComplaintCase(workspace_id=default_workspace(session).id, case_ref="K-9", customer_ref="C-9", opened_at=NOW)
    user = User(email="li@example.com", name="Li", role="analyst", password_hash="x")
    session.add_all([case, user])
    session.flush()
    row = Response(version_id=followup.id, resume_token="h", status="complete", complaint_case_id=case.id,
                   answers={"nps": 2, "resolution_status": "not", "comment": "slow"})
    session.add(row)
    session.flush()
    task = open_followup_tasks(session, row, FollowUpRules(), now=NOW)
    update_task(session, task, assignee=user, actor="lead@example.com", now=NOW)
    update_task(session, task, status="in_progress", actor="li@example.com", now=NOW)
    update_task(session, task, notes="called back", actor="li@example.com", now=NOW)  # notes: no history entry
    events = history(session, [task.id])[task.id]
    assert [e.changes for e in events] == [{"assignee": [None, user.id], "owner": ["", "li@example.com"]},
                                           {"status": ["open", "in_progress"]}]
    assert [e.actor for e in events] == ["lead@example.com", "li@example.com"]
    ctx = contexts(session, [task])[task.id]
    assert (ctx.customer_ref, ctx.case_ref, ctx.response_id) == ("C-9", "K-9", row.id)
    assert ctx.triggers == {"resolution_status": "not", "nps": 2}
