"""One engine and sessionmaker per app; one Session per request, closed on teardown."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite opens transactions lazily (only before a write), so a SAVEPOINT issued
            # first would be released as a commit; SQLAlchemy emits BEGIN itself instead.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # IMMEDIATE takes the write lock up front: a deferred transaction that read first
            # cannot wait for the lock later (SQLite answers "database is locked" at once),
            # while an immediate one queues behind the busy timeout. Bulk reads for analysis
            # go through raw autocommit connections and never hold it; requests that read
            # first and write later (the respondent pages) read in autocommit (read_first):
            # each SELECT is its own snapshot, as under PostgreSQL's READ COMMITTED.
            if not connection.get_execution_options().get(_READ_FIRST):
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


_READ_FIRST = "xinsheng_read_first"


def read_first(session: Session) -> None:
    """Let ``session`` read in autocommit (each statement its own transaction, as under
    PostgreSQL's READ COMMITTED), for requests that read first and write, if at all, through
    ``survey.services.collection.write_once``, which opens the transaction with
    :func:`begin_write`. On SQLite the write lock is then not held while reading, so four
    workers' respondents do not queue behind each other's page checks; on PostgreSQL no BEGIN
    and COMMIT round trips are spent on reads, nor on a write that is one statement. Does
    nothing mid-transaction or on other databases."""
    if session.in_transaction():
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":  # pysqlite is in autocommit already (isolation_level None)
        session.connection(execution_options={_READ_FIRST: True})
    elif dialect == "postgresql":
        session.connection(execution_options={_READ_FIRST: True, "isolation_level": "AUTOCOMMIT"})


def begin_write(session: Session) -> None:
    """After :func:`read_first`: open the transaction now (SQLite: ``BEGIN IMMEDIATE``, taking the
    write lock; PostgreSQL: ``BEGIN``) on the same connection, so what follows is one
    transaction until the session commits or rolls back. Does nothing otherwise."""
    if not session.in_transaction():
        return
    connection = session.connection()
    if not connection.get_execution_options().get(_READ_FIRST):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        if not dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        from psycopg.pq import TransactionStatus

        if dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
            # psycopg in autocommit still commits or rolls back a transaction begun explicitly.
            connection.exec_driver_sql("BEGIN")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["SQLALCHEMY_DATABASE_URL"])
    app.extensions["sqlalchemy_engine"] = engine
    app.extensions["sqlalchemy_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def engine() -> Engine:
    return current_app.extensions["sqlalchemy_engine"]


def get_session() -> Session:
    """The Session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sqlalchemy_sessionmaker"]()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
