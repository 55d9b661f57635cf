"""Switching language in the middle of a survey page, in real Chromium, with JavaScript on (the
live show-if running) and off: the answers ticked on the page stay ticked and are saved."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from models import Response
from survey.db import get_session
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page as SurveyPage, Question, Questionnaire, ScaleSettings, Texts,
)
from survey.services.questionnaires import create_questionnaire, publish

pytestmark = pytest.mark.browser


def _survey() -> Questionnaire:
    t = Texts
    return Questionnaire(t("小调查", "Short survey"), (
        SurveyPage("one", t("第一页", "Page one"), (
            Question("sat", "rating", t("满意度", "How satisfied are you?"), required=True,
                     settings=ScaleSettings(min=1, max=5)),
            Question("again", "yes_no", t("还会再买吗？", "Would you buy again?"), required=True),
            Question("why", "text", t("为什么？", "Why?"), show_if="again = 'yes'", required=True),
            Question("features", "multiple_choice", t("您用哪些功能？", "Which features do you use?"),
                     choices=(Choice("a", t("甲", "Alpha")), Choice("b", t("乙", "Beta")),
                              Choice("c", t("丙", "Gamma"))),
                     settings=MultipleChoiceSettings(max_selected=2)),
        )),
        SurveyPage("two", t("第二页", "Page two"), (
            Question("more", "text", t("还有吗？", "Anything else?")),
        )),
    ))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_switching_language_mid_page_keeps_the_answers(app, browser: Browser, live_server: str,
                                                       javascript: bool) -> None:
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, _survey())
        publish(db, version)
        db.commit()
    context = browser.new_context(locale="en-US", java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/{version.public_token}")
        page.get_by_role("button", name="Start the survey").click()
        expect(page.locator("h2").first).to_have_text("Page one")
        page.locator("#q-sat-3").check()
        page.locator("#q-again-0").check()
        if javascript:
            expect(page.locator("#question-why")).to_be_visible()  # show-if, live
            page.locator("#q-why").fill("快")
        else:
            expect(page.locator("#question-why")).to_be_hidden()  # shown once the page is posted
        page.locator("#q-features-0").check()
        page.locator("#q-features-2").check()
        page.get_by_role("button", name="中文").click()

        expect(page.locator("h2").first).to_have_text("第一页")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        for checked in ("#q-sat-3", "#q-again-0", "#q-features-0", "#q-features-2"):
            expect(page.locator(checked)).to_be_checked()
        expect(page.locator("#q-features-1")).not_to_be_checked()
        expect(page.locator("#question-why")).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)  # nothing is required by a switch
        if not javascript:
            page.locator("#q-why").fill("快")
        else:
            expect(page.locator("#q-why")).to_have_value("快")
        with app.app_context():
            response = get_session().scalars(select(Response)).one()
            typed = {"why": "快"} if javascript else {}
            assert response.answers == {"sat": 4, "again": "yes", **typed, "features": ["a", "c"]}
            assert response.last_page == 0

        page.get_by_role("button", name="下一页").click()  # continue, now in Chinese
        expect(page.locator("h2").first).to_have_text("第二页")
        page.get_by_role("button", name="English").click()
        expect(page.locator("h2").first).to_have_text("Page two")
    finally:
        context.close()
