"""``flask questionnaire import PATH`` and ``flask questionnaire export ID --format ... -o PATH``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy.exc import DBAPIError

from models import Questionnaire
from survey.db import get_session
from survey.questionnaire.xlsform import FormIdentity
from survey.services.interchange import InterchangeError, export_questionnaire, import_questionnaire
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from survey.services.workspaces import WorkspaceError, find_workspace

bp = Blueprint("questionnaire_cli", __name__, cli_group="questionnaire")


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", default=None, help="Id or name of the workspace it goes to (default: the first).")
def import_command(path: Path, workspace: str | None) -> None:
    """Import an XLSForm (.xlsx/.xls/.csv), LimeSurvey .lss, SurveyJS or questionnaire JSON;
    prints the new id."""
    try:
        imported = import_questionnaire(path.read_bytes(), filename=path.name)
    except InterchangeError as error:
        raise click.ClickException(str(error)) from error
    session = get_session()
    try:
        workspace_id = find_workspace(session, workspace).id if workspace is not None else None
    except WorkspaceError as error:
        raise click.ClickException(str(error)) from error
    try:
        version = create_questionnaire(session, imported.questionnaire, workspace_id=workspace_id)
        session.commit()
    except DBAPIError as error:  # a value the database cannot hold: nothing is kept, say which
        session.rollback()
        raise click.ClickException(f"the database refused the questionnaire, nothing was stored: "
                                   f"{str(error.orig).splitlines()[0]}") from error
    for warning in imported.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(version.questionnaire_id)


@bp.cli.command("export")
@click.argument("questionnaire_id", type=int)
@click.option("--format", "export_format", type=click.Choice(["xlsform", "json", "surveyjs"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def export_command(questionnaire_id: int, export_format: str, output: Path) -> None:
    """Export the latest version of a questionnaire."""
    session = get_session()
    if session.get(Questionnaire, questionnaire_id) is None:
        raise click.ClickException(f"there is no questionnaire with id {questionnaire_id}")
    version = latest_version(session, questionnaire_id)
    output.write_bytes(export_questionnaire(version_document(version), export_format,
                                            identity=FormIdentity(questionnaire_id, version.number)))
    click.echo(f"wrote {output} (version {version.number}, {version.state})")
