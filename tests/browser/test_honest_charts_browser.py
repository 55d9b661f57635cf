"""In real Chromium, at a phone's 390 px and a desktop's 1280 px, in English and Chinese: the
IPMA chart draws on honest axes (performance 0–100, importance from 0) and the trend draws each
index in its own panel with CI bars and a ▼ triangle on the wave whose stored change test is
significant —
on the dashboard and in the standalone report (the PDF's source); the numbers are in a table.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from reports.render import render_standalone
from survey.db import get_session
from survey.services import dashboard
from support import seed_two_waves, sign_in_browser

pytestmark = pytest.mark.browser
SIZES = ((390, 844), (1280, 900))
DRAWN = """(id) => { const gd = document.getElementById(id);
  return !!(gd && gd._fullData && gd._fullData.length && gd.querySelector('.main-svg')); }"""
AXES = """(id) => { const gd = document.getElementById(id); const l = gd._fullLayout;
  const panels = Object.keys(l).filter(k => /^yaxis\\d*$/.test(k)).length;
  return {x: l.xaxis.range, y: l.yaxis.range, panels: panels, traces: gd._fullData.length,
          symbols: gd._fullData.map(t => [].concat(t.marker.symbol)),
          errorBars: gd.querySelectorAll('.errorbar').length,
          width: gd.getBoundingClientRect().width}; }"""


def _waves(app: Flask) -> tuple[int, int]:
    """The demo ACSI run and a later wave 5 points lower on satisfaction, stored with a
    significant permutation change test against it (the shape acsi.metric_tests stores)."""
    return seed_two_waves(app)


def _check_figures(page: Page, width: int, drivers: int) -> None:
    for figure in ("report-ipma", "report-trend"):
        page.wait_for_function(DRAWN, arg=figure, timeout=30000)
    ipma = page.evaluate(AXES, "report-ipma")
    assert ipma["y"] == [0, 100] and ipma["x"][0] == 0 and ipma["x"][1] > 0
    assert page.locator("#report-ipma .scatterlayer .point").count() == drivers
    trend = page.evaluate(AXES, "report-trend")
    assert trend["panels"] == trend["traces"] == 2  # satisfaction and loyalty, each on its own axis
    assert ["circle", "triangle-down"] in trend["symbols"] and ["circle", "circle"] in trend["symbols"]
    assert trend["y"][1] - trend["y"][0] >= 20  # the index panel spans at least 20 of its 0–100 points
    assert trend["errorBars"] >= 1  # the later wave's CI
    assert ipma["width"] <= width and trend["width"] <= width
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_ipma_and_trend_draw_honestly_on_phone_and_desktop(app: Flask, page: Page, live_server: str, make_user,
                                                          tmp_path: Path) -> None:
    first, later = _waves(app)
    with app.app_context():
        _data, view = dashboard.build_dashboard(get_session(), later)
    make_user("viewer")
    sign_in_browser(page, live_server, "viewer@example.com")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for lang, disclosure, test_name in (("en", "Show the numbers as a table", "permutation test"),
                                            ("zh_CN", "以表格显示数据", "置换检验")):
            page.goto(f"{live_server}/reports/runs/{later}/dashboard?lang={lang}")
            _check_figures(page, width, len(view.ipma))
            # The trend's numbers are one click away, for a screen reader too: CI, change, test, p.
            trend = page.locator("#trend-heading").locator("xpath=..")
            trend.get_by_text(disclosure).click()
            row = trend.locator('table[data-metric="satisfaction"] tbody tr').nth(1)
            expect(row).to_be_visible()
            expect(row).to_contain_text(test_name)
            expect(row).to_contain_text("0.012")
            expect(page.locator(".card-satisfaction .card-scale")).to_have_text(
                "index 0–100" if lang == "en" else "指数 0–100")
        # The standalone report, opened from disk, draws the same figures.
        for lang in ("en", "zh_CN"):
            path = tmp_path / f"report-{lang}.html"
            path.write_text(render_standalone(view, lang), encoding="utf-8")
            page.goto(path.as_uri())
            _check_figures(page, width, len(view.ipma))
            expect(page.locator('table.trend-table[data-metric="satisfaction"] tbody tr').nth(1)).to_contain_text("▼")
    assert first < later
