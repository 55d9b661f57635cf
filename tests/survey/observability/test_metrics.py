"""/metrics: refused without the token (or an admin), and every counter moves when the thing it
counts happens: requests by blueprint, 5xx, submissions (web and API), jobs, e-mails, queue depth."""
from __future__ import annotations

import re

import pytest
from flask import Blueprint

from metrics_scrape import AUTH, TOKEN, Scrape
from smtp_server import SmtpServer, free_port
from support import login
from survey.db import get_session
from survey.jobs import enqueue
from survey.mail.channels import DeliveryError, OutgoingMessage
from survey.mail.sending import send_now
from survey.questionnaire.document import Page, Question, Questionnaire, Texts
from survey.questionnaire.templates import complaint_followup
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish

GOOD = {"resolution_status": "fully", "first_contact": True, "handle": 9,
        "resolution_satisfaction": 5, "repurchase": 8, "people_told": 0, "nps": 9}


def test_metrics_are_refused_without_the_token(app, client) -> None:
    off = client.get("/metrics?lang=en")
    assert off.status_code == 401 and "set METRICS_TOKEN" in off.get_data(as_text=True)
    assert off.headers["WWW-Authenticate"].startswith("Bearer")
    app.config["METRICS_TOKEN"] = TOKEN
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401, headers
        assert "xinsheng_" not in refused.get_data(as_text=True)
    allowed = client.get("/metrics", headers=AUTH)
    assert allowed.status_code == 200
    assert allowed.content_type.startswith("text/plain; version=")
    assert "xinsheng_http_requests_total" in allowed.get_data(as_text=True)


def test_the_refusal_is_translated(app, client) -> None:
    chinese = client.get("/metrics?lang=zh_CN").get_data(as_text=True)
    assert "监控指标未开启" in chinese and "METRICS_TOKEN" in chinese
    assert "Metrics are off" in client.get("/metrics?lang=en").get_data(as_text=True)
    app.config["METRICS_TOKEN"] = TOKEN
    assert "管理员" in client.get("/metrics?lang=zh_CN").get_data(as_text=True)


def test_an_admin_session_may_read_them_and_other_roles_may_not(app, client, make_user) -> None:
    designer = make_user("designer")
    assert login(client, designer.email).status_code == 302
    assert client.get("/metrics").status_code == 401
    client.post("/auth/logout", data={})
    other = app.test_client()
    admin = make_user("admin", "root@example.com")
    assert login(other, admin.email).status_code == 302
    assert other.get("/metrics").status_code == 200


def test_requests_are_counted_by_blueprint_with_latency_and_server_errors(app, client, scrape) -> None:
    probe = Blueprint("probe", __name__)

    @probe.route("/probe/fail")
    def fail():
        raise RuntimeError("planned failure")

    app.register_blueprint(probe)
    before = scrape()
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/no/such/page/123").status_code == 404
    assert client.get("/probe/fail").status_code == 500
    after = scrape()

    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert delta("xinsheng_http_requests_total", group="core", method="GET", status="2xx") == 2
    assert delta("xinsheng_http_request_duration_seconds_count", group="core") == 2
    assert delta("xinsheng_http_requests_total", group="unmatched", status="4xx") == 1
    assert delta("xinsheng_http_requests_total", group="probe", status="5xx") == 1
    assert delta("xinsheng_http_server_errors_total", group="probe") == 1
    assert delta("xinsheng_http_server_errors_total", group="core") == 0
    # The raw URL never becomes a label value.
    assert not any("/no/such" in value for s in after.samples for value in s.labels.values())


def test_odd_methods_do_not_add_label_values(app, client, scrape) -> None:
    before = scrape()
    assert client.open("/healthz", method="BREW").status_code == 405  # no route answers BREW
    after = scrape()
    labels = {"group": "unmatched", "method": "other", "status": "4xx"}
    assert after.value("xinsheng_http_requests_total", **labels) == \
        before.value("xinsheng_http_requests_total", **labels) + 1
    assert not any(s.labels.get("method") == "BREW" for s in after.samples)


