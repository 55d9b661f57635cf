"""JSON log lines with the request id: taken from a sane X-Request-ID or made up, returned in the
response, on every line written during the request and on the lines of a job it enqueued."""
from __future__ import annotations

import io
import json
import logging

import pytest

from survey.app import create_app
from survey.jobs import enqueue
from survey.observability.logs import JsonHandler, accepted_request_id


@pytest.fixture
def json_lines(database_url, tmp_path):
    """An app logging JSON (LOG_FORMAT=json) with a real on-disk queue nothing consumes, and the
    log lines it writes (parsed)."""
    root = logging.getLogger()
    level = root.level
    app = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path), "LOG_FORMAT": "json"},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
    })
    handlers = [h for h in root.handlers if isinstance(h, JsonHandler)]
    assert len(handlers) == 1  # installed by create_app, once however many apps were made
    stream = io.StringIO()
    handlers[0].setStream(stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield app, lines
    root.removeHandler(handlers[0])
    root.setLevel(level)
    app.extensions["sqlalchemy_engine"].dispose()


def test_the_request_id_from_the_header_is_on_the_log_line_and_the_response(json_lines) -> None:
    app, lines = json_lines
    response = app.test_client().get("/healthz", headers={"X-Request-ID": "lb-7f3a.91:2"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.91:2"
    line = [entry for entry in lines() if entry["logger"] == "survey.requests"][-1]
    assert line["request_id"] == "lb-7f3a.91:2"
    assert (line["method"], line["route"], line["status"], line["level"]) == ("GET", "/healthz", 200, "INFO")
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_every_line_of_a_request_carries_its_id_and_no_path_tokens(json_lines) -> None:
    app, lines = json_lines
    client = app.test_client()
    client.get("/s/secret-resume-token-123/0", headers={"X-Request-ID": "req-a"})
    client.get("/healthz", headers={"X-Request-ID": "req-b"})
    written = lines()
    assert {entry["request_id"] for entry in written} >= {"req-a", "req-b"}
    assert "secret-resume-token-123" not in json.dumps(written)


@pytest.mark.parametrize("offered", ["", "has space", "x" * 129, "-starts-with-dash", "ümlaut", "a/b;c", "<script>"])
def test_an_insane_request_id_is_replaced(json_lines, offered: str) -> None:
    app, lines = json_lines
    response = app.test_client().get("/healthz", headers={"X-Request-ID": offered})
    made = response.headers["X-Request-ID"]
    assert made != offered and len(made) == 32 and int(made, 16) >= 0
    assert lines()[-1]["request_id"] == made


def test_without_a_header_each_request_gets_its_own_id(json_lines) -> None:
    app, _lines = json_lines
    client = app.test_client()
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert accepted_request_id("x" * 128) == "x" * 128


def test_a_job_enqueued_during_a_request_logs_with_the_request_id(json_lines) -> None:
    app, lines = json_lines
    with app.test_request_context("/anything", headers={"X-Request-ID": "req-job-42"}):
        app.preprocess_request()  # the request hooks run: the id is bound
        enqueue("deliver_messages", None)
    queue = app.extensions["job_queue"]
    assert queue.pending_count() == 1
    app.config["MAIL_URL"] = ""  # the job fails: its failure line is written too
    queue.execute(queue.dequeue())  # what `flask jobs worker` does, outside any request
    job_lines = [entry for entry in lines() if entry.get("task") == "deliver_messages"]
    assert [entry["message"].split(" ")[2] for entry in job_lines] == ["started", "failed"]
    assert {entry["request_id"] for entry in job_lines} == {"req-job-42"}
    assert "set MAIL_URL" in job_lines[-1]["message"] and job_lines[-1]["level"] == "ERROR"


def test_a_job_run_outside_a_request_gets_an_id_of_its_own(json_lines) -> None:
    app, lines = json_lines
    from survey.mail.sending import SendingOff

    with pytest.raises(SendingOff):  # MAIL_URL is not set: the run fails, and still logs its id
        app.extensions["job_tasks"]["deliver_messages"].call_local(None)
    ids = {entry["request_id"] for entry in lines() if entry.get("task") == "deliver_messages"}
    assert len(ids) == 1 and None not in ids


def test_log_format_and_level_are_checked() -> None:
    from config import ConfigError, load_environment

    with pytest.raises(ConfigError, match=r"LOG_FORMAT='xml' must be one of text, json"):
        load_environment({"XINSHENG_ENV": "testing", "LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match=r"LOG_LEVEL='LOUD' must be one of"):
        load_environment({"XINSHENG_ENV": "testing", "LOG_LEVEL": "loud"})
    with pytest.raises(ConfigError, match=r"METRICS_TOKEN is 5 characters long; it must have at least 32") as error:
        load_environment({"XINSHENG_ENV": "testing", "METRICS_TOKEN": "short"})
    assert "short" not in str(error.value)
    assert load_environment({"XINSHENG_ENV": "testing"})["LOG_FORMAT"] == "text"


def test_readiness_probes_do_not_flood_the_log(json_lines) -> None:
    app, lines = json_lines
    for _ in range(3):
        app.test_client().get("/readyz")
    assert [entry["logger"] for entry in lines()] == ["survey.requests"] * 3


def test_lines_written_while_a_body_streams_carry_the_request_id(json_lines) -> None:
    from flask import Response, stream_with_context

    app, lines = json_lines
    streamed = logging.getLogger("survey.test_stream")

    def body():
        streamed.warning("first row")
        yield "a,b\n"
        streamed.warning("last row")
        yield "1,2\n"

    @app.route("/probe/stream")
    def stream():  # as the people CSV export streams its rows
        return Response(stream_with_context(body()), mimetype="text/csv")

    response = app.test_client().get("/probe/stream", headers={"X-Request-ID": "csv-9"})
    assert response.get_data(as_text=True) == "a,b\n1,2\n"
    rows = [entry for entry in lines() if entry["logger"] == "survey.test_stream"]
    assert [(e["message"], e["request_id"]) for e in rows] == [("first row", "csv-9"), ("last row", "csv-9")]
