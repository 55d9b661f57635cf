"""Make and restore a backup of the database a SQLAlchemy URL names.

PostgreSQL: the real ``pg_dump --format=custom`` and ``pg_restore`` (the PostgreSQL client of
the server's major version must be installed). The password goes to them in ``PGPASSWORD``,
never on the command line, where ``ps`` would show it.

SQLite: the sqlite3 online backup API, consistent while the app keeps writing (a plain file copy
of a WAL database is not). A backup is written to a temporary file beside the target and renamed
into place, so a failed run never leaves half a backup under the final name.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from os import environ  # read when a backup runs, not at import
from pathlib import Path

from sqlalchemy.engine import URL, make_url

#: The first bytes of each kind of backup file.
POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says which file or database and why."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    dialect: str
    size_bytes: int


def dialect_of(database_url: str) -> str:
    """``postgresql`` or ``sqlite``; :class:`BackupError` for any other database."""
    backend = make_url(database_url).get_backend_name()
    if backend not in SUFFIXES:
        raise BackupError(f"cannot back up a {backend!r} database: only postgresql and sqlite are supported")
    return backend


def default_name(database_url: str, now: datetime | None = None) -> str:
    """``xinsheng-20261207T193000Z.dump`` (or ``.sqlite3``): sorts by time."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"xinsheng-{moment}{SUFFIXES[dialect_of(database_url)]}"


def create(database_url: str, target: Path) -> Backup:
    """Back up the database at ``database_url`` into the file ``target`` (replaced if it exists)."""
    dialect = dialect_of(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    partial = Path(temporary)
    try:
        if dialect == "postgresql":
            _run_pg("pg_dump", database_url, ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"])
        else:
            _sqlite_copy(_sqlite_path(database_url, must_exist=True), partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, dialect, target.stat().st_size)


def restore(database_url: str, source: Path) -> None:
    """Put the backup ``source`` into the database at ``database_url``, replacing what it holds.
    PostgreSQL: the database must exist (``createdb``); objects in the backup are dropped first
    and restored in one transaction, so a failed restore changes nothing."""
    dialect = dialect_of(database_url)
    check_backup_file(source, dialect)
    if dialect == "postgresql":
        _run_pg("pg_restore", database_url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                             "--single-transaction", "--exit-on-error", str(source)])
    else:
        _sqlite_copy(source, _sqlite_path(database_url, must_exist=False))


def check_backup_file(source: Path, dialect: str) -> None:
    """:class:`BackupError` unless ``source`` is a backup of ``dialect``'s kind."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    expected = POSTGRES_MAGIC if dialect == "postgresql" else SQLITE_MAGIC
    with source.open("rb") as handle:
        start = handle.read(len(expected))
    if start != expected:
        kind = "pg_dump --format=custom archive" if dialect == "postgresql" else "SQLite database"
        raise BackupError(f"{source} is not a {kind}, which a {dialect} database is restored from")


def _sqlite_path(database_url: str, *, must_exist: bool) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError(f"{database_url} is an in-memory SQLite database: there is no file to back up")
    path = Path(name)
    if must_exist and not path.is_file():
        raise BackupError(f"the SQLite database {path} does not exist")
    return path


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with the online backup API (pages copied under a read lock, a consistent snapshot)."""
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            writer = sqlite3.connect(target)
            try:
                reader.backup(writer)
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.Error as error:
        raise BackupError(f"copying {source} to {target} failed: {error}") from None


def _connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment holding it."""
    env = dict(environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(program: str, database_url: str, arguments: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not on PATH: install the PostgreSQL client of the server's major "
                          "version (Debian: apt-get install postgresql-client)")
    uri, env = _connection(make_url(database_url))
    result = subprocess.run([executable, f"--dbname={uri}", *arguments], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
