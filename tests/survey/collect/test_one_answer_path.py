"""The respondent pages, the designer's preview and the API answer a page through one use case
(survey.services.page_answers.answer_page): the same answers give the same stored result through
each, and Back keeps the same answers on the respondent pages and in the preview."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import QuestionnaireVersion, Response
from registered_types import VALID_ANSWERS, VALID_POST, registered_document
from survey.db import get_session
from survey.design.preview_views import PREVIEW_KEY
from survey.questionnaire.document import QUESTION_TYPES
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish
from support import login

#: The question types of the every_type() questionnaire (tests/survey/collect/conftest.py).
TYPES_ANSWERED = {"info", "single_choice", "multiple_choice", "yes_no", "numeric", "rating", "nps",
                  "matrix", "kano", "long_text", "text", "date"}
#: What a browser posts on each page (texts; lists for multiple choice). Page 1 shows "since"
#: (the browser's script revealed it); "other, please specify" is chosen; "don't know" too.
FORM_PAGES = (
    {"region": "other", "region_other": "Harbin", "channel": "web", "features": ["c", "a"],
     "new_customer": "no", "since": " 3 "},
    {"satisfaction": "dont_know", "nps": "9", "q_speed": "5", "q_price": "3", "wifi_f": "like",
     "wifi_d": "dislike", "wifi_imp": "7"},
    {"comment": "Good", "nickname": "Li", "visit": "2026-01-05"},
)
SHOWN = ("intro region channel features new_customer since", None, None)
#: The same answers as an API client sends them (JSON values: numbers, true/false).
API_ANSWERS = {"region": "other", "region_other": "Harbin", "channel": "web", "features": ["c", "a"],
               "new_customer": False, "since": 3, "satisfaction": "dont_know", "nps": 9, "q_speed": 5,
               "q_price": 3.0, "wifi_f": "like", "wifi_d": "dislike", "wifi_imp": 7, "comment": "Good",
               "nickname": "Li", "visit": "2026-01-05"}
#: What each channel must store.
STORED = {"region": "other", "region_other": "Harbin", "channel": "web", "features": ["c", "a"],
          "new_customer": "no", "since": 3, "satisfaction": "dont_know", "nps": 9, "q_speed": 5,
          "q_price": 3, "wifi_f": "like", "wifi_d": "dislike", "wifi_imp": 7, "comment": "Good",
          "nickname": "Li", "visit": "2026-01-05"}


def post_page(client: FlaskClient, url: str, data: dict, kit, *, shown: str | None = None):
    """Open ``url`` and post ``data`` with the page's hidden values, as a browser does."""
    tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
    if shown is not None:
        tokens["xs_shown"] = shown  # what survey.js keeps up to date in a browser
    return client.post(url, data={**tokens, **data})


@pytest.fixture
def designer(app: Flask, make_user) -> FlaskClient:
    """A second browser, signed in as a designer (the respondent's is ``client``)."""
    browser = app.test_client()
    assert login(browser, make_user("designer").email).status_code == 302
    return browser


def preview_url(version: QuestionnaireVersion, page: int) -> str:
    return f"/design/{version.questionnaire_id}/preview?version={version.number}&show=en&page={page}"


def preview_page(location: str) -> int:
    """The page a preview redirect leads to."""
    return int(parse_qs(urlsplit(location).query)["page"][0])


def api_headers(app: Flask) -> dict[str, str]:
    with app.app_context():
        db = get_session()
        _token, secret = create_token(db, "crm", role="designer")
        db.commit()
    return {"Authorization": f"Bearer {secret}"}


def preview_answers(designer: FlaskClient, version: QuestionnaireVersion) -> dict:
    with designer.session_transaction() as cookie:
        return dict(cookie.get(PREVIEW_KEY, {}).get(str(version.id), {}))


def stored_response(app: Flask, **where) -> Response:
    with app.app_context():
        query = select(Response)
        for name, value in where.items():
            query = query.where(getattr(Response, name) == value)
        return get_session().scalars(query).one()


def answer_on_the_respondent_pages(client: FlaskClient, start: Callable[[], str], kit) -> str:
    url = start()
    for data, shown in zip(FORM_PAGES, SHOWN):
        reply = post_page(client, url, data, kit, shown=shown)
        assert reply.status_code == 302, reply.get_data(as_text=True)
        url = reply.headers["Location"]
    assert url.endswith("/done")
    return url.split("/")[-2]


def test_the_two_questionnaires_use_every_question_type(kit) -> None:
    assert {question.type for question in kit.every_type().questions()} == TYPES_ANSWERED
    registered = {question.type for question in registered_document().questions()}
    assert TYPES_ANSWERED | registered == set(QUESTION_TYPES)


@pytest.fixture
def registered(app: Flask) -> QuestionnaireVersion:
    """The questionnaire of the registered types (tests/registered_types.py), published."""
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, registered_document()))
        db.commit()
        return version


