"""Respondents while large exports and a PDF run as jobs (issue 17): the respondent's submit latency
with no job running, then while two 1,000,000-response exports and a report PDF are made by the
job worker.

Serves the app as `make run` does — gunicorn (--web-workers sync workers) and `flask jobs worker`
(--job-threads threads) on one huey SQLite queue — on a database holding export_responses.py's
1,000,000 responses plus a 15-item one-page questionnaire with started responses
(submissions.py's). An analyst posts two exports through the export form (EXPORT_JOB_THRESHOLD=0,
so both become file jobs) and asks for the PDF of the demo's ACSI analysis run (printed by
Chromium in the worker); meanwhile --clients respondents submit their page (submissions.py's
"web" path). Reported: submit p50/p95/p99 and accepted per second without and with the jobs
running, how long the form POSTs took, and each job's time and file.

Two loads: by default the respondents submit as fast as the server answers (closed loop: the
throughput, which on a machine whose cores the respondents already fill must fall when jobs take
any CPU); with --rate R they submit R times a second in all (open loop, latencies counted from
when each submit was due), which is the "p99 while jobs run" of a site that is not saturated.
The worker runs with --scheduling idle (the default of `flask jobs worker`) unless told otherwise.

    .venv/bin/python bench/export_jobs.py                               # SQLite and PostgreSQL
    .venv/bin/python bench/export_jobs.py --databases sqlite --responses 100000 --seconds 10

PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_export_jobs).
The 1,000,000 responses are inserted once and kept between runs (the started responses of a
run are deleted at its end).
"""
from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import delete, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import export_responses  # noqa: E402
import submissions  # noqa: E402
from models import Base, FileJob, Questionnaire, QuestionnaireVersion, Response, User  # noqa: E402
from survey.app import create_app  # noqa: E402
from survey.db import get_session, make_engine  # noqa: E402
from survey.questionnaire.document import Page, Question, Questionnaire as Document, ScaleSettings, Texts  # noqa: E402
from models import AnalysisRun  # noqa: E402
from survey.services.accounts import create_user  # noqa: E402
from survey.services.demo import DEMO_TITLE_EN, seed_demo, seed_demo_analysis  # noqa: E402
from survey.services.questionnaires import create_questionnaire, publish  # noqa: E402
from survey.services.workspaces import join_default  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_export_jobs"
ANALYST, PASSWORD = "bench-analyst@example.com", "correct horse battery staple"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SLICE_SECONDS = 5.0


def database_url(kind: str) -> str:
    return f"sqlite:///{OUT / 'export_jobs.sqlite3'}" if kind == "sqlite" else os.environ.get(
        "BENCH_DATABASE_URL", PG_DEFAULT)


def _export_version(session: Session) -> QuestionnaireVersion:
    return session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id).limit(1)).one()


def _remove_run_data(url: str) -> None:
    """Delete what an earlier run added (the respondents' questionnaire, its responses, jobs)."""
    engine = make_engine(url)
    try:
        Base.metadata.create_all(engine)  # tables added since the responses were inserted
    except Exception:  # noqa: BLE001 - no database yet
        engine.dispose()
        return
    with Session(engine) as session:
        kept = _export_version(session) if session.scalar(select(QuestionnaireVersion.id).limit(1)) else None
        if kept is not None:
            session.execute(delete(FileJob))
            demo = select(Questionnaire.id).where(Questionnaire.title_en.startswith(DEMO_TITLE_EN))
            kept_questionnaires = Questionnaire.id.in_(demo) | (Questionnaire.id == kept.questionnaire_id)
            others = select(Questionnaire.id).where(~kept_questionnaires)
            kept_versions = select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id.not_in(others))
            session.execute(delete(Response).where(Response.version_id.not_in(kept_versions)))
            session.execute(delete(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id.in_(others)))
            session.execute(delete(Questionnaire).where(~kept_questionnaires))
            session.commit()
    engine.dispose()


