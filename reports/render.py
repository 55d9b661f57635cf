"""The one renderer of report figures: plotly figures -> HTML fragments, plotly.js included once.

API (stable; the dashboard pages use it):

* ``plotly_script(mode="inline" | "url", *, url=None) -> Markup`` — the single ``<script>`` that
  loads plotly.js: the basic bundle (:mod:`reports.plotly_bundle`) inlined, or
  ``<script src=url>`` for a local static URL. Raises ValueError for "url" without ``url``.
* ``figure_html(fig, div_id) -> Markup`` — a ``<div>`` + ``Plotly.newPlot`` script, no plotly.js.
* ``figure_data_html(fig, div_id) -> Markup`` — a ``<div>`` + the figure as JSON data, drawn by
  ``survey/static/js/figures.js`` (no inline script: served pages have a strict CSP).
* ``render_fragments(view, locale, embed="script" | "data") -> dict[name, Markup]`` — every figure
  of :func:`reports.figures.report_figures`, div ids ``report-<name>``.
* ``report_sections(view) -> tuple[str, ...]`` — the sections (= printed pages) of the report.
* ``render_standalone(view, locale, *, title=None, generated_at=None, problem_text=english_text) -> str`` — a complete HTML
  document (template ``templates/reports/standalone.html``) that makes no network request: no
  external script, stylesheet, font or image; plotly.js is inlined.

Uses its own jinja2 Environment (autoescaping), so it works outside Flask.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal

import plotly.graph_objects as go
from plotly.io import to_json
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from acsi.problems import Problem, english_text
from reports.figures import report_figures
from reports.labels import check_locale, construct_label, labels, segment_label
from reports.plotly_bundle import plotly_bundle
from reports.summary import render_summary
from reports.view_model import ReportView, validity_summary

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "reports"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "plotlyServerURL": "",
                 "modeBarButtonsToRemove": ["sendDataToCloud"]}


def plotly_script(mode: Literal["inline", "url"] = "inline", *, url: str | None = None) -> Markup:
    """The one ``<script>`` that provides ``window.Plotly``."""
    if mode == "inline":  # read once per process
        return Markup(f'<script type="text/javascript">{plotly_bundle().text}</script>')
    if mode == "url":
        if not url:
            raise ValueError("plotly_script(mode='url') needs the local static url of plotly.min.js")
        return Markup('<script src="{}"></script>').format(url)
    raise ValueError(f"plotly_script mode {mode!r} is not 'inline' or 'url'")


def figure_html(fig: go.Figure, div_id: str) -> Markup:
    """The figure as an HTML fragment (no plotly.js; include :func:`plotly_script` once per page)."""
    return Markup(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOTLY_CONFIG,
                              default_width="100%", default_height=f"{fig.layout.height or 380}px"))


def figure_data_html(fig: go.Figure, div_id: str) -> Markup:
    """The figure as an empty ``<div>`` plus its data in a ``<script type="application/json">``
    block, which a browser never runs: the served dashboard draws it with the static
    ``figures.js`` (so its Content-Security-Policy needs no inline script and the fragment can be
    cached across requests). ``<``, ``>`` and ``&`` are written as JSON escapes, so no text in
    the figure can end the block."""
    figure = fig.to_plotly_json()
    spec = {"data": figure["data"], "layout": figure["layout"], "config": PLOTLY_CONFIG}
    payload = to_json(spec, validate=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    height = int(fig.layout.height or 380)
    return Markup('<div id="{id}" class="plotly-graph-div figure-canvas" data-figure="{id}-data" '
                  'data-height="{height}"></div><script type="application/json" id="{id}-data">').format(
        id=div_id, height=height) + Markup(payload) + Markup("</script>")


def render_fragments(view: ReportView, locale: str, *, embed: Literal["script", "data"] = "script") -> dict[str, Markup]:
    """``{figure name: fragment}`` of every figure the report has data for (report order):
    :func:`figure_html` (``embed="script"``, the offline report) or :func:`figure_data_html`
    (``embed="data"``, pages served with a Content-Security-Policy)."""
    render = figure_html if embed == "script" else figure_data_html
    return {name: render(fig, f"report-{name.replace('_', '-')}")
            for name, fig in report_figures(view, locale).items()}


def report_sections(view: ReportView) -> tuple[str, ...]:
    """The sections of the standalone report in order; each starts a new printed page."""
    sections = ["overview"]
    if view.segments:
        sections.append("segments")
    if view.path is not None or view.ipma or view.model_skipped:
        sections.append("model")
    if view.kano:
        sections.append("kano")
    if view.complaints is not None:
        sections.append("complaints")
    sections.append("validity")  # validity table (when a model was fitted) and the footnotes
    return tuple(sections)


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = _number
    return env


def _number(value: float | None, digits: int = 1, *, percent: bool = False, signed: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:+.{digits}%}" if signed else f"{value:.{digits}%}"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def render_standalone(view: ReportView, locale: str, *, title: str | None = None,
                      generated_at: datetime | None = None,
                      problem_text: Callable[[Problem | str], str] = english_text) -> str:
    """The complete offline HTML report of ``view`` in ``locale`` (raises ValueError for others).

    ``problem_text`` writes an admissibility problem or the reason the model was not estimated
    (:class:`~acsi.problems.Problem`, or a stored English text) in ``locale``: the app passes its
    translation catalogue (``survey.reports.problem_text.problem_text_in(locale)``); the default
    writes English."""
    check_locale(locale)
    text = labels(locale)
    moment = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return _environment().get_template("standalone.html").render(
        view=view, t=text, locale=locale, html_lang="zh-CN" if locale == "zh_CN" else "en",
        title=title or text["report_title"], generated_at=moment, figures=render_fragments(view, locale),
        plotly_js=plotly_script("inline"), sections=report_sections(view),
        validity=validity_summary(view.validity), construct=lambda name: construct_label(name, locale),
        segment_name=lambda row: segment_label(row.segment, locale, row.value_names), segment_label=segment_label,
        summary=render_summary(view, locale), problem_text=problem_text)
