"""The queue path of an analysis run: enqueue on a real SQLite-backed huey, execute what a
worker dequeues, progress, cancel and failure messages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AnalysisRun, Questionnaire
from survey.app import create_app
from survey.db import get_session
from survey.jobs import JobQueueError, enqueue, make_queue
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import cancel_run, create_run, execute_run
from survey.services.demo import seed_demo


@pytest.fixture
def queued_app(app, database_url, tmp_path):
    """The same database as ``app`` but a real on-disk huey queue, not immediate."""
    other = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
    })
    yield other
    other.extensions["sqlalchemy_engine"].dispose()


def _acsi_version(session) -> int:
    seed_demo(session)
    session.commit()
    questionnaire = session.scalars(select(Questionnaire).where(Questionnaire.kind == "acsi")).one()
    return questionnaire.versions[0].id


def test_a_queued_run_is_executed_by_the_worker_path(queued_app) -> None:
    with queued_app.app_context():
        session = get_session()
        run = create_run(session, AnalysisParameters(version_ids=(_acsi_version(session),)))
        session.commit()
        enqueue("run_analysis", run.id)
        queue = queued_app.extensions["job_queue"]
        assert queue.pending_count() == 1
        assert session.get(AnalysisRun, run.id).status == "queued"
        queue.execute(queue.dequeue())  # what `flask jobs worker` does for each task
        session.expire_all()
        done = session.get(AnalysisRun, run.id)
        assert (done.status, done.progress, done.stage) == ("succeeded", 1.0, "done")
        assert {r.kind for r in done.results} >= {"meta", "acsi"}


def test_cancel_before_and_during_a_run(app, session) -> None:
    version_id = _acsi_version(session)
    queued = create_run(session, AnalysisParameters(version_ids=(version_id,)))
    session.commit()
    assert cancel_run(session, queued.id) == "cancelled"
    execute_run(session, queued.id)  # a cancelled run is not started
    assert session.get(AnalysisRun, queued.id).status == "cancelled"

    running = create_run(session, AnalysisParameters(version_ids=(version_id,), segment_dimensions=("region",)))
    session.commit()
    running.cancel_requested = True  # as if the analyst pressed cancel once it started
    session.commit()
    execute_run(session, running.id)
    session.refresh(running)
    assert running.status == "cancelled" and running.results == []


def test_a_failing_run_records_a_readable_message(app, session) -> None:
    version_id = _acsi_version(session)
    run = create_run(session, AnalysisParameters(version_ids=(version_id,), submitted_from=__import__("datetime").datetime(2999, 1, 1)))
    session.commit()
    execute_run(session, run.id)
    session.refresh(run)
    assert run.status == "failed"
    assert run.error == "no complete responses match the chosen versions and period"


def test_queue_urls() -> None:
    assert type(make_queue("memory://")).__name__ == "MemoryHuey"
    assert type(make_queue("redis://127.0.0.1:6379/0")).__name__ == "RedisHuey"
    with pytest.raises(JobQueueError, match="must start with"):
        make_queue("amqp://x")
