from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import ComplaintCase, Invitation
from models.followup import FollowUpTask
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services.collection import complete_response, current_version, start_response
from survey.services.complaint_cases import (
    ComplaintError, FollowUpRules, import_case_file, import_case_records, invite_due_cases,
    list_tasks, open_followup_tasks, update_task,
)
from survey.services.questionnaires import create_questionnaire
from survey.services.response_state import ResponseState
from survey.services.workspaces import default_workspace

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
HEADER = "case_id,customer_ref,category,channel,handler,resolution_status,opened_at,resolved_at,region,language\n"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_validates_every_row_and_imports_nothing_on_error(session, followup) -> None:
    data = (HEADER
            + "K1,C1,billing,phone,Wang,resolved,2026-06-01,2026-06-02,east,zh\n"
            + "K2,C2,billing,phone,Li,fixed,2026-06-01,2026-06-02,east,en\n"      # bad status
            + "K3,C3,billing,phone,Li,resolved,2026-06-05,2026-06-02,east,en\n"   # resolved < opened
            + "K4,C4,billing,phone,Li,resolved,2026-06-01,,east,en\n"             # no resolution time
            + "K1,C5,billing,phone,Li,open,yesterday,,east,en\n").encode()        # dup + bad date
    result = import_case_file(session, "cases.csv", data, now=NOW)
    assert {(p.row, p.column, p.rule) for p in result.report.problems} == {
        (3, "resolution_status", "choice"), (4, "resolved_at", "before_opened"),
        (5, "resolved_at", "resolved_at_required"), (6, "case_ref", "duplicate"),
        (6, "opened_at", "date")}
    assert count(session, ComplaintCase) == 0 and count(session, Invitation) == 0


def test_missing_columns_are_reported(session, followup) -> None:
    result = import_case_file(session, "cases.csv", b"case_id,customer_ref\nK1,C1\n", now=NOW)
    assert sorted(p.column for p in result.report.problems) == ["opened_at", "resolution_status"]


def test_resolved_case_is_invited_once_after_the_delay(session, followup) -> None:
    data = (HEADER
            + "K1,C1,billing,phone,Wang,resolved,2026-06-01,2026-06-02 09:00,east,en\n"
            + "K2,C2,delivery,web,Li,open,2026-06-08,,west,\n"
            + "K3,C3,delivery,web,Li,partly_resolved,2026-06-08,2026-06-10 08:00,west,\n").encode()
    result = import_case_file(session, "cases.csv", data, delay_hours=24, now=NOW)
    assert result.report.ok and (result.report.created, result.invited) == (3, 1)
    session.commit()
    invitation = session.scalars(select(Invitation)).one()
    case = session.scalars(select(ComplaintCase).where(ComplaintCase.case_ref == "K1")).one()
    assert invitation.complaint_case_id == case.id
    assert (invitation.questionnaire_id, invitation.customer_ref) == (followup.questionnaire_id, "C1")
    assert (invitation.language, invitation.segment) == (
        "en", {"region": "east", "complaint_category": "billing", "complaint_channel": "phone"})
    assert case.segment == {"region": "east", "language": "en"}

    # re-importing the same file updates the cases and invites nobody twice
    again = import_case_file(session, "cases.csv", data, delay_hours=24, now=NOW)
    assert (again.report.created, again.report.updated, again.invited) == (0, 3, 0)
    # a day later K3 is due; K1 still has its single invitation
    later = invite_due_cases(session, followup.questionnaire_id, delay_hours=24, now=NOW + timedelta(days=1))
    assert [i.customer_ref for i in later] == ["C3"] and later[0].language == "zh_CN"
    session.commit()
    assert count(session, Invitation) == 2


def test_json_records_use_the_same_rules(session, followup) -> None:
    records = [
        {"case_id": "J1", "customer_ref": "C1", "resolution_status": "resolved",
         "opened_at": "2026-06-01T08:00:00+08:00", "resolved_at": "2026-06-03T10:00:00Z",
         "handler": "Zhao", "segment": {"region": "north", "tier": "gold"}},
        {"case_id": "J2", "customer_ref": "", "resolution_status": "open", "opened_at": "2026-06-01"},
        "not an object",
    ]
    result = import_case_records(session, records[:2], now=NOW)
    assert [(p.row, p.column, p.rule) for p in result.report.problems] == [(2, "customer_ref", "required")]
    assert import_case_records(session, records, now=NOW).report.problems[0].rule == "not_object"
    good = import_case_records(session, records[:1], now=NOW)
    assert good.report.ok and good.invited == 1
    case = session.scalars(select(ComplaintCase)).one()
    assert case.segment == {"region": "north", "tier": "gold"} and case.handler == "Zhao"


