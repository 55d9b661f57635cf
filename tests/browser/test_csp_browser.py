"""The Content-Security-Policy in real Chromium: the dashboard (plotly), designer and respondent
pages work with no CSP violation; a hostile segment value shows as text in the figures, never as
a link."""
from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from models import AnalysisResult
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.demo import seed_demo, seed_demo_analysis
from survey.services.questionnaires import create_questionnaire, publish
from support import sign_in_browser

pytestmark = pytest.mark.browser
HOSTILE = '<a href="https://evil.example">evil</a>'
# Every violation the page reports, collected from the first script on.
LISTEN = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"""


@pytest.fixture
def watched(page: Page) -> tuple[Page, list[str]]:
    """The page, plus the console's CSP complaints (the events are read per page)."""
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return page, console


def _violations(page: Page, console: list[str]) -> list[str]:
    return page.evaluate("() => window.__cspViolations") + console


def _sign_in(page: Page, live_server: str, email: str) -> None:
    sign_in_browser(page, live_server, email)


def _hostile_segment(app: Flask, run_id: int) -> str:
    """Rename a segment of a stored run to HTML, as an uploaded segment value could be."""
    with app.app_context():
        session = get_session()
        meta = session.scalars(select(AnalysisResult).where(
            AnalysisResult.run_id == run_id, AnalysisResult.kind == "meta")).one()
        old = next(s for s in meta.payload["segments"] if s != "all")
        new = old.split("=")[0] + "=" + HOSTILE
        meta.payload = {**meta.payload, "segments": [new if s == old else s for s in meta.payload["segments"]]}
        session.execute(update(AnalysisResult).where(AnalysisResult.run_id == run_id,
                                                     AnalysisResult.segment == old).values(segment=new))
        session.commit()
    return new


def test_dashboards_draw_under_the_csp_and_show_hostile_segments_as_text(
        app: Flask, watched, live_server: str, make_user) -> None:
    page, console = watched
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        runs = seed_demo_analysis(session)
    _hostile_segment(app, runs[1])
    make_user("analyst")
    _sign_in(page, live_server, "analyst@example.com")
    for run_id, figures in zip(runs, (4, 5, 2)):
        page.goto(f"{live_server}/reports/runs/{run_id}/dashboard?lang=en")
        expect(page.locator(".figure .js-plotly-plot")).to_have_count(figures)
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                               ".every(p => p._fullData && p._fullData.length > 0 && p.querySelector('.main-svg'))")
        assert _violations(page, console) == [], page.url
        csp = page.evaluate("async () => (await fetch(location.href)).headers.get('content-security-policy')")
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    page.goto(f"{live_server}/reports/runs/{runs[1]}/dashboard?lang=en")
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))")
    links = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot a')].map(a => a.outerHTML)")
    assert links == []
    texts = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot text')].map(t => t.textContent)")
    assert any(HOSTILE in text for text in texts), texts
    assert _violations(page, console) == []


def test_designer_and_respondent_pages_have_no_csp_violation(app: Flask, watched, live_server: str,
                                                             make_user) -> None:
    page, console = watched
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        qid, public_token = version.questionnaire_id, version.public_token
    make_user("designer")
    _sign_in(page, live_server, "designer@example.com")
    for path in ("/design/?lang=en", "/design/new", f"/design/{qid}", f"/design/{qid}/embedding",
                 f"/design/{qid}/preview", f"/invitations/{qid}"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        assert _violations(page, console) == [], path
    respondent = page.context.browser.new_page()
    respondent.add_init_script(LISTEN)
    respondent.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    respondent.goto(f"{live_server}/s/{public_token}?lang=en")
    respondent.get_by_role("button").last.click()
    respondent.wait_for_load_state("load")
    assert "/s/r/" in respondent.url
    expect(respondent.locator("form.survey-form")).to_be_visible()
    assert _violations(respondent, console) == []
    respondent.close()
