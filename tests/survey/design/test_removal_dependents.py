"""A save that removes choices or matrix rows other rules use is found before it is stored
(survey.design.editing.removal_dependents) and refused in the editor with the rules named."""
from __future__ import annotations

from survey.design.editing import Removal, removal_dependents, removed_entries
from survey.questionnaire.document import (
    Choice, MatrixRow, MultipleChoiceSettings, Page, Question, Questionnaire, Texts,
)
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from survey.db import get_session
from support import csrf_token

T = Texts
CHOICES = tuple(Choice(code, T(code, code)) for code in ("web", "shop", "phone"))


def document() -> Questionnaire:
    return Questionnaire(T("调查", "Survey"), (
        Page("p1", T("一", "One"), (
            Question("channels", "multiple_choice", T("渠道", "Channels"), choices=CHOICES,
                     settings=MultipleChoiceSettings()),
            Question("grid", "matrix", T("评价", "Rate"),
                     rows=(MatrixRow("service", T("服务", "Service")), MatrixRow("price", T("价格", "Price")))),
            Question("why", "text", T("原因", "Why"),
                     show_if="selected(channels, 'web') or (count(channels) > 1 and 'phone' != channels)",
                     validation="not selected(channels, 'shop') or service > 2"),
        )),
        Page("p2", T("二", "Two"), (Question("end", "text", T("完", "End")),), show_if="price >= 3"),
    ))


def test_rules_using_removed_choices_or_rows_are_found() -> None:
    doc = document()
    channels, grid = doc.question("channels"), doc.question("grid")
    assert removal_dependents(doc, channels, Removal("choices", ("web", "phone"))) == [("why", "phone"), ("why", "web")]
    assert removal_dependents(doc, channels, Removal("choices", ("shop",))) == [("why", "shop")]
    assert removal_dependents(doc, grid, Removal("rows", ("price",))) == [("p2", "price")]
    assert removal_dependents(doc, grid, Removal("rows", ("service",))) == [("why", "service")]
    fewer = Question("grid", "matrix", T("评价", "Rate"), rows=(MatrixRow("service", T("服务", "Service")),))
    assert removed_entries(grid, fewer) == Removal("rows", ("price",))
    assert removed_entries(channels, channels) is None


def test_a_save_removing_a_choice_a_rule_uses_is_refused_and_nothing_is_stored(app, client, login_as) -> None:
    login_as("designer")
    with app.app_context():
        session = get_session()
        questionnaire_id = create_questionnaire(session, document()).questionnaire_id
        session.commit()
    token = csrf_token(client, "/design/new")
    response = client.post(f"/design/{questionnaire_id}/questions/channels?lang=en", data={
        "csrf_token": token, "type": "multiple_choice", "code": "channels", "text_zh": "渠道",
        "choices": "shop | shop | shop\nphone | phone | phone"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not saved: why (web) use the choices this save removes." in html
    with app.app_context():
        stored = version_document(latest_version(get_session(), questionnaire_id))
    assert [c.code for c in stored.question("channels").choices] == ["web", "shop", "phone"]
