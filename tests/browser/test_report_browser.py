"""The standalone report in real Chromium: opened from disk it makes no network request and
every figure renders; printed to PDF it has one page per section and the Chinese text."""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pypdf import PdfReader

from reports.figures import report_figures
from reports.pdf import html_to_pdf
from reports.render import render_standalone, report_sections
from reports.view_model import build_report
from survey.services.analysis_runs import run_results
from survey.services.demo import seed_demo, seed_demo_analysis

pytestmark = pytest.mark.browser
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
ALL_RENDERED = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(d => d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg'))"""


@pytest.fixture
def demo_results(session) -> list[dict]:
    """Results of the three demo runs: ACSI model, NPS + complaints, Kano (5,000 responses)."""
    seed_demo(session)
    session.commit()
    return [run_results(session, run_id) for run_id in seed_demo_analysis(session)]


def test_standalone_report_from_disk_makes_no_network_request(browser: Browser, demo_results, tmp_path: Path) -> None:
    acsi, complaints, kano = demo_results
    combined = {**kano, **complaints, **acsi}  # one report with every section (meta of the ACSI run)
    view = build_report(combined, run_id=1, history=[("#0", acsi)])
    path = tmp_path / "report.html"
    path.write_text(render_standalone(view, "zh_CN"), encoding="utf-8")

    context = browser.new_context(locale="zh-CN")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL_SCHEMES)
                  else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function(ALL_RENDERED, timeout=30000)
    page.wait_for_load_state("networkidle")

    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []
    assert requests[0] == path.as_uri()
    assert errors == []
    expected = len(report_figures(view, "zh_CN"))
    assert expected == 10  # trend, 4 segment tables (satisfaction, NPS, word of mouth, handling), path, IPMA, 2 Kano, complaints
    assert page.locator(".js-plotly-plot").count() == expected
    assert page.locator(".js-plotly-plot .main-svg").count() >= expected
    assert page.locator("#report-path .annotation").count() == len(view.path.edges)
    assert page.locator("h1").inner_text() == "顾客满意度报告"
    context.close()


def test_pdf_starts_each_section_on_a_new_page_with_the_chinese_text(demo_results) -> None:
    acsi = demo_results[0]
    view = build_report(acsi, run_id=1)
    assert report_sections(view) == ("overview", "segments", "model", "validity")
    pdf = html_to_pdf(render_standalone(view, "zh_CN"))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    # Noto CJK maps a few glyphs to Kangxi radicals (⾏ for 行); NFKC folds them back.
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
    # Each section starts a new page; the tables of numbers behind its charts may carry it onto a
    # second one.
    starts = [next(i for i, page in enumerate(pages) if heading in page)
              for heading in ("顾客满意度报告", "细分群体比较", "路径模型", "模型效度")]
    assert starts[0] == 0 and starts == sorted(set(starts)) and len(pages) <= 2 * len(starts), (starts, len(pages))
    text = "".join(pages)
    assert "顾客满意度报告" in text
    assert "核心指数" in text and "路径模型" in text and "模型效度" in text
