"""The respondent's submit through nginx: one web host against two (deploy/testbed).

Each layout is a fresh deployment of deploy/ in network namespaces on this machine — nginx with
the shipped site over https, gunicorn web hosts with the shipped unit's command, one PostgreSQL
and one Redis (rate limits on, set high enough never to refuse the load) — and a one-page,
15-item survey with started responses. --clients concurrent clients, each with one keep-alive
connection through nginx, fetch a page once (session cookie and CSRF token) and then post
submits of started responses (POST /s/r/<resume token>/0, as bench/submissions.py's "web" path),
for --seconds after 3 s of untimed warm-up. The layouts take turns --rounds times so that the
machine's slower and faster spells fall on each alike. Finally the stored rows are counted: every
accepted submit exactly once.

Layouts: 1 host × W gunicorn workers (the baseline), 2 hosts × W workers, and 1 host × 2W
workers (as many processes as two hosts, on one: what the second host adds beyond processes).
All hosts share this machine's cores with nginx, PostgreSQL and the clients, so the ratios tell
what spreading costs or gains here, not what two real machines would give.

    .venv/bin/python bench/multi_host.py                 # as root: network namespaces
    .venv/bin/python bench/multi_host.py --seconds 10 --rounds 1
"""
from __future__ import annotations

import argparse
import secrets
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from deploy.testbed import Browser, Testbed, Unknown, location_path, unavailable  # noqa: E402
from models import Response  # noqa: E402
from survey.questionnaire.document import Page, Question, Questionnaire, ScaleSettings, Texts  # noqa: E402
from survey.services.questionnaires import create_questionnaire, publish  # noqa: E402

ITEMS = [f"item{i:02d}" for i in range(1, 16)]
WARMUP_SECONDS = 3.0
HIGH = "100000000 per minute"


def prepare(bed: Testbed, started: int) -> list[str]:
    """The survey and ``started`` partial responses; their resume tokens."""
    engine = create_engine(bed.database_url)
    questions = tuple(Question(code, "rating", Texts(f"题目 {code}", f"Item {code}"), required=True,
                               settings=ScaleSettings(min=1, max=10)) for code in ITEMS)
    document = Questionnaire(Texts("基准", "Benchmark"), (Page("p1", Texts("第一页", "Page 1"), questions),))
    with Session(engine) as session:
        version = publish(session, create_questionnaire(session, document))
        now = datetime.now(UTC)
        tokens = [secrets.token_urlsafe(24) for _ in range(started)]
        session.execute(insert(Response), [
            {"version_id": version.id, "resume_token": token, "status": "partial", "channel": "web",
             "language": "en", "segment": {}, "answers": {}, "last_page": 0, "started_at": now}
            for token in tokens])
        session.commit()
    engine.dispose()
    return tokens


def load(bed: Testbed, tokens: list[str], seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        browser: Browser = bed.browser()
        hidden = None
        while time.perf_counter() < deadline:
            with lock:
                token = tokens.pop()
            try:
                if hidden is None:  # this client's session cookie and CSRF token
                    _status, hidden, _html = browser.form(f"/s/r/{token}/0?lang=en")
                    hidden.pop("xs_submission", None)
                page = f"/s/r/{token}/0"
                data = {**hidden, "xs_submission": secrets.token_urlsafe(16), **{k: "7" for k in ITEMS}}
                started = time.perf_counter()
                status, headers, _html = browser.request("POST", page, data, referer=page)
                elapsed = time.perf_counter() - started
                ok = status == 302 and location_path(headers).endswith("/done")
            except Unknown:
                ok = False
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        browser.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors[0], "wall": time.perf_counter() - began}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")


def run_layout(hosts: int, workers: int, args: argparse.Namespace) -> dict:
    bed = Testbed(web_hosts=hosts, workers=0, web_workers=workers, extra_env={
        f"RATE_LIMIT_{name}": HIGH for name in ("START_ADDRESS", "START_LINK", "SUBMIT_ADDRESS", "SUBMIT_LINK")})
    try:
        bed.start()
        tokens = prepare(bed, int(args.budget * (args.seconds + WARMUP_SECONDS)))
        warm = load(bed, tokens, WARMUP_SECONDS, args.clients)
        measured = load(bed, tokens, args.seconds, args.clients)
        engine = create_engine(bed.database_url)
        with engine.connect() as connection:
            stored = connection.scalar(text("SELECT count(*) FROM responses WHERE status = 'complete'"))
        engine.dispose()
        served = [bed.access_log(host).count("POST /s/r/") for host in bed.web_hosts]
    finally:
        bed.stop()
    accepted = len(warm["latencies"]) + len(measured["latencies"])
    return {**measured, "stored": stored, "accepted": accepted, "served": served}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per layout and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per web host (W)")
    parser.add_argument("--budget", type=int, default=1500, help="started responses prepared per second of load")
    args = parser.parse_args()
    reason = unavailable()
    if reason:
        raise SystemExit(f"cannot deploy on this machine: {reason}")
    layouts = [(1, args.workers), (2, args.workers), (1, 2 * args.workers)]
    runs: dict[tuple[int, int], list[dict]] = {layout: [] for layout in layouts}
    for _round in range(args.rounds):
        for layout in layouts:
            runs[layout].append(run_layout(*layout, args))
    print(f"submit through nginx (https), {args.clients} clients, {args.seconds:.0f} s × {args.rounds} rounds per layout")
    print(f"{'layout':<22} {'accepted':>9} {'errors':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'rate ×':>7} {'p99 ×':>7} {'stored ok':>10}  posts per host")
    base = None
    for hosts, workers in layouts:
        rounds = runs[(hosts, workers)]
        latencies = [x for r in rounds for x in r["latencies"]]
        rate = len(latencies) / sum(r["wall"] for r in rounds)
        p99 = percentile(latencies, 0.99)
        base = base or (rate, p99)
        stored_ok = all(r["stored"] == r["accepted"] for r in rounds)
        print(f"{f'{hosts} host(s) × {workers} workers':<22} {len(latencies):>9,} {sum(r['errors'] for r in rounds):>7} "
              f"{rate:>8.0f} {percentile(latencies, 0.5):>8.1f} {percentile(latencies, 0.95):>8.1f} {p99:>8.1f} "
              f"{rate / base[0]:>7.2f} {p99 / base[1]:>7.2f} {str(stored_ok):>10}  "
              f"{' / '.join(str(sum(r['served'][i] for r in rounds)) for i in range(hosts))}", flush=True)


if __name__ == "__main__":
    main()
