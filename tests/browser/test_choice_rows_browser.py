"""Choices as rows of inputs in Chromium: a row is added, the bad rows get their error beside
them (and axe-core finds no WCAG 2.1 A/AA violation on that page), the fixed rows are saved."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from survey.db import get_session
from survey.questionnaire.document import Page as SurveyPage, Question, Questionnaire, Texts
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from support import sign_in_browser

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_choices_typed_as_rows(app, page: Page, live_server: str, make_user) -> None:
    make_user("designer")
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, Questionnaire(Texts("调查", "Survey"), (
            SurveyPage("p1", Texts("一", "One"), (Question("age", "numeric", Texts("年龄", "Age")),)),)))
        db.commit()
        questionnaire_id = version.questionnaire_id
    sign_in_browser(page, live_server, "designer@example.com")
    page.goto(f"{live_server}/design/{questionnaire_id}/pages/0/questions/new?type=single_choice&lang=en")
    page.locator("#code").fill("channel")
    page.locator("#text_en").fill("Where do you buy?")
    rows = page.locator("fieldset#choices tbody tr")
    expect(rows).to_have_count(3)
    for index, (code, zh, en) in enumerate([("web", "网店", "Online"), ("", "门店", "In a shop"),
                                            ("web", "电话", "By phone")]):
        page.get_by_label(f"Row {index + 1}: code").fill(code)
        page.get_by_label(f"Row {index + 1}: Chinese").fill(zh)
        page.get_by_label(f"Row {index + 1}: English").fill(en)
    page.get_by_role("button", name="Add a row").click()
    expect(rows).to_have_count(4)
    expect(page.get_by_label("Row 3: English")).to_have_value("By phone")  # kept across the reload
    page.get_by_label("Row 4: code").fill("mail")
    page.get_by_label("Row 4: English").fill("By mail")
    page.get_by_role("button", name="Save question").click()

    expect(page.get_by_role("alert")).to_contain_text("Row 2: give the choice a code.")
    expect(page.locator("#choice_rows-1-code-error")).to_have_text("Row 2: give the choice a code.")
    expect(page.locator("#choice_rows-2-code-error")).to_contain_text("already used in row 1")
    expect(page.get_by_label("Row 3: code")).to_have_attribute("aria-invalid", "true")
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_label("Row 2: code").fill("shop")
    page.get_by_label("Row 3: code").fill("phone")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#question-channel")).to_be_visible()
    with app.app_context():
        question = version_document(latest_version(get_session(), questionnaire_id)).question("channel")
    assert [(c.code, c.label.en) for c in question.choices] == [
        ("web", "Online"), ("shop", "In a shop"), ("phone", "By phone"), ("mail", "By mail")]
