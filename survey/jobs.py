"""The job queue: huey, on a SQLite file by default (nothing else to install) and on Redis in
production (``JOB_QUEUE_URL=redis://...``), so several web hosts and workers share one queue.

Why huey: it has a first-class SQLite storage — the embedded default needs no broker — and the
same task code runs on Redis; RQ needs Redis even on a laptop and Celery is far heavier than one
kind of job warrants.
Periodic work (``distribution_tick``, every minute) runs in the same worker: no cron. Run state (status, progress, cancel) lives in ``analysis_runs`` in the
application database, not in the queue, so the web pages never depend on the queue's storage.

The worker is ``flask jobs worker`` (``make run`` starts one beside gunicorn).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from flask import Blueprint, Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from survey.observability.logs import current_request_id
from survey.observability.tasks import observed

logger = logging.getLogger(__name__)
cli = Blueprint("jobs_cli", __name__, cli_group="jobs")


class JobQueueError(ValueError):
    """The job-queue URL cannot be used."""


def make_queue(url: str, *, immediate: bool = False) -> Huey:
    """A huey instance for ``sqlite:///PATH``, ``redis://...`` or ``memory://``."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("xinsheng", filename=str(path), immediate=immediate)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("xinsheng", url=url, immediate=immediate)
    if url == "memory://":
        return MemoryHuey("xinsheng", immediate=immediate)
    raise JobQueueError(f"JOB_QUEUE_URL={url!r} must start with sqlite:///, redis:// or be memory://")


def init_app(app: Flask) -> None:
    queue = make_queue(app.config["JOB_QUEUE_URL"], immediate=app.config["JOB_QUEUE_IMMEDIATE"])

    @queue.task(name="run_analysis")
    @observed("run_analysis")
    def run_analysis(run_id: int) -> None:
        from survey.services.analysis_runs import execute_run
        from survey.db import get_session

        with app.app_context():
            execute_run(get_session(), run_id)

    @queue.task(name="deliver_messages")
    @observed("deliver_messages")
    def deliver_messages(batch_id: int | None = None) -> None:
        from survey.db import get_session
        from survey.mail.sending import deliver

        with app.app_context():
            deliver(get_session(), batch_id=batch_id)

    @queue.task(name="make_file")
    @observed("make_file")
    def make_file(job_id: int) -> None:
        from datetime import timedelta

        from survey.db import engine, get_session
        from survey.files.making import make_file as make

        with app.app_context():
            make(get_session(), engine(), job_id, folder=Path(app.config["FILE_JOBS_FOLDER"]),
                 keep=timedelta(hours=app.config["FILE_JOB_HOURS"]))

    @queue.task(name="import_invitations")
    @observed("import_invitations")
    def import_invitations(job_id: int) -> None:
        from survey.db import get_session
        from survey.services.import_jobs import run

        with app.app_context():
            run(get_session(), job_id, folder=Path(app.config["FILE_JOBS_FOLDER"]))

    @queue.task(name="scheduled_report")
    @observed("scheduled_report")
    def scheduled_report(schedule_id: int) -> None:
        from survey.db import get_session
        from survey.mail.sending import dashboard_link
        from survey.services.report_schedules import deliver

        with app.app_context():
            deliver(get_session(), schedule_id, dashboard_url=dashboard_link)

    # Expired export and PDF files are deleted, lost file jobs failed (idempotent: every
    # consumer may run it).
    @queue.periodic_task(crontab(minute="*/5"), name="sweep_files")
    @observed("sweep_files")
    def sweep_files() -> None:
        from survey.db import get_session
        from survey.services.file_jobs import SweepResult, sweep

        with app.app_context():
            done = sweep(get_session(), Path(app.config["FILE_JOBS_FOLDER"]))
            if done != SweepResult():
                logger.info("file jobs swept: %s", done)

    # Every minute on every consumer; tick() takes the minute's slot in the database first, so
    # with two workers (or hosts) the work runs once.
    @queue.periodic_task(crontab(minute="*"), name="distribution_tick")
    @observed("distribution_tick")
    def distribution_tick() -> None:
        from survey.db import get_session
        from survey.mail.sending import tick

        with app.app_context():
            done = tick(get_session())
            if done:
                logger.info("periodic distribution: %s", done)

    app.extensions["job_queue"] = queue
    app.extensions["job_tasks"] = {"run_analysis": run_analysis, "deliver_messages": deliver_messages,
                                   "distribution_tick": distribution_tick, "make_file": make_file,
                                   "sweep_files": sweep_files, "scheduled_report": scheduled_report,
                                   "import_invitations": import_invitations}


