"""``alembic upgrade head`` on an empty database yields exactly the models' schema, and every
revision downgrades cleanly."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect

from models import Base

ROOT = Path(__file__).resolve().parents[2]


def _config(connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    return config


def _fresh_engine(database_url: str, tmp_path: Path) -> Engine:
    if database_url.startswith("sqlite"):
        return create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
    # A schema of its own inside the test database keeps this test independent of the others.
    engine = create_engine(database_url, connect_args={"options": "-csearch_path=migration_check"})
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA migration_check")
    return engine


def test_upgrade_head_matches_the_models_and_downgrades(database_url: str, tmp_path: Path) -> None:
    engine = _fresh_engine(database_url, tmp_path)
    try:
        with engine.begin() as connection:
            command.upgrade(_config(connection), "head")
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": False})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        with engine.begin() as connection:
            command.downgrade(_config(connection), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
        engine.dispose()
