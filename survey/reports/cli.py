"""``flask report export RUN_ID --format html|pdf -o PATH [--lang zh_CN|en]`` — the report of a
finished analysis run as a standalone offline HTML file or a PDF, for scheduled delivery (cron).

Also the bridge from the database to :mod:`reports`: :func:`run_report_view` loads a run, its
previous comparable run (change + significance) and up to ``history`` earlier ones (trend) and
builds the :class:`reports.view_model.ReportView`. Register ``bp`` (cli_group "report") in the app.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AnalysisRun, Questionnaire, QuestionnaireVersion
from reports.labels import LOCALES, labels
from reports.pdf import PdfError, write_pdf
from reports.render import render_standalone
from reports.view_model import ReportView, build_report
from survey.db import get_session
from survey.services.analysis_runs import run_results

bp = Blueprint("report_cli", __name__, cli_group="report")


class ReportUnavailable(LookupError):
    """The run does not exist or has no results yet; the message names it."""


def _questionnaire(session: Session, run: AnalysisRun) -> Questionnaire | None:
    version_ids = run.parameters.get("version_ids") or []
    version = session.get(QuestionnaireVersion, int(version_ids[0])) if version_ids else None
    return session.get(Questionnaire, version.questionnaire_id) if version is not None else None


def _label(run: AnalysisRun) -> str:
    moment = run.finished_at or run.created_at
    return f"#{run.id} {moment:%Y-%m-%d}" if moment else f"#{run.id}"


def earlier_comparable_runs(session: Session, run: AnalysisRun, *, limit: int) -> list[AnalysisRun]:
    """Succeeded runs before ``run`` of the same questionnaire and model, newest first."""
    questionnaire = _questionnaire(session, run)
    candidates = session.scalars(select(AnalysisRun).where(AnalysisRun.id < run.id,
                                                           AnalysisRun.status == "succeeded")
                                 .order_by(AnalysisRun.id.desc()).limit(200))
    out = []
    for other in candidates:
        same_model = other.parameters.get("model", "acsi") == run.parameters.get("model", "acsi")
        other_questionnaire = _questionnaire(session, other)
        if same_model and questionnaire is not None and other_questionnaire is not None \
                and other_questionnaire.id == questionnaire.id:
            out.append(other)
            if len(out) == limit:
                break
    return out


def run_report_view(session: Session, run_id: int, *,
                    history: int = 5) -> tuple[ReportView, Questionnaire | None]:
    """(view model, its questionnaire) of run ``run_id``; the previous comparable run gives the
    changes, up to ``history`` earlier ones the trend.

    Raises ReportUnavailable when the run does not exist or has not succeeded.
    """
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise ReportUnavailable(f"analysis run {run_id} does not exist")
    if run.status != "succeeded":
        raise ReportUnavailable(f"analysis run {run_id} is {run.status}; only a succeeded run has a report")
    earlier = earlier_comparable_runs(session, run, limit=history)
    previous = run_results(session, earlier[0].id) if earlier else None
    trend = [(_label(other), run_results(session, other.id)) for other in reversed(earlier)]
    view = build_report(run_results(session, run_id), run_id=run_id, previous=previous, history=trend,
                        current_label=_label(run))
    questionnaire = _questionnaire(session, run)
    return view, questionnaire


@bp.cli.command("export")
@click.argument("run_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True,
              help="Standalone offline HTML or PDF (printed by headless Chromium).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="File to write.")
@click.option("--lang", type=click.Choice(LOCALES), default="zh_CN", show_default=True, help="Report language.")
def export(run_id: int, fmt: str, output: Path, lang: str) -> None:
    """Write the report of analysis run RUN_ID to OUTPUT as html or pdf."""
    session = get_session()
    try:
        view, questionnaire = run_report_view(session, run_id)
    except ReportUnavailable as error:
        raise click.ClickException(str(error)) from error
    title = labels(lang)["report_title"]
    if questionnaire is not None:
        name = questionnaire.title_zh if lang == "zh_CN" else questionnaire.title_en
        title = f"{title} · {name or questionnaire.title_en or questionnaire.title_zh}"
    html = render_standalone(view, lang, title=title)
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
