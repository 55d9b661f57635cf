"""In real Chromium: the per-question results page of the demo — a breakdown by segment with each
segment's test against the rest, and a cross-tab — chosen with the page's own form, in English and
Chinese, at phone and desktop widths, passing an axe-core WCAG 2.1 A/AA check."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Questionnaire
from support import sign_in_browser
from survey.db import get_session
from survey.services.demo import seed_demo

pytestmark = pytest.mark.browser
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_breakdown_and_cross_tab_in_both_languages_and_widths(app: Flask, page: Page, live_server: str,
                                                               make_user) -> None:
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "complaint_followup"))
    make_user("analyst")
    sign_in_browser(page, live_server, "analyst@example.com")

    page.goto(f"{live_server}/responses/{questionnaire}/results?lang=en")
    page.get_by_label("Break down by segment").select_option("tier")
    page.get_by_label("Rows").select_option("s:region")
    page.get_by_label("Columns").select_option("s:tier")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="region by tier")).to_be_visible()
    expect(page.get_by_text("Chi-square test of independence")).to_be_visible()
    cells = page.locator("td.segment-test")
    assert cells.count() > 0
    assert any("Holm-adjusted" in text for text in cells.all_inner_texts())
    assert "tier" in page.url and "rows=s%3Aregion" in page.url  # the choice is a link one can share
    violations = [v["id"] for v in Axe().run(page, options=WCAG).response["violations"]]
    assert violations == [], violations

    for width, lang, heading in ((390, "zh_CN", "按细分群体拆分"), (1280, "en", "Break down by segment"),
                                 (390, "en", "Break down by segment")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/responses/{questionnaire}/results?lang={lang}&by=tier&rows=s:region&cols=s:tier")
        expect(page.get_by_label(heading)).to_be_visible()
        # wide tables scroll inside their box; the page itself never scrolls sideways
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (width, lang)
