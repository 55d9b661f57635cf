"""/readyz: 200 only when the database and the queue answer and the database is at the head of
migrations/; 503 naming each failed check otherwise. /healthz stays the liveness check."""
from __future__ import annotations

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from smtp_server import free_port
from survey.app import create_app
from survey.observability.readiness import MIGRATIONS, migration_heads


@pytest.fixture
def stamp(app):
    """``stamp(revision)`` writes alembic_version as `alembic stamp` does; dropped afterwards
    (the test schema is made from the models, without it)."""
    engine = app.extensions["sqlalchemy_engine"]

    def write(revision: str) -> None:
        with engine.begin() as connection:
            MigrationContext.configure(connection).stamp(ScriptDirectory(str(MIGRATIONS)), revision)

    yield write
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _previous(revision: str) -> str:
    down = ScriptDirectory(str(MIGRATIONS)).get_revision(revision).down_revision
    assert isinstance(down, str)
    return down


def test_ready_at_head(client, stamp) -> None:
    stamp("head")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready" and response.json["failed"] == []
    assert set(response.json["checks"]) == {"database", "job_queue", "migrations"}
    assert response.json["checks"]["migrations"]["detail"] == f"at head {migration_heads()[0]}"


def test_not_ready_at_an_older_revision(client, stamp) -> None:
    head = migration_heads()[0]
    stamp(_previous(head))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready" and response.json["failed"] == ["migrations"]
    detail = response.json["checks"]["migrations"]["detail"]
    assert f"at revision {_previous(head)}" in detail and f"head is {head}" in detail
    assert response.json["checks"]["database"]["ok"] and response.json["checks"]["job_queue"]["ok"]


def test_not_ready_without_any_revision(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["migrations"]
    assert "at revision none" in response.json["checks"]["migrations"]["detail"]


def test_not_ready_when_the_database_does_not_answer(tmp_path, client) -> None:
    broken = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'db.sqlite3'}",
        "JOB_QUEUE_URL": "memory://",
    })
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["database", "migrations"]
    assert response.json["checks"]["database"]["detail"] == "SELECT 1 failed: OperationalError"
    assert client.get("/healthz").status_code == 200  # the working app is alive


def test_not_ready_when_the_queue_storage_does_not_answer(tmp_path, database_url, stamp) -> None:
    stamp("head")
    broken = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"redis://127.0.0.1:{free_port()}/0",
    })
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["job_queue"]
    assert response.json["checks"]["job_queue"]["detail"] == "reading the queue failed: ConnectionError"
    broken.extensions["sqlalchemy_engine"].dispose()


def test_an_on_disk_queue_answers_with_its_depth(tmp_path, database_url, stamp) -> None:
    stamp("head")
    ready = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
    })
    with ready.app_context():
        from survey.jobs import enqueue

        enqueue("deliver_messages", None)
    response = ready.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["job_queue"]["detail"] == "1 pending"
    ready.extensions["sqlalchemy_engine"].dispose()
