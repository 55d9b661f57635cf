"""Respondent pages in real Chromium: keyboard-only completion with live show-if, and axe-core
(WCAG 2.1 A/AA) on every respondent page type in Chinese and English."""
from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Invitation, Response
from survey.db import get_session
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page as SurveyPage, Question, Questionnaire, ScaleSettings, Texts,
)
from survey.services.questionnaires import create_questionnaire, publish
from support import WriteOutage

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
_spec = importlib.util.spec_from_file_location(
    "collect_fixtures", Path(__file__).parents[1] / "survey" / "collect" / "conftest.py")
collect_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(collect_fixtures)


def _publish(app, document: Questionnaire):
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, document)
        publish(db, version)
        db.commit()
        return version


def _short_survey() -> Questionnaire:
    t = Texts
    return Questionnaire(t("小调查", "Short survey"), (
        SurveyPage("one", t("第一页", "Page one"), (
            Question("sat", "rating", t("满意度", "How satisfied are you?"), required=True,
                     settings=ScaleSettings(min=1, max=5, low_label=t("很差", "Poor"),
                                            high_label=t("很好", "Great"))),
            Question("again", "yes_no", t("还会再买吗？", "Would you buy again?"), required=True),
            Question("why", "text", t("为什么？", "Why?"), show_if="again = 'yes'", required=True),
        )),
        SurveyPage("two", t("第二页", "Page two"), (
            Question("features", "multiple_choice", t("您用哪些功能？", "Which features do you use?"),
                     choices=(Choice("a", t("甲", "Alpha")), Choice("b", t("乙", "Beta")),
                              Choice("c", t("丙", "Gamma"))),
                     settings=MultipleChoiceSettings(max_selected=2)),
        )),
    ))


