"""Shared fixtures: ``app``, ``session``, ``client``, ``runner`` and account helpers.

The suite runs on the embedded SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL``
names one (``.ci/run`` does both). The schema is created once per test session from the models;
every test starts from empty tables.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import settings as hypothesis_settings
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from config import normalise_database_url
from models import Base, User
from survey.app import create_app
from survey.db import get_session, make_engine
from survey.services.accounts import create_user
from support import TEST_PASSWORD, login



# Property tests draw the same examples on every run (reproducible CI, no example database in
# the work tree); explore more locally with --hypothesis-seed=random.
hypothesis_settings.register_profile("reproducible", derandomize=True, database=None, deadline=None)
hypothesis_settings.load_profile("reproducible")


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private, empty database for this test session (and xdist worker)."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if not configured:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        yield f"sqlite:///{path}"
        return
    url = make_url(normalise_database_url(configured))
    name = f"{url.database or 'xinsheng_test'}_{_worker_suffix()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def schema_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


#: Append-only tables: their triggers refuse DELETE, so on SQLite they are dropped and created
#: again (PostgreSQL's TRUNCATE fires no row trigger).
APPEND_ONLY_TABLES = ("audit_events",)


def empty_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine)  # models imported since the last test get their tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in APPEND_ONLY_TABLES:
                    table.drop(connection)
                else:
                    connection.execute(table.delete())
    Base.metadata.create_all(engine)


@pytest.fixture
def app(schema_engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    empty_tables(schema_engine)
    app = create_app(
        {
            "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
            "SQLALCHEMY_DATABASE_URL": database_url,
            # Jobs run inline in tests; a real worker is exercised in tests/survey/test_jobs.py.
            "JOB_QUEUE_URL": "memory://",
            "JOB_QUEUE_IMMEDIATE": True,
        }
    )
    yield app
    app.extensions["sqlalchemy_engine"].dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a committed user: ``make_user("designer")``."""

    def make(role: str, email: str | None = None) -> User:
        with app.app_context():
            db = get_session()
            user = create_user(db, email=email or f"{role}@example.com", password=TEST_PASSWORD, role=role)
            db.commit()
            return user

    return make


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[[str], User]:
    """Create a user with ``role`` and sign the test client in as that user."""

    def sign_in(role: str) -> User:
        user = make_user(role)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in
