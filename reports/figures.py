"""Pure figure functions: view-model dataclasses -> ``plotly.graph_objects.Figure``.

Text that comes from data (segment values, attribute, construct and run names) goes through
:func:`reports.plot_text.plot_text`, so plotly shows markup in it as typed (never as a link).

Colours come from one place, :data:`PALETTE` (Okabe–Ito, distinguishable with the common
colour-vision deficiencies); axis titles name the scale of what they show.

Every function takes the parts of a :class:`reports.view_model.ReportView` it draws and a
``locale`` ("zh_CN" or "en"; titles and axis labels come from :mod:`reports.labels`), and returns
a new Figure; nothing is read or written. Raises ValueError for an unknown locale.

* ``segment_figure(comparison, locale)`` — horizontal points per segment with CI error bars;
  suppressed segments are left out of the plot and listed in an annotation.
* ``trend_figure(series, locale)`` — one panel per metric across runs (each on its own scale),
  CI error bars, ▲/▼ on a point whose change from the previous point is significant.
* ``ipma_figure(points, locale, target=...)`` — importance (total effect, axis from 0) ×
  performance (index, the full 0–100 axis), so nearly equal drivers look nearly equal.
* ``kano_better_worse_figure(points, locale)`` — |Worse| × Better scatter, quadrant lines at 0.5.
* ``kano_category_figure(points, locale)`` — stacked share bars A/O/M/I/R/Q per attribute.
* ``path_figure(model, locale)`` — constructs as nodes, paths as arrows labelled with coefficients.
* ``complaint_figure(panel, locale)`` — complaint rates and the purchase-change shares with CIs.
* ``report_figures(view, locale)`` -> ``{name: Figure}`` of every figure the view has data for.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go

from reports.labels import construct_label, labels, scaled_label, segment_label
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
HEIGHT = 380

# Okabe & Ito (2008), "Color Universal Design": the one palette of every figure. Grey and the
# near-black text colour carry no category; every categorical colour is one of these.
PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "bluish_green": "#009E73", "vermillion": "#D55E00",
           "reddish_purple": "#CC79A7", "sky_blue": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}
GREY, GRID, INK, NODE_FILL = "#888888", "#EBF0F8", "#222222", "#FFFFFF"
NEUTRAL = (GREY, GRID, INK, NODE_FILL, "white")  # colours that are not data categories
COLORWAY = [PALETTE[name] for name in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                                       "sky_blue", "yellow", "black")]
KANO_COLOURS = {"A": PALETTE["bluish_green"], "O": PALETTE["blue"], "M": PALETTE["vermillion"], "I": GREY,
                "R": PALETTE["reddish_purple"], "Q": PALETTE["orange"]}
POSITIVE, NEGATIVE = PALETTE["blue"], PALETTE["vermillion"]  # path signs
METRIC_COLOURS = {"satisfaction": PALETTE["blue"], "loyalty": PALETTE["orange"], "nps": PALETTE["bluish_green"],
                  "word_of_mouth": PALETTE["reddish_purple"], "complaint_handling": PALETTE["vermillion"]}


# A small white template given at construction: plotly otherwise applies its large default
# template to every new figure and validates it, which was most of a dashboard's server time.
LIGHT_TEMPLATE = go.layout.Template(layout={
    "paper_bgcolor": "white", "plot_bgcolor": "white",
    "colorway": COLORWAY,
    # automargin: long tick labels (segment and attribute names) widen the margin instead of
    # being cut off under the axis title.
    "xaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID, "automargin": True},
    "yaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID, "automargin": True},
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
        marker={"symbol": symbols, "size": 10, "color": METRIC_COLOURS[comparison.metric]}, error_x=_errors(estimates),
        customdata=[[e.n, e.reliability] for e in estimates],
        hovertemplate="%{y}: %{x:.1f} (n=%{customdata[0]}, %{customdata[1]})<extra></extra>"))
    fig.update_yaxes(autorange="reversed")  # the figure title names the segments; an axis title would cover them
    fig.update_xaxes(title=scaled_label(comparison.metric, locale))
    notes = [f"{text['suppressed']}: {', '.join(hidden)}"] if hidden else []
    if any(row.test for row in shown):
        notes.append(text["segment_test_rule"])
    if notes:
        fig.add_annotation(text="<br>".join(notes), xref="paper", yref="paper",
                           x=0, y=-0.22, showarrow=False, xanchor="left", font={"size": 10})
    return _layout(fig, f"{text['segments']} · {text[f'card_{comparison.metric}']}")


TREND_PANEL_HEIGHT = 150  # px per metric panel
_MARKS = {"up": "▲", "down": "▼"}
# Each panel's value axis spans at least this much of its scale (clipped to the scale's bounds),
# so a change of a fraction of a point is not blown up to the panel's full height.
TREND_SPAN: dict[str, tuple[float, float | None, float | None]] = {  # metric: (min span, lowest, highest)
    "satisfaction": (20.0, 0.0, 100.0), "loyalty": (20.0, 0.0, 100.0), "nps": (40.0, -100.0, 100.0),
    "word_of_mouth": (4.0, None, None), "complaint_handling": (3.0, 1.0, 10.0)}


def trend_range(metric: str, points) -> list[float]:  # noqa: ANN001 - TrendPoints
    """The value axis of a trend panel: the values and CIs, widened about their middle to at
    least the metric's minimum span, kept inside the scale."""
    span, lowest, highest = TREND_SPAN[metric]
    values = [v for p in points for v in (p.estimate.value, p.estimate.ci_low, p.estimate.ci_high) if v is not None]
    low, high = min(values), max(values)
    pad = max(span - (high - low), 0.1 * (high - low)) / 2
    low, high = low - pad, high + pad
    if lowest is not None and low < lowest:
        low, high = lowest, max(high, lowest + span)
    if highest is not None and high > highest:
        low, high = min(low, highest - span), highest
    if lowest is not None:
        low = max(low, lowest)
    return [low, high]


