"""The worker's side of a file job: progress while an export is written, the file in place only
at the end, a stopped worker leaving nothing behind, and the real queue path (queued until a
worker takes it)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from models import AnalysisRun, FileJob, Questionnaire, User
from survey.app import create_app
from survey.db import engine, get_session
from survey.files import making
from survey.jobs import enqueue
from survey.services import exports, file_jobs
from survey.services.export_rows import CHUNK_ROWS
from support import login, sqlite_write_lock_free

KEEP = timedelta(hours=24)


def _export_job(app: Flask, survey, owner_id: int, fmt: str = "csv") -> int:
    with app.app_context():
        session = get_session()
        options = exports.ExportOptions(version_ids=(survey.version_id,), format=fmt, language="en")
        job, _ = file_jobs.create_job(session, kind="export", owner=session.get(User, owner_id),
                                      questionnaire=session.get(Questionnaire, survey.questionnaire_id),
                                      file_name=f"big.{fmt}", parameters=exports.options_to_json(options))
        session.commit()
        return job.id


def _make(app: Flask, job_id: int) -> str:
    with app.app_context():
        return making.make_file(get_session(), engine(), job_id, folder=Path(app.config["FILE_JOBS_FOLDER"]), keep=KEEP)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav"])
def test_an_export_reports_progress_by_rows_and_appears_only_when_complete(
        app: Flask, survey, make_user, add_responses, monkeypatch, fmt) -> None:
    owner = make_user("analyst")
    add_responses(survey.version_id, 2 * CHUNK_ROWS + 7)  # 3 complete ones already
    total = 2 * CHUNK_ROWS + 10
    job_id = _export_job(app, survey, owner.id, fmt)
    folder = Path(app.config["FILE_JOBS_FOLDER"])
    seen: list[tuple[float, str, list[str]]] = []
    real = file_jobs.report_progress

    def watch(session, reported_id, fraction):
        real(session, reported_id, fraction)
        stored = session.get(FileJob, reported_id)
        session.refresh(stored)
        seen.append((stored.progress, stored.status, sorted(p.name for p in folder.iterdir())))

    monkeypatch.setattr(file_jobs, "report_progress", watch)
    monkeypatch.setattr(making, "PROGRESS_SECONDS", 0.0)  # every chunk (see the next test for the pace)
    assert _make(app, job_id) == "done"
    with app.app_context():
        job = get_session().get(FileJob, job_id)
        path = folder / job.file_path
    # after each chunk of rows, below 1 (that is for the file in place) until the last chunk
    assert [round(p, 4) for p, _s, _f in seen] == [round(CHUNK_ROWS / total, 4), 0.99, 0.99]
    assert all(status == "running" for _p, status, _f in seen)
    assert all(files == [path.name + file_jobs.PART_SUFFIX] for _p, _s, files in seen)  # only the partial name
    assert (job.status, job.progress, job.size) == ("done", 1.0, path.stat().st_size)
    assert job.expires_at is not None and job.finished_at is not None
    assert sorted(p.name for p in folder.iterdir()) == [path.name]
    if fmt == "csv":
        assert path.read_bytes().count(b"\r\n") == total + 1


def test_progress_is_written_at_most_once_per_progress_seconds(
        app: Flask, survey, make_user, add_responses, monkeypatch) -> None:
    """Each progress write takes SQLite's write lock, which respondents' submits need: an export
    of many chunks writes it once per PROGRESS_SECONDS, not once per chunk (a fake clock moves
    1.5 s per chunk, so every second chunk is reported)."""
    owner = make_user("analyst")
    add_responses(survey.version_id, 4 * CHUNK_ROWS)
    job_id = _export_job(app, survey, owner.id)
    now = [0.0]

    def clock() -> float:
        return now[0]

    reported: list[float] = []
    real = file_jobs.report_progress

    def watch(session, reported_id, fraction):
        real(session, reported_id, fraction)
        reported.append(round(fraction, 4))

    real_write = making.WRITERS["csv"]

    def slow_chunks(engine_, prepared, part, progress):
        def step(written: int) -> None:
            now[0] += 1.5
            progress(written)
        return real_write(engine_, prepared, part, step)

    monkeypatch.setattr(making, "_clock", clock)
    monkeypatch.setattr(file_jobs, "report_progress", watch)
    monkeypatch.setitem(making.WRITERS, "csv", slow_chunks)
    assert _make(app, job_id) == "done"
    total = 4 * CHUNK_ROWS + 3
    assert reported == [round(2 * CHUNK_ROWS / total, 4), round(4 * CHUNK_ROWS / total, 4)]


@pytest.mark.parametrize("kind", ["export", "pdf"])
def test_the_worker_reads_what_it_makes_a_file_from_without_the_write_lock(
        app: Flask, survey, make_user, monkeypatch, kind) -> None:
    """While the worker reads the export's plan or renders the report to print (seconds), another
    connection can take SQLite's write lock at once: respondents' submits do not wait for it."""
    if app.config["SQLALCHEMY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("PostgreSQL has no database-wide write lock for a read to hold")
    database = app.config["SQLALCHEMY_DATABASE_URL"].removeprefix("sqlite:///")
    taken: list[bool | str] = []

    def try_the_write_lock() -> None:
        taken.append(sqlite_write_lock_free(database))

    owner = make_user("analyst")
    if kind == "export":
        job_id = _export_job(app, survey, owner.id)
        real_prepare = exports.prepare_export

        def prepare(*args, **kwargs):
            result = real_prepare(*args, **kwargs)
            try_the_write_lock()
            return result
        monkeypatch.setattr(exports, "prepare_export", prepare)
    else:
        with app.app_context():
            session = get_session()
            run = AnalysisRun(questionnaire_id=survey.questionnaire_id, status="succeeded", parameters={})
            session.add(run)
            session.flush()
            job, _ = file_jobs.create_job(session, kind="pdf", owner=session.get(User, owner.id),
                                          questionnaire=session.get(Questionnaire, survey.questionnaire_id),
                                          file_name="r.pdf", parameters={"format": "pdf", "language": "en"},
                                          run_id=run.id)
            session.commit()
            job_id = job.id

        def render(session, run_id, lang):
            session.get(AnalysisRun, run_id)  # the report's reads
            try_the_write_lock()
            return "<html><body>report</body></html>"
        monkeypatch.setattr(making, "standalone_html", render)
        monkeypatch.setattr(making, "html_to_pdf", lambda html: b"%PDF-1.4 test")
    assert _make(app, job_id) == "done"
    assert taken == [True]


def test_a_job_that_is_not_queued_is_not_made_again(app: Flask, survey, make_user) -> None:
    owner = make_user("analyst")
    job_id = _export_job(app, survey, owner.id)
    assert _make(app, job_id) == "done"
    assert _make(app, job_id) == "skipped"
    assert _make(app, 424242) == "skipped"


def test_a_stopped_worker_leaves_no_file_and_no_live_job(app: Flask, survey, make_user, monkeypatch) -> None:
    owner = make_user("analyst")
    job_id = _export_job(app, survey, owner.id)

    def interrupted(engine, prepared, path, progress):
        Path(path).write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setitem(making.WRITERS, "csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _make(app, job_id)
    with app.app_context():
        job = get_session().get(FileJob, job_id)
    assert (job.status, job.message_code) == ("failed", "interrupted")
    assert list(Path(app.config["FILE_JOBS_FOLDER"]).iterdir()) == []


def test_a_file_withdrawn_while_it_is_written_is_not_offered(app: Flask, survey, make_user, monkeypatch) -> None:
    """An erasure during the write (another session) wins: the finished file is removed."""
    owner = make_user("analyst")
    job_id = _export_job(app, survey, owner.id)
    real = making.WRITERS["csv"]

    def erased_meanwhile(engine, prepared, path, progress):
        written = real(engine, prepared, path, progress)
        other = app.extensions["sqlalchemy_sessionmaker"]()
        try:
            assert file_jobs.withdraw_exports(other, [survey.questionnaire_id]) == 1
            other.commit()
        finally:
            other.close()
        return written

    monkeypatch.setitem(making.WRITERS, "csv", erased_meanwhile)
    assert _make(app, job_id) == "failed"
    with app.app_context():
        job = get_session().get(FileJob, job_id)
    assert (job.status, job.message_code) == ("failed", "withdrawn")
    assert list(Path(app.config["FILE_JOBS_FOLDER"]).iterdir()) == []
    with app.test_request_context("/?lang=zh_CN"):
        from survey.files.views import message_text
        assert message_text(job) == "由于在申请该文件后有客户数据被删除，文件已撤回。请重新生成文件。"


def test_a_removed_version_fails_the_export_with_the_reason(app: Flask, survey, make_user) -> None:
    owner = make_user("analyst")
    with app.app_context():
        session = get_session()
        job, _ = file_jobs.create_job(session, kind="export", owner=session.get(User, owner.id),
                                      questionnaire=session.get(Questionnaire, survey.questionnaire_id),
                                      file_name="x.csv", parameters={"format": "csv", "version_ids": [999],
                                                                     "language": "en", "include_partial": False,
                                                                     "include_flagged": False, "values": "codes"})
        session.commit()
    assert _make(app, job.id) == "failed"
    with app.app_context():
        failed = get_session().get(FileJob, job.id)
    assert failed.message_code == "export_failed"
    assert "version ids [999] do not belong to questionnaire" in failed.message_parameters["reason"]


@pytest.fixture
def queued_app(app, database_url, tmp_path):
    """The same database as ``app`` with a real on-disk huey queue (not immediate), as `make run`."""
    other = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "EXPORT_JOB_THRESHOLD": 0,
    })
    yield other
    other.extensions["sqlalchemy_engine"].dispose()


def test_the_worker_makes_a_queued_export(queued_app: Flask, survey, make_user) -> None:
    from support import csrf_token

    user = make_user("designer")
    client = queued_app.test_client()
    assert login(client, user.email).status_code == 302
    url = f"/distribution/exports/{survey.questionnaire_id}"
    reply = client.post(url, data={"csrf_token": csrf_token(client, url), "versions": [survey.version_id],
                                   "format": "csv", "language": "en", "values": "codes"})
    job_url = reply.headers["Location"]
    waiting = client.get(job_url + "?lang=en").get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "Queued" in waiting and "/download" not in waiting
    queue = queued_app.extensions["job_queue"]
    assert queue.pending_count() == 1
    queue.execute(queue.dequeue())  # what `flask jobs worker` does
    ready = client.get(job_url + "?lang=en").get_data(as_text=True)
    assert "Ready" in ready and f"{job_url}/download" in ready and 'http-equiv="refresh"' not in ready
    download = client.get(f"{job_url}/download")
    assert download.status_code == 200 and download.get_data().startswith(b"\xef\xbb\xbfresponse_id")
    download.close()
    with queued_app.app_context():
        assert "sweep_files" in queued_app.extensions["job_tasks"]
        enqueue("sweep_files")  # the periodic clean-up runs on the same queue


def test_counting_can_stop_at_a_bound(app: Flask, survey) -> None:
    from survey.services.export_rows import Selection, count_rows

    with app.app_context():
        everything = Selection({survey.version_id: 1}, include_partial=True)
        assert count_rows(engine(), everything) == 4
        assert [count_rows(engine(), everything, at_most=n) for n in (0, 2, 4, 9)] == [0, 2, 4, 4]
