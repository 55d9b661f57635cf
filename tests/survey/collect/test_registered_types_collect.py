"""The registered question types on respondent pages: parsing and checking posted answers with
messages in zh_CN and en, the page's HTML (no JavaScript needed), and a response through the
public link storing typed answers."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from models import Response
from registered_types import VALID_ANSWERS, VALID_POST, registered_document
from survey.collect.forms import build_page_form
from survey.collect.page_check import check_page, posted_values
from survey.collect.rendering import render_survey_page
from support import published_token
from survey.db import get_session

PAGE = registered_document().pages[0]


def multidict(values: dict) -> MultiDict:
    pairs = []
    for key, value in values.items():
        pairs += [(key, item) for item in value] if isinstance(value, list) else [(key, value)]
    return MultiDict(pairs)


def test_a_valid_page_stores_typed_answers(app) -> None:
    raw = posted_values(PAGE, multidict(VALID_POST))
    assert raw["fav"] == ["apple:2", "pear:3", "plum:1"]  # every rank select, in page order
    with app.test_request_context(), force_locale("en"):
        checked = check_page(PAGE, raw, {}, locale="en")
    assert checked.errors == {}
    assert checked.answers == VALID_ANSWERS  # the empty share is stored as 0


@pytest.mark.parametrize(("locale", "changes", "expected"), [
    ("en", {"wake": "4:30"}, {"wake": "Enter a time from 05:00 to 12:00."}),
    ("zh_CN", {"wake": "4:30"}, {"wake": "请填写 05:00 至 12:00 之间的时间。"}),
    ("en", {"wake": "half past seven"}, {"wake": "Enter a time as HH:MM, for example 09:30."}),
    ("en", {"visit": "2025-05-05T10:00"}, {"visit": "Enter a date and time no earlier than 2026-01-01 00:00."}),
    ("zh_CN", {"visit": "2026-13-01T10:00"}, {"visit": "请按 年-月-日 时:分 填写日期和时间，例如 2027-01-31 18:00。"}),
    ("en", {"effort": "52"}, {"effort": "Choose a value in steps of 5 from 0."}),
    ("en", {"effort": "101"}, {"effort": "Enter a number between 0 and 100."}),
    ("zh_CN", {"effort": "52"}, {"effort": "请选择从 0 起、以 5 为间隔的数值。"}),
    ("en", {"fav": ["apple:1", "pear:1", "plum:2"]}, {"fav": "Rank 1 is given twice: use each rank once."}),
    ("zh_CN", {"fav": ["apple:1", "pear:1", "plum:2"]}, {"fav": "名次 1 用了两次：每个名次只能用一次。"}),
    ("en", {"fav": ["apple:1", "", ""]}, {"fav": "Give every option a different rank from 1 to 3."}),
    ("en", {"budget_pear": "10"}, {"budget": "Your numbers add up to 110; they must add up to 100."}),
    ("zh_CN", {"budget_pear": "10"}, {"budget": "您填写的数字合计为 110；合计必须为 100。"}),
    ("en", {"budget_pear": "-5"}, {"budget": "Enter a number between 0 and 100."}),
    ("en", {"wake": ""}, {"wake": "This question needs an answer."}),
])
def test_bad_answers_get_a_message_naming_the_rule(app, locale, changes, expected) -> None:
    with app.test_request_context(), force_locale(locale):
        checked = check_page(PAGE, VALID_POST | changes, {}, locale=locale)
    assert {code: messages[0] for code, messages in checked.errors.items()} == expected
    assert not set(checked.answers) & {v.code for q in PAGE.questions if q.code in expected
                                       for v in q.variables()}  # nothing half-kept


def test_unanswered_optional_questions_store_nothing(app) -> None:
    with app.test_request_context(), force_locale("en"):
        checked = check_page(PAGE, {"wake": "06:00", "fav": ["", "", ""]}, {}, locale="en")
    assert checked.errors == {} and checked.answers == {"wake": "06:00"}


def _render(app, locale: str, data: dict | None) -> str:
    document = registered_document()
    form_class = build_page_form(document, 0, locale=locale, seed="r1")
    with app.test_request_context("/s/x/0", method="POST" if data else "GET",
                                  data=multidict(data) if data else None):
        form = form_class(prior_answers={}, meta={"csrf": False},
                          **({} if data else {"data": {}}))
        if data:
            form.validate()
        return render_survey_page(document, 0, form, locale=locale, preview=True, action="/p")


def test_the_page_works_without_javascript(app) -> None:
    html = _render(app, "en", None)
    assert 'type="time" name="wake" id="q-wake" value="" class="short clock"' in html
    assert 'min="05:00" max="12:00"' in html
    assert 'type="datetime-local" name="visit"' in html and 'min="2026-01-01T00:00"' in html
    # The slider: a number box that posts, and a nameless range input the script shows.
    assert 'type="range" id="q-effort-range" min="0" max="100" step="5"' in html
    assert 'name="effort" id="q-effort" value="" inputmode="numeric"' in html
    assert "A number from 0 to 100, in steps of 5." in html and "100 = Very easy" in html
    # The ranking: one select of rank per choice, each offering ranks 1–3.
    assert html.count('data-rank') == 3 and html.count('value="plum:3"') == 1
    assert 'for="q-fav-0"' in html
    # The constant sum: a box per choice and the running total.
    assert 'name="budget_pear" id="q-budget_pear"' in html
    assert '<output id="sum-budget" aria-live="polite">0</output> / 100' in html


def test_a_refused_page_shows_what_was_typed_with_the_error_in_chinese(app) -> None:
    html = _render(app, "zh_CN", VALID_POST | {"fav": ["apple:1", "pear:1", "plum:2"],
                                               "budget_pear": "10"})
    assert "名次 1 用了两次：每个名次只能用一次。" in html
    assert "您填写的数字合计为 110；合计必须为 100。" in html
    assert 'value="apple:1" selected' in html and 'value="pear:1" selected' in html
    assert 'value="plum:2" selected' in html
    assert '<output id="sum-budget" aria-live="polite">110</output>' in html
    assert 'id="error-fav"' in html and 'aria-describedby="rank-hint-fav error-fav"' in html
    assert "请给每个选项排名" in html and "滑块" not in html


def test_a_response_through_the_public_link(app, client, kit) -> None:
    token = published_token(app, registered_document())
    html = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    reply = client.post(f"/s/{token}?lang=en", data={"csrf_token": kit.CSRF.search(html).group(1)})
    url = reply.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    bad = client.post(url, data=multidict({**kit.page_tokens(page), **VALID_POST, "budget_pear": "1"}))
    assert bad.status_code == 422 and "add up to 101" in bad.get_data(as_text=True)
    page = bad.get_data(as_text=True)
    reply = client.post(url, data=multidict({**kit.page_tokens(page), **VALID_POST}))
    assert reply.status_code == 302
    with app.app_context():
        stored = get_session().scalars(select(Response)).one().answers
    assert stored == VALID_ANSWERS
