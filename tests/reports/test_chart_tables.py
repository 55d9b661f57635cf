"""Every chart of the standalone report (and so the PDF) has its numbers in a table a screen
reader can read, in both languages, with the scale in the caption or header."""
from __future__ import annotations

import re

import pytest

from reports.figures import report_figures
from reports.labels import labels
from reports.render import render_standalone
from reports.view_model import build_report

# figure name -> the table that holds its numbers (a CSS class of the <table>)
TABLES = {"trend": "trend-table", "segments_": "segment-table", "path": "path-table", "ipma": "ipma-table",
          "kano_better_worse": "kano-table", "kano_categories": "kano-table", "complaints": None}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_every_standalone_figure_has_a_table_of_its_numbers(results, previous, locale) -> None:
    view = build_report(results, run_id=2, previous=previous, previous_run_id=1, history=[("#1", previous)],
                        history_ids=[1], current_label="#2")
    html = render_standalone(view, locale)
    text = labels(locale)
    figures = report_figures(view, locale)
    assert set(figures) == {"trend", "segments_satisfaction", "segments_nps", "path", "ipma", "kano_better_worse",
                            "kano_categories", "complaints"}
    for name in figures:
        table_class = next(v for k, v in TABLES.items() if name.startswith(k))
        if table_class is None:  # the complaint panel's table predates this test: its rows are named
            section = html.split('id="section-complaints"')[1].split("</section>")[0]
            assert section.count("<table") == 1 and text["resolution_rate"] in section
            continue
        assert f'class="data {table_class}"' in html, name
    # one trend table per index, one segment table per segment figure
    assert html.count('class="data trend-table"') == len(view.trend)
    assert html.count('class="data segment-table"') == len(view.segments)
    trend = html.split('data-metric="satisfaction">')[1].split("</table>")[0]
    assert text["scale_satisfaction"] in trend and "66.0" in trend and "70.0" in trend
    assert "64.0 – 68.0" in trend and "68.0 – 72.0" in trend  # each wave's CI
    assert text["change_test_z_se"].replace("'", "&#39;") in trend and "▲" in trend
    ipma = html.split('class="data ipma-table"')[1].split("</table>")[0]
    assert "0.550" in ipma and "75.0" in ipma and "0–100" in ipma
    kano = html.split('class="data kano-table"')[1].split("</table>")[0]
    assert text["kano_M"] in kano and "60%" in kano and "0.70" in kano
    path = html.split('class="data path-table"')[1].split("</table>")[0]
    assert re.search(r"0\.600.*0\.500 – 0\.700", path, flags=re.S)
    for key in ("satisfaction", "nps", "complaint_handling"):  # each card names its scale
        card = html.split(f'data-card="{key}"')[1].split('class="card"')[0]
        assert f'<p class="detail scale">{text["scale_" + key]}</p>' in card, key
