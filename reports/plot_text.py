"""Text that comes from data (segment values, attribute and construct names, run labels), made
safe for plotly. Plotly draws a subset of HTML in titles, tick labels, legend names, hover and
annotation text — ``<a href=...>`` becomes a live link — so every such text goes through
:func:`plot_text` before it reaches a figure; plotly then shows the characters as typed.
Our own fixed label texts (``reports.labels.labels``) need no escaping."""
from __future__ import annotations

import html


def plot_text(value: object) -> str:
    """``value`` as text with ``&``, ``<`` and ``>`` written as entities, which plotly draws as
    the characters themselves (``"<b>x</b>"`` -> ``"&lt;b&gt;x&lt;/b&gt;"``). Never raises."""
    return html.escape(str(value), quote=False)
