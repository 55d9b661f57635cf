"""The readiness checks behind ``/readyz``: the database answers, the job queue's storage
answers, and the database's Alembic revision is the head of migrations/. (``/healthz`` is the
liveness check: the process serves requests.)"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from huey import Huey
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from config import ROOT

logger = logging.getLogger(__name__)
MIGRATIONS = ROOT / "migrations"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks if not check.ok)


@functools.cache
def migration_heads() -> tuple[str, ...]:
    """The head revision(s) of migrations/ (read once per process: the files do not change)."""
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS)).get_heads()))


def _unreachable(what: str, error: Exception) -> str:
    # The error text may name hosts and users: it goes to the log, the answer names its kind.
    logger.warning("readiness: %s failed: %s: %s", what, type(error).__name__, error)
    return f"{what} failed: {type(error).__name__}"


def database(engine: Engine) -> Check:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return Check("database", False, _unreachable("SELECT 1", error))
    return Check("database", True, "answers")


def job_queue(queue: Huey) -> Check:
    try:
        pending = queue.pending_count()
    except Exception as error:  # any storage's failure (redis.ConnectionError, sqlite3.Error...)
        return Check("job_queue", False, _unreachable("reading the queue", error))
    return Check("job_queue", True, f"{pending} pending")


@contextmanager
def _quiet(log: logging.Logger) -> Iterator[None]:
    """Alembic logs its dialect at INFO each time a context is made: not once per probe."""
    level = log.level
    log.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        log.setLevel(level)


def migrations(engine: Engine, heads: tuple[str, ...] | None = None) -> Check:
    expected = heads if heads is not None else migration_heads()
    try:
        with engine.connect() as connection, _quiet(logging.getLogger("alembic.runtime.migration")):
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    except SQLAlchemyError as error:
        return Check("migrations", False, _unreachable("reading alembic_version", error))
    if current != expected:
        return Check("migrations", False, f"database at revision {', '.join(current) or 'none'}, "
                     f"migrations head is {', '.join(expected)}: run alembic upgrade head")
    return Check("migrations", True, f"at head {', '.join(current)}")


def check_all(engine: Engine, queue: Huey) -> Readiness:
    return Readiness((database(engine), job_queue(queue), migrations(engine)))
