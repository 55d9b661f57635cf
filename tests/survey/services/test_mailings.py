"""Invitation messages against a real SMTP server on loopback (aiosmtpd): one message per
invitation with its own link and RFC 8058 headers, reminders by schedule that stop at
completion, opt-out and expiry, retries with back-off, failures with the server's reason, and
two workers that send each message once."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from models import Delivery, Invitation, OptOut, SendBatch
from smtp_server import SmtpServer
from survey.mail.channels import EmailChannel
from survey.mail.settings import MailSettings
from survey.questionnaire.templates import acsi_standard
from survey.services import mailings
from survey.services.message_templates import DEFAULTS
from survey.services.questionnaires import create_questionnaire, publish

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LINKS = mailings.Links(invitation=lambda t: f"https://survey.example.com/s/i/{t}",
                       unsubscribe=lambda t: f"https://survey.example.com/s/u/{t}",
                       one_click=lambda t: f"https://survey.example.com/s/u/{t}")


@pytest.fixture
def version(session):
    version = publish(session, create_questionnaire(session, acsi_standard()))
    session.commit()
    return version


def invite(session, version, count: int, **fields) -> list[Invitation]:
    made = [Invitation(questionnaire_id=version.questionnaire_id, token=f"tok{n:05d}-{fields.get('customer_ref', '')}",
                       customer_ref=f"C{n}", email=f"c{n}@example.com", name=f"客户{n}",
                       language="zh_CN" if n % 2 else "en", status="pending", **fields)
            for n in range(count)]
    session.add_all(made)
    session.commit()
    return made


def channel(server: SmtpServer) -> EmailChannel:
    return EmailChannel(MailSettings.from_url(server.url))


def deliver(session, server, now=NOW, **options) -> mailings.DeliveryStats:
    return mailings.deliver_due(session, channel(server), LINKS, now=lambda: now, **options)


def statuses(session) -> dict[str, int]:
    return dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())


def test_n_invitations_give_n_messages_with_distinct_links_and_unsubscribe_headers(session, version) -> None:
    invitations = invite(session, version, 6)
    summary = mailings.queue_invitations(session, version.questionnaire_id, started_by="cli", now=NOW)
    session.commit()
    assert summary.queued == 6
    with SmtpServer() as server:
        stats = deliver(session, server)
    assert stats == mailings.DeliveryStats(sent=6)
    assert len(server.messages) == 6
    assert len(server.connections) == 1  # one connection for the whole round
    links = set()
    for invitation in invitations:
        (message,) = server.to(invitation.email)
        link = f"https://survey.example.com/s/i/{invitation.token}"
        assert link in message.get_body(("plain",)).get_content()
        assert f'href="{link}"' in message.get_body(("html",)).get_content()
        assert message["List-Unsubscribe"] == f"<https://survey.example.com/s/u/{invitation.token}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert invitation.name in message.get_body(("plain",)).get_content()
        links.add(link)
        if invitation.language == "zh_CN":
            assert message["Subject"].startswith("请告诉我们")
        else:
            assert message["Subject"].startswith("Tell us what you think")
    assert len(links) == 6
    assert statuses(session) == {"sent": 6}
    assert mailings.batch_summary(session, summary.batch_id) == {"sent": 6}


def test_a_second_round_sends_nothing_twice_and_says_why_the_rest_was_left_out(session, version) -> None:
    invite(session, version, 3)
    session.add_all([
        Invitation(questionnaire_id=version.questionnaire_id, token="no-mail", customer_ref="N", email=None,
                   language="en", status="pending"),
        Invitation(questionnaire_id=version.questionnaire_id, token="done", customer_ref="D", email="d@example.com",
                   language="en", status="completed"),
        Invitation(questionnaire_id=version.questionnaire_id, token="old", customer_ref="E", email="e@example.com",
                   language="en", status="pending", expires_at=NOW - timedelta(days=1)),
    ])
    session.add(OptOut(address="c1@example.com", customer_ref="", source="link"))
    session.commit()
    first = mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    assert first.queued == 2
    assert first.left_out == {"no_address": 1, "completed": 1, "expired": 1, "opted_out": 1}
    again = mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    assert again.queued == 0 and again.batch_id is None and again.left_out["already_sent"] == 2
    assert session.scalar(select(func.count()).select_from(SendBatch)) == 1


def test_reminders_follow_the_schedule_and_stop_at_completion_opt_out_and_expiry(session, version) -> None:
    a, b, c, d = invite(session, version, 4)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    with SmtpServer() as server:
        deliver(session, server)
        # Day 2: nothing is due yet (first reminder after 3 days).
        assert mailings.queue_reminders(session, version.questionnaire_id, started_by="s",
                                        now=NOW + timedelta(days=2)).queued == 0
        # b completes, c opts out, d's link expires before day 3.
        session.execute(update(Invitation).where(Invitation.id == b.id).values(status="completed"))
        mailings.opt_out(session, session.get(Invitation, c.id), source="link")
        session.execute(update(Invitation).where(Invitation.id == d.id).values(expires_at=NOW + timedelta(days=2)))
        session.commit()
        day3 = NOW + timedelta(days=3, minutes=1)
        first = mailings.queue_reminders(session, version.questionnaire_id, started_by="s", now=day3)
        session.commit()
        assert first.queued == 1
        deliver(session, server, now=day3)
        reminders = [m for m in server.messages if m["Subject"].startswith(("提醒", "Reminder"))]
        assert [m["To"].addresses[0].addr_spec for m in reminders] == [a.email]
        # The same round again adds nothing; the second reminder waits for day 7.
        assert mailings.queue_reminders(session, version.questionnaire_id, started_by="s", now=day3).queued == 0
        day7 = NOW + timedelta(days=7, minutes=1)
        assert mailings.queue_reminders(session, version.questionnaire_id, started_by="s", now=day7).queued == 1
        session.commit()
        deliver(session, server, now=day7)
        # No third reminder: the schedule has two.
        assert mailings.queue_reminders(session, version.questionnaire_id, started_by="s",
                                        now=NOW + timedelta(days=30)).queued == 0
    sequences = session.scalars(select(Delivery.sequence).where(Delivery.invitation_id == a.id)
                                .order_by(Delivery.sequence)).all()
    assert sequences == [0, 1, 2]
    assert len(server.to(b.email)) == len(server.to(c.email)) == len(server.to(d.email)) == 1


def test_a_message_queued_before_an_opt_out_is_skipped_not_sent(session, version) -> None:
    (a,) = invite(session, version, 1)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    # Opting out from another questionnaire's message counts too: the customer reference matches.
    other = publish(session, create_questionnaire(session, acsi_standard()))
    elsewhere = Invitation(questionnaire_id=other.questionnaire_id, token="elsewhere", customer_ref="C0",
                           email="another@example.com", language="en", status="pending")
    session.add(elsewhere)
    session.commit()
    mailings.opt_out(session, elsewhere, source="one_click")
    session.commit()
    with SmtpServer() as server:
        stats = deliver(session, server)
    assert stats.sent == 0 and server.messages == []
    assert statuses(session) == {"skipped": 1}
    assert session.scalar(select(Delivery.last_error)) == "not sent: the customer opted out"


def test_a_temporary_failure_is_retried_with_back_off_then_sent(session, version) -> None:
    (a,) = invite(session, version, 1)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    with SmtpServer(refuse={a.email: "451 4.3.0 try again later"}, temporary_failures=1) as server:
        stats = deliver(session, server, retry_base_seconds=60)
        assert stats == mailings.DeliveryStats(retried=1)
        delivery = session.scalar(select(Delivery))
        assert delivery.status == "queued" and delivery.attempts == 1
        assert delivery.last_error.startswith("451")
        # Not due before the back-off has passed.
        assert deliver(session, server, now=NOW + timedelta(seconds=30)) == mailings.DeliveryStats()
        stats = deliver(session, server, now=NOW + timedelta(seconds=61), retry_base_seconds=60)
    assert stats == mailings.DeliveryStats(sent=1)
    assert len(server.messages) == 1
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")


def test_failures_end_with_the_servers_reason(session, version) -> None:
    gone, flaky = invite(session, version, 2)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    refuse = {gone.email: "550 5.1.1 no such user", flaky.email: "452 4.2.2 mailbox full"}
    with SmtpServer(refuse=refuse, temporary_failures=99) as server:
        moment = NOW
        for _ in range(3):
            deliver(session, server, now=moment, max_attempts=3, retry_base_seconds=0)
            moment += timedelta(seconds=1)
    rows = {d.invitation_id: d for d in session.scalars(select(Delivery))}
    assert (rows[gone.id].status, rows[gone.id].attempts) == ("failed", 1)  # permanent: no retry
    assert rows[gone.id].last_error == "550 5.1.1 no such user"
    assert (rows[flaky.id].status, rows[flaky.id].attempts) == ("failed", 3)  # retried, then given up
    assert rows[flaky.id].last_error == "452 4.2.2 mailbox full"
    assert server.messages == []


def test_an_unreachable_server_is_a_temporary_failure_with_its_reason(session, version) -> None:
    invite(session, version, 2)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    server = SmtpServer()  # never started: nothing listens on its port
    stats = mailings.deliver_due(session, channel(server), LINKS, now=lambda: NOW)
    assert stats == mailings.DeliveryStats(retried=2)
    errors = session.scalars(select(Delivery.last_error)).all()
    assert all("cannot reach the mail server 127.0.0.1" in e for e in errors)


def test_two_workers_send_each_message_once(app, session, version) -> None:
    invite(session, version, 120)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.commit()
    factory = app.extensions["sqlalchemy_sessionmaker"]
    results: list[mailings.DeliveryStats] = []
    errors: list[BaseException] = []
    with SmtpServer() as server:
        def work() -> None:
            own = factory()
            try:
                results.append(deliver(own, server))
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                own.close()
        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
    assert errors == []
    assert sum(r.sent for r in results) == 120
    addresses = [m["To"] for m in server.messages]
    assert len(addresses) == 120 and len(set(addresses)) == 120
    assert statuses(session) == {"sent": 120}


def test_a_stale_claim_is_given_up_not_sent_again(session, version) -> None:
    invite(session, version, 1)
    mailings.queue_invitations(session, version.questionnaire_id, started_by="a", now=NOW)
    session.execute(update(Delivery).values(status="sending", claimed_at=NOW - timedelta(hours=1)))
    session.commit()
    assert mailings.give_up_stale_claims(session, now=NOW) == 1
    session.commit()
    assert session.scalar(select(Delivery.status)) == "failed"
    assert "not sent again automatically" in session.scalar(select(Delivery.last_error))


def test_saved_templates_are_used_and_checked(session, version) -> None:
    values = dict(DEFAULTS, invite_subject_en="Hello {{name}}", invite_body_en="<p>Go: {{link}}</p><script>x()</script>")
    saved = mailings.save_template(session, version.questionnaire_id, values, reminders_on=True, reminder_days="2，5")
    session.commit()
    assert saved.reminder_days == "2,5" and "<script>" not in saved.invite_body_en
    (invitation,) = invite(session, version, 1)  # n = 0: English
    message = mailings.compose(invitation, saved, "Survey", 0, invitation.email, LINKS)
    assert message.subject == "Hello 客户0"
    assert "Go: https://survey.example.com/s/i/" in message.text
    from survey.services.message_templates import TemplateError

    with pytest.raises(TemplateError, match="unknown placeholder {{nmae}}"):
        mailings.save_template(session, version.questionnaire_id, dict(values, invite_body_zh="{{nmae}} {{link}}"),
                               reminders_on=False, reminder_days="3")
    with pytest.raises(TemplateError, match="must contain {{link}}"):
        mailings.save_template(session, version.questionnaire_id, dict(values, reminder_body_en="<p>Hi</p>"),
                               reminders_on=False, reminder_days="3")
    with pytest.raises(TemplateError, match="days must rise"):
        mailings.save_template(session, version.questionnaire_id, values, reminders_on=False, reminder_days="7,3")
