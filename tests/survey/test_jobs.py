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
from support import sqlite_write_lock_free


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


def test_a_run_reads_its_start_without_the_write_lock(app, session, monkeypatch) -> None:
    """Until its first checkpoint a run reads (the version, earlier runs, the responses): on
    SQLite that must not hold the write lock every respondent's submit needs."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    from survey.services import analysis_runs

    run = create_run(session, AnalysisParameters(version_ids=(_acsi_version(session),)))
    session.commit()
    database = session.get_bind().url.database
    taken: list[object] = []
    real = analysis_runs.run_analysis

    def watched(*args, **kwargs):
        taken.append(sqlite_write_lock_free(database))
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_runs, "run_analysis", watched)
    execute_run(session, run.id)
    assert taken == [True]
    assert session.get(AnalysisRun, run.id).status == "succeeded"


def test_queue_urls() -> None:
    assert type(make_queue("memory://")).__name__ == "MemoryHuey"
    assert type(make_queue("redis://127.0.0.1:6379/0")).__name__ == "RedisHuey"
    with pytest.raises(JobQueueError, match="must start with"):
        make_queue("amqp://x")


def test_segments_follow_the_minimum_base_of_acsi_segment_fit(app, session) -> None:
    """The pipeline fits each segment with acsi.segment_fit: a segment below max(50, 10 × most
    arrows into a construct) is stored as skipped with that rule, not fitted on a thin base."""
    from sqlalchemy import text

    from survey.services.analysis_pipeline import run_analysis
    from survey.services.questionnaires import version_document
    from models import QuestionnaireVersion

    version_id = _acsi_version(session)
    session.execute(text("UPDATE responses SET status = 'partial' WHERE version_id = :v AND id % 14 != 0"),
                    {"v": version_id})
    session.commit()
    document = version_document(session.get(QuestionnaireVersion, version_id))
    stored = run_analysis(session.get_bind(), document,
                          AnalysisParameters(version_ids=(version_id,), segment_dimensions=("region",)),
                          lambda fraction, stage: None)
    fits = {r.segment: r.payload for r in stored if r.kind == "acsi"}
    assert "fit" in fits["all"]
    regions = {label: payload for label, payload in fits.items() if label != "all"}
    assert len(regions) == 4
    thin = [p for p in regions.values() if "skipped" in p]
    # (30 was the pipeline's own minimum before: these segments were fitted on 30–49 rows.)
    assert thin and all(30 <= p["n"] < 50 and "minimum base of 50" in p["skipped"] for p in thin), thin
    assert all(p["fit"]["n"] >= 50 for p in regions.values() if "fit" in p)


def test_the_worker_yields_the_cpu_to_web_requests() -> None:
    """`flask jobs worker` lowers its own priority (niceness +10 and the idle scheduling class by
    default): run in a child process, since neither can be raised back. A thread started
    afterwards (a job thread) and a child process (Chromium printing a PDF) inherit both."""
    import subprocess
    import sys

    import click

    from survey.jobs import WORKER_NICENESS, lower_priority

    script = (
        "import os, subprocess, sys, threading\n"
        "from survey.jobs import lower_priority\n"
        "before = os.nice(0)\n"
        "niceness, policy = lower_priority(7, 'idle')\n"
        "seen = []\n"
        "thread = threading.Thread(target=lambda: seen.append((os.sched_getscheduler(0), os.nice(0))))\n"
        "thread.start(); thread.join()\n"
        "child = subprocess.run([sys.executable, '-c', 'import os; print(os.sched_getscheduler(0))'],\n"
        "                       capture_output=True, text=True, check=True).stdout.strip()\n"
        "print(before, niceness, policy, seen[0][0], seen[0][1], child, os.SCHED_IDLE)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).parents[2])).stdout.split()
    before, niceness, policy, thread_policy, thread_nice, child_policy, sched_idle = out
    assert int(niceness) == min(19, int(before) + 7) == int(thread_nice)
    assert policy == "idle"
    assert thread_policy == child_policy == sched_idle  # the job threads and Chromium run idle too
    plain = subprocess.run([sys.executable, "-c", "from survey.jobs import lower_priority; import os; "
                            "before = os.sched_getscheduler(0); "
                            "print(*lower_priority(0, 'normal'), os.sched_getscheduler(0) == before)"],
                           capture_output=True, text=True, check=True,
                           cwd=str(__import__("pathlib").Path(__file__).parents[2])).stdout.split()
    assert plain[1:] == ["normal", "True"]  # "normal" leaves the scheduling class as it was
    assert WORKER_NICENESS == 10
    with pytest.raises(click.BadParameter, match="only lower its priority"):
        lower_priority(-1)
    with pytest.raises(click.BadParameter, match="'fifo': scheduling must be one of idle, normal"):
        lower_priority(0, "fifo")
