"""One-click opt-out (RFC 8058) and the unsubscribe page; opening a personal link is recorded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Invitation, OptOut
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.questionnaires import create_questionnaire, publish


@pytest.fixture
def invitation(app) -> Invitation:
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, acsi_standard()))
        made = Invitation(questionnaire_id=version.questionnaire_id, token="tok-unsub", customer_ref="C9",
                          email="Li.Lei@Example.com", language="zh_CN", status="pending")
        db.add(made)
        db.commit()
        return made


def opt_outs(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(o.address, o.customer_ref, o.source) for o in get_session().scalars(select(OptOut))]


def test_the_mail_programs_one_click_post_opts_out_without_a_session(app, client, invitation) -> None:
    reply = client.post("/s/u/tok-unsub", data={"List-Unsubscribe": "One-Click"})
    assert reply.status_code == 200
    assert "我们将不再向您发送任何问卷的邀请或提醒。" in reply.get_data(as_text=True)
    assert opt_outs(app) == [("li.lei@example.com", "C9", "one_click")]
    # Again: nothing more is stored, the answer is the same.
    assert client.post("/s/u/tok-unsub", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert len(opt_outs(app)) == 1


def test_the_page_asks_first_then_confirms_in_both_languages(app, client, invitation) -> None:
    html = client.get("/s/u/tok-unsub?lang=en").get_data(as_text=True)
    assert "Do you want to stop receiving our survey invitations and reminders?" in html
    assert opt_outs(app) == []
    reply = client.post("/s/u/tok-unsub?lang=en")
    assert "We will not send you invitations or reminders any more" in reply.get_data(as_text=True)
    assert opt_outs(app) == [("li.lei@example.com", "C9", "link")]
    assert "No more messages" in client.get("/s/u/tok-unsub?lang=en").get_data(as_text=True)


def test_an_unknown_token_is_a_polite_404(client) -> None:
    assert client.post("/s/u/nope", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_opening_a_personal_link_is_recorded_once(app, client, invitation) -> None:
    assert client.get("/s/i/tok-unsub").status_code == 200
    with app.app_context():
        first = get_session().get(Invitation, invitation.id).opened_at
    assert first is not None
    client.get("/s/i/tok-unsub")
    with app.app_context():
        assert get_session().get(Invitation, invitation.id).opened_at == first
