"""The periodic tick (once per minute across workers) and ``flask invitations upload / send /
remind`` against a real SMTP server on loopback."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from models import Delivery, Invitation, MessageTemplate, PeriodicRun
from smtp_server import SmtpServer
from survey.db import get_session
from survey.mail.sending import TICK, take_slot, tick
from survey.questionnaire.templates import acsi_standard
from survey.services import mailings
from survey.services.message_templates import DEFAULTS
from survey.services.questionnaires import create_questionnaire, publish


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, acsi_standard()))
        db.commit()
        return version.questionnaire_id


def test_two_schedulers_take_a_minute_once(app) -> None:
    slot = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    factory = app.extensions["sqlalchemy_sessionmaker"]
    taken: list[bool] = []
    barrier = threading.Barrier(4)

    def take() -> None:
        own = factory()
        try:
            barrier.wait()
            taken.append(take_slot(own, TICK, slot))
        finally:
            own.close()
    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(taken) == [False, False, False, True]
    with app.app_context():
        assert take_slot(get_session(), TICK, slot + timedelta(minutes=1)) is True


def test_the_tick_sends_scheduled_reminders_and_retries_once_per_minute(app, questionnaire_id) -> None:
    now = datetime.now(UTC).replace(second=5, microsecond=0)  # +20 s stays in this minute
    with SmtpServer() as server, app.app_context():
        app.config["MAIL_URL"] = server.url
        db = get_session()
        db.add(Invitation(questionnaire_id=questionnaire_id, token="t1", customer_ref="C1",
                          email="c1@example.com", language="en", status="pending"))
        db.add(MessageTemplate(questionnaire_id=questionnaire_id, reminder_days="3", reminders_on=True, **DEFAULTS))
        db.commit()
        mailings.queue_invitations(db, questionnaire_id, started_by="test", now=now - timedelta(days=4))
        db.commit()
        # The invitation is due (queued 4 days ago) and goes out in the first tick, which also
        # finds the reminder not yet due (the invitation was only just sent).
        done = tick(db, now=now)
        assert done["sent"] == 1 and done["reminders"] == 0
        assert tick(db, now=now + timedelta(seconds=20)) is None  # same minute: another worker did it
        # Pretend the invitation went out 4 days ago: the next minute's tick sends the reminder.
        db.execute(update(Delivery).values(sent_at=now - timedelta(days=4)))
        db.commit()
        done = tick(db, now=now + timedelta(minutes=1))
        assert done["reminders"] == 1 and done["sent"] == 1
        assert [m["Subject"] for m in server.messages] == ["Tell us what you think: " + _title(db, questionnaire_id),
                                                           "Reminder: " + _title(db, questionnaire_id)]
        assert db.scalar(select(func.count()).select_from(PeriodicRun)) == 2


def _title(db, questionnaire_id: int) -> str:
    from models import Questionnaire

    return db.get(Questionnaire, questionnaire_id).title_en


def test_the_tick_without_mail_url_only_does_the_rest(app, questionnaire_id) -> None:
    with app.app_context():
        app.config["MAIL_URL"] = ""
        done = tick(get_session(), now=datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
        assert "sent" not in done and done["tasks_opened"] == 0


def test_the_tick_searches_without_the_write_lock(app, questionnaire_id, monkeypatch) -> None:
    """The tick runs in the idle-priority worker: its searches (follow-up questionnaires, responses
    without a task) must leave SQLite's write lock to respondents' submits."""
    if app.config["SQLALCHEMY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    from survey.services import complaint_cases, followup_tasks
    from support import sqlite_write_lock_free

    database = app.config["SQLALCHEMY_DATABASE_URL"].removeprefix("sqlite:///")
    seen: list[object] = []
    real_followups, real_sweep = complaint_cases.followup_questionnaires, followup_tasks.sweep_followup_tasks

    def followups(session, *args, **kwargs):
        found = real_followups(session, *args, **kwargs)
        seen.append(("followups", sqlite_write_lock_free(database)))
        return found

    def sweep(session, *args, **kwargs):
        session.scalars(select(Invitation).limit(1)).all()  # a search, as the sweep's
        seen.append(("sweep", sqlite_write_lock_free(database)))
        return real_sweep(session, *args, **kwargs)

    monkeypatch.setattr(complaint_cases, "followup_questionnaires", followups)
    monkeypatch.setattr(complaint_cases, "sweep_followup_tasks", sweep)
    with app.app_context():
        app.config["MAIL_URL"] = ""
        done = tick(get_session(), now=datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    assert done["tasks_opened"] == 0
    assert seen == [("followups", True), ("sweep", True)]


def test_cli_upload_send_and_remind(app, runner, questionnaire_id, tmp_path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("customer_ref,language,email,name,region\nC1,zh_CN,c1@example.com,王芳,华东\n"
                       "C2,en,c2@example.com,Ann,North\nC3,en,,Bo,North\n", encoding="utf-8")
    result = runner.invoke(args=["invitations", "upload", str(questionnaire_id), str(listing)])
    assert result.exit_code == 0, result.output
    assert "3 invitations added" in result.output
    app.config["MAIL_URL"] = ""
    result = runner.invoke(args=["invitations", "send", str(questionnaire_id), "--wait"])
    assert result.exit_code != 0 and "sending is off: set MAIL_URL" in result.output
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        result = runner.invoke(args=["invitations", "send", str(questionnaire_id), "--wait"])
        assert result.exit_code == 0, result.output
        assert "2 invitations queued (left out — no address: 1)" in result.output
        assert "sent 2, failed 0" in result.output
        assert sorted(m["To"].addresses[0].addr_spec for m in server.messages) == ["c1@example.com", "c2@example.com"]
        assert "王芳" in server.to("c1@example.com")[0].get_body(("plain",)).get_content()
        # A reminder round now: not due yet (3 days after the invitation by default).
        result = runner.invoke(args=["invitations", "remind", str(questionnaire_id), "--wait"])
        assert result.exit_code == 0 and "0 reminders queued" in result.output
        with app.app_context():
            db = get_session()
            db.execute(update(Delivery).values(sent_at=datetime.now(UTC) - timedelta(days=3, minutes=1)))
            db.commit()
        result = runner.invoke(args=["invitations", "remind", str(questionnaire_id)])
        assert result.exit_code == 0, result.output
        # Without --wait the job queue sends (inline in the tests).
        assert "2 reminders queued" in result.output
        assert len(server.messages) == 4
    with app.app_context():
        from models import AuditEvent

        logged = get_session().scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.actor, e.action) for e in logged] == [
            ("cli", "invitations_upload"), ("cli", "send_invitations"), ("cli", "send_reminders"),
            ("cli", "send_reminders")]


def test_cli_upload_reports_problems_and_adds_nothing(app, runner, questionnaire_id, tmp_path) -> None:
    listing = tmp_path / "bad.csv"
    listing.write_text("customer_ref,language,email\nC1,xx,not-an-address\n", encoding="utf-8")
    result = runner.invoke(args=["invitations", "upload", str(questionnaire_id), str(listing)])
    assert result.exit_code != 0
    assert "nothing was added: 2 problem(s) in 1 row(s)" in result.output
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Invitation)) == 0


def test_the_links_in_a_sent_message_work(app, client, runner, questionnaire_id, tmp_path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("customer_ref,language,email\nC1,en,c1@example.com\n", encoding="utf-8")
    assert runner.invoke(args=["invitations", "upload", str(questionnaire_id), str(listing)]).exit_code == 0
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        assert runner.invoke(args=["invitations", "send", str(questionnaire_id), "--wait"]).exit_code == 0
    (message,) = server.messages
    base = app.config["PUBLIC_BASE_URL"]
    text = message.get_body(("plain",)).get_content()
    link = next(word for word in text.split() if word.startswith(base + "/s/i/"))
    page = client.get(link[len(base):])
    assert page.status_code == 200 and "Start the survey" in page.get_data(as_text=True)
    one_click = message["List-Unsubscribe"].strip("<>")
    assert one_click.startswith(base + "/s/u/")
    assert client.post(one_click[len(base):], data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        db = get_session()
        invitation = db.scalars(select(Invitation)).one()
        assert invitation.opened_at is not None
        assert mailings.is_opted_out(db, invitation)
