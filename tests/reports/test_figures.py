"""Figures: the values in fig.data / fig.layout come from known (hand-made) results."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

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
    assert fig.layout.xaxis.type == "category"


def test_ipma_plots_total_effect_against_index(view) -> None:
    fig = ipma_figure(view.ipma, "zh_CN", target="satisfaction")
    (trace,) = fig.data
    assert list(trace.x) == [0.55] and list(trace.y) == [75.0] and list(trace.text) == ["感知质量"]
    assert fig.layout.title.text.endswith("顾客满意度")
    assert fig.layout.xaxis.title.text == "重要性（总效应）"


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
    assert arrows[2].arrowcolor == "#c62828"  # the negative path
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
