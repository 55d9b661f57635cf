"""The show-if builder and the editor's undo in Chromium: conditions picked with the builder (an
earlier answer, a comparison, a value, joined with and/or) are written into the show-if box and
stored as that expression when the question or page is saved; a deleted question comes back with
Undo. axe-core finds no WCAG 2.1 A/AA violation on the forms with the builder open, nor on the
editor with its undo notice."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from survey.db import get_session
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page as SurveyPage, Question, Questionnaire, Texts,
)
from survey.questionnaire.jsonio import to_json
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from support import sign_in_browser

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
T = Texts


def _questionnaire(app) -> int:
    document = Questionnaire(T("调查", "Survey"), (
        SurveyPage("p1", T("一", "One"), (
            Question("age", "numeric", T("年龄", "Age")),
            Question("channels", "multiple_choice", T("渠道", "Channels"),
                     choices=(Choice("web", T("网站", "Website")), Choice("shop", T("门店", "Shop"))),
                     settings=MultipleChoiceSettings()),
        )),
        SurveyPage("p2", T("二", "Two"), (Question("why", "text", T("原因", "Why")),)),
    ))
    with app.app_context():
        session = get_session()
        version = create_questionnaire(session, document)
        session.commit()
        return version.questionnaire_id


def _stored(app, questionnaire_id: int):
    with app.app_context():
        return version_document(latest_version(get_session(), questionnaire_id))


def _no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.response["passes"], "axe-core did not run its checks"
    assert results.violations_count == 0, results.generate_report()


def _add(page: Page, answer: str, comparison: str, value: str | None = None, *, join: str | None = None) -> None:
    page.get_by_label("Earlier answer").select_option(label=answer)
    page.get_by_label("Comparison").select_option(label=comparison)
    if value is not None:
        if page.locator("#sib-choice-field").is_visible():  # the choices of a choice question
            page.locator("#sib-choice").select_option(label=value)
        else:
            page.locator("#sib-value").fill(value)
    if join is not None:
        page.get_by_label("When the rule already has a condition, join them with").select_option(value=join)
    page.get_by_role("button", name="Add condition").click()


def test_builder_writes_the_rule_that_is_stored(app, page: Page, live_server: str, make_user) -> None:
    make_user("designer")
    questionnaire_id = _questionnaire(app)
    sign_in_browser(page, live_server, "designer@example.com")

    page.goto(f"{live_server}/design/{questionnaire_id}/questions/why?lang=en")
    builder = page.get_by_role("group", name="Build a condition")
    expect(builder).to_be_visible()
    box = page.get_by_label("Show this question only if")
    _add(page, "age – Age", "is at least (>=)", "eighteen")
    expect(page.locator("#sib-value-error")).to_have_text("Write a number for the value, such as 18 or 2.5.")
    expect(page.locator("#sib-value")).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_value("")
    _add(page, "age – Age", "is at least (>=)", "18")
    expect(box).to_have_value("age >= 18")
    expect(page.locator("#sib-status")).to_have_text("Added to the rule: age >= 18")
    _add(page, "channels – Channels", "has ticked", "shop – Shop", join="or")
    expect(box).to_have_value("age >= 18 or selected(channels, 'shop')")
    _add(page, "age – Age", "is answered", join="and")
    expected = "(age >= 18 or selected(channels, 'shop')) and answered(age)"
    expect(box).to_have_value(expected)
    expect(page.locator("#sib-value-field")).to_be_hidden()
    _no_axe_violations(page)
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#question-why")).to_be_visible()
    assert _stored(app, questionnaire_id).question("why").show_if == expected

    page.goto(f"{live_server}/design/{questionnaire_id}/pages/1?lang=zh_CN")
    expect(page.get_by_role("group", name="构建条件")).to_be_visible()
    page.get_by_label("前面的答案").select_option(label="channels – 渠道")
    page.get_by_label("比较方式").select_option(label="未勾选")
    expect(page.locator("#sib-choice-field label")).to_have_text("比较的取值")
    page.locator("#sib-choice").select_option(label="web – 网站")
    page.get_by_role("button", name="添加条件").click()
    expect(page.get_by_label("仅在以下条件成立时显示本页")).to_have_value("not selected(channels, 'web')")
    _no_axe_violations(page)
    page.get_by_role("button", name="保存页面").click()
    expect(page.locator("#page-1")).to_be_visible()
    assert _stored(app, questionnaire_id).pages[1].show_if == "not selected(channels, 'web')"


def test_a_deleted_question_comes_back_with_undo(app, page: Page, live_server: str, make_user) -> None:
    make_user("designer")
    questionnaire_id = _questionnaire(app)
    original = to_json(_stored(app, questionnaire_id))
    sign_in_browser(page, live_server, "designer@example.com")
    page.goto(f"{live_server}/design/{questionnaire_id}/edit?lang=en")
    page.get_by_role("button", name="Delete question why").click()
    notice = page.locator("#undo")
    expect(notice).to_contain_text("Deleted question why from page p2.")
    expect(page.locator("#question-why")).to_have_count(0)
    _no_axe_violations(page)
    notice.get_by_role("button", name="Undo: Deleted question why from page p2.").click()
    expect(page.get_by_role("status").first).to_contain_text("before the deletion of why")
    expect(page.locator("#question-why")).to_be_visible()
    assert to_json(_stored(app, questionnaire_id)) == original
