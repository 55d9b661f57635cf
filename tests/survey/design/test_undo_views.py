"""The editor's undo: after deleting a question, a page, or choices of a question, the editor says
what was deleted with an Undo button (a POST with the CSRF token); Undo brings back exactly the
draft before, and is refused with a message, in the designer's language, for another designer
or once the draft changed."""
from __future__ import annotations

import re

import pytest

from survey.db import get_session
from survey.questionnaire.document import (
    Binding, Choice, Page, Question, Questionnaire, RatingSettings, SingleChoiceSettings, Texts,
)
from survey.questionnaire.jsonio import to_json
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from support import csrf_token, login

T = Texts
UNDO = re.compile(r'action="(/design/\d+/undo/\d+)"')


def document() -> Questionnaire:
    """``channel`` (rules, choices, "other") and ``sat`` (binding) are used by no other rule."""
    return Questionnaire(T("满意度", "Satisfaction"), (
        Page("p1", T("一", "One"), (
            Question("age", "numeric", T("年龄", "Age"), validation=". >= 0"),
            Question("channel", "single_choice", T("渠道", "Channel"), show_if="age >= 18",
                     validation="channel != 'shop' or age > 20",
                     choices=(Choice("web", T("网站", "Website")), Choice("shop", T("门店", "Shop")),
                              Choice("phone", T("电话", "Phone"))),
                     settings=SingleChoiceSettings(other=True)),
            Question("sat", "rating", T("满意吗", "Satisfied?"), binding=Binding("acsi", "value", "PQ"),
                     settings=RatingSettings(min=1, max=7)),
        )),
        Page("p2", T("二", "Two"), (Question("why", "text", T("原因", "Why"), show_if="age > 30"),),
             show_if="answered(age)"),
    ))


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = create_questionnaire(session, document())
        session.commit()
        return version.questionnaire_id


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


def _stored(app, questionnaire_id: int) -> dict:
    with app.app_context():
        return to_json(version_document(latest_version(get_session(), questionnaire_id)))


def _editor(client, questionnaire_id: int, lang: str = "en") -> str:
    return client.get(f"/design/{questionnaire_id}/edit?lang={lang}").get_data(as_text=True)


def _undo(client, questionnaire_id: int, token: str, lang: str = "en") -> str:
    """Press the editor's Undo button; the editor's page after it."""
    action = UNDO.search(_editor(client, questionnaire_id)).group(1)
    response = client.post(f"{action}?lang={lang}", data={"csrf_token": token})
    assert response.status_code == 302
    return _follow(client, response, lang)


def _follow(client, response, lang: str) -> str:
    """The page a redirect leads to, in ``lang``."""
    return client.get(f"{response.headers['Location'].split('#')[0]}?lang={lang}").get_data(as_text=True)


def test_a_deleted_question_comes_back_at_its_place_with_its_rules_and_choices(app, designer, questionnaire_id) -> None:
    original = _stored(app, questionnaire_id)
    token = csrf_token(designer, "/design/new")
    assert UNDO.search(_editor(designer, questionnaire_id)) is None  # nothing deleted yet
    response = designer.post(f"/design/{questionnaire_id}/questions/channel/delete", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("#undo")
    assert [q["code"] for q in _stored(app, questionnaire_id)["pages"][0]["questions"]] == ["age", "sat"]
    html = _editor(designer, questionnaire_id)
    assert "Deleted question channel from page p1." in html and 'aria-label="Undo: Deleted question' in html
    assert "已从页面 p1 删除问题 channel。" in _editor(designer, questionnaire_id, "zh_CN")

    after = _undo(designer, questionnaire_id, token)
    assert "Undone: the draft is back as it was before the deletion of channel." in after
    assert _stored(app, questionnaire_id) == original
    assert UNDO.search(after) is None  # that deletion is gone


def test_a_deleted_page_and_deleted_choices_are_undone_newest_first(app, designer, questionnaire_id) -> None:
    original = _stored(app, questionnaire_id)
    token = csrf_token(designer, "/design/new")
    designer.post(f"/design/{questionnaire_id}/pages/1/delete", data={"csrf_token": token})
    assert "Deleted page p2 and its 1 question: why." in _editor(designer, questionnaire_id)
    response = designer.post(f"/design/{questionnaire_id}/questions/channel", data={
        "csrf_token": token, "type": "single_choice", "code": "channel", "text_zh": "渠道", "text_en": "Channel",
        "show_if": "age >= 18", "validation": "channel != 'shop' or age > 20", "other": "y",
        "display": "radio", "choices": "shop | 门店 | Shop"})
    assert response.status_code == 302
    assert [c["code"] for c in _stored(app, questionnaire_id)["pages"][0]["questions"][1]["choices"]] == ["shop"]
    assert "Deleted choices web, phone of question channel." in _editor(designer, questionnaire_id)
    assert "已删除问题 channel 的选项 web, phone。" in _editor(designer, questionnaire_id, "zh_CN")

    after = _undo(designer, questionnaire_id, token)
    assert "before the deletion of web, phone." in after and "Deleted page p2 and its 1 question: why." in after
    after = _undo(designer, questionnaire_id, token)
    assert "before the deletion of why." in after
    assert _stored(app, questionnaire_id) == original


def test_undo_is_refused_after_another_change_or_for_another_designer(app, designer, questionnaire_id,
                                                                        make_user) -> None:
    token = csrf_token(designer, "/design/new")
    designer.post(f"/design/{questionnaire_id}/questions/sat/delete", data={"csrf_token": token})
    action = UNDO.search(_editor(designer, questionnaire_id)).group(1)
    assert designer.post(action, data={}).status_code == 400  # no CSRF token
    assert designer.get(action).status_code == 405

    make_user("designer", "second@example.com")
    second = app.test_client()
    login(second, "second@example.com")
    assert UNDO.search(_editor(second, questionnaire_id)) is None
    response = second.post(f"{action}?lang=en", data={"csrf_token": csrf_token(second, "/design/new")})
    refused = _follow(second, response, "en")
    assert "Nothing was undone: that deletion is not kept any more." in refused

    deleted = _stored(app, questionnaire_id)
    designer.post(f"/design/{questionnaire_id}/pages/1/move", data={"csrf_token": token, "direction": "up"})
    moved = _stored(app, questionnaire_id)
    assert moved != deleted and UNDO.search(_editor(designer, questionnaire_id)) is None
    for lang, text in (("en", "Not undone: the draft changed after the deletion of sat."),
                       ("zh_CN", "未撤销：删除 sat 之后草稿又有了更改。")):
        response = designer.post(f"{action}?lang={lang}", data={"csrf_token": token})
        assert text in _follow(designer, response, lang)
    assert _stored(app, questionnaire_id) == moved
    designer.post(f"/design/{questionnaire_id}/pages/0/move", data={"csrf_token": token, "direction": "down"})
    assert "before the deletion of sat." in _undo(designer, questionnaire_id, token)  # as the deletion left it again
