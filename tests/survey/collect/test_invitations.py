"""Personal invitation links: language, polite pages, one response per token, segment snapshot."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import Invitation, Response
from survey.db import get_session
from survey.services import collection as service
from survey.services.response_state import ResponseState


def _start(client, kit, token: str, query: str = ""):
    html = client.get(f"/s/i/{token}{query}").get_data(as_text=True)
    return client.post(f"/s/i/{token}{query}", data={"csrf_token": kit.CSRF.search(html).group(1)})


def test_language_comes_from_the_invitation_unless_the_link_says_otherwise(client, make_invitation) -> None:
    make_invitation("zh-token", language="zh_CN")
    make_invitation("en-token", language="en")
    zh = client.get("/s/i/zh-token").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh and "顾客调查" in zh
    en = client.get("/s/i/en-token", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in en and "Customer survey" in en
    assert "Customer survey" in client.get("/s/i/zh-token?lang=en").get_data(as_text=True)


def test_invitation_response_carries_a_segment_snapshot(app, client, make_invitation, kit) -> None:
    make_invitation("tok", language="en", segment={"region": "east", "tier": "gold"})
    reply = _start(client, kit, "tok")
    assert reply.status_code == 302
    with app.app_context():
        db = get_session()
        invitation = db.scalars(select(Invitation)).one()
        assert invitation.status == "started"
        invitation.segment = {"region": "west", "tier": "silver"}  # edited later
        db.commit()
        response = db.scalars(select(Response)).one()
        assert response.segment == {"region": "east", "tier": "gold"}
        assert response.language == "en" and response.invitation_id == invitation.id


def test_one_response_per_invitation_even_when_started_twice(app, client, make_invitation, kit) -> None:
    make_invitation("tok")
    first = _start(client, kit, "tok").headers["Location"]
    second = _start(app.test_client(), kit, "tok").headers["Location"]  # another device
    assert first == second
    with app.app_context():
        assert len(get_session().scalars(select(Response)).all()) == 1


def test_concurrent_starts_meet_the_unique_constraint(app, published, make_invitation) -> None:
    make_invitation("tok")
    with app.app_context():
        engine = get_session().get_bind()
    ids: list[int] = []
    barrier = threading.Barrier(4, timeout=30)

    def begin() -> None:
        with Session(engine, expire_on_commit=False) as own:
            invitation = own.scalars(select(Invitation)).one()
            version = service.current_version(own, invitation.questionnaire_id)
            own.commit()  # hold no transaction while waiting for the others
            barrier.wait()
            response = service.write_once(own, lambda: service.start_response(
                own, version, invitation=invitation, language="en"))
            ids.append(response.id)

    threads = [threading.Thread(target=begin) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(ids) == 4 and len(set(ids)) == 1


def test_used_closed_and_expired_invitations_get_polite_pages(app, client, make_invitation, kit) -> None:
    make_invitation("closed", status="closed")
    make_invitation("old", expires_at=datetime.now(UTC) - timedelta(days=1))
    make_invitation("fresh", expires_at=datetime.now(UTC) + timedelta(days=1))
    reply = client.get("/s/i/closed?lang=en")
    assert reply.status_code == 410 and "This survey is closed" in reply.get_data(as_text=True)
    reply = client.get("/s/i/old?lang=en")
    assert reply.status_code == 410 and "This invitation has expired" in reply.get_data(as_text=True)
    assert client.post("/s/i/old?lang=en", data={}).status_code in (400, 410)
    assert client.get("/s/i/fresh?lang=en").status_code == 200
    make_invitation("used")
    with app.app_context():
        db = get_session()
        invitation = db.scalars(select(Invitation).where(Invitation.token == "used")).one()
        version = service.current_version(db, invitation.questionnaire_id)
        response = service.start_response(db, version, invitation=invitation, language="en")
        service.complete_response(db, ResponseState.of(response), answers={}, page_index=0)
        db.commit()
        assert invitation.status == "completed"
    reply = client.get("/s/i/used?lang=en")
    assert reply.status_code == 200 and "already received" in reply.get_data(as_text=True)
    assert client.get(f"/s/r/{response.resume_token}/0?lang=en").status_code == 200


def test_starting_a_completed_invitation_in_the_service_is_refused(app, published, make_invitation) -> None:
    make_invitation("tok")
    with app.app_context():
        db = get_session()
        invitation = db.scalars(select(Invitation)).one()
        response = service.start_response(db, published, invitation=invitation, language="en")
        service.complete_response(db, ResponseState.of(response), answers={"x": 1}, page_index=0)
        db.commit()
        with pytest.raises(service.AlreadySubmitted):
            service.start_response(db, published, invitation=invitation, language="en")


def test_closing_an_invitation_stops_its_partial_response(app, client, make_invitation, kit) -> None:
    make_invitation("tok")
    page_url = _start(client, kit, "tok").headers["Location"]
    assert client.get(page_url).status_code == 200
    with app.app_context():
        db = get_session()
        db.scalars(select(Invitation)).one().status = "closed"
        db.commit()
    reply = client.get(page_url + "?lang=en")
    assert reply.status_code == 410 and "This survey is closed" in reply.get_data(as_text=True)


def test_public_link_follows_the_browser_language(client, published) -> None:
    html = client.get(f"/s/{published.public_token}", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Customer survey" in html
    html = client.get(f"/s/{published.public_token}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "顾客调查" in html


def test_completed_invitation_keeps_its_snapshot_with_profile_answers(app, client, make_invitation, kit) -> None:
    make_invitation("tok", segment={"region": "east", "tier": "gold"})
    url = _start(client, kit, "tok").headers["Location"]
    for data in (kit.PAGE1 | {"xs_shown": "intro region channel features new_customer since"},
                 kit.PAGE2, kit.PAGE3):
        tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
        if "xs_shown" in data:
            tokens["xs_shown"] = data.pop("xs_shown")
        url = client.post(url, data={**tokens, **data}).headers["Location"]
    assert url.endswith("/done")
    with app.app_context():
        db = get_session()
        invitation = db.scalars(select(Invitation)).one()
        assert invitation.status == "completed"
        invitation.segment = {"region": "north", "tier": "bronze", "new": True}
        db.commit()
        response = db.scalars(select(Response)).one()
        # Invitation attributes win over the profile answer of the same name.
        assert response.segment == {"region": "east", "tier": "gold", "channel": "web"}
        assert response.status == "complete" and response.submitted_at >= response.started_at.replace(tzinfo=response.submitted_at.tzinfo)


def test_outage_at_the_commit_of_an_invitation_completion_writes_neither_row(
        app, client, make_invitation, kit, monkeypatch) -> None:
    # Completing an invitation's response writes two rows (response and invitation) in one
    # transaction; when its commit fails, neither changes and trying again completes it once.
    make_invitation("tok")
    url = _start(client, kit, "tok").headers["Location"]
    for data in (kit.PAGE1 | {"xs_shown": "intro region channel features new_customer since"}, kit.PAGE2):
        tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
        tokens["xs_shown"] = data.pop("xs_shown", tokens.get("xs_shown", ""))
        url = client.post(url, data={**tokens, **data}).headers["Location"]
    form = {**kit.page_tokens(client.get(url).get_data(as_text=True)), **kit.PAGE3}

    def outage(self) -> None:
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", outage)
    reply = client.post(url + "?lang=en", data=form)
    monkeypatch.undo()
    assert reply.status_code == 503 and "could not save your answers just now" in reply.get_data(as_text=True)
    with app.app_context():
        db = get_session()
        assert db.scalars(select(Response)).one().status == "partial"
        assert db.scalars(select(Invitation)).one().status == "started"
    assert client.post(url, data=form).headers["Location"].endswith("/done")
    with app.app_context():
        db = get_session()
        assert [r.status for r in db.scalars(select(Response))] == ["complete"]
        assert db.scalars(select(Invitation)).one().status == "completed"


def test_outage_when_starting_shows_try_again_and_creates_nothing(app, client, make_invitation, kit, monkeypatch) -> None:
    make_invitation("tok")
    html = client.get("/s/i/tok").get_data(as_text=True)

    def outage(self) -> None:
        raise OperationalError("COMMIT", {}, Exception("connection refused"))

    monkeypatch.setattr(Session, "commit", outage)
    reply = client.post("/s/i/tok?lang=en", data={"csrf_token": kit.CSRF.search(html).group(1)})
    monkeypatch.undo()
    assert reply.status_code == 503 and "Please try again in a moment." in reply.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Response)).all() == []
        assert get_session().scalars(select(Invitation)).one().status == "pending"


def test_error_messages_follow_the_invitation_language(client, make_invitation, kit) -> None:
    make_invitation("tok", language="en")
    url = _start(client, kit, "tok").headers["Location"]
    tokens = kit.page_tokens(client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    reply = client.post(url, data={**tokens, **kit.PAGE1, "region": ""},
                        headers={"Accept-Language": "zh-CN"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and '<html lang="en">' in html
    assert "This question needs an answer." in html and "Which region are you in?" in html
