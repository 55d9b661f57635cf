"""``flask analysis run ...``: the same choices as the page, for scheduled delivery by cron;
``flask analysis show RUN_ID``: a stored run in the schema of ``python -m acsi fit``."""
from __future__ import annotations

import json
from datetime import datetime

import click
from flask import Blueprint

from models import AnalysisRun, QuestionnaireVersion
from survey.db import get_session
from survey.jobs import enqueue
from survey.services.analysis_pipeline import DEFAULT_BOOTSTRAP, AnalysisParameters, AnalysisSetupError
from survey.services.analysis_runs import create_run, execute_run, run_results
from survey.services.run_document import RunDocumentUnavailable, run_document
from survey.services.run_weights import MarginsError, parse_margins
from sqlalchemy import select

bp = Blueprint("analysis_cli", __name__, cli_group="analysis")


@bp.cli.command("run")
@click.option("--questionnaire", "questionnaire_id", type=int, required=True, help="Questionnaire id.")
@click.option("--version", "versions", type=int, multiple=True, help="Version numbers (default: every published one).")
@click.option("--model", type=click.Choice(["acsi", "ecsi", "ccsi"]), default="acsi", show_default=True)
@click.option("--method", type=click.Choice(["pls", "plsc"]), default="pls", show_default=True)
@click.option("--segment", "segments", multiple=True, help="Segment dimension (an invitation attribute), repeatable.")
@click.option("--bootstrap", type=click.IntRange(0, 5000), default=DEFAULT_BOOTSTRAP, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--from", "submitted_from", type=click.DateTime(), help="Responses submitted on or after.")
@click.option("--to", "submitted_to", type=click.DateTime(), help="Responses submitted before.")
@click.option("--weight-attribute", help="A segment attribute holding each respondent's weight (a number > 0).")
@click.option("--rake", "rake_lines", multiple=True, metavar="'DIMENSION: VALUE=SHARE, ...'",
              help="Population shares of one segment dimension to rake the weights to; repeatable.")
@click.option("--wait/--no-wait", default=False, help="Run here and wait, or queue for the worker and print the id.")
def run_command(questionnaire_id: int, versions: tuple[int, ...], model: str, method: str, segments: tuple[str, ...],
                bootstrap: int, seed: int, submitted_from: datetime | None, submitted_to: datetime | None,
                weight_attribute: str | None, rake_lines: tuple[str, ...], wait: bool) -> None:
    """Start an analysis run; prints the run id (and, with --wait, its outcome)."""
    session = get_session()
    query = select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id == questionnaire_id,
                                                  QuestionnaireVersion.state == "published")
    if versions:
        query = query.where(QuestionnaireVersion.number.in_(versions))
    version_ids = tuple(session.scalars(query.order_by(QuestionnaireVersion.number)))
    try:
        margins = parse_margins("\n".join(rake_lines))
    except MarginsError as error:
        raise click.BadParameter(str(error), param_hint="--rake") from error
    try:
        if not version_ids:
            raise AnalysisSetupError(f"questionnaire {questionnaire_id} has no published version"
                                     + (f" numbered {', '.join(map(str, versions))}" if versions else ""))
        parameters = AnalysisParameters(version_ids=version_ids, model=model, method=method,
                                        segment_dimensions=segments, bootstrap=bootstrap, seed=seed,
                                        submitted_from=submitted_from, submitted_to=submitted_to,
                                        weight_attribute=weight_attribute or None, margins=margins)
        run = create_run(session, parameters)
    except AnalysisSetupError as error:
        raise click.ClickException(str(error)) from error
    session.commit()
    click.echo(run.id)
    if not wait:
        enqueue("run_analysis", run.id)
        return
    execute_run(session, run.id)
    run = session.get(AnalysisRun, run.id)
    if run.status != "succeeded":
        raise click.ClickException(f"run {run.id} {run.status}: {run.error or ''}")
    click.echo(f"run {run.id} succeeded")


@bp.cli.command("show")
@click.argument("run_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="The fit document of `python -m acsi fit` (docs/acsi-fit-json.md).")
def show_command(run_id: int, fmt: str) -> None:
    """Print stored analysis run RUN_ID in the schema `python -m acsi fit` prints."""
    session = get_session()
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise click.ClickException(f"analysis run {run_id} does not exist")
    try:
        document = run_document(run, run_results(session, run_id))
    except RunDocumentUnavailable as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))
