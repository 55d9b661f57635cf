"""A real SMTP server on loopback for the tests (aiosmtpd in a thread), recording what arrives.

``SmtpServer(refuse=...)`` can answer chosen recipients with a reply code instead of accepting
them: ``{"gone@example.com": "550 5.1.1 no such user"}`` for a permanent failure, or a 4xx for
a temporary one (``temporary_failures`` times, then accepted).
"""
from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.server.reply_for(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.connections.add(id(session))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, *, refuse: dict[str, str] | None = None, temporary_failures: int = 0) -> None:
        self.messages: list[EmailMessage] = []
        self.connections: set[int] = set()
        self.lock = threading.Lock()
        self.refuse = dict(refuse or {})
        self.temporary_left = {address: temporary_failures for address in self.refuse
                               if self.refuse[address].startswith("4")}
        self.port = free_port()
        self.controller: Controller | None = None

    def reply_for(self, address: str) -> str | None:
        with self.lock:
            reply = self.refuse.get(address)
            if reply is None:
                return None
            if address in self.temporary_left:
                if self.temporary_left[address] <= 0:
                    return None
                self.temporary_left[address] -= 1
            return reply

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?tls=none&from=survey@example.com"

    def __enter__(self) -> "SmtpServer":
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller.loop.close()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] and address in m["To"]]
