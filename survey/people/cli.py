"""``flask people export REF -o FILE`` and ``flask people erase REF --yes``."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Blueprint

from survey.audit_trail import audit_event, person_key
from survey.db import get_session
from survey.services import people

bp = Blueprint("people_cli", __name__, cli_group="people")


@bp.cli.command("export")
@click.argument("ref")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The JSON file to write.")
def export_command(ref: str, output: Path) -> None:
    """Write everything held about a customer reference to a JSON file (with a readable summary)."""
    session = get_session()
    try:
        data = people.export(session, ref)
    except people.PersonError as error:
        raise click.ClickException(str(error)) from error
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    audit_event("person_export", person_key(ref.strip()), details={"to": "file"})
    session.commit()
    for line in data["summary"]:
        click.echo(line)
    click.echo(f"written to {output}")


@bp.cli.command("erase")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Confirm: the erasure cannot be undone.")
def erase_command(ref: str, yes: bool) -> None:
    """Remove a customer's personal data and free-text answers everywhere (cannot be undone)."""
    if not yes:
        raise click.ClickException("nothing was erased: add --yes to confirm (the erasure cannot be undone)")
    session = get_session()
    try:
        report = people.erase(session, ref)
    except people.PersonError as error:
        raise click.ClickException(str(error)) from error
    audit_event("person_erase", person_key(ref.strip()), details=report.as_dict())
    session.commit()
    click.echo("erased: " + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in report.as_dict().items()))