def _api_questionnaire(app) -> tuple[int, str]:
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, complaint_followup()))
        _token, secret = create_token(db, "crm", role="designer")
        db.commit()
        return version.questionnaire_id, secret


def test_api_submissions_are_counted_once(app, client, scrape) -> None:
    questionnaire_id, secret = _api_questionnaire(app)
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/questionnaires/{questionnaire_id}/responses"
    before = scrape().value("xinsheng_submissions_accepted_total", channel="api")
    assert client.post(url, json={"client_id": "a-1", "answers": GOOD}, headers=headers).status_code == 201
    assert client.post(url, json={"client_id": "a-1", "answers": GOOD}, headers=headers).status_code == 200  # repeat
    assert client.post(url, json={"client_id": "a-2", "answers": {"nps": 99}}, headers=headers).status_code == 422
    assert scrape().value("xinsheng_submissions_accepted_total", channel="api") == before + 1


def test_web_submissions_are_counted_when_the_last_page_is_stored(app, client, scrape) -> None:
    t = Texts
    document = Questionnaire(title=t("小调查", "Small survey"), pages=(
        Page("p1", t("第一页", "One"), (Question("nps", "nps", t("推荐", "Recommend"), required=True),)),))
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, document))
        db.commit()
        link = f"/s/{version.public_token}?lang=en"
    csrf = re.compile(r'name="csrf_token" value="([^"]+)"')
    submission = re.compile(r'name="xs_submission" type="hidden" value="([^"]*)"')
    before = scrape().value("xinsheng_submissions_accepted_total", channel="web")
    html = client.get(link).get_data(as_text=True)
    first_page = client.post(link, data={"csrf_token": csrf.search(html).group(1)}).headers["Location"]
    html = client.get(first_page).get_data(as_text=True)
    data = {"csrf_token": csrf.search(html).group(1), "nps": "9"}
    if submission.search(html):
        data["xs_submission"] = submission.search(html).group(1)
    invalid = dict(data, nps="")
    assert client.post(first_page, data=invalid).status_code == 422  # nothing stored, nothing counted
    assert scrape().value("xinsheng_submissions_accepted_total", channel="web") == before
    done = client.post(first_page, data=data)
    assert done.status_code == 302 and "/done" in done.headers["Location"], done.get_data(as_text=True)[:500]
    assert scrape().value("xinsheng_submissions_accepted_total", channel="web") == before + 1


def test_jobs_are_timed_and_failures_counted_by_task(app, scrape) -> None:
    before = scrape()
    with SmtpServer() as server, app.app_context():
        app.config["MAIL_URL"] = server.url
        enqueue("deliver_messages", None)  # nothing due: succeeds
        app.config["MAIL_URL"] = ""
        enqueue("deliver_messages", None)  # sending is off: the job fails (huey logs it)
    after = scrape()
    runs = "xinsheng_job_duration_seconds_count"
    assert after.value(runs, task="deliver_messages") - before.value(runs, task="deliver_messages") == 2
    assert after.value("xinsheng_job_failures_total", task="deliver_messages") - \
        before.value("xinsheng_job_failures_total", task="deliver_messages") == 1
    assert after.value("xinsheng_job_failures_total", task="run_analysis") == before.value(
        "xinsheng_job_failures_total", task="run_analysis")


def _message(to: str) -> OutgoingMessage:
    return OutgoingMessage(to=to, subject="Test", text="Hello", html="<p>Hello</p>")


def test_sent_failed_and_unreachable_mail_are_counted(app, scrape) -> None:
    before = scrape()
    with SmtpServer(refuse={"gone@example.com": "550 5.1.1 no such user",
                            "later@example.com": "451 4.3.0 try again"}, temporary_failures=5) as server, \
            app.app_context():
        app.config["MAIL_URL"] = server.url
        send_now(_message("ok@example.com"), _message("ok2@example.com"))
        with pytest.raises(DeliveryError):
            send_now(_message("gone@example.com"))
        with pytest.raises(DeliveryError):
            send_now(_message("later@example.com"))
        assert len(server.messages) == 2
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}?tls=none&from=survey@example.com"
        with pytest.raises(DeliveryError):
            send_now(_message("ok@example.com"))
    after = scrape()

    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert delta("xinsheng_emails_sent_total", channel="email") == 2
    assert delta("xinsheng_emails_failed_total", channel="email", kind="permanent") == 1
    assert delta("xinsheng_emails_failed_total", channel="email", kind="temporary") == 1
    assert delta("xinsheng_mail_server_unreachable_total", channel="email") == 1