def trend_figure(series: tuple[TrendSeries, ...], locale: str) -> go.Figure:
    """One panel per metric (each index on its own scale, named on its axis), runs oldest first
    on a shared category axis: points with 95% CI bars, and a larger ▲/▼ triangle instead of a
    dot on a point whose change from the previous point is significant. Value axes span at least
    :data:`TREND_SPAN` of their scale."""
    text = labels(locale)
    fig = _figure()
    count = max(len(series), 1)
    gap = 0.22 / count if count > 1 else 0.0
    span = (1.0 - gap * (count - 1)) / count
    layout: dict = {}
    for index, line in enumerate(series):
        axis = "y" if index == 0 else f"y{index + 1}"
        top = 1.0 - index * (span + gap)
        colour = METRIC_COLOURS[line.metric]
        points = line.points
        symbols = [{"up": "triangle-up", "down": "triangle-down"}.get(p.significance, "circle") for p in points]
        hover = [_trend_hover(p, text) for p in points]
        fig.add_trace(go.Scatter(
            x=[plot_text(p.run_label) for p in points], y=[p.estimate.value for p in points],
            mode="lines+markers", name=text[f"card_{line.metric}"], yaxis=axis, xaxis="x",
            line={"color": colour}, error_y={**_errors([p.estimate for p in points]), "color": colour},
            marker={"symbol": symbols, "color": colour, "line": {"color": INK, "width": 1},
                    "size": [16 if p.significance in _MARKS else 8 for p in points]},
            hovertext=hover, hoverinfo="text"))
        layout[f"yaxis{index + 1 if index else ''}"] = {
            "domain": [max(top - span, 0.0), top], "anchor": "x", "automargin": True,
            "range": trend_range(line.metric, points),
            "title": {"text": text[f"scale_{line.metric}"], "font": {"size": 11}},
            "gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID}
        fig.add_annotation(text=f"<b>{text[f'card_{line.metric}']}</b>", xref="paper", yref="paper", x=0,
                           y=top, xanchor="left", yanchor="bottom", showarrow=False, font={"size": 12})
    fig.update_layout(**layout)
    fig.update_xaxes(title=text["run"], type="category", anchor="y" + (str(count) if count > 1 else ""))
    out = _layout(fig, text["trend"], height=130 + TREND_PANEL_HEIGHT * count)  # the page states the rule beside it
    out.update_layout(showlegend=False)
    return out


def _trend_hover(point, text) -> str:  # noqa: ANN001 - a TrendPoint and a label mapping
    e = point.estimate
    parts = [f"{plot_text(point.run_label)}: {e.value:.1f}"]
    if e.ci_low is not None and e.ci_high is not None:
        parts.append(f"{text['ci']} {e.ci_low:.1f} – {e.ci_high:.1f}")
    if point.change is not None:
        test = text.get(f"change_test_{point.change_test}", "") if point.change_test else ""
        p = f", p = {point.change_p:.3f}" if point.change_p is not None else ""
        parts.append(f"{text['change']}: {point.change:+.1f} {_MARKS.get(point.significance, '')} {test}{p}".rstrip())
    return "<br>".join(parts)


_IPMA_TEXT = ("top center", "bottom center", "middle right", "middle left")


def ipma_figure(points: tuple[IpmaPoint, ...], locale: str, *, target: str = "satisfaction") -> go.Figure:
    """Importance–performance map on honest axes: performance on its full 0–100 scale and
    importance from 0 (or from the most negative effect), never zoomed to the spread of the
    points; dashed lines at the mean importance and mean performance."""
    text = labels(locale)
    names = [plot_text(construct_label(p.construct, locale)) for p in points]
    target_name = plot_text(construct_label(target, locale))
    order = sorted(range(len(points)), key=lambda k: (points[k].performance, points[k].importance))
    positions = [""] * len(points)
    for rank, k in enumerate(order):  # neighbours' names on alternate sides, so close points stay legible
        positions[k] = _IPMA_TEXT[rank % len(_IPMA_TEXT)]
    fig = _figure(go.Scatter(x=[p.importance for p in points], y=[p.performance for p in points],
                             mode="markers+text", text=names, textposition=positions,
                             marker={"size": 14, "color": PALETTE["blue"]}, name=target_name,
                             hovertemplate="%{text}: %{x:.3f}, %{y:.1f}<extra></extra>"))
    if points:
        fig.add_vline(x=sum(p.importance for p in points) / len(points), line_dash="dash", line_color=GREY)
        fig.add_hline(y=sum(p.performance for p in points) / len(points), line_dash="dash", line_color=GREY)
    fig.update_xaxes(title=text["importance_axis"], range=list(ipma_importance_range(points)), zeroline=True,
                     zerolinecolor=GREY)
    fig.update_yaxes(title=text["performance_axis"], range=[0, 100])
    out = _layout(fig, f"{text['ipma']} → {target_name}")  # the title names the target: no legend
    out.update_layout(showlegend=False)
    return out


def ipma_importance_range(points: tuple[IpmaPoint, ...]) -> tuple[float, float]:
    """The importance axis: from 0 (or the most negative effect) to a little beyond the largest."""
    low = min([0.0, *(p.importance for p in points)])
    high = max([0.0, *(p.importance for p in points)])
    if high == low:
        return (0.0, 1.0)
    pad = 0.15 * (high - low)
    return (low - pad if low < 0 else 0.0, high + pad if high > 0 else 0.0)


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
    fig.add_vline(x=0.5, line_dash="dash", line_color=GREY)
    fig.add_hline(y=0.5, line_dash="dash", line_color=GREY)
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
                           startstandoff=28, arrowcolor=POSITIVE if edge.estimate >= 0 else NEGATIVE, text="")
    fig.add_trace(go.Scatter(
        x=[0.6 * position[e.source][0] + 0.4 * position[e.target][0] for e in model.edges],
        y=[0.6 * position[e.source][1] + 0.4 * position[e.target][1] for e in model.edges],
        mode="text", text=[f"{e.estimate:.2f}" for e in model.edges], name="β",
        textfont={"size": 12, "color": INK},
        customdata=[[plot_text(e.source), plot_text(e.target), e.ci_low, e.ci_high] for e in model.edges],
        hovertemplate="%{customdata[0]} → %{customdata[1]}: %{text}<extra></extra>"))
    names = list(model.constructs)
    node_text = [plot_text(construct_label(c, locale)) + (f"<br>R²={model.r_squared[c]:.2f}" if c in model.r_squared else "")
                 for c in names]
    fig.add_trace(go.Scatter(x=[position[c][0] for c in names], y=[position[c][1] for c in names],
                             mode="markers+text", text=node_text, textposition="middle center",
                             name=plot_text(model.model.upper()),
                             marker={"size": 58, "color": NODE_FILL, "line": {"color": POSITIVE, "width": 2}}))
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
    for name, rows, colour in ((text["complaints"], panel.rates, PALETTE["blue"]),
                               (text["purchase_change_title"], panel.purchase_change, PALETTE["orange"])):
        if rows:
            fig.add_trace(go.Bar(x=[text[key] for key, _ in rows], y=[e.value for _, e in rows], name=name,
                                 marker={"color": colour},
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
