"""Upgrading an embedded SQLite database that holds data: batch migrations copy tables, and
SQLite refuses to drop a table other rows point at while foreign keys are enforced (a make run
install at 0011 failed at 0012 this way: "FOREIGN KEY constraint failed / DROP TABLE
questionnaires"). Every revision from 0005 on is applied to a database with rows in every table
that references another."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from survey.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _config(connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    return config


def test_a_sqlite_database_with_data_upgrades_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'data.sqlite3'}")  # foreign keys on, as the app runs
    with engine.connect() as connection:
        command.upgrade(_config(connection), "0004")
        connection.commit()
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, email, name, password_hash, role, active, created_at, session_token) "
            "VALUES (1, 'a@example.com', '', 'x', 'admin', 1, CURRENT_TIMESTAMP, 't')"))
        connection.execute(text(
            "INSERT INTO questionnaires (id, title_zh, title_en, kind, status, created_by_id, created_at) "
            "VALUES (1, '问卷', 'Survey', 'custom', 'active', 1, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO questionnaire_versions (id, questionnaire_id, number, state, title_zh, title_en, "
            "description_zh, description_en, default_language, created_at) "
            "VALUES (1, 1, 1, 'published', '问卷', 'Survey', '', '', 'zh_CN', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO invitations (id, questionnaire_id, token, customer_ref, language, segment, status, "
            "created_at) VALUES (1, 1, 'tok', 'C1', 'en', '{}', 'completed', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO responses (id, version_id, invitation_id, resume_token, status, channel, language, "
            "segment, answers, last_page, started_at) "
            "VALUES (1, 1, 1, 'r', 'complete', 'web', 'en', '{}', '{\"nps\": 3}', 0, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO followup_tasks (id, response_id, reasons, owner, status, due_at, notes, created_at) "
            "VALUES (1, 1, '[\"detractor\"]', '', 'open', CURRENT_TIMESTAMP, '', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO users (id, email, name, password_hash, role, active, created_at, session_token) "
            "VALUES (2, 'd@example.com', '', 'x', 'designer', 1, CURRENT_TIMESTAMP, 'u')"))
        connection.execute(text(
            "INSERT INTO complaint_cases (id, case_ref, customer_ref, segment, category, channel, handler, "
            "resolution_status, opened_at, created_at) "
            "VALUES (1, 'K1', 'C1', '{}', '', '', '', 'open', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO analysis_runs (id, status, progress, stage, cancel_requested, parameters, created_at) "
            "VALUES (1, 'succeeded', 1, 'done', 0, '{\"version_ids\": [1], \"model\": \"acsi\"}', CURRENT_TIMESTAMP)"))
    with engine.connect() as connection:
        command.upgrade(_config(connection), "head")
        connection.commit()
    engine.dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'data.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM responses")).scalar() == 1
        assert connection.execute(text("SELECT flag, consent_version FROM responses")).one() == ("", None)
        assert connection.execute(text("SELECT consent_required FROM questionnaires")).scalar() in (0, False)
        assert connection.execute(text("SELECT response_id FROM followup_tasks")).scalar() == 1
        # 0014: everything lands in the one default workspace; non-admins are its members.
        workspace = connection.execute(text("SELECT id FROM workspaces")).scalar_one()
        assert connection.execute(text("SELECT workspace_id FROM questionnaires")).scalar() == workspace
        assert connection.execute(text("SELECT workspace_id FROM complaint_cases")).scalar() == workspace
        assert connection.execute(text("SELECT user_id FROM workspace_members")).scalars().all() == [2]
        assert connection.execute(text("SELECT questionnaire_id FROM analysis_runs")).scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # as the app runs
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    engine.dispose()
