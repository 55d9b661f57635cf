from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import ComplaintCase, Invitation, Response
from models.api_tokens import ApiToken
from models.followup import FollowUpTask
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services.api_tokens import create_token, revoke_token
from survey.services.questionnaires import create_questionnaire, publish
from support import WriteOutage
from survey.services.workspaces import default_workspace

GOOD = {"resolution_status": "fully", "first_contact": True, "handle": 9,
        "resolution_satisfaction": 5, "repurchase": 8, "people_told": 0, "nps": 9}


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, complaint_followup()))
        session.commit()
        return version.questionnaire_id


def make_token(app, role: str = "designer") -> str:
    with app.app_context():
        session = get_session()
        _token, secret = create_token(session, f"crm-{role}", role=role)
        session.commit()
        return secret


@pytest.fixture
def auth(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(app)}"}


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def submit(client, questionnaire_id: int, body: dict, headers: dict):
    return client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses", json=body, headers=headers)


def test_every_api_route_needs_a_token(app, client, questionnaire_id) -> None:
    routes = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")
              and r.rule != "/api/v1/openapi.json"]
    assert len(routes) >= 3
    for rule in routes:
        url = rule.rule.replace("<int:questionnaire_id>", str(questionnaire_id))
        method = "POST" if "POST" in rule.methods else "GET"
        for headers in ({}, {"Authorization": "Bearer xs_wrong"}, {"Authorization": "Basic abc"}):
            response = client.open(url, method=method, json={}, headers=headers)
            assert response.status_code == 401, (url, headers)
            assert response.is_json and response.json["error"]["status"] == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_role_scopes(app, client, questionnaire_id) -> None:
    viewer = make_token(app, "viewer")
    headers = {"Authorization": f"Bearer {viewer}"}
    assert client.get(f"/api/v1/questionnaires/{questionnaire_id}/counts", headers=headers).status_code == 200
    denied = submit(client, questionnaire_id, {"client_id": "a", "answers": GOOD}, headers)
    assert denied.status_code == 403 and denied.json["error"]["status"] == 403
    with app.app_context():
        session = get_session()
        token = session.scalars(select(ApiToken)).one()
        assert token.last_used_at is not None and len(token.token_hash) == 64
        assert viewer not in (token.token_hash, token.name)
        revoke_token(session, token.id)
        session.commit()
    assert client.get(f"/api/v1/questionnaires/{questionnaire_id}/counts", headers=headers).status_code == 401


def test_submit_complete_response_and_idempotency(app, client, auth, questionnaire_id) -> None:
    body = {"client_id": "crm-0001", "answers": GOOD, "language": "en", "segment": {"region": "north"}}
    first = submit(client, questionnaire_id, body, auth)
    assert first.status_code == 201, first.json
    assert first.json["status"] == "complete" and first.json["version"] == 1
    again = submit(client, questionnaire_id, json.loads(json.dumps(body)), auth)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    conflict = submit(client, questionnaire_id, {**body, "answers": {**GOOD, "nps": 3}}, auth)
    assert conflict.status_code == 409 and conflict.json["error"]["response_id"] == first.json["id"]
    assert count(app, Response) == 1
    with app.app_context():
        response = get_session().scalars(select(Response)).one()
        assert (response.channel, response.status, response.language) == ("api", "complete", "en")
        assert response.answers["first_contact"] == "yes" and response.answers["nps"] == 9
        assert response.segment["region"] == "north"
        assert response.idempotency_key == "api:crm-0001"


def test_validation_errors_are_422_per_field(app, client, auth, questionnaire_id) -> None:
    body = {"client_id": "crm-0002", "language": "en",
            "answers": {**GOOD, "resolution_status": "maybe", "nps": 11, "handle": "x", "colour": "red"}}
    response = submit(client, questionnaire_id, body, auth)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields["answers.resolution_status"] == ["Choose one of the options listed."]
    assert fields["answers.nps"] == ["Enter a number between 0 and 10."]
    assert fields["answers.handle"] == ["Enter a whole number."]
    assert "answers.colour" in fields
    missing = submit(client, questionnaire_id, {"client_id": "c3", "answers": {"resolution_status": "not"}}, auth)
    assert missing.status_code == 422
    assert missing.json["error"]["fields"]["answers.nps"] == ["This question needs an answer."]
    shape = submit(client, questionnaire_id, {"answers": [], "extra": 1}, auth)
    assert shape.status_code == 422
    assert set(shape.json["error"]["fields"]) == {"client_id", "answers", "extra"}
    not_json = client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses", data="x", headers=auth)
    assert not_json.status_code == 400
    assert submit(client, 999, {"client_id": "z", "answers": GOOD}, auth).status_code == 404
    assert count(app, Response) == 0


