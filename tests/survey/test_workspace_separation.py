"""Workspace separation, walked over the whole URL map and the API: a designer, analyst or viewer
of workspace A gets 403 or 404 on every route that names an object of workspace B (a
questionnaire, a version's question, a response, an invitation, a follow-up task, an analysis
run), never sees B's names in a list, and changes nothing of B by any request; an API token held
to A gets 404 for B. An admin reaches the same URLs (so the ids are real and the 404s are the
workspace rule, not missing rows)."""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import (AnalysisRun, ComplaintCase, FileJob, FollowUpTask, Invitation, Question, Questionnaire,
                    QuestionnaireVersion, ReportSchedule, Response, ImportJob)
from support import csrf_token, login
from survey.auth.roles import PUBLIC_ATTRIBUTE
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services import workspaces
from survey.services.accounts import create_user
from survey.services.api_tokens import create_token
from survey.services.collection import current_version
from survey.services.demo import seed_demo, seed_demo_analysis
from survey.services.questionnaires import create_questionnaire, publish

MARKER = "WSB-SECRET"


@dataclass(frozen=True)
class Worlds:
    a: int
    b: int
    ids: dict[str, str]          # URL parameter → an object of workspace B
    a_questionnaire: int


@pytest.fixture
def worlds(app: Flask) -> Worlds:
    with app.app_context():
        session = get_session()
        a = workspaces.default_workspace(session).id
        seed_demo(session)
        session.commit()
        run_ids = seed_demo_analysis(session)
        b = workspaces.create_workspace(session, "Workspace B").id
        for questionnaire in session.scalars(select(Questionnaire)):
            questionnaire.workspace_id = b
            questionnaire.title_en = f"{MARKER} {questionnaire.title_en}"
            questionnaire.title_zh = f"{MARKER} {questionnaire.title_zh}"
        complaint = session.scalars(select(Questionnaire).where(Questionnaire.kind == "complaint_followup")).one()
        version = current_version(session, complaint.id)
        resolved = datetime.now(UTC) - timedelta(days=10)
        due_case = ComplaintCase(workspace_id=b, case_ref=f"{MARKER}-DUE", customer_ref=f"{MARKER}-C1",
                                 resolution_status="resolved", opened_at=resolved, resolved_at=resolved)
        case = ComplaintCase(workspace_id=b, case_ref=f"{MARKER}-CASE", customer_ref=f"{MARKER}-C2",
                             resolution_status="unresolved", opened_at=resolved, resolved_at=resolved)
        session.add_all([due_case, case])
        session.flush()
        invitation = Invitation(questionnaire_id=complaint.id, token="wsb-invitation", customer_ref=f"{MARKER}-C3",
                                language="en", status="pending")
        response = Response(version_id=version.id, resume_token="wsb-response", status="complete",
                            answers={"nps": 1, "resolution_status": "not", "comment": MARKER},
                            complaint_case_id=case.id)
        session.add_all([invitation, response])
        session.flush()
        task = FollowUpTask(response_id=response.id, complaint_case_id=case.id, reasons=["detractor"],
                            owner=f"{MARKER}@example.com", due_at=datetime.now(UTC) + timedelta(days=3))
        session.add(task)
        # Workspace A: a published follow-up questionnaire of its own (so "invite due" has work to try).
        own = publish(session, create_questionnaire(session, complaint_followup(), workspace_id=a))
        session.flush()
        code = session.scalars(select(Question.code).where(Question.version_id == version.id)).first()
        run = session.scalars(select(AnalysisRun).where(AnalysisRun.id.in_(run_ids),
                                                        AnalysisRun.questionnaire_id == complaint.id)).one()
        # A report PDF made for a member of B (file jobs: owner or admin, within the workspace).
        b_member = create_user(session, email=f"{MARKER.lower()}@example.com", password="correct horse battery staple",
                               role="analyst")
        workspaces.set_memberships(session, b_member, {b})
        job = FileJob(kind="pdf", owner_id=b_member.id, workspace_id=b, questionnaire_id=complaint.id, run_id=run.id,
                      parameters={"format": "pdf", "language": "en"}, file_name=f"{MARKER}.pdf",
                      file_path="wsb.pdf", status="failed", message_code="pdf_failed",
                      message_parameters={"reason": MARKER})
        session.add(job)
        # A scheduled report of B's questionnaire, mailed to B's people.
        schedule = ReportSchedule(questionnaire_id=complaint.id, frequency="weekly", period_days=30, language="en",
                                  recipients=[f"{MARKER.lower()}@example.com"], parameters={},
                                  next_run_at=datetime.now(UTC) + timedelta(days=7))
        session.add(schedule)
        # A large invitation upload of B's, imported by the worker.
        upload = ImportJob(workspace_id=b, questionnaire_id=complaint.id, owner_id=b_member.id, status="failed",
                           filename=f"{MARKER}.csv",
                           report={"rows": 1, "created": 0, "problems": [
                               {"row": 2, "column": "customer_ref", "value": MARKER, "rule": "duplicate", "params": [["first", "1"]]}]})
        session.add(upload)
        session.commit()
        ids = {"questionnaire_id": str(complaint.id), "run_id": str(run.id), "response_id": str(response.id),
               "task_id": str(task.id), "invitation_id": str(invitation.id), "index": "0", "code": code,
               "export_format": "json", "job_id": str(job.id), "schedule_id": str(schedule.id), "action": "send",
               "import_id": str(upload.id)}
        return Worlds(a=a, b=b, ids=ids, a_questionnaire=own.questionnaire_id)


