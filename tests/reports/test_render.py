"""The renderer: plotly.js once, fragments without it, and a standalone file with no network URL."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from reports.plotly_bundle import plotly_bundle
from reports.render import figure_data_html, figure_html, plotly_script, render_fragments, render_standalone, report_sections
from reports.view_model import build_report

PLOTLY_HEADER = plotly_bundle().text[:60]  # "/**\n* plotly.js (basic - minified) vX.Y.Z\n..."
# Anything a browser would fetch from elsewhere: external script/style/image/frame, CSS imports/urls.
FETCHING = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//"""
                      r"""|@import|url\(\s*["']?(?:https?:)?//""",
                      re.IGNORECASE)


@pytest.fixture
def view(results, previous):
    return build_report(results, run_id=4, previous=previous)


@pytest.fixture
def html(view) -> str:
    return render_standalone(view, "zh_CN", generated_at=datetime(2026, 5, 1, 8, 30, tzinfo=UTC))


def shell(document: str) -> str:
    """The document without the inlined plotly.js bundle (its code mentions URLs it never loads)."""
    start = document.index(PLOTLY_HEADER)
    return document[:start] + document[document.index("</script>", start):]


def test_standalone_inlines_plotly_js_exactly_once(html) -> None:
    assert html.count(PLOTLY_HEADER) == 1
    assert html.count("<script") - html.count("Plotly.newPlot(") == 1  # one library script + one per figure
    assert "cdn" not in shell(html).lower()


def test_standalone_has_no_url_that_would_be_fetched(html) -> None:
    assert FETCHING.findall(shell(html)) == []
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link\b", html)
    assert "<script type=\"text/javascript\">" in html


def test_standalone_has_every_figure_section_and_the_bilingual_shell(view, html) -> None:
    assert '<html lang="zh-CN">' in html
    assert "<h1>顾客满意度报告</h1>" in html
    assert "2026-05-01 08:30 UTC" in html
    for div_id in ("report-trend", "report-segments-satisfaction", "report-segments-nps", "report-path",
                   "report-ipma", "report-kano-better-worse", "report-kano-categories", "report-complaints"):
        assert f'id="{div_id}"' in html
    for section in report_sections(view):
        assert f'id="section-{section}"' in html
    assert report_sections(view) == ("overview", "segments", "model", "kano", "complaints", "validity")
    assert "⚑ Q2" in html  # the failed loading is flagged in the validity table
    english = render_standalone(view, "en")
    assert '<html lang="en">' in english and "<h1>Customer satisfaction report</h1>" in english


def test_cards_show_change_and_significance_marks(html) -> None:
    satisfaction = html[html.index('data-card="satisfaction"'):html.index('data-card="loyalty"')]
    assert "70.0" in satisfaction and "68.0 – 72.0" in satisfaction and "n = 400" in satisfaction
    assert "+4.0" in satisfaction and 'class="mark-up"' in satisfaction
    loyalty = html[html.index('data-card="loyalty"'):html.index('data-card="nps"')]
    assert 'class="mark-none"' in loyalty


def test_text_from_results_is_escaped(results_factory) -> None:
    results = results_factory()
    results[("kano", "all")]["attributes"][0]["attribute"] = "<img src=x onerror=alert(1)>"
    results[("acsi", "region=south")]["skipped"] = "<b>bold</b>"
    document = render_standalone(build_report(results), "en")
    assert "<img src=x" not in shell(document)
    assert "<b>bold</b>" not in document


def test_fragments_do_not_carry_plotly_js(view) -> None:
    fragments = render_fragments(view, "en")
    assert set(fragments) >= {"trend", "path", "ipma", "complaints"}
    assert all(PLOTLY_HEADER not in fragment for fragment in fragments.values())
    assert 'id="report-path"' in fragments["path"]


def test_plotly_script_modes() -> None:
    assert str(plotly_script("url", url="/static/vendor/plotly.min.js")) == \
        '<script src="/static/vendor/plotly.min.js"></script>'
    with pytest.raises(ValueError, match="needs the local static url"):
        plotly_script("url")
    with pytest.raises(ValueError, match="'cdn' is not"):
        plotly_script("cdn")  # type: ignore[arg-type]


def test_figure_html_uses_the_given_div_id(view) -> None:
    from reports.figures import trend_figure

    fragment = figure_html(trend_figure(view.trend, "en"), "my-trend")
    assert 'id="my-trend"' in fragment and "Plotly.newPlot" in fragment


def test_the_url_check_would_see_an_external_resource() -> None:
    page = ('<script src="https://cdn.plot.ly/plotly.min.js"></script><link href="//fonts.example/x.css">'
            "<style>@import 'x.css'; body { background: url(http://example.com/a.png) }</style>")
    assert len(FETCHING.findall(page)) == 4


def test_figure_data_html_carries_the_figure_as_inert_json(view) -> None:
    import json
    import re

    from reports.figures import trend_figure

    fragment = str(figure_data_html(trend_figure(view.trend, "en"), "my-trend"))
    assert fragment.startswith('<div id="my-trend" class="plotly-graph-div figure-canvas" data-figure="my-trend-data"')
    assert "Plotly.newPlot" not in fragment and fragment.count("<script") == 1
    payload = re.fullmatch(r'.*<script type="application/json" id="my-trend-data">(.*)</script>', fragment, re.S).group(1)
    assert "<" not in payload and ">" not in payload
    spec = json.loads(payload)
    assert spec["config"]["displaylogo"] is False and spec["data"]
    # the div is as tall as the figure (the trend grows with its panels)
    assert spec["layout"]["height"] == trend_figure(view.trend, "en").layout.height
    assert f'data-height="{spec["layout"]["height"]}"' in fragment


def test_standalone_report_lists_the_stored_segment_tests_and_flags(results) -> None:
    payload = results[("acsi", "all")]
    tested = {**results,
              ("acsi", "all"): {**payload, "validity": {**payload["validity"], "admissible": False}},
              ("segment_tests", "all"): {"alpha": 0.05, "tests": [
                  {"metric": "satisfaction", "segment": "region=north", "test": "permutation", "difference": -3.25,
                   "p_value": 0.002, "p_value_holm": 0.004, "mark": "lower", "n_segment": 388, "n_rest": 12}]}}
    english = render_standalone(build_report(tested, run_id=4), "en")
    assert "ACSI satisfaction (index 0–100) · vs the rest" in english
    row = english.split("vs the rest</caption>")[1].split("</table>")[0]
    assert "72.0" in row and "388" in row  # the numbers behind the segment figure: value and n
    assert "-3.2" in row and "0.004" in row and "lower than the rest" in row and "not tested" in row
    assert "inadmissible fit: not comparable, left out of roll-ups" in english
    assert "不计入汇总" in render_standalone(build_report(tested, run_id=4), "zh_CN")


def test_standalone_report_lists_drivers_that_differ(results) -> None:
    stored = {**results, ("segment_tests", "all"): {"alpha": 0.05, "tests": [], "multigroup": [
        {"segment": "region=north", "invariance": "full", "paths": [
            {"from": "quality", "to": "satisfaction", "first": 0.71, "second": 0.42, "difference": 0.29,
             "p_value": 0.001, "p_value_holm": 0.012}]}]}}
    english = render_standalone(build_report(stored, run_id=4), "en")
    table = english.split("Drivers that differ between a segment and the rest")[1].split("</table>")[0]
    assert "0.71" in table and "0.42" in table and "0.012" in table and "→" in table
    assert "驱动因素" in render_standalone(build_report(stored, run_id=4), "zh_CN")
