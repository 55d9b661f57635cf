"""Invitation e-mails, measured: N invitations (10,000 by default) queued and sent to an SMTP
server on loopback (aiosmtpd in its own process, counting what it accepts), on SQLite or
PostgreSQL. Target: at least 100 messages per second.

Prints, for the same run: the baseline — N minimal messages sent with bare smtplib over one
connection, nothing else — then Xinsheng's round: queuing (one delivery row per invitation),
sending (compose each bilingual message from the template, claim rows by compare-and-set in
chunks of 100, send over one connection, record the outcome), messages per second, the ratio to
the baseline, and the peak memory (VmHWM) of the sending process. With ``--workers 2`` two
processes deliver the same round at once (each message is still sent once: checked).

    .venv/bin/python bench/mail_send.py                                  # SQLite, 10,000
    .venv/bin/python bench/mail_send.py --database postgresql --workers 2

PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_mail).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench_support import ensure_postgresql_database, peak_rss_mb  # noqa: E402
from models import Base, Delivery, Invitation  # noqa: E402
from survey.db import make_engine  # noqa: E402
from survey.mail.channels import EmailChannel  # noqa: E402
from survey.mail.settings import MailSettings  # noqa: E402
from survey.questionnaire.templates import acsi_standard  # noqa: E402
from survey.services import mailings  # noqa: E402
from survey.services.questionnaires import create_questionnaire, publish  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_mail"
TARGET = 100.0
LINKS = mailings.Links(invitation=lambda t: f"https://survey.example.com/s/i/{t}",
                       unsubscribe=lambda t: f"https://survey.example.com/s/u/{t}",
                       one_click=lambda t: f"https://survey.example.com/s/u/{t}")


def database_url(kind: str) -> str:
    if kind == "postgresql":
        return os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "mail.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(self.port)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def close(self) -> int:
        out, _ = self.process.communicate("", timeout=60)
        return int(out.split()[0])


def baseline(n: int, port: int) -> float:
    """Seconds to send ``n`` minimal messages with bare smtplib over one connection."""
    smtp = smtplib.SMTP("127.0.0.1", port)
    began = time.perf_counter()
    for i in range(n):
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = "x", "survey@example.com", f"c{i}@example.com"
        message.set_content("x")
        smtp.send_message(message)
    took = time.perf_counter() - began
    smtp.quit()
    return took


def prepare(url: str, n: int) -> int:
    ensure_postgresql_database(url, fresh=True)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        qid = version.questionnaire_id
        rows = [{"questionnaire_id": qid, "token": f"tok{i:07d}", "customer_ref": f"C{i}", "email": f"c{i}@example.com",
                 "name": f"客户{i}" if i % 2 else f"Customer {i}", "language": "zh_CN" if i % 2 else "en",
                 "status": "pending", "segment": {"region": "north"}} for i in range(n)]
        for start in range(0, n, 5000):
            session.execute(insert(Invitation), rows[start:start + 5000])
        session.commit()
    engine.dispose()
    return qid


def deliver_worker(url: str, port: int, queue) -> None:
    engine = make_engine(url)
    began = time.perf_counter()
    try:
        with Session(engine, expire_on_commit=False) as session:
            channel = EmailChannel(MailSettings.from_url(f"smtp://127.0.0.1:{port}?tls=none&from=survey@example.com"))
            stats = mailings.deliver_due(session, channel, LINKS)
        queue.put((stats.sent, stats.failed + stats.retried, time.perf_counter() - began, peak_rss_mb(), ""))
    except Exception as error:  # reported by the parent, which would otherwise wait forever
        queue.put((0, 0, time.perf_counter() - began, peak_rss_mb(), f"{type(error).__name__}: {error}"))
    engine.dispose()


def run(kind: str, n: int, workers: int) -> None:
    url = database_url(kind)
    qid = prepare(url, n)
    sink = Sink()
    try:
        base = baseline(n, sink.port)
        engine = make_engine(url)
        with Session(engine) as session:
            began = time.perf_counter()
            summary = mailings.queue_invitations(session, qid, started_by="bench", now=datetime.now(UTC))
            session.commit()
            queued_in = time.perf_counter() - began
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        began = time.perf_counter()
        processes = [context.Process(target=deliver_worker, args=(url, sink.port, results)) for _ in range(workers)]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=3600) for _ in processes]
        for process in processes:
            process.join()
        wall = time.perf_counter() - began
        with Session(engine) as session:
            sent_rows = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "sent"))
        engine.dispose()
    finally:
        received = sink.close()
    sent = sum(o[0] for o in outcomes)
    rate = sent / wall
    print(f"== {kind}: {n:,} invitations, {workers} sending process(es)")
    print(f"baseline: bare smtplib, one connection: {n / base:8.0f} messages/s ({base:.1f} s for {n:,})")
    print(f"queue the round:  {summary.queued:,} deliveries in {queued_in:.2f} s")
    print(f"send the round:   {sent:,} sent in {wall:.1f} s = {rate:.0f} messages/s "
          f"({rate / (n / base):.2f}× the baseline); failed or retried: {sum(o[1] for o in outcomes)}")
    for number, (s, _f, took, peak, error) in enumerate(outcomes, 1):
        print(f"  process {number}: {s:,} sent in {took:.1f} s, peak memory {peak:.0f} MB"
              + (f"  FAILED: {error}" if error else ""))
    print(f"server received {received - n:,} round messages (plus {n:,} baseline); rows marked sent: {sent_rows:,}")
    ok = rate >= TARGET and received - n == n == sent_rows
    print(f"target: ≥ {TARGET:.0f} messages/s, each message once: {'MET' if ok else 'NOT MET'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=10_000)
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql, or both: sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    for kind in args.database.split(","):
        run(kind, args.invitations, args.workers)


if __name__ == "__main__":
    main()
