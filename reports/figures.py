"""Pure figure functions: view-model dataclasses -> ``plotly.graph_objects.Figure``.

Text that comes from data (segment values, attribute, construct and run names) goes through
:func:`reports.plot_text.plot_text`, so plotly shows markup in it as typed (never as a link).

Every function takes the parts of a :class:`reports.view_model.ReportView` it draws and a
``locale`` ("zh_CN" or "en"; titles and axis labels come from :mod:`reports.labels`), and returns
a new Figure; nothing is read or written. Raises ValueError for an unknown locale.

* ``segment_figure(comparison, locale)`` — horizontal points per segment with CI error bars;
  suppressed segments are left out of the plot and listed in an annotation.
* ``trend_figure(series, locale)`` — one line per metric across runs, CI error bars.
* ``ipma_figure(points, locale, target=...)`` — importance (total effect) × performance (index).
* ``kano_better_worse_figure(points, locale)`` — |Worse| × Better scatter, quadrant lines at 0.5.
* ``kano_category_figure(points, locale)`` — stacked share bars A/O/M/I/R/Q per attribute.
* ``path_figure(model, locale)`` — constructs as nodes, paths as arrows labelled with coefficients.
* ``complaint_figure(panel, locale)`` — complaint rates and the purchase-change shares with CIs.
* ``report_figures(view, locale)`` -> ``{name: Figure}`` of every figure the view has data for.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go

from reports.labels import construct_label, labels, segment_label
from reports.plot_text import plot_text
from reports.view_model import (
    ComplaintPanel,
    Estimate,
    IpmaPoint,
    KanoPoint,
    PathModel,
    ReportView,
    SegmentComparison,
    TrendSeries,
)

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
KANO_ORDER = ("A", "O", "M", "I", "R", "Q")
KANO_COLOURS = {"A": "#2e7d32", "O": "#1565c0", "M": "#c62828", "I": "#9e9e9e", "R": "#6a1b9a", "Q": "#f9a825"}
HEIGHT = 380


# A small white template given at construction: plotly otherwise applies its large default
# template to every new figure and validates it, which was most of a dashboard's server time.
LIGHT_TEMPLATE = go.layout.Template(layout={
    "paper_bgcolor": "white", "plot_bgcolor": "white",
    "colorway": ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692",
                 "#B6E880", "#FF97FF", "#FECB52"],
    # automargin: long tick labels (segment and attribute names) widen the margin instead of
    # being cut off under the axis title.
    "xaxis": {"gridcolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "linecolor": "#EBF0F8", "automargin": True},
    "yaxis": {"gridcolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "linecolor": "#EBF0F8", "automargin": True},
})


def _figure(*traces: go.BaseTraceType) -> go.Figure:
    return go.Figure(data=list(traces), layout={"template": LIGHT_TEMPLATE})


def _layout(fig: go.Figure, title: str, height: int = HEIGHT) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01}, height=height, font={"family": FONT, "size": 12},
                      margin={"l": 60, "r": 20, "t": 80, "b": 50}, showlegend=True,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    return fig


def _errors(estimates: list[Estimate]) -> dict:
    plus = [None if e.ci_high is None or e.value is None else e.ci_high - e.value for e in estimates]
    minus = [None if e.ci_low is None or e.value is None else e.value - e.ci_low for e in estimates]
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus, "visible": True}


def segment_figure(comparison: SegmentComparison, locale: str) -> go.Figure:
    """Points with CI error bars per segment (plus "all"); suppressed ones named in a note."""
    text = labels(locale)
    shown = [row for row in comparison.rows
             if row.estimate.value is not None and row.estimate.reliability != "suppressed"]
    hidden = [plot_text(segment_label(row.segment, locale, row.value_names))
              for row in comparison.rows if row not in shown]
    arrows = {"higher": " ▲", "lower": " ▼"}
    names = [text["all_respondents"]] + [plot_text(segment_label(row.segment, locale, row.value_names))
                                          + (arrows.get(row.test.mark, "") if row.test else "")
                                          for row in shown]
    estimates = [comparison.overall] + [row.estimate for row in shown]
    symbols = ["diamond"] + ["circle-open" if row.estimate.reliability == "unreliable" else "circle" for row in shown]
    fig = _figure(go.Scatter(
        x=[e.value for e in estimates], y=names, mode="markers", name=text[f"card_{comparison.metric}"],
        marker={"symbol": symbols, "size": 10}, error_x=_errors(estimates),
        customdata=[[e.n, e.reliability] for e in estimates],
        hovertemplate="%{y}: %{x:.1f} (n=%{customdata[0]}, %{customdata[1]})<extra></extra>"))
    fig.update_yaxes(autorange="reversed")  # the figure title names the segments; an axis title would cover them
    fig.update_xaxes(title=text[f"card_{comparison.metric}"])
    notes = [f"{text['suppressed']}: {', '.join(hidden)}"] if hidden else []
    if any(row.test for row in shown):
        notes.append(text["segment_test_rule"])
    if notes:
        fig.add_annotation(text="<br>".join(notes), xref="paper", yref="paper",
                           x=0, y=-0.22, showarrow=False, xanchor="left", font={"size": 10})
    return _layout(fig, f"{text['segments']} · {text[f'card_{comparison.metric}']}")


def trend_figure(series: tuple[TrendSeries, ...], locale: str) -> go.Figure:
    """One line (markers + CI bars) per metric across runs, oldest first."""
    text = labels(locale)
    fig = _figure()
    for line in series:
        fig.add_trace(go.Scatter(x=[plot_text(p.run_label) for p in line.points], y=[p.estimate.value for p in line.points],
                                 mode="lines+markers", name=text[f"card_{line.metric}"],
                                 error_y=_errors([p.estimate for p in line.points])))
    fig.update_xaxes(title=text["run"], type="category")
    fig.update_yaxes(title=text["value"])
    return _layout(fig, text["trend"])


def ipma_figure(points: tuple[IpmaPoint, ...], locale: str, *, target: str = "satisfaction") -> go.Figure:
    """Importance–performance map; dashed lines at the mean importance and mean performance."""
    text = labels(locale)
    names = [plot_text(construct_label(p.construct, locale)) for p in points]
    target_name = plot_text(construct_label(target, locale))
    fig = _figure(go.Scatter(x=[p.importance for p in points], y=[p.performance for p in points],
                               mode="markers+text", text=names, textposition="top center",
                               marker={"size": 14}, name=target_name))
    if points:
        fig.add_vline(x=sum(p.importance for p in points) / len(points), line_dash="dash", line_color="#888")
        fig.add_hline(y=sum(p.performance for p in points) / len(points), line_dash="dash", line_color="#888")
    fig.update_xaxes(title=text["importance"])
    fig.update_yaxes(title=text["performance"])
    return _layout(fig, f"{text['ipma']} → {target_name}")


def kano_better_worse_figure(points: tuple[KanoPoint, ...], locale: str) -> go.Figure:
    """|Worse| (x) × Better (y) per attribute, coloured by category, quadrant lines at 0.5."""
    text = labels(locale)
    fig = _figure()
    for category in KANO_ORDER:
        members = [p for p in points if p.category == category and p.better is not None and p.worse is not None]
        if members:
            fig.add_trace(go.Scatter(x=[abs(p.worse) for p in members], y=[p.better for p in members],
                                     mode="markers+text", text=[plot_text(p.label(locale)) for p in members],
                                     textposition="top center", name=text[f"kano_{category}"],
                                     marker={"size": 12, "color": KANO_COLOURS[category]}))
    fig.add_vline(x=0.5, line_dash="dash", line_color="#888")
    fig.add_hline(y=0.5, line_dash="dash", line_color="#888")
    fig.update_xaxes(title=text["worse"], range=[0, 1])
    fig.update_yaxes(title=text["better"], range=[0, 1])
    return _layout(fig, text["kano_better_worse"])


def kano_category_figure(points: tuple[KanoPoint, ...], locale: str) -> go.Figure:
    """Stacked horizontal bars: the share of each Kano category per attribute."""
    text = labels(locale)
    fig = _figure()
    for category in KANO_ORDER:
        fig.add_trace(go.Bar(y=[plot_text(p.label(locale)) for p in points], x=[p.shares.get(category, 0.0) for p in points],
                             orientation="h", name=text[f"kano_{category}"],
                             marker={"color": KANO_COLOURS[category]}))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=text["share"], tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, text["kano_categories"])


# Column positions of the usual constructs (left to right along the causal chain), row y.
_POSITIONS = {"image": (0.0, 1.0), "expectation": (0.0, 0.5), "quality": (1.0, 0.9), "value": (1.0, 0.1),
              "satisfaction": (2.0, 0.5), "complaints": (3.0, 0.1), "loyalty": (3.0, 0.9)}


def _positions(constructs: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    out, others = {}, [c for c in constructs if c not in _POSITIONS]
    for c in constructs:
        if c in _POSITIONS:
            out[c] = _POSITIONS[c]
    for k, c in enumerate(others):  # unknown constructs on a circle around the centre
        angle = 2 * math.pi * k / len(others)
        out[c] = (1.5 + 1.8 * math.cos(angle), 0.5 + 0.6 * math.sin(angle))
    return out


def path_figure(model: PathModel, locale: str) -> go.Figure:
    """Path diagram: construct nodes (R² in the hover/label), arrows annotated with coefficients."""
    text = labels(locale)
    position = _positions(model.constructs)
    fig = _figure()
    for edge in model.edges:
        (x0, y0), (x1, y1) = position[edge.source], position[edge.target]
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=3, arrowwidth=1 + 3 * min(abs(edge.estimate), 1.0), standoff=28,
                           startstandoff=28, arrowcolor="#1565c0" if edge.estimate >= 0 else "#c62828", text="")
    fig.add_trace(go.Scatter(
        x=[0.6 * position[e.source][0] + 0.4 * position[e.target][0] for e in model.edges],
        y=[0.6 * position[e.source][1] + 0.4 * position[e.target][1] for e in model.edges],
        mode="text", text=[f"{e.estimate:.2f}" for e in model.edges], name="β",
        textfont={"size": 12, "color": "#222"},
        customdata=[[plot_text(e.source), plot_text(e.target), e.ci_low, e.ci_high] for e in model.edges],
        hovertemplate="%{customdata[0]} → %{customdata[1]}: %{text}<extra></extra>"))
    names = list(model.constructs)
    node_text = [plot_text(construct_label(c, locale)) + (f"<br>R²={model.r_squared[c]:.2f}" if c in model.r_squared else "")
                 for c in names]
    fig.add_trace(go.Scatter(x=[position[c][0] for c in names], y=[position[c][1] for c in names],
                             mode="markers+text", text=node_text, textposition="middle center",
                             name=plot_text(model.model.upper()),
                             marker={"size": 58, "color": "#e3f2fd", "line": {"color": "#1565c0", "width": 2}}))
    fig.update_xaxes(visible=False, range=[-0.5, 3.5])
    fig.update_yaxes(visible=False, range=[-0.2, 1.2])
    fig.update_layout(showlegend=False)
    out = _layout(fig, f"{text['path_diagram']} ({plot_text(model.model.upper())})", height=420)
    out.update_layout(showlegend=False)
    return out


def complaint_figure(panel: ComplaintPanel, locale: str) -> go.Figure:
    """Bars with CI error bars: complaint rates, then the purchase-change shares."""
    text = labels(locale)
    fig = _figure()
    for name, rows in ((text["complaints"], panel.rates), (text["purchase_change_title"], panel.purchase_change)):
        if rows:
            fig.add_trace(go.Bar(x=[text[key] for key, _ in rows], y=[e.value for _, e in rows], name=name,
                                 error_y=_errors([e for _, e in rows]),
                                 text=[None if e.value is None else f"{e.value:.0%}" for _, e in rows],
                                 textposition="inside"))
    fig.update_yaxes(title=text["share"], tickformat=".0%", range=[0, 1])
    return _layout(fig, text["complaints"])


def report_figures(view: ReportView, locale: str) -> dict[str, go.Figure]:
    """Every figure ``view`` has data for, by stable name: "segments_<metric>", "trend", "ipma",
    "path", "kano_better_worse", "kano_categories", "complaints" (in report order)."""
    labels(locale)
    figures: dict[str, go.Figure] = {}
    if view.trend:
        figures["trend"] = trend_figure(view.trend, locale)
    for comparison in view.segments:
        figures[f"segments_{comparison.metric}"] = segment_figure(comparison, locale)
    if view.path is not None:
        figures["path"] = path_figure(view.path, locale)
    if view.ipma:
        figures["ipma"] = ipma_figure(view.ipma, locale, target=view.ipma_target)
    if view.kano:
        figures["kano_better_worse"] = kano_better_worse_figure(view.kano, locale)
        figures["kano_categories"] = kano_category_figure(view.kano, locale)
    if view.complaints is not None:
        figures["complaints"] = complaint_figure(view.complaints, locale)
    return figures