def _tab_to(page: Page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_complete_a_survey_with_the_keyboard_only(app, page: Page, live_server: str) -> None:
    version = _publish(app, _short_survey())
    page.goto(f"{live_server}/s/{version.public_token}?lang=en")
    _tab_to(page, ".survey-welcome button")
    page.keyboard.press("Enter")
    expect(page.locator("h2").first).to_have_text("Page one")
    expect(page.locator("#question-why")).to_be_hidden()
    _tab_to(page, "input[name=sat]")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#q-sat-3")).to_be_checked()
    _tab_to(page, "input[name=again]")
    page.keyboard.press("Space")
    expect(page.locator("#q-again-0")).to_be_checked()
    expect(page.locator("#question-why")).to_be_visible()  # show-if, live in the browser
    _tab_to(page, "#q-why")
    page.keyboard.type("Fast delivery")
    _tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    expect(page.locator("h2").first).to_have_text("Page two")
    expect(page.locator("#progress-label")).to_have_text("Page 2 of 2")
    _tab_to(page, "#q-features-0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    _tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Thank you!")
    with app.app_context():
        response = get_session().scalars(select(Response)).one()
        assert response.status == "complete"
        assert response.answers == {"sat": 4, "again": "yes", "why": "Fast delivery",
                                    "features": ["a", "b"]}


def test_errors_are_announced_and_focused(app, page: Page, live_server: str) -> None:
    version = _publish(app, _short_survey())
    page.goto(f"{live_server}/s/{version.public_token}?lang=en")
    page.get_by_role("button", name="Start the survey").click()
    page.get_by_role("button", name="Next").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("This question needs an answer.")
    expect(summary).to_be_focused()
    expect(page.locator("#q-sat-0")).to_have_attribute("aria-invalid", "true")


def _assert_accessible(page: Page, what: str) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_respondent_page_type_has_no_axe_violations(app, page: Page, live_server: str,
                                                          lang: str, monkeypatch) -> None:
    version = _publish(app, collect_fixtures.every_type())
    with app.app_context():
        db = get_session()
        db.add_all([
            Invitation(questionnaire_id=version.questionnaire_id, token="closed", status="closed"),
            Invitation(questionnaire_id=version.questionnaire_id, token="expired",
                       expires_at=datetime.now(UTC) - timedelta(days=1)),
        ])
        db.commit()
    q = f"?lang={lang}"
    page.goto(f"{live_server}/s/{version.public_token}{q}")
    _assert_accessible(page, "welcome")
    page.locator(".survey-welcome button").click()
    page.wait_for_url("**/0")
    _assert_accessible(page, "page 1 (choices, dropdown, numeric, info)")
    page.locator("button[value=next]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _assert_accessible(page, "page 1 with errors")
    expect(page.locator("#q-region_other")).to_be_hidden()
    page.locator("#q-region-2").check()  # "other": the specify box appears
    expect(page.locator("#q-region_other")).to_be_visible()
    page.locator("#q-region-0").check()
    expect(page.locator("#q-region_other")).to_be_hidden()
    page.locator("#q-new_customer-1").check()  # "no" reveals the numeric question
    page.locator("#q-since").fill("4")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/1")
    _assert_accessible(page, "page 2 (rating, NPS, matrix, Kano)")
    for selector in ("#q-satisfaction-3", "#q-nps-9", "#q-q_speed-4", "#q-q_price-2", "#q-wifi_f-0",
                     "#q-wifi_d-4", "#q-wifi_imp-6"):
        page.locator(selector).check()
    page.locator("button[value=next]").click()
    page.wait_for_url("**/2")
    _assert_accessible(page, "page 3 (text, long text, date)")
    page.locator("#q-comment").fill("kept text")
    with WriteOutage(monkeypatch):  # the live server runs in this process
        page.locator("button[value=next]").click()
        expect(page.locator("#retry-notice")).to_be_visible()
        expect(page.locator("#q-comment")).to_have_value("kept text")
        _assert_accessible(page, "try again (503)")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/done")
    _assert_accessible(page, "thank you")
    page.goto(f"{live_server}/s/{version.public_token}{q}")
    _assert_accessible(page, "already submitted")
    for path in ("/s/i/closed", "/s/i/expired", "/s/unknown-link"):
        page.goto(f"{live_server}{path}{q}")
        _assert_accessible(page, path)


def test_comfortable_on_a_phone(app, browser, live_server: str) -> None:
    version = _publish(app, collect_fixtures.every_type())
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server}/s/{version.public_token}")
        phone.locator(".survey-welcome button").click()
        phone.locator("#q-region-0").check()
        phone.locator("#q-new_customer-0").check()
        phone.locator("button[value=next]").click()
        phone.wait_for_url("**/1")  # the matrix and Kano page: widest content
        widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page scrolls sideways on a phone: {widths}"
        box = phone.locator("label[for=q-nps-10]").bounding_box()
        assert box["height"] >= 20 and box["x"] + box["width"] <= 360
        option = phone.locator("#q-nps-10").locator("xpath=..").bounding_box()
        assert option["height"] >= 44  # touch target
    finally:
        context.close()


def test_the_survey_works_with_javascript_off(app, browser, live_server: str) -> None:
    version = _publish(app, _short_survey())
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/{version.public_token}")
        page.get_by_role("button", name="Start the survey").click()
        expect(page.locator("#question-why")).to_be_hidden()
        page.locator("#q-sat-4").check()
        page.locator("#q-again-0").check()
        page.get_by_role("button", name="Next").click()
        # The server shows the question the answer revealed before moving on.
        expect(page.get_by_role("status")).to_contain_text("more questions")
        expect(page.locator("#question-why")).to_be_visible()
        expect(page.locator("#q-sat-4")).to_be_checked()
        page.get_by_label("Why?").fill("Friendly staff")
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#progress-label")).to_have_text("Page 2 of 2")
        page.get_by_role("button", name="Submit").click()
        expect(page.locator("h1")).to_have_text("Thank you!")
    finally:
        context.close()
    with app.app_context():
        response = get_session().scalars(select(Response)).one()
        assert response.status == "complete"
        assert response.answers == {"sat": 5, "again": "yes", "why": "Friendly staff"}


@pytest.mark.parametrize("width", [320, 390])
def test_an_nps_scale_keeps_one_row_on_a_phone(app, browser, live_server: str, width: int) -> None:
    """0–10 on one row with its end labels at the ends: wrapped 6 + 5, "10 = Extremely likely"
    sat above 5."""
    version = _publish(app, collect_fixtures.every_type())
    context = browser.new_context(viewport={"width": width, "height": 740}, locale="en-US", is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server}/s/{version.public_token}?lang=en")
        phone.locator(".survey-welcome button").click()
        phone.locator("#q-region-0").check()
        phone.locator("#q-new_customer-0").check()
        phone.locator("button[value=next]").click()
        phone.wait_for_url("**/1")
        boxes = [phone.locator(f"#q-nps-{i}").locator("xpath=..").bounding_box() for i in range(11)]
        assert len({round(b["y"]) for b in boxes}) == 1, [b["y"] for b in boxes]  # one row
        assert all(b["width"] >= 24 and b["height"] >= 44 for b in boxes), [b["width"] for b in boxes]
        assert boxes[0]["x"] < boxes[10]["x"] and boxes[10]["x"] + boxes[10]["width"] <= width
        ends = phone.locator("#ends-nps span")
        low, high = ends.nth(0).bounding_box(), ends.nth(1).bounding_box()
        assert low["x"] <= boxes[0]["x"] + boxes[0]["width"] and high["x"] + high["width"] >= boxes[10]["x"]
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
