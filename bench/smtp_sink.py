"""A loopback SMTP server for the benchmarks (aiosmtpd) that counts what it accepts.

    python bench/smtp_sink.py PORT     # prints "ready", then the message count when stdin closes
"""
from __future__ import annotations

import sys
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.content)
        return "250 OK"


def main() -> None:
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(f"{handler.messages} {handler.bytes}", flush=True)


if __name__ == "__main__":
    main()
