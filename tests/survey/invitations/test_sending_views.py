"""The invitations pages' e-mail side: send and remind buttons, progress, the message page with its
checks, preview and test message, against a real SMTP server on loopback."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from models import Delivery, Invitation, MessageTemplate, SendBatch
from smtp_server import SmtpServer, free_port
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.message_templates import DEFAULTS
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token

DESIGNER = "designer@example.com"


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return version.questionnaire_id


@pytest.fixture
def invited(app, questionnaire_id) -> int:
    """Three customers to write to, one without an address, one who completed: the questionnaire id."""
    with app.app_context():
        session = get_session()
        rows = [("C1", "zh_CN", "c1@example.com", "王芳", "pending"), ("C2", "en", "c2@example.com", "Ann", "pending"),
                ("C3", "en", "c3@example.com", "", "started"), ("C4", "en", "", "Bo", "pending"),
                ("C5", "en", "c5@example.com", "Cy", "completed")]
        for ref, language, email, name, status in rows:
            session.add(Invitation(questionnaire_id=questionnaire_id, token=f"token-{ref}", customer_ref=ref,
                                   language=language, email=email or None, name=name, status=status))
        session.commit()
    return questionnaire_id


def post(client, path: str, page: str, data: dict | None = None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **(data or {})}, **kwargs)


def text_of(html: str) -> str:
    """The page's visible text, whitespace collapsed (for sentences split by markup)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def form_data(**changes: str) -> dict:
    return {**DEFAULTS, "reminder_days": "3, 7", **changes}


# --- sending off -------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "notice", "flash_text"), [
    ("en", "Sending e-mail is off. To turn it on, set MAIL_URL", "Sending e-mail is off."),
    ("zh_CN", "邮件发送已关闭。要开启，请设置 MAIL_URL", "邮件发送已关闭。"),
])
def test_sending_off_says_how_to_turn_it_on_and_sends_nothing(app, client, login_as, invited, lang, notice,
                                                              flash_text) -> None:
    app.config["MAIL_URL"] = ""
    login_as("designer")
    page = f"/invitations/{invited}?lang={lang}"
    html = client.get(page).get_data(as_text=True)
    assert notice in html and "smtp://user:password@host:587?tls=starttls" in html
    assert f"/invitations/{invited}/send" not in html and f"/invitations/{invited}/remind" not in html
    for action in ("send", "remind"):
        response = post(client, f"/invitations/{invited}/{action}?lang={lang}", page, follow_redirects=True)
        assert response.status_code == 200 and flash_text in response.get_data(as_text=True)
    assert count(app, SendBatch) == 0 and count(app, Delivery) == 0
    # The message page says the same instead of offering a test; its test route refuses as well.
    message_page = f"/invitations/{invited}/message?lang={lang}"
    html = client.get(message_page).get_data(as_text=True)
    assert notice in html and f"/invitations/{invited}/message/test" not in html
    response = post(client, f"/invitations/{invited}/message/test?lang={lang}", message_page, follow_redirects=True)
    assert response.status_code == 200 and flash_text in response.get_data(as_text=True)


def test_an_unusable_mail_url_is_named_and_nothing_is_queued(app, client, login_as, invited) -> None:
    app.config["MAIL_URL"] = "ftp://mail.example.com"
    login_as("designer")
    page = f"/invitations/{invited}?lang=en"
    assert "MAIL_URL cannot be used: MAIL_URL must start with smtp://" in client.get(page).get_data(as_text=True)
    response = post(client, f"/invitations/{invited}/send?lang=en", page, follow_redirects=True)
    assert "MAIL_URL cannot be used" in response.get_data(as_text=True)
    assert count(app, Delivery) == 0


# --- sending rounds ----------------------------------------------------------------------------