#: What a page needs beyond its path to answer 200 (so that the admin's control is meaningful).
QUERIES = {"design.new_question": "?type=text"}


def _routes(app: Flask, ids: dict[str, str]) -> list[tuple[str, str, frozenset[str], bool]]:
    """(url, method, roles, names a B object) for every guarded route."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or getattr(view, PUBLIC_ATTRIBUTE, False):
            continue
        if rule.endpoint.startswith("auth."):  # one's own account: signing out would end the walk
            continue
        names_object = False

        def fill(match: re.Match[str]) -> str:
            nonlocal names_object
            converter, arguments, name = match.groups()
            if name in ids:
                names_object = names_object or name not in ("index", "export_format", "action")
                return ids[name]
            if converter == "any":
                return arguments.split(",")[0].strip().strip("'\"")
            return "x"

        url = re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", fill, rule.rule) + QUERIES.get(rule.endpoint, "")
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        found.append((url, method, view.required_roles, names_object))
    return found


def _snapshot(app: Flask, b: int) -> dict[str, object]:
    """Everything of workspace B a request could change."""
    with app.app_context():
        session = get_session()
        own = select(Questionnaire.id).where(Questionnaire.workspace_id == b)
        versions = select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id.in_(own))
        return {
            "questionnaires": sorted(session.execute(
                select(Questionnaire.id, Questionnaire.title_en, Questionnaire.status, Questionnaire.workspace_id,
                       Questionnaire.close_at, Questionnaire.consent_version, Questionnaire.embed_origins)
                .where(Questionnaire.workspace_id == b)).all()),
            "versions": sorted(session.execute(select(QuestionnaireVersion.id, QuestionnaireVersion.state)
                                               .where(QuestionnaireVersion.id.in_(versions))).all()),
            "responses": sorted(session.execute(select(Response.id, Response.flag, Response.status)
                                                .where(Response.version_id.in_(versions))).all()),
            "invitations": sorted(session.execute(select(Invitation.id, Invitation.status)
                                                  .where(Invitation.questionnaire_id.in_(own))).all()),
            "cases": sorted(session.execute(select(ComplaintCase.id, ComplaintCase.case_ref, ComplaintCase.customer_ref)
                                            .where(ComplaintCase.workspace_id == b)).all()),
            "tasks": sorted(session.execute(select(FollowUpTask.id, FollowUpTask.status, FollowUpTask.owner,
                                                   FollowUpTask.assignee_id)).all()),
            "runs": session.scalar(select(func.count()).select_from(AnalysisRun)
                                   .where(AnalysisRun.questionnaire_id.in_(own))),
            "file_jobs": sorted(session.execute(select(FileJob.id, FileJob.status)
                                                .where(FileJob.questionnaire_id.in_(own))).all()),
            "schedules": sorted(session.execute(select(ReportSchedule.id, ReportSchedule.active,
                                                       ReportSchedule.next_run_at)
                                                .where(ReportSchedule.questionnaire_id.in_(own))).all()),
        }


@pytest.mark.parametrize("role", ["designer", "analyst", "viewer"])
def test_a_member_of_workspace_a_reaches_nothing_of_workspace_b(app: Flask, client, make_user, worlds: Worlds,
                                                               role: str) -> None:
    user = make_user(role)
    with app.app_context():
        session = get_session()
        assert workspaces.member_ids(session, user.id) == {worlds.a}
    assert login(client, user.email).status_code == 302
    before = _snapshot(app, worlds.b)
    token = csrf_token(client, "/")
    walked, wrong = 0, []
    for url, method, roles, names_object in _routes(app, worlds.ids):
        if role not in roles:
            continue
        response = client.open(url + ("&" if "?" in url else "?") + "lang=en", method=method,
                               data={"csrf_token": token})
        body = response.get_data()  # bytes: QR codes are PNG
        response.close()
        if names_object and response.status_code not in (403, 404):
            wrong.append((method, url, response.status_code))
        elif response.status_code >= 500 or MARKER.encode() in body:
            wrong.append((method, url, response.status_code, MARKER.encode() in body))
        walked += 1
    assert wrong == []
    assert walked >= {"designer": 40, "analyst": 15, "viewer": 5}[role]
    if role in ("analyst", "viewer"):
        run_id = worlds.ids["run_id"]
        compared = client.get(f"/reports/runs/compare?a={run_id}&b={run_id}", follow_redirects=True)
        assert MARKER not in compared.get_data(as_text=True)
    if role == "analyst":
        chooser = client.get(f"/reports/runs/new?questionnaire_id={worlds.ids['questionnaire_id']}")
        assert MARKER not in chooser.get_data(as_text=True)
    assert _snapshot(app, worlds.b) == before


def test_an_admin_reaches_the_same_urls(app: Flask, client, login_as, worlds: Worlds) -> None:
    """The control: B's ids are real, so the walk above saw the workspace rule at work."""
    login_as("admin")
    checked = 0
    for url, method, _roles, names_object in _routes(app, worlds.ids):
        if names_object and method == "GET":
            response = client.get(url)
            response.close()
            assert response.status_code not in (403, 404), (url, response.status_code)
            checked += 1
    assert checked >= 20
    assert MARKER in client.get("/design/").get_data(as_text=True)
    assert MARKER in client.get("/complaints/tasks").get_data(as_text=True)


