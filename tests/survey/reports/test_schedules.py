"""Scheduled reports: the schedule page (CSRF, checks, workspaces), claiming once per occurrence,
and a delivery through the minute tick to a real SMTP server with the PDF attached."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Questionnaire, ReportSchedule
from smtp_server import SmtpServer
from support import csrf_token, sqlite_write_lock_free
from survey.db import get_session
from survey.mail import sending
from survey.services import report_schedules as service
from survey.services.demo import seed_demo


def test_recipients_are_checked_and_named():
    assert service.parse_recipients("a@example.com; B@Example.com\na@example.com") == ("a@example.com", "B@example.com")
    with pytest.raises(service.ScheduleError) as bad:
        service.parse_recipients("a@example.com, not-an-address")
    assert bad.value.code == "bad_recipient" and bad.value.params["value"] == "not-an-address"
    with pytest.raises(service.ScheduleError) as many:
        service.parse_recipients(",".join(f"p{i}@example.com" for i in range(21)))
    assert many.value.params == {"count": 21, "limit": 20}
    with pytest.raises(service.ScheduleError):
        service.parse_recipients(" , ")


def test_next_occurrence_keeps_the_day_or_the_month_end():
    assert service.next_occurrence("weekly", datetime(2026, 12, 28, 6, tzinfo=UTC)) == datetime(2027, 1, 4, 6, tzinfo=UTC)
    assert service.next_occurrence("monthly", datetime(2027, 1, 31, 6, tzinfo=UTC)) == datetime(2027, 2, 28, 6, tzinfo=UTC)
    assert service.next_occurrence("monthly", datetime(2026, 12, 15, tzinfo=UTC)) == datetime(2027, 1, 15, tzinfo=UTC)


@pytest.fixture
def acsi(app):
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        return session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "acsi"))


def _schedule(app, questionnaire_id: int, *, recipients=("cx@example.com", "ceo@example.com"), language="en",
              next_run_at=None) -> int:
    with app.app_context():
        session = get_session()
        questionnaire = session.get(Questionnaire, questionnaire_id)
        schedule = service.create_schedule(session, questionnaire, service.ScheduleSettings(
            "weekly", 90, language, tuple(recipients), ("region",), 30), created_by_id=None)
        if next_run_at is not None:
            schedule.next_run_at = next_run_at
        session.commit()
        return schedule.id


def test_a_due_schedule_is_claimed_once(app, acsi) -> None:
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    schedule_id = _schedule(app, acsi, next_run_at=now - timedelta(days=15))  # two occurrences missed
    with app.app_context():
        session = get_session()
        assert service.claim_due(session, now=now) == [schedule_id]
        assert service.claim_due(session, now=now) == []  # a second worker finds nothing
        following = session.get(ReportSchedule, schedule_id).next_run_at
        assert following.replace(tzinfo=UTC) == now - timedelta(days=15) + timedelta(days=21)  # one report, then on


def test_the_tick_runs_the_report_and_mails_the_summary_with_the_pdf(app, acsi) -> None:
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        schedule_id = _schedule(app, acsi)
        with app.app_context():
            session = get_session()
            service.send_soon(session, session.get(ReportSchedule, schedule_id))
            session.commit()
            done = sending.tick(session, now=datetime.now(UTC) + timedelta(minutes=1))
            assert done["scheduled_reports"] == 1
            schedule = session.get(ReportSchedule, schedule_id)
            session.refresh(schedule)
            assert schedule.last_code == "sent", schedule.last_parameters
            assert schedule.last_parameters["recipients"] == 2
            run_id = schedule.last_run_id
        assert sorted(m["To"] for m in server.messages) == ["ceo@example.com", "cx@example.com"]
    message = server.messages[0]
    assert message["Subject"].startswith("Customer satisfaction report: ")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "The scheduled analysis of the responses submitted from" in body
    assert "ACSI satisfaction is " in body and "The full report is attached as a PDF." in body
    assert f"/reports/runs/{run_id}/dashboard" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"xinsheng-report-{run_id}-en.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_without_chromium_the_offline_html_report_is_attached(app, acsi, monkeypatch) -> None:
    import reports.pdf

    def refuse(_html):
        raise reports.pdf.PdfError("Chromium not found")
    monkeypatch.setattr(reports.pdf, "html_to_pdf", refuse)
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        schedule_id = _schedule(app, acsi, recipients=("cx@example.com",), language="zh_CN")
        with app.app_context():
            assert service.deliver(get_session(), schedule_id) == "sent"
    (message,) = server.messages
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "无法生成 PDF（Chromium not found）" in body and "ACSI 顾客满意度为" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/html" and b"<html" in attachment.get_content().encode()[:200]


def test_the_report_is_built_printed_and_sent_without_the_write_lock(app, acsi, monkeypatch) -> None:
    """Printing and mailing take seconds: meanwhile respondents' submits can write (SQLite)."""
    import reports.pdf

    if app.config["SQLALCHEMY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    database = app.config["SQLALCHEMY_DATABASE_URL"].removeprefix("sqlite:///")
    taken: list[bool | str] = []

    def print_pdf(_html):
        taken.append(sqlite_write_lock_free(database))
        return b"%PDF-1.4 test"
    monkeypatch.setattr(reports.pdf, "html_to_pdf", print_pdf)
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        schedule_id = _schedule(app, acsi, recipients=("cx@example.com",))
        with app.app_context():
            assert service.deliver(get_session(), schedule_id) == "sent"
    assert taken == [True]


def test_a_refused_delivery_is_kept_on_the_schedule(app, acsi) -> None:
    with SmtpServer(refuse={"gone@example.com": "550 5.1.1 no such user"}) as server:
        app.config["MAIL_URL"] = server.url
        schedule_id = _schedule(app, acsi, recipients=("gone@example.com",))
        with app.app_context():
            session = get_session()
            assert service.deliver(session, schedule_id) == "send_failed"
            schedule = session.get(ReportSchedule, schedule_id)
            assert "550" in schedule.last_parameters["reason"] and schedule.last_sent_at is None


def test_the_page_schedules_pauses_and_sends_in_both_languages(app, client, login_as, acsi) -> None:
    login_as("analyst")
    page = client.get("/reports/schedules/?lang=en").get_data(as_text=True)
    assert "Scheduled reports" in page and "No report is scheduled yet." in page
    assert "E-mail sending is off" in page
    token = csrf_token(client, "/reports/schedules/")
    form = {"csrf_token": token, "questionnaire": str(acsi), "frequency": "monthly", "period_days": "30",
            "language": "zh_CN", "recipients": "cx@example.com\nnot an address", "segments": "region", "bootstrap": "100"}
    bad = client.post("/reports/schedules/?lang=en", data=form)
    assert bad.status_code == 422 and "“not an address” is not an e-mail address." in bad.get_data(as_text=True)
    unknown = client.post("/reports/schedules/?lang=zh_CN", data={**form, "recipients": "cx@example.com",
                                                                   "segments": "planet"})
    assert unknown.status_code == 422 and "planet" in unknown.get_data(as_text=True)
    assert client.post("/reports/schedules/", data={**form, "csrf_token": "forged"}).status_code in (400, 422)
    done = client.post("/reports/schedules/?lang=en", data={**form, "recipients": "cx@example.com"})
    assert done.status_code == 302
    with app.app_context():
        session = get_session()
        (schedule,) = session.scalars(select(ReportSchedule)).all()
        assert (schedule.frequency, schedule.period_days, schedule.language) == ("monthly", 30, "zh_CN")
        assert schedule.recipients == ["cx@example.com"] and schedule.parameters["segment_dimensions"] == ["region"]
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "report_schedule.created"))
        schedule_id = schedule.id
    listed = client.get("/reports/schedules/?lang=zh_CN").get_data(as_text=True)
    assert "定期报告" in listed and "cx@example.com" in listed and "每月" in listed
    assert client.post(f"/reports/schedules/{schedule_id}/pause", data={"csrf_token": "forged"}).status_code == 400
    assert client.post(f"/reports/schedules/{schedule_id}/pause", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/reports/schedules/{schedule_id}/explode", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert get_session().get(ReportSchedule, schedule_id).active is False
    assert client.post(f"/reports/schedules/{schedule_id}/send", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        schedule = get_session().get(ReportSchedule, schedule_id)
        assert schedule.active and schedule.next_run_at.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert client.post(f"/reports/schedules/{schedule_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert get_session().get(ReportSchedule, schedule_id) is None


def test_viewers_cannot_schedule(client, login_as) -> None:
    login_as("viewer")
    assert client.get("/reports/schedules/").status_code == 403