def test_hidden_answers_are_dropped_like_on_the_web(app, client, auth, questionnaire_id) -> None:
    answers = {**GOOD, "resolution_status": "not", "first_contact": True, "people_told": 0,
               "told_valence": "negative"}
    assert submit(client, questionnaire_id, {"client_id": "h", "answers": answers}, auth).status_code == 201
    with app.app_context():
        stored = get_session().scalars(select(Response)).one().answers
    assert "first_contact" not in stored and "told_valence" not in stored


def test_case_import_to_api_response_to_task_and_counts(app, client, auth, questionnaire_id) -> None:
    resolved = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    cases = {"cases": [
        {"case_id": "K1", "customer_ref": "C1", "resolution_status": "resolved", "handler": "Wang",
         "opened_at": "2026-01-01", "resolved_at": resolved, "segment": {"region": "east"}},
        {"case_id": "K2", "customer_ref": "C2", "resolution_status": "open", "opened_at": "2026-01-01"},
    ]}
    bad = client.post("/api/v1/complaint-cases", json={"cases": [{"case_id": "K9"}]}, headers=auth)
    assert bad.status_code == 422
    assert {p["column"] for p in bad.json["error"]["report"]["problems"]} == {
        "customer_ref", "resolution_status", "opened_at"}
    imported = client.post("/api/v1/complaint-cases", json=cases, headers=auth)
    assert imported.status_code == 200, imported.json
    assert (imported.json["created"], imported.json["invited"]) == (2, 1)
    assert client.post("/api/v1/complaint-cases", json=cases, headers=auth).json["invited"] == 0
    with app.app_context():
        invitation = get_session().scalars(select(Invitation)).one()
        token, case_id = invitation.token, invitation.complaint_case_id

    answers = {**GOOD, "resolution_status": "partly", "resolution_satisfaction": 2, "nps": 4}
    response = submit(client, questionnaire_id, {"client_id": "call-1", "answers": answers,
                                                 "invitation_token": token}, auth)
    assert response.status_code == 201, response.json
    assert response.json["complaint_case_id"] == case_id and response.json["followup_task_id"]
    with app.app_context():
        session = get_session()
        task = session.get(FollowUpTask, response.json["followup_task_id"])
        assert task.reasons == ["unresolved", "low_resolution_satisfaction", "detractor"]
        assert task.owner == "Wang" and task.complaint_case_id == case_id
        assert session.scalars(select(Invitation)).one().status == "completed"
    used = submit(client, questionnaire_id, {"client_id": "call-2", "answers": GOOD,
                                             "invitation_token": token}, auth)
    assert used.status_code == 409

    submit(client, questionnaire_id, {"client_id": "batch-1", "answers": GOOD, "channel": "import"}, auth)
    counts = client.get(f"/api/v1/questionnaires/{questionnaire_id}/counts", headers=auth).json
    assert counts["total"] == {"complete": 2, "partial": 0}
    assert counts["versions"][0]["channels"] == {"api": {"complete": 1, "partial": 0},
                                                 "import": {"complete": 1, "partial": 0}}
    assert client.get("/api/v1/questionnaires/999/counts", headers=auth).status_code == 404


def test_openapi_document_lists_every_api_route(app, client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.get_data(as_text=True))
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    registered = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
            registered |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == registered
    refs = re.findall(r'"#/components/schemas/(\w+)"', json.dumps(document))
    assert refs and set(refs) <= set(document["components"]["schemas"])
    for item in document["paths"].values():
        for operation in item.values():
            assert "401" in operation["responses"] or operation["security"] == []


