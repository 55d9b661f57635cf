"""Completing a survey on the web runs the follow-up rules in the same transaction. A task opens
for a customer someone can reach — an invited one here; an anonymous public-link detractor opens
none (tests/survey/services/test_followup_tasks.py covers consent with contact details)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import FollowUpTask, Invitation, Response
from survey.db import get_session
from support import WriteOutage


@pytest.fixture
def start(app, client, published, kit):
    """Start a response through a personal invitation (so a task has someone to reach)."""
    counter = iter(range(1, 1000))

    def go() -> str:
        token = f"closed-loop-{next(counter)}"
        with app.app_context():
            db = get_session()
            db.add(Invitation(questionnaire_id=published.questionnaire_id, token=token, customer_ref=token,
                              language="en", status="pending"))
            db.commit()
        html = client.get(f"/s/i/{token}?lang=en").get_data(as_text=True)
        reply = client.post(f"/s/i/{token}?lang=en", data={"csrf_token": kit.CSRF.search(html).group(1)})
        assert reply.status_code == 302, reply.get_data(as_text=True)
        return reply.headers["Location"]
    return go


def _complete(client, kit, start, nps: str) -> None:
    url = start()
    for page in (kit.PAGE1, {**kit.PAGE2, "nps": nps}, kit.PAGE3):
        html = client.get(url).get_data(as_text=True)
        tokens = kit.page_tokens(html)
        tokens["xs_shown"] = " ".join(tokens.get("xs_shown", "").split() + list(page))
        reply = client.post(url, data={**tokens, **page})
        assert reply.status_code == 302, reply.get_data(as_text=True)
        url = reply.headers["Location"]
    assert url.endswith("/done")


@pytest.mark.parametrize(("nps", "tasks"), [("3", 1), ("9", 0)])
def test_a_detractor_opens_a_follow_up_task(app, client, start, kit, nps, tasks) -> None:
    _complete(client, kit, start, nps)
    with app.app_context():
        db = get_session()
        response = db.scalars(select(Response)).one()
        assert response.status == "complete"
        found = db.scalars(select(FollowUpTask)).all()
        assert len(found) == tasks
        if tasks:
            assert found[0].response_id == response.id and found[0].status == "open"


def test_a_completion_and_its_task_are_written_together_or_not_at_all(app, client, start, kit, monkeypatch) -> None:
    url = start()
    pages = (kit.PAGE1, {**kit.PAGE2, "nps": "2"}, kit.PAGE3)
    for number, page in enumerate(pages):
        tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
        tokens["xs_shown"] = " ".join(tokens.get("xs_shown", "").split() + list(page))
        if number < len(pages) - 1:
            url = client.post(url, data={**tokens, **page}).headers["Location"]
    with WriteOutage(monkeypatch, only="INSERT INTO followup_tasks") as outage:
        reply = client.post(url, data={**tokens, **page})
    assert outage.failures == 1 and reply.status_code == 503
    with app.app_context():
        db = get_session()
        assert db.scalars(select(Response)).one().status == "partial"
        assert db.scalars(select(FollowUpTask)).all() == []
    assert client.post(url, data={**tokens, **page}).headers["Location"].endswith("/done")
    with app.app_context():
        db = get_session()
        assert db.scalars(select(Response)).one().status == "complete"
        assert len(db.scalars(select(FollowUpTask)).all()) == 1


def test_an_anonymous_detractor_opens_no_task(app, client, published, kit) -> None:
    html = client.get(f"/s/{published.public_token}?lang=en").get_data(as_text=True)
    url = client.post(f"/s/{published.public_token}?lang=en",
                      data={"csrf_token": kit.CSRF.search(html).group(1)}).headers["Location"]
    _complete(client, kit, lambda: url, "2")
    with app.app_context():
        db = get_session()
        assert db.scalars(select(Response)).one().status == "complete"
        assert db.scalars(select(FollowUpTask)).all() == []