def test_send_writes_to_each_customer_with_a_personal_link_and_shows_progress(app, client, login_as,
                                                                              invited) -> None:
    login_as("designer")
    page = f"/invitations/{invited}?lang=en"
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        html = client.get(page).get_data(as_text=True)
        assert "Send invitations" in html and "Send reminders now" in html
        assert "smtp://127.0.0.1:%d (none), from survey@example.com" % server.port in html
        response = post(client, f"/invitations/{invited}/send?lang=en", page)
        assert response.status_code == 302 and response.headers["Location"].endswith(page)
        html = client.get(page).get_data(as_text=True)
        assert ("3 invitations queued for sending. 2 left out: already completed (1), no e-mail address (1)."
                in html)
        assert sorted(m["To"].addresses[0].addr_spec for m in server.messages) == [
            "c1@example.com", "c2@example.com", "c3@example.com"]
        links = set()
        for message in server.messages:
            body = message.get_body(("plain",)).get_content()
            link = re.search(r"http\S+/s/i/(token-C\d)", body)
            assert link, body
            links.add(link.group(1))
            assert message["List-Unsubscribe"].startswith("<http") and "token-C" in message["List-Unsubscribe"]
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert links == {"token-C1", "token-C2", "token-C3"}
        assert "王芳" in server.to("c1@example.com")[0].get_body(("plain",)).get_content()
    text = text_of(html)
    assert "Sent 3" in text and "Failed 0" in text and "Waiting to be sent 0" in text
    assert f"Invitations {DESIGNER}" in text and "Sent: 3" in text  # the round, who started it
    assert text.count("Not sent yet") == 2  # C4 (no address) and C5 (completed)
    # A second round sends nothing twice and says why.
    response = post(client, f"/invitations/{invited}/send?lang=en", page, follow_redirects=True)
    assert ("No invitation was queued. 5 left out: already sent (3), already completed (1), no e-mail address (1)."
            in response.get_data(as_text=True))
    assert count(app, SendBatch) == 1


