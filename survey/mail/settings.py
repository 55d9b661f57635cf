"""``MAIL_URL``: where and how e-mail is sent.

``smtp://user:password@host:587?tls=starttls&from=survey@example.com`` — ``tls`` is ``starttls``
(the default on port 587), ``ssl`` (implicit TLS, the default for ``smtps://`` and port 465) or
``none`` (a relay on loopback); ``from`` is the sender address (else ``MAIL_FROM``, else
``noreply@`` the host of ``XINSHENG_BASE_URL``); ``timeout`` in seconds (default 30). User and
password are percent-decoded. Unset: sending is off. Pure: no Flask, no network.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

TLS_MODES = ("starttls", "ssl", "none")
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class MailSettingsError(ValueError):
    """``MAIL_URL`` (or the sender address) cannot be used; the message names the rule."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str
    port: int
    tls: str
    sender: str
    username: str = ""
    password: str = ""
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str, *, default_sender: str = "") -> "MailSettings":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise MailSettingsError(f"MAIL_URL must start with smtp:// or smtps://, not {parts.scheme!r}://")
        if not parts.hostname:
            raise MailSettingsError("MAIL_URL names no host (smtp://host:port)")
        try:
            port = parts.port
        except ValueError:
            raise MailSettingsError("MAIL_URL has a port that is not a number from 1 to 65535") from None
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"tls", "from", "timeout"}
        if unknown:
            raise MailSettingsError(f"MAIL_URL has unknown options {sorted(unknown)}; known: tls, from, timeout")
        port = port or (465 if parts.scheme == "smtps" else 587)
        tls = query.get("tls") or ("ssl" if parts.scheme == "smtps" or port == 465 else
                                   "starttls" if port == 587 else "none")
        if tls not in TLS_MODES:
            raise MailSettingsError(f"MAIL_URL tls={tls!r} must be one of {', '.join(TLS_MODES)}")
        sender = query.get("from") or default_sender
        if not _ADDRESS.match(sender or ""):
            raise MailSettingsError(f"the sender address {sender!r} is not an e-mail address "
                                    "(set ?from=... in MAIL_URL or MAIL_FROM)")
        try:
            timeout = float(query.get("timeout", 30))
        except ValueError:
            raise MailSettingsError("MAIL_URL timeout must be a number of seconds") from None
        if not 0 < timeout <= 600:
            raise MailSettingsError("MAIL_URL timeout must be between 0 and 600 seconds")
        return cls(host=parts.hostname, port=port, tls=tls, sender=sender,
                   username=unquote(parts.username or ""), password=unquote(parts.password or ""),
                   timeout=timeout)

    def describe(self) -> str:
        """Where mail goes, without the password (for pages and logs)."""
        user = f"{self.username}@" if self.username else ""
        return f"smtp://{user}{self.host}:{self.port} ({self.tls}), from {self.sender}"
