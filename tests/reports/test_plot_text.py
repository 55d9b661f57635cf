"""Data-sourced labels reach plotly escaped: a segment value, a Kano attribute or a run label
written as HTML is drawn as text, never as a live link (plotly renders label HTML)."""
from __future__ import annotations

import json

import plotly.io

from reports.figures import report_figures
from reports.plot_text import plot_text
from reports.render import render_standalone
from reports.view_model import build_report

HOSTILE = '<a href="https://evil.example">click</a>'
ESCAPED = '&lt;a href="https://evil.example"&gt;click&lt;/a&gt;'


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _strings(value)


def _hostile_view(results):
    results = dict(results)
    results[("meta", "all")] = {**results[("meta", "all")],
                                "segments": ["all", f"region={HOSTILE}", "region=south"]}
    results[("acsi", f"region={HOSTILE}")] = results.pop(("acsi", "region=north"))
    results[("nps:nps", f"region={HOSTILE}")] = results.pop(("nps:nps", "region=north"))
    kano = results[("kano", "all")]
    results[("kano", "all")] = {**kano, "attributes": [{**kano["attributes"][1], "attribute": HOSTILE}]}
    previous = dict(results)
    return build_report(results, run_id=2, previous=previous, history=[(HOSTILE, previous)], current_label=HOSTILE)


def test_plot_text_escapes_markup_and_keeps_plain_text() -> None:
    assert plot_text(HOSTILE) == ESCAPED
    assert plot_text("地区：北 & 南") == "地区：北 &amp; 南"
    assert plot_text(3) == "3"


def test_every_figure_holds_data_labels_escaped(results) -> None:
    figures = report_figures(_hostile_view(results), "en")
    seen = set()
    for name, fig in figures.items():
        for text in _strings(fig.to_plotly_json()):
            assert "<a" not in text, (name, text)
            if ESCAPED in text:
                seen.add(name)
    # the segment axis, the trend's run axis and both Kano charts carry the hostile text
    assert {"segments_satisfaction", "segments_nps", "trend", "kano_better_worse", "kano_categories"} <= seen
    segment = figures["segments_nps"].data[0]
    assert f"Region: {ESCAPED}" in list(segment.y)


def test_the_standalone_report_has_no_live_link_from_data(results) -> None:
    html = render_standalone(_hostile_view(results), "en")
    assert "&lt;a href=" in html  # the figures' JSON holds the label as entities (drawn as text)
    assert '<a href="https://evil.example">' not in html
