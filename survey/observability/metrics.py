"""Prometheus metrics (prometheus_client). Every name is listed in docs/operations.md.

Several processes: when ``PROMETHEUS_MULTIPROC_DIR`` names a writable directory in the
environment of gunicorn *and* of ``flask jobs worker`` (read by prometheus_client when it is
first imported), each process writes its values there and a scrape of any web worker adds them
all up, the job worker's included. Without it every process counts on its own: a scrape sees the
one gunicorn worker that answered it, and nothing of the job worker.

Labels stay few: requests are grouped by blueprint (``collect``, ``api``, ...), never by URL;
methods outside the usual seven count as ``other``.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator

from flask import Flask, Response, g, request
from huey import Huey
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from survey.mail.channels import Channel, DeliveryError, OutgoingMessage

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "xinsheng_http_requests", "HTTP requests answered, by route group, method and status class (2xx...5xx).",
    ("group", "method", "status"), registry=REGISTRY)
HTTP_DURATION = Histogram(
    "xinsheng_http_request_duration_seconds", "Time from the first request hook to the response, by route group.",
    ("group",), registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
HTTP_SERVER_ERRORS = Counter(
    "xinsheng_http_server_errors", "Responses with a 5xx status, by route group.", ("group",), registry=REGISTRY)
SUBMISSIONS = Counter(
    "xinsheng_submissions_accepted", "Complete responses stored, by channel (web form or API).",
    ("channel",), registry=REGISTRY)
JOB_DURATION = Histogram(
    "xinsheng_job_duration_seconds", "Run time of queued and periodic jobs, by task name (failed runs included).",
    ("task",), registry=REGISTRY,
    buckets=(0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0))
JOB_FAILURES = Counter(
    "xinsheng_job_failures", "Job runs that raised an error, by task name.", ("task",), registry=REGISTRY)
EMAILS_SENT = Counter(
    "xinsheng_emails_sent", "Messages the mail server accepted, by channel.", ("channel",), registry=REGISTRY)
EMAILS_FAILED = Counter(
    "xinsheng_emails_failed", "Messages the mail server refused or dropped, by channel and kind "
    "(permanent: a 5xx reply; temporary: retried later).", ("channel", "kind"), registry=REGISTRY)
MAIL_UNREACHABLE = Counter(
    "xinsheng_mail_server_unreachable", "Times a sending round could not connect or log in to the mail server.",
    ("channel",), registry=REGISTRY)


def multiprocess_mode() -> bool:
    """Whether prometheus_client keeps values in PROMETHEUS_MULTIPROC_DIR (decided at its import)."""
    return values.ValueClass is not values.MutexValue


def route_group() -> str:
    """The blueprint of the request's view; ``static`` for files, ``unmatched`` for a 404 with
    no route (so random URLs cannot add label values)."""
    if request.blueprint:
        return request.blueprint
    if request.url_rule is None:
        return "unmatched"
    return request.url_rule.endpoint


def observe_request(group: str, method: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "other"
    HTTP_REQUESTS.labels(group, method, f"{status // 100}xx").inc()
    HTTP_DURATION.labels(group).observe(seconds)
    if status >= 500:
        HTTP_SERVER_ERRORS.labels(group).inc()


def submission_accepted(channel: str) -> None:
    """Call once a complete response is committed (``web`` or ``api``)."""
    SUBMISSIONS.labels(channel).inc()


def observe_job(task: str, seconds: float, *, failed: bool) -> None:
    JOB_DURATION.labels(task).observe(seconds)
    if failed:
        JOB_FAILURES.labels(task).inc()


class CountedChannel:
    """A :class:`~survey.mail.channels.Channel` that counts what it sends and what fails."""

    def __init__(self, inner: Channel) -> None:
        self.inner = inner
        self.name = inner.name

    def open(self) -> None:
        try:
            self.inner.open()
        except DeliveryError:
            MAIL_UNREACHABLE.labels(self.name).inc()
            raise

    def send(self, message: OutgoingMessage) -> None:
        try:
            self.inner.send(message)
        except DeliveryError as error:
            EMAILS_FAILED.labels(self.name, "permanent" if error.permanent else "temporary").inc()
            raise
        EMAILS_SENT.labels(self.name).inc()

    def close(self) -> None:
        self.inner.close()


class QueueDepthCollector(Collector):
    """Reads the job queue at scrape time: ``xinsheng_job_queue_pending`` (jobs waiting) and
    ``xinsheng_job_queue_up`` (0 when the queue's storage did not answer)."""

    def __init__(self, queue: Huey) -> None:
        self.queue = queue

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("xinsheng_job_queue_up", "1 when the job queue's storage answered this scrape.")
        try:
            pending = self.queue.pending_count()
        except Exception as error:  # any storage (Redis, SQLite) failure: the scrape still answers
            logger.warning("job queue depth unreadable: %s: %s", type(error).__name__, error)
            up.add_metric([], 0)
            yield up
            return
        yield GaugeMetricFamily("xinsheng_job_queue_pending", "Jobs waiting in the queue.", value=pending)
        up.add_metric([], 1)
        yield up


class _Forward(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


def exposition(queue: Huey) -> bytes:
    """The text every scrape gets: this process's metrics (or all processes' in multiprocess
    mode) and the queue depth read now."""
    registry = CollectorRegistry()
    if multiprocess_mode():
        MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    registry.register(QueueDepthCollector(queue))
    return generate_latest(registry)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            observe_request(route_group(), request.method, response.status_code, time.perf_counter() - started)
        return response
