"""``flask backup create [PATH]`` and ``flask backup restore PATH`` (see docs/backup.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, current_app

from survey.backups import dumps

bp = Blueprint("backup_cli", __name__, cli_group="backup")


def _prune(folder: Path, suffix: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups this command named in ``folder``."""
    made = sorted(folder.glob(f"xinsheng-*{suffix}"))
    old = made[:-keep] if keep else []
    for path in old:
        path.unlink()
    return old


@bp.cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write xinsheng-<UTC time>.dump (.sqlite3 for SQLite) into this folder instead of PATH.")
@click.option("--keep", type=click.IntRange(min=1), help="With --dir: keep only the newest N backups there.")
def create(path: Path | None, folder: Path | None, keep: int | None) -> None:
    """Back up the database DATABASE_URL names (pg_dump -Fc, or SQLite's online backup)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URL"]
    if (path is None) == (folder is None):
        raise click.UsageError("give either PATH or --dir")
    if keep is not None and folder is None:
        raise click.UsageError("--keep needs --dir")
    try:
        target = path if path is not None else folder / dumps.default_name(url)
        made = dumps.create(url, target)
    except dumps.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup of the {made.dialect} database written to {made.path} ({made.size_bytes} bytes)")
    if folder is not None and keep is not None:
        for old in _prune(folder, dumps.SUFFIXES[made.dialect], keep):
            click.echo(f"removed the older backup {old}")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database's contents.")
def restore(path: Path, yes: bool) -> None:
    """Replace the contents of the database DATABASE_URL names with the backup PATH. Stop the
    web server and the job worker first."""
    url = current_app.config["SQLALCHEMY_DATABASE_URL"]
    if not yes:
        click.confirm(f"Replace everything in {dumps.dialect_of(url)} database "
                      f"{current_app.extensions['sqlalchemy_engine'].url.render_as_string(hide_password=True)} "
                      f"with {path}?", abort=True)
    current_app.extensions["sqlalchemy_engine"].dispose()  # no pooled connection of ours stays open
    try:
        dumps.restore(url, path)
    except dumps.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {path} into the database")
