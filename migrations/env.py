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
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies tables instead. Copying
    # drops the old table, which SQLite refuses while foreign-key enforcement is on and other
    # tables' rows point at it: enforcement is off during the migration (set on the driver
    # connection, outside any transaction, where the pragma takes effect) and every reference is
    # checked before the transaction commits.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left {len(broken)} broken references, e.g. {broken[0]}; "
                                       "nothing was changed")
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, *, on: bool) -> None:
    driver = connection.connection.driver_connection
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
