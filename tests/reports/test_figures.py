"""Figures: the values in fig.data / fig.layout come from known (hand-made) results."""
from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from reports.labels import labels

from reports.figures import (
    complaint_figure,
    ipma_figure,
    kano_better_worse_figure,
    kano_category_figure,
    path_figure,
    report_figures,
    segment_figure,
    trend_figure,
)
from reports.view_model import build_report


@pytest.fixture
def view(results, previous):
    return build_report(results, run_id=2, previous=previous, history=[("#1", previous)], current_label="#2")


def test_segment_figure_has_error_bars_and_names_suppressed_segments(view) -> None:
    comparison = next(s for s in view.segments if s.metric == "satisfaction")
    fig = segment_figure(comparison, "en")
    (trace,) = fig.data
    assert list(trace.y) == ["All respondents", "Region: North"]  # the skipped south segment is not plotted
    assert list(trace.x) == [70.0, 72.0]
    assert list(trace.error_x.array) == [2.0, None] and list(trace.error_x.arrayminus) == [2.0, None]
    assert "Region: South" in fig.layout.annotations[0].text
    assert fig.layout.title.text == "Segment comparison · ACSI satisfaction"


def test_titles_follow_the_locale(view) -> None:
    comparison = next(s for s in view.segments if s.metric == "nps")
    fig = segment_figure(comparison, "zh_CN")
    assert fig.layout.title.text == "细分群体比较 · 净推荐值 (NPS)"
    assert fig.data[0].y[0] == "全部受访者"
    assert list(fig.data[0].y[1:]) == ["地区：北区"]  # a known attribute and value: from the label table
    with pytest.raises(ValueError, match="locale 'fr'"):
        segment_figure(comparison, "fr")


def test_trend_has_one_line_per_metric_across_runs(view) -> None:
    fig = trend_figure(view.trend, "en")
    lines = {trace.name: trace for trace in fig.data}
    assert list(lines["ACSI satisfaction"].x) == ["#1", "#2"]
    assert list(lines["ACSI satisfaction"].y) == [66.0, 70.0]
    assert list(lines["Loyalty"].error_y.array) == [4.0, 4.0]
    assert list(lines["Loyalty"].error_y.arrayminus) == [4.0, 4.0]
    assert fig.layout.xaxis.type == "category"
    # Each index on its own panel and scale: NPS (−100..100) never shares an axis with an index.
    assert len({trace.yaxis for trace in fig.data}) == len(fig.data) == 5


def test_trend_marks_a_significant_change_and_not_the_others(view) -> None:
    """Satisfaction 66 → 70 with SEs 1 and 1: |Δ| 4 > 1.96·√2 — significant (▲, a triangle);
    loyalty 64 → 65 with SEs 2 and 2: 1 < 1.96·√8 — not marked."""
    fig = trend_figure(view.trend, "en")
    lines = {trace.name: trace for trace in fig.data}
    assert list(lines["ACSI satisfaction"].marker.symbol) == ["circle", "triangle-up"]
    assert list(lines["ACSI satisfaction"].marker.size) == [8, 16]
    assert list(lines["Loyalty"].marker.symbol) == ["circle", "circle"]
    assert "+4.0 ▲ z test on the two runs' standard errors" in lines["ACSI satisfaction"].hovertext[1]


def test_ipma_plots_total_effect_against_index(view) -> None:
    fig = ipma_figure(view.ipma, "zh_CN", target="satisfaction")
    (trace,) = fig.data
    assert list(trace.x) == [0.55] and list(trace.y) == [75.0] and list(trace.text) == ["感知质量"]
    assert fig.layout.title.text.endswith("顾客满意度")
    assert fig.layout.xaxis.title.text == "重要性（总效应：驱动因素每提高 1 分带来的分数）"
    assert tuple(fig.layout.yaxis.range) == (0, 100) and fig.layout.xaxis.range[0] == 0


def test_ipma_axes_do_not_zoom_nearly_equal_drivers_apart() -> None:
    """Three drivers within 0.07 points: on the full 0–100 performance axis and an importance
    axis from 0 they sit within a hair of each other, as they are."""
    from reports.view_model import IpmaPoint

    points = (IpmaPoint("quality", 0.21, 75.01), IpmaPoint("value", 0.22, 75.05), IpmaPoint("expectation", 0.2, 75.08))
    fig = ipma_figure(points, "en")
    low, high = fig.layout.xaxis.range
    assert (low, tuple(fig.layout.yaxis.range)) == (0, (0, 100))
    assert 0.22 < high < 0.3  # the largest effect plus a margin, not the points' spread
    spread = (max(p.performance for p in points) - min(p.performance for p in points)) / 100
    assert spread < 0.001  # under a thousandth of the axis: no exaggeration
    assert "0–100" in fig.layout.yaxis.title.text and "per driver point" in fig.layout.xaxis.title.text
    assert len(set(fig.data[0].textposition)) == 3  # the names go to different sides, so they stay legible
    negative = ipma_figure((IpmaPoint("quality", -0.1, 40.0), IpmaPoint("value", 0.3, 60.0)), "en")
    assert negative.layout.xaxis.range[0] < -0.1 < 0.3 < negative.layout.xaxis.range[1]


