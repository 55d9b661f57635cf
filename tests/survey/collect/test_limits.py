"""Close date, response limit and quotas as respondents, API clients and designers meet them."""
from __future__ import annotations

import re

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import Invitation, Questionnaire, Quota, Response
from survey.db import get_session
from survey.questionnaire.document import Choice, Page, Question, Questionnaire as Document, Texts
from survey.services import quotas
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish

T = Texts


def document() -> Document:
    return Document(title=T("问卷", "Survey"), pages=(Page("p1", T("第一页", "Page 1"), (
        Question("name", "text", T("姓名", "Your name")),
        Question("colour", "single_choice", T("颜色", "Colour"), choices=(
            Choice("red", T("红", "Red")), Choice("blue", T("蓝", "Blue")))),
    )),))


@pytest.fixture
def version(app):
    with app.app_context():
        db = get_session()
        made = publish(db, create_questionnaire(db, document()))
        db.commit()
        return made


def set_limits(app, version, *, limit=None, lines="", close_at=None) -> None:
    with app.app_context():
        db = get_session()
        quotas.set_limits(db, db.get(Questionnaire, version.questionnaire_id), close_at=close_at, limit=limit,
                          rules=quotas.parse_quota_lines(lines))
        db.commit()


def start(app, kit, lang="en"):
    """A new browser starts a response on the public link: (client, page URL)."""
    client = app.test_client()
    html = client.get(f"/s/{_token(app)}?lang={lang}").get_data(as_text=True)
    reply = client.post(f"/s/{_token(app)}?lang={lang}", data={"csrf_token": kit.CSRF.search(html).group(1)})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    return client, reply.headers["Location"]


def _token(app) -> str:
    with app.app_context():
        return get_session().scalars(select(Questionnaire.public_token)).one()


def answer(client, kit, url, **answers):
    tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
    return client.post(url, data={**tokens, **answers})


def complete_count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Response).where(Response.status == "complete"))


def test_a_full_answer_quota_screens_out_politely_and_keeps_nothing_extra(app, kit, version) -> None:
    set_limits(app, version, lines="answer.colour = red : 1")
    first, first_url = start(app, kit)
    second, second_url = start(app, kit)
    assert answer(first, kit, first_url, name="A", colour="red").status_code == 302
    reply = answer(second, kit, second_url, name="B", colour="red")
    assert reply.status_code == 200
    assert "We already have all the answers we need from people like you" in reply.get_data(as_text=True)
    assert complete_count(app) == 1
    # Another colour is still welcome.
    third, third_url = start(app, kit)
    assert answer(third, kit, third_url, name="C", colour="blue").status_code == 302
    assert complete_count(app) == 2
    with app.app_context():
        assert get_session().scalars(select(Quota.filled)).one() == 1


def test_a_reached_response_limit_screens_out_at_the_start_in_both_languages(app, kit, version) -> None:
    set_limits(app, version, limit=1)
    client, url = start(app, kit)
    assert answer(client, kit, url, name="A").status_code == 302
    html = app.test_client().get(f"/s/{_token(app)}?lang=zh_CN").get_data(as_text=True)
    assert "与您情况相同的受访者的回答已经足够" in html
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Response)) == 1  # no new response started


def test_a_segment_quota_screens_out_an_invitation_at_the_start(app, kit, version) -> None:
    set_limits(app, version, lines="segment.region = north : 1")
    with app.app_context():
        db = get_session()
        db.add_all([Invitation(questionnaire_id=version.questionnaire_id, token=f"tok-{n}", customer_ref=f"C{n}",
                               language="en", segment={"region": "north"}, status="pending") for n in (1, 2)])
        db.commit()
    client = app.test_client()
    html = client.get("/s/i/tok-1").get_data(as_text=True)
    reply = client.post("/s/i/tok-1", data={"csrf_token": kit.CSRF.search(html).group(1)})
    assert answer(client, kit, reply.headers["Location"], name="A").status_code == 302
    assert "We already have all the answers we need" in app.test_client().get("/s/i/tok-2").get_data(as_text=True)


def test_after_the_close_date_every_link_is_closed(app, kit, version) -> None:
    client, url = start(app, kit)  # started while open
    set_limits(app, version, close_at=datetime.now(UTC) - timedelta(minutes=1))
    assert app.test_client().get(f"/s/{_token(app)}?lang=en").status_code == 410
    reply = answer(client, kit, url, name="late")
    assert reply.status_code == 410 and "This survey is closed" in reply.get_data(as_text=True)
    assert complete_count(app) == 0


def test_the_api_answers_409_for_a_full_quota_or_a_closed_survey(app, client, version) -> None:
    with app.app_context():
        db = get_session()
        _t, secret = create_token(db, "crm", role="designer")
        db.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/questionnaires/{version.questionnaire_id}/responses"
    set_limits(app, version, lines="answer.colour = blue : 1")
    assert client.post(url, json={"client_id": "a", "answers": {"colour": "blue"}}, headers=headers).status_code == 201
    reply = client.post(url, json={"client_id": "b", "answers": {"colour": "blue"}}, headers=headers)
    assert reply.status_code == 409
    assert "answer.colour = blue (1 of 1) is full" in reply.get_json()["error"]["message"]
    set_limits(app, version, lines="answer.colour = blue : 1", close_at=datetime.now(UTC) - timedelta(seconds=1))
    reply = client.post(url, json={"client_id": "c", "answers": {"colour": "red"}}, headers=headers)
    assert reply.status_code == 409 and "accepts no more responses" in reply.get_json()["error"]["message"]
    assert complete_count(app) == 1


def test_designers_set_limits_on_a_page_that_names_bad_lines(app, client, login_as, version) -> None:
    login_as("designer")
    url = f"/design/{version.questionnaire_id}/limits"
    html = client.get(f"{url}?lang=zh_CN").get_data(as_text=True)
    assert "收集限制" in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    bad = client.post(f"{url}?lang=zh_CN", data={"csrf_token": token, "quotas": "region = north : 5"})
    assert bad.status_code == 422
    assert "第 1 行：“region = north : 5”不符合" in bad.get_data(as_text=True)
    good = client.post(url, data={"csrf_token": token, "close_at": "2030-01-31T18:00", "response_limit": "100",
                                  "quotas": "segment.region = north : 5"})
    assert good.status_code == 302
    with app.app_context():
        stored = get_session().get(Questionnaire, version.questionnaire_id)
        # 18:00 in Asia/Shanghai (the default zone) is 10:00 UTC.
        assert stored.close_at.replace(tzinfo=UTC) == datetime(2030, 1, 31, 10, 0, tzinfo=UTC)
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "segment.region = north : 5" in page and "All responses" in page
