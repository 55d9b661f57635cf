"""Revision 0004 closes the duplicate open invitations concurrent uploads once stored, then adds
the unique index on open uploaded invitations; its downgrade drops the index."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError

ROOT = Path(__file__).resolve().parents[2]

# (token, customer, status, complaint case): C1 twice pending, C2 pending after started,
# C3 once, C4 a complaint follow-up next to a pending upload.
ROWS = [("a", "C1", "pending", None), ("b", "C1", "pending", None), ("c", "C2", "pending", None),
        ("d", "C2", "started", None), ("e", "C3", "pending", None), ("f", "C4", "pending", None),
        ("g", "C4", "pending", 1)]


def _config(connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    return config


@pytest.fixture
def engine(database_url: str, tmp_path: Path):
    if database_url.startswith("sqlite"):
        engine: Engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    else:
        engine = create_engine(database_url, connect_args={"options": "-csearch_path=migration_0004"})
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_0004 CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA migration_0004")
    yield engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_0004 CASCADE")
    engine.dispose()


def test_upgrade_closes_duplicates_then_refuses_new_ones(engine) -> None:
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0002")
        connection.execute(text(
            "INSERT INTO questionnaires (id, title_zh, title_en, kind, status, created_at) "
            "VALUES (1, 'q', 'q', 'complaint_followup', 'active', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO complaint_cases (id, case_ref, customer_ref, category, channel, handler, "
            "resolution_status, opened_at, segment, created_at) VALUES (1, 'K1', 'C4', '', '', '', "
            "'resolved', CURRENT_TIMESTAMP, '{}', CURRENT_TIMESTAMP)"))
        for number, (token, customer, status, case) in enumerate(ROWS, start=1):
            connection.execute(text(
                "INSERT INTO invitations (id, questionnaire_id, token, customer_ref, language, "
                "segment, status, complaint_case_id, created_at) VALUES (:id, 1, :token, :customer, "
                "'en', '{}', :status, :case, CURRENT_TIMESTAMP)"),
                {"id": number, "token": token, "customer": customer, "status": status, "case": case})
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0004")
    with engine.connect() as connection:
        statuses = dict(connection.execute(text("SELECT token, status FROM invitations")).all())
    assert statuses == {"a": "pending", "b": "closed", "c": "closed", "d": "started",
                        "e": "pending", "f": "pending", "g": "pending"}
    match = r"uq_invitations_open_customer|invitations\.customer_ref"
    with pytest.raises(IntegrityError, match=match), engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO invitations (id, questionnaire_id, token, customer_ref, language, segment, "
            "status, created_at) VALUES (100, 1, 'h', 'C3', 'en', '{}', 'pending', CURRENT_TIMESTAMP)"))
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0002")
        connection.execute(text(
            "INSERT INTO invitations (id, questionnaire_id, token, customer_ref, language, segment, "
            "status, created_at) VALUES (100, 1, 'h', 'C3', 'en', '{}', 'pending', CURRENT_TIMESTAMP)"))
