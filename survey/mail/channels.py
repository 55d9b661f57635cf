"""Channels deliver :class:`OutgoingMessage` s. A channel is opened once per sending round and
reused for every message in it (one SMTP connection for a whole batch, not one per message).

E-mail: the standard library's :mod:`email` builds the MIME message (``EmailMessage``: a text
and an HTML part, encoded headers for Chinese subjects and names) and :mod:`smtplib` speaks
SMTP (STARTTLS or implicit TLS, login). Both are maintained with Python itself; a wrapper such
as Flask-Mail adds nothing this module needs and hides the server's reply codes, which decide
between retrying and giving up.

Another channel (SMS, WeCom) is one module with a class like :class:`EmailChannel` (``open``,
``send``, ``close``) registered in :data:`CHANNELS`.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol
from urllib.parse import urlsplit

from survey.mail.settings import MailSettings


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a report's PDF)."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    to: str
    subject: str
    text: str
    html: str
    to_name: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


class DeliveryError(Exception):
    """A message was not delivered: ``reason`` is the server's answer; ``permanent`` when trying
    again cannot help (a 5xx reply: no such mailbox, refused sender)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def open(self) -> None: ...

    def send(self, message: OutgoingMessage) -> None: ...

    def close(self) -> None: ...


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}".strip()


class EmailChannel:
    """SMTP with one connection per round; reconnects once if the server dropped it."""

    name = "email"

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings
        try:
            if s.tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password)
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(f"the mail server refused the login: {_reply(error.smtp_code, error.smtp_error)}",
                                permanent=False) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"cannot reach the mail server {s.host}:{s.port}: {error}", permanent=False) from None
        self._smtp = smtp

    def _mime(self, message: OutgoingMessage) -> EmailMessage:
        mime = EmailMessage()
        mime["Subject"] = message.subject
        mime["From"] = self.settings.sender
        mime["To"] = formataddr((message.to_name, message.to)) if message.to_name else message.to
        mime["Message-ID"] = make_msgid(domain=self.settings.sender.rsplit("@", 1)[1])
        for name, value in message.headers.items():
            mime[name] = value
        mime.set_content(message.text)
        mime.add_alternative(message.html, subtype="html")
        for attachment in message.attachments:  # the message becomes multipart/mixed
            maintype, _, subtype = attachment.mimetype.partition("/")
            mime.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                                filename=attachment.filename)
        return mime

    def send(self, message: OutgoingMessage) -> None:
        if self._smtp is None:
            self.open()
        mime = self._mime(message)
        for attempt in (1, 2):
            try:
                refused = self._smtp.send_message(mime)  # type: ignore[union-attr]
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()))
                raise DeliveryError(_reply(code, text), permanent=code >= 500) from None
            except smtplib.SMTPResponseException as error:
                raise DeliveryError(_reply(error.smtp_code, error.smtp_error),
                                    permanent=error.smtp_code >= 500) from None
            except (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout) as error:
                self._drop()
                if attempt == 2:
                    raise DeliveryError(f"the mail server closed the connection: {error}", permanent=False) from None
                self.open()
                continue
            except smtplib.SMTPException as error:
                raise DeliveryError(str(error), permanent=False) from None
            if refused:
                code, text = next(iter(refused.values()))
                raise DeliveryError(_reply(code, text), permanent=code >= 500)
            return

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        smtp = self._smtp
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        self._drop()


CHANNELS = {"email": EmailChannel}


def mail_settings(config: Mapping) -> MailSettings | None:
    """The app's :class:`MailSettings`, or None when ``MAIL_URL`` is unset (sending is off).
    Raises :class:`~survey.mail.settings.MailSettingsError` for an unusable URL."""
    url = config.get("MAIL_URL") or ""
    if not url:
        return None
    return MailSettings.from_url(url, default_sender=config.get("MAIL_FROM") or _default_sender(config))


def _default_sender(config: Mapping) -> str:
    host = urlsplit(config.get("PUBLIC_BASE_URL") or "").hostname or "localhost"
    return f"noreply@{host if '.' in host else 'localhost.localdomain'}"
