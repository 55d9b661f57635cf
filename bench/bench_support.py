"""Plumbing shared by the benchmarks: peak memory and database (re)creation."""
from __future__ import annotations

import resource
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Unlike ru_maxrss it is not inherited from the
    parent across exec, so each child process reports its own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_postgresql_database(url: str, *, fresh: bool) -> None:
    """Create the PostgreSQL database ``url`` names (dropping it first when ``fresh``);
    nothing for other databases."""
    if not url.startswith("postgresql"):
        return
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if fresh:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
