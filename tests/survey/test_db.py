"""SQLite transactions: writes take the lock up front; respondent reads do not hold it."""
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
