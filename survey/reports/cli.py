"""``flask report export RUN_ID --format html|pdf -o PATH [--lang zh_CN|en]`` — the report of a
finished analysis run as a standalone offline HTML file or a PDF, for scheduled delivery (cron).

:func:`run_report_view` builds the :class:`reports.view_model.ReportView` of a run the way the
dashboard does (one path: the same previous run, change tests and trend). Register ``bp``
(cli_group "report") in the app.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy.orm import Session

from models import Questionnaire
from reports.labels import LOCALES, labels
from reports.pdf import PdfError, write_pdf
from reports.render import render_standalone
from reports.view_model import ReportView
from survey.db import get_session
from survey.reports.problem_text import problem_text_in
from survey.services.dashboard import DashboardUnavailable, build_dashboard

bp = Blueprint("report_cli", __name__, cli_group="report")


class ReportUnavailable(LookupError):
    """The run does not exist or has no results yet; the message names it."""


def run_report_view(session: Session, run_id: int) -> tuple[ReportView, Questionnaire | None]:
    """(view model, its questionnaire) of run ``run_id``, exactly as the dashboard and its
    download build it (:func:`survey.services.dashboard.build_dashboard`: the previous
    comparable run and its stored change tests, the trend).

    Raises ReportUnavailable when the run does not exist or has not succeeded.
    """
    try:
        data, view = build_dashboard(session, run_id)
    except DashboardUnavailable as error:
        raise ReportUnavailable(str(error)) from None
    return view, data.questionnaire


def standalone_html(session: Session, run_id: int, lang: str) -> str:
    """The standalone offline HTML report of run ``run_id`` in ``lang``, titled with the
    questionnaire's name in that language (what ``flask report export`` and the PDF job print).

    Raises ReportUnavailable when the run does not exist or has not succeeded.
    """
    view, questionnaire = run_report_view(session, run_id)
    title = labels(lang)["report_title"]
    if questionnaire is not None:
        name = questionnaire.title_zh if lang == "zh_CN" else questionnaire.title_en
        title = f"{title} · {name or questionnaire.title_en or questionnaire.title_zh}"
    return render_standalone(view, lang, title=title, problem_text=problem_text_in(lang))


@bp.cli.command("export")
@click.argument("run_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True,
              help="Standalone offline HTML or PDF (printed by headless Chromium).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="File to write.")
@click.option("--lang", type=click.Choice(LOCALES), default="zh_CN", show_default=True, help="Report language.")
def export(run_id: int, fmt: str, output: Path, lang: str) -> None:
    """Write the report of analysis run RUN_ID to OUTPUT as html or pdf."""
    try:
        html = standalone_html(get_session(), run_id, lang)
    except ReportUnavailable as error:
        raise click.ClickException(str(error)) from error
    if not output.parent.exists():
        raise click.ClickException(f"folder {output.parent} of the output file does not exist")
    if fmt == "html":
        output.write_text(html, encoding="utf-8")
    else:
        try:
            write_pdf(html, output)
        except PdfError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"wrote {fmt} report of run {run_id} to {output}")