def prepare(kind: str, responses: int, started: int) -> dict:
    """The 1,000,000 responses (kept), the respondents' questionnaire with ``started`` partial
    responses, and an analyst."""
    url = database_url(kind)
    export_responses.database_url = lambda _kind: url  # its prepare() fills our database
    _remove_run_data(url)
    export_responses.prepare(kind, responses)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    if kind == "postgresql":  # the responses were copied in with their ids
        with engine.begin() as connection:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('responses', 'id'), "
                                    "(SELECT max(id) FROM responses))"))
    questions = tuple(Question(code, "rating", Texts(f"题目 {code}", f"Item {code}"), required=True,
                               settings=ScaleSettings(min=1, max=10)) for code in submissions.ITEMS)
    document = Document(Texts("基准", "Benchmark"), (Page("p1", Texts("第一页", "Page 1"), questions),))
    with Session(engine) as session:
        export_version = _export_version(session)
        publish(session, create_questionnaire(session, document))
        if session.scalar(select(User.id).where(User.email == ANALYST)) is None:
            join_default(session, create_user(session, email=ANALYST, password=PASSWORD, role="analyst"))
        now = datetime.now(UTC)
        respondent_version = session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id.desc())
                                             .limit(1)).one()
        tokens = [secrets.token_urlsafe(24) for _ in range(started)]
        session.execute(insert(Response), [
            {"version_id": respondent_version.id, "resume_token": token, "status": "partial", "channel": "web",
             "language": "en", "segment": {}, "answers": {}, "last_page": 0, "started_at": now}
            for token in tokens])
        session.commit()
        context = {"export_questionnaire": export_version.questionnaire_id, "export_version": export_version.id,
                   "started": tokens}
    engine.dispose()
    return {**context, "pdf_run": demo_run(url)}


def demo_run(url: str) -> int:
    """A succeeded analysis run of the demo's ACSI questionnaire, whose report the PDF job prints
    (the demo and its runs are made once and kept between runs)."""
    app = create_app({"ENVIRON": {"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(OUT / "export_jobs_instance")},
                      "SQLALCHEMY_DATABASE_URL": url, "JOB_QUEUE_URL": "memory://"})
    succeeded = (select(AnalysisRun.id).join(Questionnaire, AnalysisRun.questionnaire_id == Questionnaire.id)
                 .where(Questionnaire.title_en.startswith(DEMO_TITLE_EN), AnalysisRun.status == "succeeded")
                 .order_by(AnalysisRun.id).limit(1))
    with app.app_context():
        session = get_session()
        if seed_demo(session) is not None:
            session.commit()
        if session.scalar(succeeded) is None:
            seed_demo_analysis(session)
        found = session.scalar(succeeded)
    if found is None:
        raise SystemExit("the demo's analysis run did not succeed: no report to print")
    return found


def post_exports(port: int, context: dict, formats: list[str], pdf: bool = True) -> list[tuple[str, float]]:
    """Sign in as the analyst, post the export form once per format, then ask for the PDF of the
    demo run; (job page, seconds of the POST) for each."""
    client = submissions.Client(port)
    _s, _h, html = client.request("GET", "/auth/login")
    status, _h, _b = client.request("POST", "/auth/login", urlencode(
        {"email": ANALYST, "password": PASSWORD, "csrf_token": submissions.CSRF.search(html).group(1)}).encode(), FORM)
    assert status == 302, f"analyst sign-in answered {status}"
    path = f"/distribution/exports/{context['export_questionnaire']}"
    jobs = []
    for export_format in formats:
        _s, _h, html = client.request("GET", path)
        body = urlencode({"csrf_token": submissions.CSRF.search(html).group(1), "versions": context["export_version"],
                          "format": export_format, "language": "zh_CN", "values": "codes"}).encode()
        started = time.perf_counter()
        status, headers, _b = client.request("POST", path, body, FORM)
        seconds = time.perf_counter() - started
        assert status == 302 and "/files/" in headers["Location"], f"export form answered {status}"
        jobs.append((headers["Location"], seconds))
    if not pdf:
        return jobs
    path = f"/reports/runs/{context['pdf_run']}/report.pdf?lang=zh_CN"
    _s, _h, html = client.request("GET", path)
    body = urlencode({"csrf_token": submissions.CSRF.search(html).group(1)}).encode()
    started = time.perf_counter()
    status, headers, _b = client.request("POST", path, body, FORM)
    assert status == 302 and "/files/" in headers["Location"], f"PDF form answered {status}"
    jobs.append((headers["Location"], time.perf_counter() - started))
    return jobs


def job_states(url: str) -> list[FileJob]:
    engine = make_engine(url)
    with Session(engine) as session:
        found = list(session.scalars(select(FileJob).order_by(FileJob.id)))
    engine.dispose()
    return found


def ensure_free(port: int) -> None:
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        probe.request("GET", "/auth/login")
    except OSError:
        return
    raise SystemExit(f"port {port} already answers (another server); choose another --port")


def wait_for(port: int) -> None:
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/auth/login")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app did not answer on port {port}")


