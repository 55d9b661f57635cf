"""In real Chromium: every figure of the three demo dashboards renders, in English and Chinese,
and the dashboard and run pages pass an axe-core WCAG 2.1 A/AA check.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect

from survey.db import get_session
from survey.services.demo import seed_demo, seed_demo_analysis
from support import sign_in_browser

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}






def _sign_in(page: Page, live_server: str, email: str) -> None:
    sign_in_browser(page, live_server, email)


def _assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == [], violations


def test_every_figure_renders_in_both_languages(app: Flask, page: Page, live_server: str, make_user) -> None:
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        runs = seed_demo_analysis(session)
    make_user("viewer")
    _sign_in(page, live_server, "viewer@example.com")
    # (run, figures): ACSI — trend, segments, path, IPMA; complaints — trend, segments (NPS,
    # word of mouth, complaint handling), complaint panel; Kano — Better–Worse and category bars.
    for run_id, figures in zip(runs, (4, 5, 2)):
        for lang, heading, section in (("en", "Key indices", "Model validity"), ("zh_CN", "核心指数", "模型效度")):
            page.goto(f"{live_server}/reports/runs/{run_id}/dashboard?lang={lang}")
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
            expect(page.locator(".figure .js-plotly-plot")).to_have_count(figures)
            expect(page.locator(".figure .js-plotly-plot .main-svg").first).to_be_visible()
            assert page.locator(".figure").count() == figures
            # every plot has drawn its traces (not just an empty frame)
            page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                                   ".every(p => p._fullData && p._fullData.length > 0)")
    # The executive summary opens the ACSI and complaint dashboards, in the page's language, and
    # fits a phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    for run_id, lang, heading, first in ((runs[0], "en", "Summary", "ACSI satisfaction is "),
                                         (runs[1], "zh_CN", "摘要", "净推荐值 (NPS)为 ")):
        page.goto(f"{live_server}/reports/runs/{run_id}/dashboard?lang={lang}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        sentences = page.locator(".executive-summary li")
        expect(sentences.first).to_be_visible()
        assert sentences.first.inner_text().startswith(first)
        assert sentences.count() >= 3
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/reports/runs/{runs[0]}/dashboard?lang=zh_CN")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="路径图", exact=True)).to_be_visible()


def test_dashboard_and_run_pages_pass_axe(app: Flask, page: Page, live_server: str, make_user) -> None:
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        runs = seed_demo_analysis(session)
    make_user("analyst")
    _sign_in(page, live_server, "analyst@example.com")
    for path in (f"/reports/runs/{runs[0]}/dashboard?lang=en", f"/reports/runs/{runs[1]}/dashboard?lang=zh_CN",
                 f"/reports/runs/{runs[2]}/dashboard?lang=en", "/reports/runs?lang=zh_CN",
                 "/reports/runs/new?questionnaire=1&lang=en", "/reports/?lang=zh_CN"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        _assert_accessible(page)
