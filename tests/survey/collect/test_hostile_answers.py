"""Hostile answers on the respondent pages: huge numbers, NUL characters, lone surrogates and
oversized text are refused with the normal bilingual message, never a 500, and the page keeps
what the respondent typed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import QuestionnaireVersion, Response
from survey.collect.fields import AnswerLimits
from survey.collect.page_check import check_page
from survey.db import get_session
from survey.questionnaire.document import (
    NumericSettings, Page, Question, Questionnaire, TextSettings, Texts,
)
from survey.services.questionnaires import create_questionnaire, publish

T = Texts


def document() -> Questionnaire:
    page = Page("p1", T("第一页", "Page 1"), (
        Question("count", "numeric", T("次数", "How many times?"), settings=NumericSettings()),
        Question("amount", "numeric", T("金额", "How much?"), settings=NumericSettings(integer=False)),
        Question("name", "text", T("姓名", "Your name")),
        Question("note", "long_text", T("备注", "Anything else?")),
        Question("short", "text", T("简述", "In brief"), settings=TextSettings(max_length=5)),
    ))
    return Questionnaire(title=T("问卷", "Survey"), pages=(page,))


@pytest.fixture
def version(app) -> QuestionnaireVersion:
    with app.app_context():
        db = get_session()
        created = create_questionnaire(db, document())
        publish(db, created)
        db.commit()
        return created


@pytest.fixture
def page_url(client, version, kit):
    def go(lang: str = "en") -> str:
        html = client.get(f"/s/{version.public_token}?lang={lang}").get_data(as_text=True)
        reply = client.post(f"/s/{version.public_token}?lang={lang}",
                            data={"csrf_token": kit.CSRF.search(html).group(1)})
        assert reply.status_code == 302
        return reply.headers["Location"]
    return go


def post(client, kit, url: str, data: dict):
    tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
    return client.post(url, data={**tokens, **data})


def stored_answers(app) -> dict:
    with app.app_context():
        return get_session().scalars(select(Response)).one().answers


@pytest.mark.parametrize("typed", ["1e1000000", "1e100000", "9" * 5000, "-" + "9" * 5000,
                                   "1e15", "NaN", "Infinity", "-inf", "1_000", "0x10", "1e-99999"])
def test_huge_or_odd_numbers_get_the_normal_message_and_nothing_is_stored(
        app, client, page_url, kit, typed) -> None:
    url = page_url()
    reply = post(client, kit, url, {"count": typed, "name": "Li Lei"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "Enter a whole number." in html or "Enter a number of at most 15 digits" in html
    assert 'value="Li Lei"' in html  # the other answer the respondent typed is kept
    assert stored_answers(app) == {}


def test_the_number_messages_are_bilingual(client, page_url, kit) -> None:
    html = post(client, kit, page_url("zh_CN"), {"count": "1e1000000"}).get_data(as_text=True)
    assert "请输入整数。" in html
    html = post(client, kit, page_url("zh_CN"), {"count": "1" * 20}).get_data(as_text=True)
    assert "请输入不超过 15 位整数部分的数字。" in html
    html = post(client, kit, page_url("zh_CN"), {"amount": "NaN"}).get_data(as_text=True)
    assert "请输入数字。" in html


def test_plain_numbers_still_work_including_full_width_digits_and_negative_zero(
        app, client, page_url, kit) -> None:
    reply = post(client, kit, page_url(), {"count": "１２,３４５", "amount": "-0"})
    assert reply.status_code == 302, reply.get_data(as_text=True)
    answers = stored_answers(app)
    assert answers["count"] == 12345 and answers["amount"] == 0.0
    assert str(answers["amount"]) == "0.0"  # never -0.0


@pytest.mark.parametrize("bad", ["a\x00b", "\x00"])
def test_nul_in_a_text_answer_is_a_message_not_a_500(app, client, page_url, kit, bad) -> None:
    url = page_url()
    reply = post(client, kit, url, {"name": bad, "count": "7", "note": "kept"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "Remove the invisible control characters (such as NUL) from this answer." in html
    assert 'value="7"' in html and ">kept</textarea>" in html
    assert stored_answers(app) == {}
    fixed = post(client, kit, url, {"name": "ab", "count": "7", "note": "kept"})
    assert fixed.status_code == 302


def test_text_answers_are_capped_by_default_and_by_configuration(app, client, page_url, kit) -> None:
    url = page_url()
    reply = post(client, kit, url, {"note": "x" * 10_001})
    assert reply.status_code == 422
    assert "Use at most 10000 characters." in reply.get_data(as_text=True)
    assert stored_answers(app) == {}
    assert post(client, kit, url, {"short": "abcdef"}).status_code == 422  # the question's own limit
    app.config["ANSWER_TEXT_MAX_CHARS"] = 50
    reply = post(client, kit, url, {"note": "x" * 51})
    assert "Use at most 50 characters." in reply.get_data(as_text=True)
    assert post(client, kit, url, {"note": "x" * 50}).status_code == 302


def test_a_response_is_capped_altogether(app, client, page_url, kit) -> None:
    app.config["RESPONSE_TEXT_MAX_CHARS"] = 30
    reply = post(client, kit, page_url(), {"name": "x" * 20, "note": "y" * 20})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "Your answers are too long altogether: please shorten this answer." in html
    assert stored_answers(app) == {}


def test_page_check_refuses_a_15_megabyte_answer_and_lone_surrogates() -> None:
    page = document().pages[0]
    checked = check_page(page, {"note": "x" * 15_000_000, "name": "\ud800", "count": "3"}, {},
                         locale="en", limits=AnswerLimits())
    assert set(checked.errors) == {"note", "name"}
    assert checked.answers == {"count": 3}


@pytest.mark.parametrize("submission", ["s" * 200, "a\x00b", "<script>"])
def test_a_forged_submission_id_is_not_stored_and_breaks_nothing(app, client, page_url, kit,
                                                                  submission) -> None:
    url = page_url()
    tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
    reply = client.post(url, data={**tokens, "xs_submission": submission, "count": "3"})
    assert reply.status_code == 302
    with app.app_context():
        stored = get_session().scalars(select(Response)).one()
        assert stored.status == "complete" and stored.idempotency_key is None


def test_a_page_larger_than_any_response_may_be_is_refused_before_it_is_parsed(
        app, client, page_url, kit) -> None:
    url = page_url()
    tokens = kit.page_tokens(client.get(url).get_data(as_text=True))
    reply = client.post(url, data={**tokens, "note": "x" * 15_000_000})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 413
    assert "Your answers are too long to be saved" in html
    assert "Answers saved on earlier pages are kept" in html
    assert f'href="{url}"' in html  # back to the page, which still works
    assert stored_answers(app) == {}
    assert post(client, kit, url, {"count": "3"}).status_code == 302


def test_the_size_check_comes_before_the_csrf_check_and_reads_the_whole_body(
        app, client, page_url) -> None:
    import io
    app.config["RESPONDENT_POST_MAX_BYTES"] = 4_000
    url = page_url("zh_CN")
    body = b"note=" + b"x" * 5_000
    stream = io.BytesIO(body)
    # No CSRF token at all: a 400 would mean the form was parsed before the size was checked.
    reply = client.post(url, input_stream=stream, content_length=len(body),
                        content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 413
    assert "您的回答太长，无法保存" in reply.get_data(as_text=True)
    # The refused body was read to its end, so a real server can answer before closing.
    assert stream.tell() == len(body)
    assert stored_answers(app) == {}


def test_the_respondent_body_limit_follows_the_answer_limits() -> None:
    from survey.body_limits import respondent_post_max_bytes

    assert respondent_post_max_bytes({}) == 200_000 * 9 + 64 * 1024
    assert respondent_post_max_bytes({"RESPONSE_TEXT_MAX_CHARS": 1_000}) == 1_000 * 9 + 64 * 1024
    assert respondent_post_max_bytes({"RESPONDENT_POST_MAX_BYTES": "5000"}) == 5_000
