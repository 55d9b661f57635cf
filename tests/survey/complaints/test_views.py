from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import ComplaintCase, Invitation, Response
from models.followup import FollowUpTask
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services.collection import current_version
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token
from survey.services.workspaces import default_workspace

HEADER = "case_id,customer_ref,handler,resolution_status,opened_at,resolved_at,region\n"


@pytest.fixture
def followup_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, complaint_followup()))
        session.commit()
        return version.questionnaire_id


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def post_cases(client, data: bytes, questionnaire_id: int, lang: str = "en"):
    path = f"/complaints/import?lang={lang}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "questionnaire": str(questionnaire_id),
                                   "file": (io.BytesIO(data), "cases.csv")},
                       content_type="multipart/form-data")


def test_import_page_reports_errors_and_imports_nothing(app, client, login_as, followup_id) -> None:
    login_as("analyst")
    response = post_cases(client, (HEADER + "K1,C1,Wang,closed,2026-01-01,2026-01-02,east\n").encode(), followup_id)
    assert response.status_code == 422
    assert "Must be one of: open, resolved, partly_resolved, unresolved." in response.get_data(as_text=True)
    assert count(app, ComplaintCase) == 0
    response = post_cases(client, (HEADER + "K1,C1,Wang,closed,2026-01-01,2026-01-02,east\n").encode(),
                          followup_id, lang="zh_CN")
    assert "必须是以下之一" in response.get_data(as_text=True)


def test_import_page_imports_and_invites_resolved_cases(app, client, login_as, followup_id) -> None:
    login_as("designer")
    data = (HEADER + "K1,C1,Wang,resolved,2026-01-01,2026-01-02,east\n"
            + "K2,C2,Li,open,2026-01-01,,west\n").encode()
    response = post_cases(client, data, followup_id)
    assert response.status_code == 302
    html = client.get("/complaints/?lang=en").get_data(as_text=True)
    assert "2 cases added, 0 updated, 1 customers invited." in html
    assert "K1" in html and "Not invited" in html and "Invited" in html
    assert count(app, Invitation) == 1
    # re-import: no second invitation
    assert post_cases(client, data, followup_id).status_code == 302
    assert count(app, Invitation) == 1


def _task(app, followup_id: int, owner: str, due_in_days: int) -> int:
    with app.app_context():
        session = get_session()
        version = current_version(session, followup_id)
        response = Response(version_id=version.id, resume_token=f"r-{owner}", status="complete",
                            answers={"nps": 2})
        session.add(response)
        session.flush()
        task = FollowUpTask(response_id=response.id, reasons=["detractor"], owner=owner,
                            due_at=datetime.now(UTC) + timedelta(days=due_in_days))
        session.add(task)
        session.commit()
        return task.id


def test_task_queue_filters_and_status_update(app, client, login_as, followup_id) -> None:
    late = _task(app, followup_id, "Wang", -1)
    later = _task(app, followup_id, "Li", 20)
    login_as("analyst")
    html = client.get("/complaints/tasks?lang=en").get_data(as_text=True)
    assert f"#{late}" in html and f"#{later}" in html and "Overdue" in html
    html = client.get("/complaints/tasks?lang=en&owner=Li").get_data(as_text=True)
    assert f"#{later}" in html and f"#{late}" not in html
    html = client.get("/complaints/tasks?lang=en&due=overdue").get_data(as_text=True)
    assert f"#{late}" in html and f"#{later}" not in html

    page = client.get("/complaints/tasks?lang=zh_CN").get_data(as_text=True)
    token = re.search(rf'name="t{late}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/complaints/tasks/{late}", data={
        f"t{late}-csrf_token": token, f"t{late}-status": "done", f"t{late}-owner": "Zhao",
        f"t{late}-notes": "refund sent"})
    assert response.status_code == 302
    with app.app_context():
        task = get_session().get(FollowUpTask, late)
        assert (task.status, task.owner, task.notes) == ("done", "Zhao", "refund sent")
    html = client.get("/complaints/tasks?lang=en&status=open").get_data(as_text=True)
    assert f"#{late}" not in html and f"#{later}" in html


def test_task_update_needs_csrf(app, client, login_as, followup_id) -> None:
    task_id = _task(app, followup_id, "Wang", 1)
    login_as("analyst")
    client.post(f"/complaints/tasks/{task_id}", data={f"t{task_id}-status": "done"})
    with app.app_context():
        assert get_session().get(FollowUpTask, task_id).status == "open"


def test_pages_render_in_both_languages_and_viewer_is_forbidden(client, login_as, followup_id) -> None:
    login_as("designer")
    for lang in ("en", "zh_CN"):
        for path in ("/complaints/", "/complaints/import", "/complaints/tasks"):
            assert client.get(f"{path}?lang={lang}").status_code == 200, path
    assert client.post("/complaints/invite-due", data={"csrf_token": csrf_token(client, "/complaints/")}).status_code == 302


def test_viewer_is_forbidden(client, login_as) -> None:
    login_as("viewer")
    assert client.get("/complaints/tasks").status_code == 403


def test_the_queue_names_the_customer_and_case_and_assigning_tells_the_assignee(
        app, client, login_as, make_user, followup_id) -> None:
    from models import ComplaintCase
    from smtp_server import SmtpServer

    with app.app_context():
        session = get_session()
        version = current_version(session, followup_id)
        case = ComplaintCase(workspace_id=default_workspace(session).id, case_ref="CASE-42", customer_ref="CUST-7", opened_at=datetime.now(UTC))
        session.add(case)
        session.flush()
        response = Response(version_id=version.id, resume_token="r-ctx", status="complete",
                            answers={"nps": 1, "resolution_status": "not"}, complaint_case_id=case.id)
        session.add(response)
        session.flush()
        task = FollowUpTask(response_id=response.id, complaint_case_id=case.id, reasons=["detractor"],
                            due_at=datetime.now(UTC) - timedelta(days=1))
        session.add(task)
        session.commit()
        task_id, response_id = task.id, response.id
    worker = make_user("designer", "worker@example.com")
    login_as("analyst")
    page = client.get("/complaints/tasks?lang=zh_CN").get_data(as_text=True)
    assert "CUST-7" in page and "CASE-42" in page and "触发任务的回答" in page
    assert f"/responses/{followup_id}/{response_id}" in page and 'class="task overdue"' in page
    token = re.search(rf'name="t{task_id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        reply = client.post(f"/complaints/tasks/{task_id}", data={
            f"t{task_id}-csrf_token": token, f"t{task_id}-status": "in_progress",
            f"t{task_id}-assignee": str(worker.id), f"t{task_id}-owner": "", f"t{task_id}-notes": ""})
    assert reply.status_code == 302
    (message,) = server.messages
    assert message["To"].addresses[0].addr_spec == "worker@example.com" and f"#{task_id}" in message["Subject"]
    with app.app_context():
        stored = get_session().get(FollowUpTask, task_id)
        assert (stored.assignee_id, stored.owner, stored.status) == (worker.id, "worker@example.com", "in_progress")
    page = client.get("/complaints/tasks?lang=en").get_data(as_text=True)
    assert "History" in page and "analyst@example.com" in page and "open → in_progress" in page
