"""Transactions: SQLite writes take the lock up front; respondent reads run in autocommit (SQLite
and PostgreSQL) and open a transaction only to write."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from survey.db import begin_write, make_engine, read_first


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
        connection.execute(text("INSERT INTO t (v) VALUES (1)"))
    yield engine
    engine.dispose()


def other_writer(engine) -> sqlite3.Connection:
    """A second connection that gives up at once instead of waiting for the lock."""
    database = engine.url.database
    return sqlite3.connect(database, timeout=0, isolation_level=None)


def test_a_plain_session_holds_the_write_lock_from_its_first_read(engine) -> None:
    with Session(engine) as session:
        assert session.scalar(text("SELECT v FROM t")) == 1
        writer = other_writer(engine)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("UPDATE t SET v = 2")
        writer.close()


def test_read_first_reads_without_the_lock_then_writes_in_one_transaction(engine) -> None:
    with Session(engine) as session:
        read_first(session)
        assert session.scalar(text("SELECT v FROM t")) == 1
        writer = other_writer(engine)
        writer.execute("UPDATE t SET v = 2")  # not blocked by the reading session
        begin_write(session)
        begin_write(session)  # idempotent within the transaction
        session.execute(text("UPDATE t SET v = v + 10"))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("UPDATE t SET v = 3")  # now the session holds the lock
        session.execute(text("INSERT INTO t (v) VALUES (99)"))
        session.rollback()  # both statements undone together
        assert session.scalar(text("SELECT group_concat(v) FROM t")) == "2"
        writer.close()


def test_read_first_does_nothing_once_a_transaction_is_open(engine) -> None:
    with Session(engine) as session:
        session.scalar(text("SELECT v FROM t"))  # BEGIN IMMEDIATE
        read_first(session)
        writer = other_writer(engine)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("UPDATE t SET v = 2")
        writer.close()


@pytest.mark.parametrize("one_statement", [False, True])
def test_write_once_holds_the_lock_through_the_work_unless_it_is_one_statement(engine, one_statement) -> None:
    from survey.services.collection import write_once

    seen: dict[str, object] = {}
    with Session(engine) as session:
        read_first(session)
        session.scalar(text("SELECT v FROM t"))

        def work() -> None:
            session.execute(text("UPDATE t SET v = 5"))
            writer = other_writer(engine)
            try:  # another connection, between the statement and the commit
                seen["other reads"] = writer.execute("SELECT v FROM t").fetchone()[0]
                writer.execute("INSERT INTO t (v) VALUES (7)")
                seen["other writes"] = True
            except sqlite3.OperationalError as error:
                seen["other writes"] = str(error)
            finally:
                writer.close()

        write_once(session, work, one_statement=one_statement)
    if one_statement:  # autocommit: the statement was stored at once and the lock released
        assert seen == {"other reads": 5, "other writes": True}
    else:  # BEGIN IMMEDIATE … COMMIT: nobody else writes, nor sees the update, before the commit
        assert seen["other reads"] == 1 and "locked" in seen["other writes"]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT v FROM t WHERE id = 1")) == 5


def test_read_first_then_begin_write_on_the_database_under_test(app) -> None:
    # SQLite or PostgreSQL, whichever the suite runs against: after read_first each statement is
    # its own transaction; begin_write opens one that commits or rolls back as a whole; and the
    # pooled connection is handed to the next session in ordinary transactional mode.
    engine = app.extensions["sqlalchemy_engine"]
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS read_first_probe"))
        connection.execute(text("CREATE TABLE read_first_probe (v INTEGER)"))
    count = text("SELECT count(*) FROM read_first_probe")
    try:
        with Session(engine) as session, Session(engine) as other:
            read_first(other)
            read_first(session)
            session.execute(text("INSERT INTO read_first_probe (v) VALUES (1)"))
            assert other.scalar(count) == 1  # stored at once
            begin_write(session)
            session.execute(text("INSERT INTO read_first_probe (v) VALUES (2)"))
            session.execute(text("INSERT INTO read_first_probe (v) VALUES (3)"))
            assert other.scalar(count) == 1  # not before the commit
            session.rollback()
            assert other.scalar(count) == 1  # both undone together
        for _ in range(engine.pool.size() if hasattr(engine.pool, "size") else 1):
            with Session(engine) as plain:
                plain.execute(text("INSERT INTO read_first_probe (v) VALUES (4)"))
                plain.rollback()
        with Session(engine) as plain:
            assert plain.scalar(count) == 1
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE read_first_probe"))