@pytest.fixture
def queued_app(app, database_url, tmp_path):
    """The same database as ``app`` with a real on-disk queue that nothing consumes."""
    from survey.app import create_app

    other = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "METRICS_TOKEN": TOKEN,
    })
    yield other
    other.extensions["sqlalchemy_engine"].dispose()


def test_queue_depth_is_read_at_scrape_time(queued_app) -> None:
    client = queued_app.test_client()

    def read() -> Scrape:
        return Scrape(client.get("/metrics", headers=AUTH).get_data(as_text=True))

    assert read().value("xinsheng_job_queue_pending") == 0
    with queued_app.app_context():
        enqueue("deliver_messages", None)
        enqueue("deliver_messages", 7)
    scraped = read()
    assert scraped.value("xinsheng_job_queue_pending") == 2 and scraped.value("xinsheng_job_queue_up") == 1
    queue = queued_app.extensions["job_queue"]
    queue.dequeue()
    assert read().value("xinsheng_job_queue_pending") == 1


def test_an_unreachable_queue_is_reported_and_the_scrape_still_answers(database_url, tmp_path) -> None:
    from survey.app import create_app

    broken = create_app({
        "ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)},
        "SQLALCHEMY_DATABASE_URL": database_url,
        "JOB_QUEUE_URL": f"redis://127.0.0.1:{free_port()}/0",
        "METRICS_TOKEN": TOKEN,
    })
    response = broken.test_client().get("/metrics", headers=AUTH)
    assert response.status_code == 200
    scraped = Scrape(response.get_data(as_text=True))
    assert scraped.value("xinsheng_job_queue_up") == 0
    assert not any(s.name == "xinsheng_job_queue_pending" for s in scraped.samples)
    broken.extensions["sqlalchemy_engine"].dispose()


_PROCESS = """
import sys
from metrics_scrape import AUTH, TOKEN
from survey.app import create_app
from survey.jobs import enqueue

instance, database, requests, scrape = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "scrape"
app = create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": instance},
                  "SQLALCHEMY_DATABASE_URL": database, "JOB_QUEUE_URL": "memory://",
                  "JOB_QUEUE_IMMEDIATE": True, "METRICS_TOKEN": TOKEN, "MAIL_URL": ""})
client = app.test_client()
for _ in range(requests):
    assert client.get("/healthz").status_code == 200
if scrape:
    print(client.get("/metrics", headers=AUTH).get_data(as_text=True))
else:
    with app.app_context():
        enqueue("deliver_messages", None)  # as the job worker would: fails, sending is off
"""


def test_several_processes_add_up_in_multiprocess_mode(database_url, tmp_path) -> None:
    """Two processes sharing PROMETHEUS_MULTIPROC_DIR, as gunicorn workers and the job worker
    do: a scrape of one shows the requests and the job of both."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder),
           "PYTHONPATH": os.pathsep.join((str(root), str(root / "tests")))}

    def run(requests: int, mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", _PROCESS, str(tmp_path), database_url, str(requests), mode],
                              cwd=root, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run(3, "work")  # a worker process that has exited since
    scraped = Scrape(run(2, "scrape"))
    assert scraped.value("xinsheng_http_requests_total", group="core", method="GET", status="2xx") == 5
    assert scraped.value("xinsheng_job_failures_total", task="deliver_messages") == 1
    assert scraped.value("xinsheng_job_duration_seconds_count", task="deliver_messages") == 1
    assert len(list(folder.glob("*.db"))) >= 2  # one file per process and kind of metric
