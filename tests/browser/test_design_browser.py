"""A designer builds a three-page questionnaire with a show-if rule in Chromium, previews it in
Chinese and English, and publishes it; axe-core finds no WCAG 2.1 A/AA violation on the designer
pages."""
from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from support import TEST_PASSWORD

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _sign_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/auth/login?lang=en")
    page.get_by_label("E-mail").fill("designer@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Welcome to Xinsheng")


def _add_question(page: Page, page_index: int, question_type: str, code: str, zh: str, en: str,
                  **extra: str) -> None:
    page.locator(f"#add-type-{page_index}").select_option(question_type)
    page.locator(f"#page-{page_index} .add-question button").click()
    page.locator("#code").fill(code)
    page.locator("#text_zh").fill(zh)
    page.locator("#text_en").fill(en)
    for field, value in extra.items():
        page.locator(f"#{field}").fill(value)
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(f"#question-{code}")).to_be_visible()


def _axe_violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    assert results.response["passes"], "axe-core did not run its checks"
    return [f"{page.url}: {v['id']} {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


def test_build_preview_and_publish_a_three_page_questionnaire(page: Page, live_server: str,
                                                              make_user) -> None:
    make_user("designer")
    _sign_in(page, live_server)
    violations: list[str] = []

    page.goto(f"{live_server}/design/?lang=en")
    violations += _axe_violations(page)
    page.get_by_role("link", name="New blank questionnaire").click()
    page.get_by_role("button", name="Create").click()  # empty titles: field-level error
    expect(page.get_by_role("alert")).to_contain_text("Write the title in at least one language.")
    expect(page.locator("#title_zh")).to_have_attribute("aria-invalid", "true")
    violations += _axe_violations(page)
    page.locator("#title_zh").fill("门店满意度")
    page.locator("#title_en").fill("Store satisfaction")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("h1")).to_have_text("Edit questionnaire")

    page.get_by_role("button", name="Add a page").click()
    page.get_by_role("button", name="Add a page").click()
    expect(page.locator("section.page-block")).to_have_count(3)

    _add_question(page, 0, "numeric", "age", "您的年龄", "Your age")
    _add_question(page, 1, "long_text", "why", "您成年后为什么选择我们？", "Why did you choose us as an adult?")
    _add_question(page, 2, "yes_no", "again", "您会再来吗？", "Will you come again?")

    # a show-if that refers to a later question is refused next to the field …
    page.locator("#page-1").get_by_role("link", name=re.compile("Edit page")).click()
    violations += _axe_violations(page)
    page.locator("#show_if").fill("again = 'yes'")
    page.get_by_role("button", name="Save page").click()
    expect(page.locator("#show_if-error")).to_contain_text("comes later in the questionnaire")
    expect(page.locator("#show_if")).to_have_attribute("aria-invalid", "true")
    violations += _axe_violations(page)
    # … and a valid one is kept
    page.locator("#show_if").fill("age >= 18")
    page.get_by_role("button", name="Save page").click()
    expect(page.locator("#page-1 .rule code")).to_have_text("age >= 18")
    violations += _axe_violations(page)

    page.locator("#question-age").get_by_role("link", name=re.compile("Edit")).click()
    violations += _axe_violations(page)
    page.get_by_role("link", name="Back to the editor").click()

    # preview in Chinese: a minor skips page 2 (the show-if)
    page.get_by_role("link", name="Preview in Chinese").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("门店满意度")
    expect(page.get_by_text("您的年龄")).to_be_visible()
    page.locator("[name=age]").fill("12")
    page.locator("button[name=nav][value=next]").click()
    expect(page.get_by_text("您会再来吗？")).to_be_visible()
    expect(page.get_by_text("您成年后为什么选择我们？")).to_have_count(0)
    # the same page in English
    page.locator(".preview-banner").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Will you come again?")).to_be_visible()
    page.locator(".preview-banner").get_by_role("link", name="Start again").click()
    page.locator("[name=age]").fill("30")
    page.locator("button[name=nav][value=next]").click()
    expect(page.get_by_text("Why did you choose us as an adult?")).to_be_visible()
    page.locator(".preview-banner").get_by_role("link", name="Back to the editor").click()

    page.get_by_role("link", name="Check and publish").click()
    expect(page.get_by_text("No problems found in the show-if and validation rules.")).to_be_visible()
    violations += _axe_violations(page)
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator(".flash")).to_contain_text("Version 1 is published.")
    expect(page.locator("table.list")).to_contain_text("Published")
    expect(page.locator("table.list a[href*='/s/']")).to_have_count(1)
    violations += _axe_violations(page)

    for path in ("/design/new/template", "/design/import", "/design/?q=store&status=all"):
        page.goto(f"{live_server}{path}&lang=zh_CN" if "?" in path else f"{live_server}{path}?lang=zh_CN")
        violations += _axe_violations(page)
    page.goto(f"{live_server}/design/import?lang=en")
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#file-error")).to_be_visible()
    violations += _axe_violations(page)
    assert violations == []