def line(kind: str, phase: str, result: dict) -> str:
    return (f"{kind:<11} {phase:<22} {result['ok']:>9,} {result['errors']:>7} {result['rate']:>8.0f} "
            f"{result['p50']:>8.1f} {result['p95']:>8.1f} {result['p99']:>8.1f}")


def run(kind: str, args: argparse.Namespace) -> None:
    url = database_url(kind)
    ensure_free(args.port)
    context = prepare(kind, args.responses, args.started)
    instance, files = OUT / "export_jobs_instance", OUT / "export_jobs_files"
    shutil.rmtree(files, ignore_errors=True)
    queue = OUT / "export_jobs_queue.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{queue}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "XINSHENG_ENV": "development", "DATABASE_URL": url, "XINSHENG_INSTANCE": str(instance),
           "JOB_QUEUE_URL": f"sqlite:///{queue}", "FILE_JOBS_FOLDER": str(files), "EXPORT_JOB_THRESHOLD": "0",
           **{f"RATE_LIMIT_{name}": "10000000 per minute" for name in (
               "START_ADDRESS", "START_LINK", "SUBMIT_ADDRESS", "SUBMIT_LINK", "LOGIN_ADDRESS")}}
    processes = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{args.port}", "--workers",
                          str(args.web_workers), "--chdir", str(ROOT), "--log-level", "warning", "run:app"],
                         env=env, cwd=ROOT, start_new_session=True),
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "jobs", "worker", "--workers",
                          str(args.job_threads), "--scheduling", args.scheduling], env=env, cwd=ROOT, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        wait_for(args.port)
        submissions.run_load(kind, "web", args.port, 2.0, args.clients, context, args.rate)  # warm-up, untimed
        # In slices as while the jobs run (each slice starts its clients afresh: a page fetch and a
        # new connection each), so both phases are measured alike.
        quiet = submissions.summarise([submissions.run_load(kind, "web", args.port, SLICE_SECONDS, args.clients,
                                                            context, args.rate)
                                       for _ in range(max(1, round(args.seconds / SLICE_SECONDS)))])
        print(line(kind, "no job", quiet), flush=True)
        posted = post_exports(args.port, context, [f for f in args.formats.split(",") if f], args.pdf)
        began = time.perf_counter()
        slices = []
        while True:
            slices.append(submissions.run_load(kind, "web", args.port, SLICE_SECONDS, args.clients, context, args.rate))
            states = job_states(url)
            if all(job.status not in ("queued", "running") for job in states):
                break
            if time.perf_counter() - began > args.timeout:
                raise SystemExit(f"exports still running after {args.timeout:.0f} s")
        busy = submissions.summarise(slices)
        print(line(kind, f"{len(posted) - args.pdf} exports + {int(args.pdf)} PDF", busy), flush=True)
        print(f"{kind:<11} form POSTs: " + ", ".join(f"{s * 1000:.0f} ms" for _p, s in posted))
        for job in states:
            seconds = (job.finished_at - job.created_at).total_seconds() if job.finished_at else float("nan")
            print(f"{kind:<11} job {job.id} {job.parameters['format']}: {job.status} in {seconds:.1f} s (queue to file), "
                  f"{(job.size or 0) / 1e6:.0f} MB", flush=True)
            assert job.status == "done", (job.message_code, job.message_parameters)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        _remove_run_data(url)
        shutil.rmtree(files, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,sav", help="the two (or more) exports made at once ('' for none)")
    parser.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True, help="print a report PDF too")
    parser.add_argument("--seconds", type=float, default=20.0, help="submit load without exports")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rate", type=float, help="submits per second in all (open loop); default: as fast as answered")
    parser.add_argument("--scheduling", choices=("idle", "normal"), default="idle",
                        help="flask jobs worker --scheduling")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    parser.add_argument("--job-threads", type=int, default=2, help="flask jobs worker --workers")
    parser.add_argument("--started", type=int, default=150_000, help="started responses for the submit path")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--port", type=int, default=5231)
    args = parser.parse_args()
    load = f"{args.rate:g} submits/s in all" if args.rate else "as fast as answered"
    print(f"{args.clients} respondents submitting ({load}); gunicorn {args.web_workers} workers; job worker "
          f"{args.job_threads} threads, {args.scheduling} scheduling; exports of {args.responses:,} responses: "
          f"{args.formats or 'none'}{', and a report PDF' if args.pdf else ''}")
    print(f"{'database':<11} {'phase':<22} {'accepted':>9} {'errors':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8}")
    for kind in args.databases.split(","):
        run(kind, args)


if __name__ == "__main__":
    main()
