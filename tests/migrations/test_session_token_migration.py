"""Revision 0003 gives every existing user a session token of their own (random, not shared),
and downgrades back to 0002 keeping the users."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "session_token_check"


def _config(connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    return config


def _fresh_engine(database_url: str, tmp_path: Path) -> Engine:
    if database_url.startswith("sqlite"):
        return create_engine(f"sqlite:///{tmp_path / 'session_token.sqlite3'}")
    engine = create_engine(database_url, connect_args={"options": f"-csearch_path={SCHEMA}"})
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    return engine


def test_existing_users_get_distinct_random_tokens(database_url: str, tmp_path: Path) -> None:
    engine = _fresh_engine(database_url, tmp_path)
    try:
        with engine.begin() as connection:
            command.upgrade(_config(connection), "0002")
            for number in range(3):
                connection.execute(
                    text("INSERT INTO users (email, name, password_hash, role, active) "
                         "VALUES (:email, '', 'x', 'viewer', true)"),
                    {"email": f"user{number}@example.com"},
                )
            command.upgrade(_config(connection), "0003")
        with engine.connect() as connection:
            tokens = connection.execute(text("SELECT session_token FROM users")).scalars().all()
        assert len(tokens) == 3 and all(token and len(token) >= 32 for token in tokens)
        assert len(set(tokens)) == 3
        with engine.begin() as connection:
            command.downgrade(_config(connection), "0002")
            assert connection.execute(text("SELECT count(*) FROM users")).scalar_one() == 3
            command.downgrade(_config(connection), "base")
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        engine.dispose()