def test_remind_sends_the_reminders_due_and_the_list_shows_them(app, client, login_as, invited) -> None:
    login_as("designer")
    page = f"/invitations/{invited}?lang=en"
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        post(client, f"/invitations/{invited}/send?lang=en", page)
        response = post(client, f"/invitations/{invited}/remind?lang=en", page, follow_redirects=True)
        assert ("No reminder is due now (reminders go 3, 7 days after the invitation)."
                in response.get_data(as_text=True))
        with app.app_context():
            session = get_session()
            session.execute(update(Delivery).values(sent_at=datetime.now(UTC) - timedelta(days=3, minutes=1)))
            session.execute(update(Invitation).where(Invitation.customer_ref == "C2").values(status="completed"))
            session.commit()
        response = post(client, f"/invitations/{invited}/remind?lang=en", page, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert "2 reminders queued for sending." in html
        assert sorted(m["To"].addresses[0].addr_spec for m in server.messages[3:]) == [
            "c1@example.com", "c3@example.com"]
        assert [m["Subject"].startswith(("提醒", "Reminder")) for m in server.messages[3:]] == [True, True]
    text = text_of(html)
    assert text.count("Sent · reminder 1") == 2 and "Reminders " + DESIGNER in text


def test_a_refused_address_shows_failed_with_the_servers_reason(app, client, login_as, invited) -> None:
    login_as("designer")
    page = f"/invitations/{invited}?lang=en"
    with SmtpServer(refuse={"c2@example.com": "550 5.1.1 no such user"}) as server:
        app.config["MAIL_URL"] = server.url
        post(client, f"/invitations/{invited}/send?lang=en", page)
        assert len(server.messages) == 2
    text = text_of(client.get(page).get_data(as_text=True))
    assert "Failed 550 5.1.1 no such user" in text and "Failed 1" in text and "Sent 2" in text


def test_the_list_shows_opened_links_and_opt_outs(app, client, login_as, invited) -> None:
    from survey.services import mailings

    login_as("designer")
    with app.app_context():
        session = get_session()
        c1 = session.scalar(select(Invitation).where(Invitation.customer_ref == "C1"))
        mailings.mark_opened(session, c1.id, now=datetime(2026, 6, 1, 4, 0, tzinfo=UTC))
        mailings.opt_out(session, session.scalar(select(Invitation).where(Invitation.customer_ref == "C2")),
                         source="link")
        session.commit()
    html = client.get(f"/invitations/{invited}?lang=en").get_data(as_text=True)
    assert "2026-06-01 12:00 UTC+8" in html  # opened, in the organisation's time zone
    row = re.search(r"<tr>\s*<td>C2</td>.*?</tr>", html, re.DOTALL).group(0)
    assert "Opted out" in row
    assert "Opted out 1" in text_of(html) and "Links opened 1" in text_of(html)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_invitations_page_reads_in_both_languages(app, client, login_as, invited, lang) -> None:
    login_as("designer")
    page = f"/invitations/{invited}?lang={lang}"
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        html = client.get(page).get_data(as_text=True)
        response = post(client, f"/invitations/{invited}/send?lang={lang}", page, follow_redirects=True)
    flashed = response.get_data(as_text=True)
    if lang == "zh_CN":
        for words in ("通过邮件发送", "发送邀请", "立即发送提醒", "进度", "最近的发送", "邮件状态", "链接打开时间", "已打开链接", "已退订"):
            assert words in html, words
        assert "已将 3 封邀请加入发送队列。另有 2 位未发送：已完成问卷（1）、无邮箱地址（1）。" in flashed
        assert "Send invitations" not in html and "Progress" not in html
    else:
        for words in ("Sending by e-mail", "Send invitations", "Send reminders now", "Progress", "Recent rounds",
                      "E-mail message", "Link opened", "Opted out"):
            assert words in html, words
        assert "3 invitations queued for sending." in flashed


# --- the message page --------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Invitation subject (Chinese)", "Invitation message (English)", "Reminder subject (English)",
            "Send reminders automatically", "Reminder days after the invitation", "{{link}}",
            "unsubscribe link", "Invitation in Chinese", "Send a test to me")),
    ("zh_CN", ("邀请邮件主题（中文）", "邀请邮件正文（英文）", "提醒邮件主题（英文）", "自动发送提醒",
               "邀请后第几天发送提醒", "{{link}}", "退订链接", "中文邀请", "给我发送测试邮件")),
])
def test_the_message_page_explains_placeholders_and_previews(app, client, login_as, questionnaire_id, lang,
                                                             words) -> None:
    login_as("designer")
    html = client.get(f"/invitations/{questionnaire_id}/message?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in html, word
    # The preview: the default messages filled for a sample customer, in both languages.
    assert "王芳，您好" in html and "Dear Alex Chen," in html and "/s/i/sample" in html
    assert "{{name}}" not in html.split('id="preview-heading"')[1]


def test_saving_the_messages_checks_them_and_keeps_them(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    page = f"/invitations/{questionnaire_id}/message?lang=en"
    body = "<p>Hi {{name}}</p><script>alert(1)</script><p>{{link}}</p>"
    response = post(client, page, page, form_data(invite_body_en=body, reminders_on="y", reminder_days="2，9"))
    assert response.status_code == 302
    with app.app_context():
        saved = get_session().get(MessageTemplate, questionnaire_id)
        assert saved.reminders_on is True and saved.reminder_days == "2,9"
        assert "<script>" not in saved.invite_body_en and "{{link}}" in saved.invite_body_en
    html = client.get(page).get_data(as_text=True)
    assert "The messages were saved." in html and "<p>Hi Alex Chen</p>" in html
    assert "alert(1)" not in html
    assert 'id="reminders_on" name="reminders_on" type="checkbox" value="y"' in html and 'value="2,9"' in html


@pytest.mark.parametrize(("lang", "changes", "field", "message"), [
    ("en", {"invite_body_zh": "<p>{{name}} {{link}} {{coupon}}</p>"}, "invite_body_zh",
     "Unknown placeholder {{coupon}}: use {{name}}, {{link}} or {{survey}}."),
    ("en", {"reminder_body_en": "<p>Dear {{name}}, please answer.</p>"}, "reminder_body_en",
     "The message must contain {{link}}, the customer&#39;s personal link."),
    ("en", {"invite_subject_en": "  "}, "invite_subject_en", "A subject is required."),
    ("en", {"reminder_days": "7, 3"}, "reminder_days", "Days must rise, each named once (e.g. 3, 7)."),
    ("zh_CN", {"invite_subject_zh": "{{ nmae }}"}, "invite_subject_zh",
     "未知的占位符 {{nmae}}：请使用 {{name}}、{{link}} 或 {{survey}}。"),
    ("zh_CN", {"invite_body_en": "<p>Hello</p>"}, "invite_body_en", "邮件必须包含 {{link}}，即客户的专属链接。"),
])
def test_a_broken_message_is_shown_again_with_the_rule_and_nothing_is_saved(app, client, login_as, questionnaire_id,
                                                                           lang, changes, field, message) -> None:
    login_as("designer")
    page = f"/invitations/{questionnaire_id}/message?lang={lang}"
    response = post(client, page, page, form_data(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error" role="alert">{message}</p>' in html
    assert f'aria-describedby="{field}-error"' in html
    assert count(app, MessageTemplate) == 0


def test_a_test_message_arrives_in_both_languages(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    page = f"/invitations/{questionnaire_id}/message?lang=en"
    post(client, page, page, form_data(invite_subject_en="Your view of {{survey}}, {{name}}"))
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        html = client.get(page).get_data(as_text=True)
        assert f"Sends the saved invitation, in Chinese and in English, to {DESIGNER} now." in html
        response = post(client, f"/invitations/{questionnaire_id}/message/test?lang=en", page)
        assert response.status_code == 302 and response.headers["Location"].endswith(page)
        assert f"Test sent to {DESIGNER}." in client.get(page).get_data(as_text=True)
        messages = server.to(DESIGNER)
    assert len(messages) == 2
    subjects = sorted(m["Subject"] for m in messages)
    assert subjects[0].startswith("Your view of ") and subjects[0].endswith(", designer")
    assert subjects[1].startswith("请告诉我们您对")
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in messages)
    assert all("/s/i/test-preview" in m.get_body(("plain",)).get_content() for m in messages)
    with app.app_context():
        batch = get_session().scalars(select(SendBatch)).one()
        assert (batch.kind, batch.started_by) == ("test", DESIGNER)
    assert count(app, Invitation) == 0 and count(app, Delivery) == 0


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_refused_test_message_says_why_without_an_error_page(app, client, login_as, questionnaire_id,
                                                               lang) -> None:
    login_as("designer")
    page = f"/invitations/{questionnaire_id}/message?lang={lang}"
    with SmtpServer(refuse={DESIGNER: "550 5.1.1 no such user"}) as server:
        app.config["MAIL_URL"] = server.url
        response = post(client, f"/invitations/{questionnaire_id}/message/test?lang={lang}", page,
                        follow_redirects=True)
        assert server.messages == []
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "550 5.1.1 no such user" in html
    assert ("The test message was not sent:" if lang == "en" else "测试邮件未发送：") in html
    assert count(app, SendBatch) == 0


def test_an_unreachable_server_is_reported_for_the_test_message(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}?tls=none&from=survey@example.com&timeout=5"
    page = f"/invitations/{questionnaire_id}/message?lang=en"
    response = post(client, f"/invitations/{questionnaire_id}/message/test?lang=en", page, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The test message was not sent: cannot reach the mail server 127.0.0.1:" in html


# --- who may ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_only_designers_may_send_or_edit_messages(app, client, login_as, invited, role) -> None:
    login_as(role)
    token = csrf_token(client, "/")
    assert client.get(f"/invitations/{invited}/message").status_code == 403
    for path in ("send", "remind", "message", "message/test"):
        response = client.post(f"/invitations/{invited}/{path}", data={"csrf_token": token, **form_data()})
        assert response.status_code == 403, path
    assert count(app, MessageTemplate) == 0 and count(app, SendBatch) == 0


def test_the_new_routes_need_a_csrf_token_and_a_questionnaire(app, client, login_as, invited) -> None:
    login_as("designer")
    for path in ("send", "remind", "message", "message/test"):
        assert client.post(f"/invitations/{invited}/{path}").status_code == 400, path
    page = f"/invitations/{invited}"
    for path in ("send", "remind", "message/test"):
        assert post(client, f"/invitations/999/{path}", page).status_code == 404, path
    assert client.get("/invitations/999/message").status_code == 404