def test_a_member_of_both_workspaces_sees_both(app: Flask, client, make_user, worlds: Worlds) -> None:
    user = make_user("designer")
    with app.app_context():
        session = get_session()
        workspaces.set_memberships(session, session.get(type(user), user.id), {worlds.a, worlds.b})
        session.commit()
    assert login(client, user.email).status_code == 302
    listing = client.get("/design/?lang=en").get_data(as_text=True)
    assert MARKER in listing and "Workspace B" in listing  # the workspace column appears
    assert client.get(f"/design/{worlds.ids['questionnaire_id']}").status_code == 200
    assert client.get(f"/responses/{worlds.ids['questionnaire_id']}/{worlds.ids['response_id']}").status_code == 200


def test_an_api_token_held_to_workspace_a_gets_404_for_workspace_b(app: Flask, client, worlds: Worlds) -> None:
    with app.app_context():
        session = get_session()
        _token, held = create_token(session, "A only", role="designer", workspace_id=worlds.a)
        _token, everywhere = create_token(session, "install", role="designer")
        session.commit()
    before = _snapshot(app, worlds.b)
    b_questionnaire = worlds.ids["questionnaire_id"]

    def call(method: str, path: str, secret: str, body: object | None = None):
        return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {secret}"},
                           data=json.dumps(body) if body is not None else None, content_type="application/json")

    assert call("GET", f"/questionnaires/{b_questionnaire}/counts", held).status_code == 404
    assert call("GET", f"/questionnaires/{b_questionnaire}/counts", everywhere).status_code == 200
    assert call("GET", f"/questionnaires/{worlds.a_questionnaire}/counts", held).status_code == 200
    submitted = call("POST", f"/questionnaires/{b_questionnaire}/responses", held,
                     {"client_id": "wsb-1", "answers": {"nps": 9}})
    assert submitted.status_code == 404 and MARKER not in submitted.get_data(as_text=True)
    # B's follow-up questionnaire is unknown to the token; B's case reference is not B's case.
    refused = call("POST", "/complaint-cases", held, {"followup_questionnaire_id": int(b_questionnaire), "cases": [
        {"case_id": "NEW-1", "customer_ref": "X", "resolution_status": "open", "opened_at": "2026-01-01"}]})
    assert refused.status_code == 404
    imported = call("POST", "/complaint-cases", held, {"cases": [
        {"case_id": f"{MARKER}-CASE", "customer_ref": "someone-else", "resolution_status": "open",
         "opened_at": "2026-01-01"}]})
    assert imported.status_code == 200 and imported.get_json()["created"] == 1
    linked = call("POST", f"/questionnaires/{worlds.a_questionnaire}/responses", held,
                  {"client_id": "wsa-1", "answers": {}, "case_ref": "no-such-case"})
    assert linked.status_code in (201, 422)
    assert _snapshot(app, worlds.b) == before
    with app.app_context():
        copies = get_session().execute(select(ComplaintCase.workspace_id, ComplaintCase.customer_ref)
                                       .where(ComplaintCase.case_ref == f"{MARKER}-CASE")).all()
    assert sorted(copies) == sorted([(worlds.a, "someone-else"), (worlds.b, f"{MARKER}-C2")])


