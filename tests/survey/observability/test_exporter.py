"""The job worker's own /metrics (flask jobs worker --metrics-address) for hosts without web
workers: a real HTTP server on loopback, the same token rule and the same metrics."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from metrics_scrape import AUTH, TOKEN, Scrape
from survey.observability.exporter import ExporterAddressError, parse_address, serve


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_worker_serves_its_metrics_only_with_the_token(app) -> None:
    queue = app.extensions["job_queue"]
    server = serve("127.0.0.1:0", TOKEN, queue)
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        assert _get(f"{base}/metrics")[0] == 401
        assert _get(f"{base}/metrics", {"Authorization": "Bearer nope"})[0] == 401
        assert _get(f"{base}/other", AUTH)[0] == 404
        status, body = _get(f"{base}/metrics", AUTH)
        assert status == 200
        before = Scrape(body).value("xinsheng_job_duration_seconds_count", task="deliver_messages")
        with app.app_context():
            app.config["MAIL_URL"] = ""
            app.extensions["job_tasks"]["deliver_messages"](None)  # runs inline here: fails, sending is off
        after = Scrape(_get(f"{base}/metrics", AUTH)[1])
        assert after.value("xinsheng_job_duration_seconds_count", task="deliver_messages") == before + 1
        assert after.value("xinsheng_job_queue_up") == 1
    finally:
        server.shutdown()
        server.server_close()


def test_the_worker_refuses_to_serve_metrics_without_a_token_or_with_a_bad_address(app, runner) -> None:
    app.config["METRICS_TOKEN"] = ""
    result = runner.invoke(args=["jobs", "worker", "--metrics-address", "127.0.0.1:0"])
    assert result.exit_code == 2 and "--metrics-address needs METRICS_TOKEN" in result.output
    app.config["METRICS_TOKEN"] = TOKEN
    result = runner.invoke(args=["jobs", "worker", "--metrics-address", "9101"])
    assert result.exit_code == 2 and "must be HOST:PORT" in result.output
    import os
    assert os.sched_getscheduler(0) != getattr(os, "SCHED_IDLE", -1)  # refused before lowering this process


def test_addresses() -> None:
    assert parse_address("10.0.0.5:9101") == ("10.0.0.5", 9101)
    for bad in ("9101", "host:", "host:http", "host:70000"):
        with pytest.raises(ExporterAddressError, match="must be HOST:PORT"):
            parse_address(bad)
