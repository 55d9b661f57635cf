"""In real Chromium, on what `make install` produced: the dashboards load plotly.js's basic bundle,
compressed and cached for a year, and they and the overview fit a phone (390 px) as well as a
desktop (1280 px) in Chinese and English: no horizontal scroll, the index cards in one column on
the phone, every figure drawn within the viewport."""
from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from reports.plotly_bundle import BASIC_BUNDLE
from survey.asset_urls import IMMUTABLE
from survey.db import get_session
from survey.services.demo import seed_demo, seed_demo_analysis
from support import sign_in_browser

pytestmark = pytest.mark.browser

LAYOUT = """() => {
  const width = window.innerWidth;
  const items = [...document.querySelectorAll('.cards > li')];
  const cards = items.map(c => c.getBoundingClientRect());
  const spilling = items.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.className);
  const plots = [...document.querySelectorAll('.js-plotly-plot')].map(p => {
    const box = p.getBoundingClientRect(), svg = p.querySelector('.main-svg').getBoundingClientRect();
    return {id: p.id, left: box.left, right: box.right, svgRight: svg.right, svgWidth: svg.width};
  });
  return {width, scrollWidth: document.documentElement.scrollWidth,
          columns: new Set(cards.map(c => Math.round(c.left))).size, cards: cards.length, spilling, plots};
}"""

TRANSFER = """() => {
  const entry = performance.getEntriesByType('resource').find(e => e.name.includes('/reports/plotly.min.js'));
  return {transferSize: entry.transferSize, decodedBodySize: entry.decodedBodySize};
}"""


def test_dashboards_load_the_basic_bundle_and_fit_phones(app: Flask, page: Page, live_server: str,
                                                          make_user) -> None:
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        # Two waves, as `make run` seeds: the cards carry the change and its significance.
        runs = seed_demo_analysis(session, history=True)[1::2]
    make_user("viewer")
    sign_in_browser(page, live_server, "viewer@example.com")
    scripts = []
    page.on("response", lambda r: scripts.append((r, r.body())) if "/reports/plotly.min.js" in r.url else None)
    cards_seen, transfers = 0, []
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for run_id in runs:
            for lang, heading in (("zh_CN", "核心指数"), ("en", "Key indices")):
                page.goto(f"{live_server}/reports/runs/{run_id}/dashboard?lang={lang}")
                expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
                page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length > 0 && "
                                       "[...document.querySelectorAll('.js-plotly-plot')]"
                                       ".every(p => p.querySelector('.main-svg') && p._fullData.length > 0)")
                layout = page.evaluate(LAYOUT)
                transfers.append(page.evaluate(TRANSFER))
                where = (width, run_id, lang)
                assert layout["scrollWidth"] <= layout["width"], (where, layout["scrollWidth"])
                cards_seen += layout["cards"]
                assert layout["spilling"] == [], (where, layout["spilling"])  # no text runs out of its card
                if width == 390:  # (the Kano run has no index cards)
                    assert layout["columns"] <= 1, (where, layout)
                else:
                    assert layout["cards"] <= 1 or layout["columns"] > 1, (where, layout)
                for plot in layout["plots"]:
                    assert plot["left"] >= 0 and plot["right"] <= layout["width"], (where, plot)
                    assert plot["svgRight"] <= layout["width"] + 0.5, (where, plot)
                    assert plot["svgWidth"] >= plot["right"] - plot["left"] - 1, (where, plot)  # fills its box
        # The overview: the five indices of each of the three questionnaires as cards.
        for lang in ("zh_CN", "en"):
            page.goto(f"{live_server}/reports/?lang={lang}")
            expect(page.locator(".cards").first).to_be_visible()
            layout = page.evaluate(LAYOUT)
            where = (width, "overview", lang)
            assert layout["scrollWidth"] <= layout["width"] and layout["spilling"] == [], (where, layout)
            assert layout["cards"] == 5, (where, layout)  # ACSI: 2, complaints: 3 (side by side at 1280)
            assert layout["columns"] == 1 if width == 390 else layout["columns"] == 3, (where, layout)
    assert cards_seen >= 8  # ACSI: satisfaction, loyalty; complaints: NPS, word of mouth, handling... × 2 widths
    # The bundle came over the network once, compressed (1.2 MB → about 400 KB), then from the
    # browser's cache without a request, at its versioned URL.
    first, *later = transfers
    assert 0 < first["transferSize"] < 600_000 and first["decodedBodySize"] == BASIC_BUNDLE.stat().st_size, first
    assert [t["transferSize"] for t in later] == [0] * len(later), later
    script, body = scripts[0]
    assert "?v=" in script.url and script.headers["cache-control"] == IMMUTABLE
    assert script.headers["content-encoding"] in ("br", "gzip", "zstd")
    assert body == BASIC_BUNDLE.read_bytes()  # what `make install` fetched