def test_the_registered_types_store_the_same_answers_through_the_pages_the_preview_and_the_api(
        app, client, designer, registered, kit) -> None:
    # page 2 asks why only when the effort is below 50: with 55 it shows nothing to answer
    html = client.get(f"/s/{registered.public_token}?lang=en").get_data(as_text=True)
    url = client.post(f"/s/{registered.public_token}?lang=en",
                      data={"csrf_token": kit.CSRF.search(html).group(1)}).headers["Location"]
    for data in (VALID_POST, {"why": "ignored: hidden"}):
        reply = post_page(client, url, data, kit)
        assert reply.status_code == 302, reply.get_data(as_text=True)
        url = reply.headers["Location"]
    assert url.endswith("/done")
    web = stored_response(app, resume_token=url.split("/")[-2])
    for index, data in enumerate((VALID_POST, {"why": "ignored: hidden"})):
        reply = post_page(designer, preview_url(registered, index), data, kit)
        assert reply.status_code == 302, reply.get_data(as_text=True)
    assert preview_page(reply.headers["Location"]) == 0  # the end
    reply = client.post(f"/api/v1/questionnaires/{registered.questionnaire_id}/responses",
                        json={"client_id": "same-2", "answers": {**VALID_ANSWERS, "budget_pear": None,
                                                             "why": "ignored: hidden"}},
                        headers=api_headers(app))
    assert reply.status_code == 201, reply.json
    api = stored_response(app, idempotency_key="api:same-2")
    assert web.answers == preview_answers(designer, registered) == api.answers == VALID_ANSWERS


def test_the_same_answers_store_the_same_result_through_the_pages_the_preview_and_the_api(
        app, client, designer, published, start, kit) -> None:
    resume_token = answer_on_the_respondent_pages(client, start, kit)
    web = stored_response(app, resume_token=resume_token)
    assert web.status == "complete" and web.channel == "web"

    for index, (data, shown) in enumerate(zip(FORM_PAGES, SHOWN)):
        reply = post_page(designer, preview_url(published, index), data, kit, shown=shown)
        assert reply.status_code == 302, reply.get_data(as_text=True)
    assert preview_page(reply.headers["Location"]) == 0  # the end of the preview leads to its first page
    end = designer.get(reply.headers["Location"]).get_data(as_text=True)
    assert "End of the preview; nothing was saved." in end or "预览结束，未保存任何内容。" in end

    reply = client.post(f"/api/v1/questionnaires/{published.questionnaire_id}/responses",
                        json={"client_id": "same-1", "answers": API_ANSWERS, "language": "en"},
                        headers=api_headers(app))
    assert reply.status_code == 201, reply.json
    api = stored_response(app, idempotency_key="api:same-1")

    assert web.answers == STORED
    assert preview_answers(designer, published) == STORED
    assert api.answers == STORED
    assert api.last_page == web.last_page == 2
    assert api.segment == web.segment == {"region": "other", "channel": "web"}
    with app.app_context():  # the preview stored nothing
        assert len(get_session().scalars(select(Response)).all()) == 2


def test_the_same_wrong_answer_is_refused_with_the_same_message_by_the_pages_and_the_api(
        app, client, designer, published, start, kit) -> None:
    wrong = {**FORM_PAGES[0], "since": "61"}
    page = post_page(client, start(), wrong, kit, shown=SHOWN[0])
    preview = post_page(designer, preview_url(published, 0), wrong, kit, shown=SHOWN[0])
    api = client.post(f"/api/v1/questionnaires/{published.questionnaire_id}/responses",
                      json={"client_id": "wrong-1", "answers": {**API_ANSWERS, "since": 61}},
                      headers=api_headers(app))
    message = "Enter a number between 1 and 60."
    assert page.status_code == preview.status_code == 422
    assert message in page.get_data(as_text=True) and message in preview.get_data(as_text=True)
    assert api.status_code == 422 and api.json["error"]["fields"] == {"answers.since": [message]}


def test_back_keeps_the_same_answers_on_the_respondent_pages_and_in_the_preview(
        app, client, designer, published, start, kit) -> None:
    # Both go to page 3 with pages 1 and 2 answered, then Back twice with some answers wrong:
    # each page's valid answers replace what it had, the others stay as they were.
    back_from_3 = {"comment": "Fine", "nickname": "W", "visit": "", "nav": "back"}
    back_from_2 = {"satisfaction": "2", "nps": "11", "q_speed": "", "q_price": "1",
                   "wifi_f": "must_be", "wifi_d": "dislike", "wifi_imp": "8", "nav": "back"}
    expected = {**STORED, "satisfaction": 2, "wifi_f": "must_be", "wifi_imp": 8, "comment": "Fine"}
    for name in ("nickname", "visit"):
        del expected[name]  # "W" breaks the nickname's rule; the date was left empty

    url = start()
    for data, shown in zip(FORM_PAGES[:2], SHOWN):
        url = post_page(client, url, data, kit, shown=shown).headers["Location"]
    url = post_page(client, url, back_from_3, kit).headers["Location"]
    assert url.endswith("/1")
    url = post_page(client, url, back_from_2, kit).headers["Location"]
    assert url.endswith("/0")
    respondent = stored_response(app, status="partial")
    assert respondent.answers == expected and respondent.last_page == 2

    for index, (data, shown) in enumerate(zip(FORM_PAGES[:2], SHOWN)):
        post_page(designer, preview_url(published, index), data, kit, shown=shown)
    reply = post_page(designer, preview_url(published, 2), back_from_3, kit)
    assert reply.status_code == 302 and preview_page(reply.headers["Location"]) == 1
    reply = post_page(designer, preview_url(published, 1), back_from_2, kit)
    assert reply.status_code == 302 and preview_page(reply.headers["Location"]) == 0
    assert preview_answers(designer, published) == expected


def test_back_on_the_first_page_moves_nowhere_and_stores_nothing_in_either(
        app, client, designer, published, start, kit) -> None:
    url = start()
    reply = post_page(client, url, {**FORM_PAGES[0], "nav": "back"}, kit)
    assert reply.status_code == 302 and reply.headers["Location"] == url
    assert stored_response(app, status="partial").answers == {}
    reply = post_page(designer, preview_url(published, 0), {**FORM_PAGES[0], "nav": "back"}, kit)
    assert reply.status_code == 302 and preview_page(reply.headers["Location"]) == 0
    assert preview_answers(designer, published) == {}
