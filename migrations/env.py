"""Alembic environment. The database URL comes from, in order: a connection handed over by the
caller (``config.attributes['connection']``, used by tests), ``-x url=...``, then the same
environment the app reads (``DATABASE_URL``, else the embedded SQLite under instance/)."""
from __future__ import annotations

from alembic import context

from config import load_environment
from models import Base
from survey.db import make_engine

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if url:
        return url
    return load_environment({**_environ(), "XINSHENG_ENV": "development"})["SQLALCHEMY_DATABASE_URL"]


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies tables instead.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