def test_trend_axes_do_not_blow_up_small_changes() -> None:
    """A 0.3-point change of an index 0–100 keeps a 20-point axis; NPS keeps 40 points and stays
    inside −100..100; handling (1–10) never goes below 1."""
    from reports.figures import trend_range
    from reports.view_model import Estimate, TrendPoint

    def points(*values: float, ci: float = 0.5) -> tuple[TrendPoint, ...]:
        return tuple(TrendPoint(f"#{k}", Estimate(v, v - ci, v + ci)) for k, v in enumerate(values))

    low, high = trend_range("satisfaction", points(75.0, 75.3))
    assert high - low == pytest.approx(20.0) and low < 74.5 and high > 75.8
    assert trend_range("satisfaction", points(99.0, 99.5)) == [80.0, 100.0]
    assert trend_range("nps", points(-98.0)) == [-100.0, -60.0]
    assert trend_range("complaint_handling", points(1.5, 1.6))[0] == 1.0
    wide = trend_range("satisfaction", points(40.0, 70.0, ci=2.0))
    assert wide[0] < 38.0 and wide[1] > 72.0  # wider than the minimum: the data and CIs, padded


def test_every_figure_uses_the_okabe_ito_palette(view) -> None:
    from reports.figures import NEUTRAL, PALETTE

    allowed = {c.lower() for c in (*PALETTE.values(), *NEUTRAL)}
    colour = re.compile(r"^(#[0-9a-fA-F]{3,8}|rgba?\(.*\))$")
    for locale in ("en", "zh_CN"):
        for name, fig in report_figures(view, locale).items():
            found = [c for c in _strings(fig.to_plotly_json()) if colour.match(c)]
            assert found, name  # every figure names its colours (none left to plotly's defaults)
            assert {c.lower() for c in found} <= allowed, (name, set(found) - allowed)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _strings(value)


def test_axes_name_the_scale_of_what_they_show(view) -> None:
    for locale, nps_scale in (("en", "−100 to +100"), ("zh_CN", "−100 至 +100")):
        figures = report_figures(view, locale)
        assert nps_scale in figures["segments_nps"].layout.xaxis.title.text
        assert "0–100" in figures["segments_satisfaction"].layout.xaxis.title.text
        trend = figures["trend"]
        titles = {trace.name: trend.layout[trace.yaxis.replace("y", "yaxis")].title.text for trace in trend.data}
        assert titles[labels(locale)["card_nps"]] == nps_scale
        assert titles[labels(locale)["card_satisfaction"]].endswith("0–100")


def test_kano_better_worse_uses_absolute_worse_and_quadrant_lines(view) -> None:
    fig = kano_better_worse_figure(view.kano, "en")
    points = {trace.name: trace for trace in fig.data}
    assert list(points["Attractive"].x) == [0.2] and list(points["Attractive"].y) == [0.7]
    assert list(points["Must-be"].x) == [0.8] and list(points["Must-be"].text) == ["Packaging"]
    lines = [(shape.x0, shape.y0) for shape in fig.layout.shapes]
    assert (0.5, 0) in lines and (0, 0.5) in lines
    assert tuple(fig.layout.xaxis.range) == (0, 1)


def test_kano_category_bars_stack_the_shares(view) -> None:
    fig = kano_category_figure(view.kano, "en")
    assert fig.layout.barmode == "stack"
    bars = {trace.name: trace for trace in fig.data}
    assert list(bars["Must-be"].x) == [0.1, 0.6]
    assert list(bars["Attractive"].y) == ["一键下单", "Packaging"]
    assert len(fig.data) == 6


def test_path_diagram_labels_every_path_with_its_coefficient(view) -> None:
    fig = path_figure(view.path, "en")
    coefficients, nodes = fig.data
    assert list(coefficients.text) == ["0.60", "0.50", "-0.10"]
    assert "customer satisfaction<br>R²=0.36" in list(nodes.text)
    arrows = fig.layout.annotations
    assert len(arrows) == 3
    assert arrows[2].arrowcolor == "#D55E00" and arrows[0].arrowcolor == "#0072B2"  # Okabe–Ito vermillion / blue
    assert fig.layout.showlegend is False


def test_complaint_panel_bars_with_confidence_intervals(view) -> None:
    fig = complaint_figure(view.complaints, "en")
    rates, purchase = fig.data
    assert list(rates.x) == ["Handling top box", "Resolved", "First-contact resolution"]
    assert list(rates.y) == [0.2, 0.55, 0.5]
    assert list(purchase.y) == [0.1, 0.5, 0.25, 0.15]
    assert list(purchase.error_y.array) == pytest.approx([0.04] * 4)


def test_report_figures_names_every_figure_and_they_are_figures(view) -> None:
    figures = report_figures(view, "zh_CN")
    assert list(figures) == ["trend", "segments_satisfaction", "segments_nps", "path", "ipma",
                             "kano_better_worse", "kano_categories", "complaints"]
    assert all(isinstance(fig, go.Figure) for fig in figures.values())
