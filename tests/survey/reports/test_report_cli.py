"""``flask report export RUN_ID --format html|pdf -o PATH [--lang]`` on the demo runs."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader

from survey.reports.cli import run_report_view
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import create_run, execute_run
from survey.services.demo import seed_demo, seed_demo_analysis


@pytest.fixture
def cli(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def run_ids(session) -> list[int]:
    seed_demo(session)
    session.commit()
    return seed_demo_analysis(session)


def test_export_html_in_both_languages(cli, run_ids, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = cli.invoke(args=["report", "export", str(run_ids[0]), "--format", "html", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote html report of run {run_ids[0]}" in result.output
    html = target.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "顾客满意度报告 · 演示" in html
    assert 'id="report-path"' in html and "<script src=" not in html

    english = tmp_path / "report-en.html"
    result = cli.invoke(args=["report", "export", str(run_ids[1]), "-o", str(english), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = english.read_text(encoding="utf-8")
    assert "Customer satisfaction report · Demo" in text and 'id="report-complaints"' in text


def test_export_pdf(cli, run_ids, tmp_path: Path) -> None:
    target = tmp_path / "kano.pdf"
    result = cli.invoke(args=["report", "export", str(run_ids[2]), "--format", "pdf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert len(reader.pages) == 3  # overview, Kano, settings


def test_a_second_run_is_compared_with_the_first(cli, session, run_ids) -> None:
    first = session.get(__import__("models").AnalysisRun, run_ids[0])
    again = create_run(session, AnalysisParameters.from_dict(first.parameters))
    session.commit()
    execute_run(session, again.id)
    view, questionnaire = run_report_view(session, again.id)
    satisfaction = next(card for card in view.cards if card.key == "satisfaction")
    assert satisfaction.change == pytest.approx(0.0) and "no_previous" not in satisfaction.notes
    trend = next(series for series in view.trend if series.metric == "satisfaction")
    assert [p.run_label.split()[0] for p in trend.points] == [f"#{run_ids[0]}", f"#{again.id}"]
    assert questionnaire is not None and questionnaire.title_en.startswith("Demo")


def test_errors_name_the_run_and_the_rule(cli, session, tmp_path: Path) -> None:
    result = cli.invoke(args=["report", "export", "999", "-o", str(tmp_path / "x.html")])
    assert result.exit_code != 0 and "analysis run 999 does not exist" in result.output
    result = cli.invoke(args=["report", "export", "1", "--format", "docx", "-o", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and "'docx' is not one of" in result.output