def test_workspace_b_cases_are_not_invited_to_workspace_a(app: Flask, client, make_user, worlds: Worlds) -> None:
    """"Invite due customers" of an A member invites A's due cases with A's questionnaire only;
    the tick invites B's due case with B's own follow-up questionnaire."""
    user = make_user("analyst")
    assert login(client, user.email).status_code == 302
    path = "/complaints/import?lang=en"
    data = ("case_id,customer_ref,resolution_status,opened_at,resolved_at\n"
            "A-1,A-CUST,resolved,2026-01-01,2026-01-02\n").encode()
    reply = client.post(path, data={"csrf_token": csrf_token(client, path), "questionnaire": str(worlds.a_questionnaire),
                                    "file": (io.BytesIO(data), "cases.csv")}, content_type="multipart/form-data")
    assert reply.status_code == 302
    with app.app_context():
        session = get_session()
        invited = dict(session.execute(select(Invitation.customer_ref, Invitation.questionnaire_id)
                                       .where(Invitation.complaint_case_id.is_not(None))).all())
        assert invited == {"A-CUST": worlds.a_questionnaire}
        from survey.mail.sending import tick
        app.config["MAIL_URL"] = ""
        tick(session)
        invited = dict(session.execute(select(Invitation.customer_ref, Invitation.questionnaire_id)
                                       .where(Invitation.complaint_case_id.is_not(None))).all())
    b_questionnaire = int(worlds.ids["questionnaire_id"])
    assert invited == {"A-CUST": worlds.a_questionnaire, f"{MARKER}-C1": b_questionnaire, f"{MARKER}-C2": b_questionnaire}


def test_a_designer_creates_only_in_their_own_workspaces(app: Flask, client, make_user, worlds: Worlds) -> None:
    user = make_user("designer")
    assert login(client, user.email).status_code == 302
    path = "/design/new?lang=en"
    page = client.get(path).get_data(as_text=True)
    assert "Workspace B" not in page  # one workspace: no choice to make
    refused = client.post(path, data={"csrf_token": csrf_token(client, path), "title_en": "Sneaky",
                                      "workspace": str(worlds.b)})
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
    created = client.post(path, data={"csrf_token": csrf_token(client, path), "title_en": "Mine"})
    assert created.status_code == 302
    with app.app_context():
        mine = get_session().scalars(select(Questionnaire).where(Questionnaire.title_en == "Mine")).one()
        assert mine.workspace_id == worlds.a
        assert get_session().scalar(select(func.count()).select_from(Questionnaire)
                                    .where(Questionnaire.title_en == "Sneaky")) == 0
