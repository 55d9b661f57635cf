"""The designer's question form for the registered types: each can be chosen and saved with its
settings, a bad setting is refused with a translated message and nothing is saved."""
from __future__ import annotations

import pytest

from survey.db import get_session
from survey.questionnaire.document import Page, Question, Questionnaire, Texts
from survey.questionnaire.types.constant_sum import ConstantSumSettings
from survey.questionnaire.types.date_time import DateTimeSettings
from survey.questionnaire.types.ranking import RankingSettings
from survey.questionnaire.types.slider import SliderSettings
from survey.questionnaire.types.time_of_day import TimeSettings
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from support import csrf_token

FRUIT = "apple | 苹果 | Apple\npear | 梨 | Pear"


@pytest.fixture
def questionnaire_id(app) -> int:
    t = Texts
    document = Questionnaire(t("调查", "Survey"), (Page("p1", t("一", "One"), (
        Question("q", "text", t("问", "Question")),)),))
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, document)
        db.commit()
        return version.questionnaire_id


def _save(client, questionnaire_id: int, new_type: str, lang: str = "en", **fields):
    token = csrf_token(client, "/design/new")
    return client.post(f"/design/{questionnaire_id}/questions/q?type={new_type}&lang={lang}", data={
        "csrf_token": token, "type": new_type, "code": "q", "text_zh": "问", "text_en": "Question",
        **fields})


def _question(app, questionnaire_id: int) -> Question:
    with app.app_context():
        return version_document(latest_version(get_session(), questionnaire_id)).question("q")


@pytest.mark.parametrize(("new_type", "fields", "settings", "choices"), [
    ("time", {"earliest": "08:00", "latest": "18:30"}, TimeSettings("08:00", "18:30"), ()),
    ("datetime", {"earliest": "2026-01-01 09:00"}, DateTimeSettings("2026-01-01T09:00"), ()),
    ("slider", {"slider_min": "0", "slider_max": "1", "slider_step": "0.25", "high_label_en": "All"},
     SliderSettings(0, 1, 0.25, high_label=Texts("", "All")), ()),
    ("ranking", {"choices": FRUIT, "randomize": "y"}, RankingSettings(True), ("apple", "pear")),
    ("constant_sum", {"choices": FRUIT, "total": "10"}, ConstantSumSettings(10), ("apple", "pear")),
])
def test_each_registered_type_is_saved_with_its_settings(app, client, login_as, questionnaire_id,
                                                         new_type, fields, settings, choices) -> None:
    login_as("designer")
    page = client.get(f"/design/{questionnaire_id}/questions/q?type={new_type}&lang=zh_CN")
    assert page.status_code == 200
    reply = _save(client, questionnaire_id, new_type, **fields)
    assert reply.status_code == 302, reply.get_data(as_text=True)
    question = _question(app, questionnaire_id)
    assert question.type == new_type and question.settings == settings
    assert tuple(c.code for c in question.choices) == choices


@pytest.mark.parametrize(("lang", "new_type", "fields", "message"), [
    ("en", "time", {"earliest": "8h"}, "“8h” is not a time such as 09:30 (00:00–23:59)."),
    ("zh_CN", "time", {"earliest": "8h"}, "“8h”不是像 09:30 这样的时间（00:00–23:59）。"),
    ("en", "time", {"earliest": "18:00", "latest": "08:00"}, "Must not be before the earliest accepted."),
    ("en", "slider", {"slider_min": "0", "slider_max": "10", "slider_step": "3"},
     "The step must divide the range into whole steps, at most 1001 positions."),
    ("zh_CN", "slider", {"slider_min": "5", "slider_max": "1", "slider_step": "1"},
     "间隔必须大于 0，且起点必须小于终点。"),
])
def test_a_bad_setting_is_refused_with_a_translated_message(app, client, login_as, questionnaire_id,
                                                            lang, new_type, fields, message) -> None:
    login_as("designer")
    reply = _save(client, questionnaire_id, new_type, lang, **fields)
    assert reply.status_code == 422
    assert message in reply.get_data(as_text=True)
    assert _question(app, questionnaire_id).type == "text"  # nothing saved
