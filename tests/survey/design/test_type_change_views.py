"""The editor's "Change type" once a questionnaire has answers: a change the stored answers allow
is saved; one they do not is refused with a message saying why, in the designer's language,
and nothing is saved."""
from __future__ import annotations

import pytest

from models import Response
from survey.db import get_session
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page, Question, Questionnaire, TextSettings, Texts,
)
from survey.services.questionnaires import create_questionnaire, latest_version, publish, version_document
from support import csrf_token

FEATURES = "a | 甲 | Alpha\nb | 乙 | Beta\nc | 丙 | Gamma"


@pytest.fixture
def questionnaire_id(app) -> int:
    t = Texts
    document = Questionnaire(t("调查", "Survey"), (Page("p1", t("一", "One"), (
        Question("features", "multiple_choice", t("功能", "Features"),
                 choices=tuple(Choice(c, t(c, c)) for c in "abc"), settings=MultipleChoiceSettings()),
        Question("years", "text", t("几年", "How many years?"), settings=TextSettings()),
    )),))
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, document)
        publish(db, version)
        db.flush()
        db.add_all([
            Response(version_id=version.id, resume_token="r1", status="complete",
                     answers={"features": ["a"], "years": "12"}),
            Response(version_id=version.id, resume_token="r2", status="partial",
                     answers={"features": ["a", "b"], "years": "3"}),
        ])
        db.commit()
        return version.questionnaire_id


def _types(app, questionnaire_id: int) -> dict[str, str]:
    with app.app_context():
        document = version_document(latest_version(get_session(), questionnaire_id))
        return {q.code: q.type for q in document.questions()}


def _change(client, questionnaire_id: int, code: str, new_type: str, lang: str, **fields):
    token = csrf_token(client, "/design/new")
    return client.post(f"/design/{questionnaire_id}/questions/{code}?type={new_type}&lang={lang}", data={
        "csrf_token": token, "type": new_type, "code": code, "text_zh": "问", "text_en": "Question",
        **fields})


def test_a_change_the_stored_answers_do_not_allow_is_refused_with_the_reason(app, client, login_as,
                                                                             questionnaire_id) -> None:
    login_as("designer")
    reply = _change(client, questionnaire_id, "features", "single_choice", "en", display="radio",
                    choices=FEATURES)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert ("features cannot become a “Single choice” question: 1 of the 2 answer(s) already stored "
            "for features would not be valid, such as “[&#39;a&#39;, &#39;b&#39;]” (it holds more than "
            "one choice).") in html
    assert _types(app, questionnaire_id)["features"] == "multiple_choice"
    chinese = _change(client, questionnaire_id, "features", "single_choice", "zh_CN", display="radio",
                      choices=FEATURES).get_data(as_text=True)
    assert "features 不能改为“单选题”：features 已保存的 2 个答案中有 1 个将不再有效" in chinese
    assert "（其中包含多个选项）" in chinese


def test_a_change_outside_the_table_is_refused_once_answered(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    reply = _change(client, questionnaire_id, "years", "date", "en")
    assert reply.status_code == 422
    assert ("years cannot become a “Date” question: 2 answer(s) to it are already stored, and answers "
            "to a “Short text” question cannot be read as “Date” answers.") in reply.get_data(as_text=True)
    assert _types(app, questionnaire_id)["years"] == "text"


def test_a_change_the_stored_answers_allow_is_saved(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    reply = _change(client, questionnaire_id, "years", "numeric", "en", integer="y")
    assert reply.status_code == 302, reply.get_data(as_text=True)
    assert _types(app, questionnaire_id)["years"] == "numeric"
