"""flask backup create / restore: responses made through the app are all there after a restore
into a fresh database, with its Alembic revision — with the real pg_dump and pg_restore on
PostgreSQL, and SQLite's online backup API on the embedded database."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from models import Base, Response
from survey.app import create_app
from survey.backups import dumps
from survey.db import get_session, make_engine
from survey.observability.readiness import MIGRATIONS, migration_heads
from survey.questionnaire.templates import complaint_followup
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish

GOOD = {"resolution_status": "fully", "first_contact": True, "handle": 9,
        "resolution_satisfaction": 5, "repurchase": 8, "people_told": 0, "nps": 9}


def _app(url: str, instance: Path) -> Flask:
    return create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(instance)},
                       "SQLALCHEMY_DATABASE_URL": url, "JOB_QUEUE_URL": "memory://", "JOB_QUEUE_IMMEDIATE": True})


def _responses_through_the_api(app: Flask, count: int, prefix: str = "backup") -> None:
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, complaint_followup()))
        _token, secret = create_token(db, "crm", role="designer")
        db.commit()
        questionnaire_id = version.questionnaire_id
    client = app.test_client()
    for n in range(count):
        reply = client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses",
                            json={"client_id": f"{prefix}-{n}", "answers": dict(GOOD, nps=n % 11)},
                            headers={"Authorization": f"Bearer {secret}"})
        assert reply.status_code == 201, reply.json


def _stamp_head(engine) -> None:
    with engine.begin() as connection:
        MigrationContext.configure(connection).stamp(ScriptDirectory(str(MIGRATIONS)), "head")


def _contents(url: str) -> tuple[list[tuple], tuple[str, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = [tuple(row) for row in connection.execute(
                select(Response.id, Response.idempotency_key, Response.status, Response.answers).order_by(Response.id))]
            revision = tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return rows, revision


def _backup_and_restore(source: Flask, target: Flask, path: Path) -> None:
    made = source.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert made.exit_code == 0, made.output
    assert f"written to {path}" in made.output and path.stat().st_size > 0
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output


def test_sqlite_backup_restores_every_response_and_the_revision(tmp_path) -> None:
    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    engine = make_engine(live)
    Base.metadata.create_all(engine)
    _stamp_head(engine)
    engine.dispose()
    source = _app(live, tmp_path)
    _responses_through_the_api(source, 12)
    before = _contents(live)
    fresh = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    _backup_and_restore(source, _app(fresh, tmp_path), tmp_path / "backup.sqlite3")
    _responses_through_the_api(source, 1, "later")  # written after the backup: not in it
    rows, revision = _contents(fresh)
    assert len(rows) == 12 and (rows, revision) == before
    assert revision == migration_heads()
    source.extensions["sqlalchemy_engine"].dispose()


def test_backups_into_a_folder_keep_the_newest(tmp_path) -> None:
    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    Base.metadata.create_all(make_engine(live))
    runner = _app(live, tmp_path).test_cli_runner()
    folder = tmp_path / "backups"
    for name in ("xinsheng-20200101T000000Z.sqlite3", "xinsheng-20210101T000000Z.sqlite3", "notes.sqlite3"):
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(b"old")
    result = runner.invoke(args=["backup", "create", "--dir", str(folder), "--keep", "2"])
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in folder.iterdir())
    assert left[0] == "notes.sqlite3" and left[1] == "xinsheng-20210101T000000Z.sqlite3"
    assert len(left) == 3 and left[2].startswith("xinsheng-") and left[2] > left[1]
    assert "removed the older backup" in result.output and "20200101" in result.output
    assert runner.invoke(args=["backup", "create"]).exit_code == 2  # neither PATH nor --dir


def test_a_restore_refuses_a_file_of_the_wrong_kind(tmp_path) -> None:
    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    Base.metadata.create_all(make_engine(live))
    runner = _app(live, tmp_path).test_cli_runner()
    fake = tmp_path / "backup.dump"
    fake.write_bytes(b"PGDMP\x01\x0e")
    result = runner.invoke(args=["backup", "restore", str(fake), "--yes"])
    assert result.exit_code == 1
    assert f"{fake} is not a SQLite database, which a sqlite database is restored from" in result.output
    with pytest.raises(dumps.BackupError, match="is not a pg_dump --format=custom archive"):
        dumps.check_backup_file(tmp_path / "live.sqlite3", "postgresql")
    with pytest.raises(dumps.BackupError, match="cannot back up a 'mysql' database"):
        dumps.dialect_of("mysql://x@localhost/db")


def test_a_failed_backup_leaves_no_file(tmp_path) -> None:
    target = tmp_path / "out.sqlite3"
    with pytest.raises(dumps.BackupError, match="does not exist"):
        dumps.create(f"sqlite:///{tmp_path / 'missing.sqlite3'}", target)
    assert list(tmp_path.iterdir()) == []


def test_postgresql_backup_restores_every_response_into_a_fresh_database(app, database_url, tmp_path) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("pg_dump / pg_restore need PostgreSQL: run with TEST_DATABASE_URL=postgresql://... "
                    "(the SQLite path is tested above)")
    engine = app.extensions["sqlalchemy_engine"]
    _stamp_head(engine)
    fresh_url = make_url(database_url).set(database=f"{make_url(database_url).database}_restored")
    admin = create_engine(fresh_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh_url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{fresh_url.database}"'))
        _responses_through_the_api(app, 15)
        before = _contents(database_url)
        path = tmp_path / "xinsheng.dump"
        target = _app(fresh_url.render_as_string(hide_password=False), tmp_path)
        _backup_and_restore(app, target, path)
        assert path.read_bytes().startswith(dumps.POSTGRES_MAGIC)
        target.extensions["sqlalchemy_engine"].dispose()
        rows, revision = _contents(fresh_url.render_as_string(hide_password=False))
        assert len(rows) == 15 and (rows, revision) == before
        assert revision == migration_heads()
        # Restoring again over the restored data replaces it (--clean) rather than failing.
        again = target.test_cli_runner().invoke(args=["backup", "restore", str(path), "--yes"])
        assert again.exit_code == 0, again.output
        assert _contents(fresh_url.render_as_string(hide_password=False))[0] == rows
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh_url.database}" WITH (FORCE)'))
        admin.dispose()
