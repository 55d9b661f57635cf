"""The registered question types (time, date-time, slider, ranking, constant sum) in real
Chromium on a 390 px phone, in Chinese and English: nothing wider than the screen, touch targets
of 44 px, axe-core (WCAG 2.1 A/AA) clean; the slider's range input follows its number box and
says its value, the constant sum shows its running total, and a page answered this way is stored."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from models import Response
from registered_types import VALID_ANSWERS, registered_document
from support import published_token
from survey.db import get_session

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_new_types_on_a_phone(app, browser, live_server: str, lang: str) -> None:
    token = published_token(app, registered_document())
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server}/s/{token}?lang={lang}")
        phone.locator(".survey-welcome button").click()
        phone.wait_for_url("**/0")
        results = Axe().run(phone, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        for selector in ("#q-wake", "#q-visit", "#q-effort", "#q-effort-range", "#q-fav-0",
                         "#q-budget_apple"):
            box = phone.locator(selector).bounding_box()
            assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
        phone.locator("#q-wake").fill("07:30")
        phone.locator("#q-visit").fill("2026-03-04T18:05")
        slider = phone.locator("#q-effort-range")
        assert slider.is_visible()  # shown by the script; the number box alone works without it
        phone.locator("#q-effort").fill("100")
        assert slider.input_value() == "100"
        assert slider.get_attribute("aria-valuetext") == ("100 = 很省力" if lang == "zh_CN" else "100 = Very easy")
        slider.focus()
        for _ in range(9):
            phone.keyboard.press("ArrowLeft")
        assert phone.locator("#q-effort").input_value() == "55"
        assert slider.get_attribute("aria-valuetext") == "55"
        for index, rank in enumerate(["2", "3", "1"]):
            phone.locator(f"#q-fav-{index}").select_option(label=rank)
        phone.locator("#q-budget_apple").fill("50")
        phone.locator("#q-budget_plum").fill("50")
        assert phone.locator("#sum-budget").text_content() == "100"
        results = Axe().run(phone, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
        with phone.expect_navigation():
            phone.locator("button[value=next]").click()
        assert not phone.url.endswith("/0")  # moved on: the page was accepted
    finally:
        context.close()
    with app.app_context():
        answers = get_session().scalars(select(Response)).one().answers
    assert answers == VALID_ANSWERS


def _live_document():
    from survey.questionnaire import document as doc
    from survey.questionnaire.types.slider import SliderSettings

    t, fruits = doc.Texts, registered_document().question("fav").choices
    return doc.Questionnaire(t("实时", "Live"), (doc.Page("p", t("页", "Page"), (
        doc.Question("score", "slider", t("分数", "Score"), settings=SliderSettings(0, 10, 1)),
        doc.Question("low", "text", t("为什么低？", "Why low?"), show_if="score < 5"),
        doc.Question("fav", "ranking", t("排序", "Rank"), choices=fruits),
        doc.Question("all_ranked", "text", t("都排了", "All ranked"), show_if="count(fav) = 3"),
        doc.Question("visit", "datetime", t("何时", "When"), required=True),
        doc.Question("late", "text", t("晚了", "Late"), show_if="visit > '2026-06-01T00:00'"),
    )),))


def test_show_if_follows_the_new_types_live_at_320_px(app, browser, live_server: str) -> None:
    """The browser's logic mirror reads a slider as a number, a ranking as the choices ranked and
    a date-time as its text, as the server does."""
    token = published_token(app, _live_document())
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server}/s/{token}?lang=en")
        phone.locator(".survey-welcome button").click()
        phone.wait_for_url("**/0")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        low, ranked, late = (phone.locator(f"#question-{code}") for code in ("low", "all_ranked", "late"))
        assert low.is_hidden() and ranked.is_hidden() and late.is_hidden()
        phone.locator("#q-score").fill("3")
        assert low.is_visible()
        range_input = phone.locator("#q-score-range")
        range_input.focus()
        for _ in range(3):
            phone.keyboard.press("ArrowRight")
        assert phone.locator("#q-score").input_value() == "6" and low.is_hidden()
        for index, rank in enumerate(["3", "1"]):
            phone.locator(f"#q-fav-{index}").select_option(label=rank)
        assert ranked.is_hidden()
        phone.locator("#q-fav-2").select_option(label="2")
        assert ranked.is_visible()
        phone.locator("#q-visit").fill("2026-07-01T10:00")
        assert late.is_visible()
        results = Axe().run(phone, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