def test_invite_needs_a_published_questionnaire(session) -> None:
    draft = create_questionnaire(session, complaint_followup())
    with pytest.raises(ComplaintError):
        invite_due_cases(session, draft.questionnaire_id, now=NOW)


def _answer(session, invitation: Invitation, answers: dict) -> ResponseState:
    response = start_response(session, current_version(session, invitation.questionnaire_id),
                              invitation=invitation, language="en")
    return complete_response(session, ResponseState.of(response), answers=answers, page_index=0)


def test_case_to_invitation_to_response_to_task(session, followup) -> None:
    data = (HEADER + "K1,C1,billing,phone,Wang,resolved,2026-06-01,2026-06-02,east,en\n"
            + "K2,C2,billing,phone,,resolved,2026-06-01,2026-06-02,east,en\n"
            + "K3,C3,billing,phone,Li,resolved,2026-06-01,2026-06-02,east,en\n").encode()
    assert import_case_file(session, "cases.csv", data, now=NOW).invited == 3
    session.commit()
    by_customer = {i.customer_ref: i for i in session.scalars(select(Invitation))}
    rules = FollowUpRules(default_owner="service-desk", due_days=2)
    unhappy = _answer(session, by_customer["C1"], {"resolution_status": "not", "resolution_satisfaction": 1, "nps": 3})
    detractor = _answer(session, by_customer["C2"], {"resolution_status": "fully", "resolution_satisfaction": 4, "nps": 6})
    happy = _answer(session, by_customer["C3"], {"resolution_status": "fully", "resolution_satisfaction": 5, "nps": 9})
    session.commit()
    assert by_customer["C1"].status == "completed"

    task = open_followup_tasks(session, unhappy, rules, now=NOW)
    assert task.reasons == ["unresolved", "low_resolution_satisfaction", "detractor"]
    assert (task.owner, task.status) == ("Wang", "open")  # the case handler
    assert task.complaint_case_id == by_customer["C1"].complaint_case_id
    assert task.due_at == NOW + timedelta(days=2)
    assert open_followup_tasks(session, unhappy, rules, now=NOW).id == task.id  # once
    second = open_followup_tasks(session, detractor, rules, now=NOW)
    assert (second.reasons, second.owner) == (["detractor"], "service-desk")  # no handler
    assert open_followup_tasks(session, happy, rules, now=NOW) is None
    session.commit()
    assert count(session, FollowUpTask) == 2

    assert [t.id for t in list_tasks(session, owner="Wang")] == [task.id]
    update_task(session, task, status="in_progress", notes="called back")
    assert [t.id for t in list_tasks(session, status="open")] == [second.id]
    with pytest.raises(ValueError):
        update_task(session, task, status="lost")


def test_invite_due_command(app, runner, followup) -> None:
    app.config["COMPLAINT_FOLLOWUP_DELAY_HOURS"] = 48
    with app.app_context():
        session = get_session()
        now = datetime.now(UTC)
        session.add_all([
            ComplaintCase(workspace_id=default_workspace(session).id, case_ref="D1", customer_ref="C1", resolution_status="resolved",
                          opened_at=now - timedelta(days=5), resolved_at=now - timedelta(days=3)),
            ComplaintCase(workspace_id=default_workspace(session).id, case_ref="D2", customer_ref="C2", resolution_status="resolved",
                          opened_at=now - timedelta(days=5), resolved_at=now - timedelta(days=1)),
        ])
        session.commit()
    result = runner.invoke(args=["complaints", "invite-due"])
    assert result.exit_code == 0 and "1 invitations created" in result.output
    assert "0 invitations created" in runner.invoke(args=["complaints", "invite-due"]).output


def test_segment_attributes_are_limited_so_the_followup_stays_within_the_shared_rule(session, followup) -> None:
    """28 attributes: the follow-up invitation adds complaint_category and complaint_channel and
    so carries at most MAX_ATTRIBUTES (30); 29, or 20,000 keys, are refused before any row."""
    base = {"case_id": "J1", "customer_ref": "C1", "resolution_status": "resolved",
            "opened_at": "2026-06-01", "resolved_at": "2026-06-02", "category": "billing",
            "channel": "phone"}
    ok = import_case_records(session, [{**base, "segment": {f"s{i}": "v" for i in range(28)}}], now=NOW)
    assert ok.report.ok and ok.invited == 1
    invitation = session.scalars(select(Invitation)).one()
    assert len(invitation.segment) == 30
    for keys in (29, 20_000):
        result = import_case_records(
            session, [{**base, "case_id": "J2", "segment": {f"s{i}": "v" for i in range(keys)}}], now=NOW)
        [problem] = result.report.problems
        assert problem.rule == "too_many_columns" and dict(problem.params)["limit"] == "28"