def test_unknown_api_path_is_json_404(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_concurrent_identical_submissions_store_one_response(app, auth, questionnaire_id) -> None:
    """Parallel repeats of one client_id (a CRM retrying): one 201, the others 200, one row."""
    body = {"client_id": "retry-1", "answers": GOOD}
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def post() -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(submit(client, questionnaire_id, body, auth).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 200, 201]
    assert count(app, Response) == 1


def test_other_processes_see_a_revocation_and_an_archive_within_the_live_window(
        app, client, questionnaire_id, monkeypatch) -> None:
    """Each process remembers a token and the current version for LIVE_SECONDS; a change made
    by another process (here: plain SQL, which clears no cache) shows once that has passed."""
    from weakref import WeakKeyDictionary

    from sqlalchemy import update

    from models import Questionnaire
    from survey.services import live_cache

    # A clock the test moves (a sleep raced the window on a loaded machine), and fresh caches
    # that read it.
    clock = [1000.0]
    monkeypatch.setattr(live_cache, "monotonic", lambda: clock[0])
    monkeypatch.setattr(live_cache, "_REGISTRY", WeakKeyDictionary())
    headers = {"Authorization": f"Bearer {make_token(app)}"}
    assert submit(client, questionnaire_id, {"client_id": "a", "answers": GOOD}, headers).status_code == 201
    with app.app_context():
        session = get_session()
        session.execute(update(ApiToken).values(revoked_at=datetime.now(UTC)))
        session.execute(update(Questionnaire).values(status="archived"))
        session.commit()
    # Still remembered by this process: accepted ...
    assert submit(client, questionnaire_id, {"client_id": "b", "answers": GOOD}, headers).status_code == 201
    clock[0] += live_cache.LIVE_SECONDS + 0.1
    # ... and refused once the window has passed.
    assert submit(client, questionnaire_id, {"client_id": "c", "answers": GOOD}, headers).status_code == 401
    fresh = {"Authorization": f"Bearer {make_token(app)}"}
    assert submit(client, questionnaire_id, {"client_id": "d", "answers": GOOD}, fresh).status_code == 404


def test_archiving_or_publishing_in_this_process_applies_at_once(app, client, auth, questionnaire_id) -> None:
    from models import Questionnaire
    from survey.services.questionnaires import archive, editable_draft

    assert submit(client, questionnaire_id, {"client_id": "a", "answers": GOOD}, auth).json["version"] == 1
    with app.app_context():
        session = get_session()
        publish(session, editable_draft(session, questionnaire_id))
        session.commit()
    assert submit(client, questionnaire_id, {"client_id": "b", "answers": GOOD}, auth).json["version"] == 2
    with app.app_context():
        session = get_session()
        archive(session, session.get(Questionnaire, questionnaire_id))
        session.commit()
    gone = submit(client, questionnaire_id, {"client_id": "c", "answers": GOOD}, auth)
    assert gone.status_code == 404 and "has no published version" in gone.json["error"]["message"]


@pytest.mark.parametrize("failing", ["INSERT INTO followup_tasks", "INSERT INTO responses"])
def test_an_outage_mid_submission_stores_nothing_and_a_retry_stores_it_once(
        app, client, auth, questionnaire_id, monkeypatch, failing) -> None:
    # A detractor's response and its follow-up task are written together or not at all (a task
    # opens for a customer someone can reach: here the complaint case the call was about).
    with app.app_context():
        db = get_session()
        db.add(ComplaintCase(workspace_id=default_workspace(db).id, case_ref="CASE-9", customer_ref="C-9", opened_at=datetime.now(UTC)))
        db.commit()
    assert submit(client, questionnaire_id, {"client_id": "call-1", "answers": GOOD}, auth).status_code == 201
    body = {"client_id": "call-9", "answers": {**GOOD, "nps": 2}, "case_ref": "CASE-9"}
    with WriteOutage(monkeypatch, only=failing) as outage:
        reply = submit(client, questionnaire_id, body, auth)
    assert outage.failures == 1
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
    assert "try again" in reply.json["error"]["message"]
    documented = client.get("/api/v1/openapi.json").json["paths"]["/questionnaires/{questionnaire_id}/responses"]
    assert "503" in documented["post"]["responses"]
    assert count(app, Response) == 1 and count(app, FollowUpTask) == 0  # only the first call's
    again = submit(client, questionnaire_id, body, auth)
    assert again.status_code == 201 and again.json["followup_task_id"]
    assert submit(client, questionnaire_id, body, auth).status_code == 200
    assert count(app, Response) == 2 and count(app, FollowUpTask) == 1