def enqueue(name: str, *args: object) -> None:
    """Put a job on the queue (runs inline when JOB_QUEUE_IMMEDIATE is set, as in tests); it
    runs under the current request id, so its log lines can be found with the request's."""
    current_app.extensions["job_tasks"][name](*args, request_id=current_request_id())


#: How much lower than the web workers the job worker runs (Unix niceness added): on a host that
#: serves respondents too (`make run`, one machine), exports, PDFs and analyses yield the CPU to
#: them instead of raising their latency.
WORKER_NICENESS = 10
#: The worker's CPU scheduling: "idle" (Linux SCHED_IDLE) runs its jobs only on CPU time no other
#: process wants, so a respondent's request never waits behind an export, a PDF or an analysis
#: (niceness alone still gives the worker a tenth of a busy core); "normal" keeps the default
#: policy with the niceness above (a host that runs only workers gains nothing from "idle").
SCHEDULING = ("idle", "normal")


def lower_priority(increment: int, scheduling: str = "normal") -> tuple[int, str]:
    """Add ``increment`` to this process's niceness (0 leaves it) and, for ``scheduling="idle"``
    where the platform has it, move it to the idle scheduling class. Threads and child processes
    started afterwards (the job threads, Chromium printing a PDF) inherit both. Returns the new
    niceness and the policy in force ("idle" or "normal"; "normal" where SCHED_IDLE is missing).
    Raises click.BadParameter for a negative increment (raising priority needs root)."""
    if increment < 0:
        raise click.BadParameter(f"{increment}: the job worker can only lower its priority (0 to 19)")
    if scheduling not in SCHEDULING:
        raise click.BadParameter(f"{scheduling!r}: scheduling must be one of {', '.join(SCHEDULING)}")
    niceness = os.nice(increment) if hasattr(os, "nice") else 0
    if scheduling == "idle" and hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return niceness, "idle"
    return niceness, "normal"


@cli.cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Worker threads.")
@click.option("--metrics-address", metavar="HOST:PORT",
              help="Serve /metrics here (needs METRICS_TOKEN); for hosts without web workers.")
@click.option("--nice", "niceness", default=WORKER_NICENESS, show_default=True, type=click.IntRange(0, 19),
              help="Lower the worker's CPU priority by this much, so web requests come first.")
@click.option("--scheduling", type=click.Choice(SCHEDULING), default="idle", show_default=True,
              help="idle: run jobs only on CPU time the web workers leave (Linux SCHED_IDLE); "
                   "normal: only the niceness above.")
def worker(workers: int, metrics_address: str | None, niceness: int, scheduling: str) -> None:
    """Run queued jobs (analysis runs, message sending, export and PDF files) and the every-minute
    distribution tick (complaint follow-ups, reminders, retries, task sweeps) until interrupted."""
    queue: Huey = current_app.extensions["job_queue"]
    if metrics_address:  # checked (and served, at normal priority) before the priority drops
        _serve_metrics(metrics_address, queue)
    niceness, policy = lower_priority(niceness, scheduling)
    click.echo(f"job worker on {current_app.config['JOB_QUEUE_URL']} with {workers} thread(s), "
               f"niceness {niceness}, {policy} scheduling")
    queue.create_consumer(workers=workers, worker_type="thread").run()


def _serve_metrics(address: str, queue: Huey) -> None:
    from survey.observability.exporter import ExporterAddressError, serve

    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        raise click.UsageError("--metrics-address needs METRICS_TOKEN (at least 32 characters) in the "
                               "environment: the worker's metrics are never served without it")
    try:
        server = serve(address, token, queue)
    except (ExporterAddressError, OSError) as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"metrics on http://{address.rpartition(':')[0]}:{server.server_port}/metrics")
