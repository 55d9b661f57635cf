"""An anonymous burst of hostile requests against the served app, while /healthz is probed.

Serves the app with gunicorn (2 sync workers, as ``make run``) on loopback with a published
one-page questionnaire (a rating, an unbounded whole number, an unbounded decimal, a short and a
long text), measures /healthz alone (the baseline), then fires 100 hostile requests from 12
threads while probing /healthz every 10 ms:

  web_1e1000000   the whole-number answer "1e1000000" (9 characters)
  web_1e100000    the whole-number answer "1e100000"
  web_5000_digits a 5,000-digit whole number
  web_nul         NUL in a text answer
  web_surrogate   a lone surrogate (its invalid UTF-8 bytes) in a text answer
  web_15mb        a 15 MB text answer (under MAX_CONTENT_LENGTH, 16 MB)
  api_nan_segment a response whose segment is {"region": NaN}        (API token of a designer)
  api_huge_segment a segment of 20,000 keys                          (API token)
  api_1mb_value   a segment value of 1 MB                            (API token)
  api_deep_json   a body nested 100,000 arrays deep                  (API token)
  api_surrogate   a lone surrogate in an answer string               (API token)
  id_above_2_31   ids above 2^31 and of 20 digits in URLs (respondent page, API counts)
  start           a new response started by a new browser (many starts from one address)

The API kinds need a token (the API has no anonymous access); everything else is anonymous.
Not included: the XLSX decompression bomb — invitation and complaint uploads need a designer or
analyst session, so it is no anonymous request (tests/fuzz/test_uploads.py covers uploads).

Each web request answers a response started beforehand (its page's CSRF token and cookie were
fetched before the burst). Afterwards the database is checked: every response a hostile post
was refused on still holds exactly what it held before (nothing half-written), every accepted
post completed its response once, one response per accepted start and per accepted API call,
no duplicated idempotency key. Failures are reported, not raised: the script always finishes.
Bounded: 100 requests, a 60 s timeout each, the burst abandoned after --deadline seconds.

    .venv/bin/python bench/hostile_burst.py                         # SQLite
    .venv/bin/python bench/hostile_burst.py --database postgresql   # BENCH_DATABASE_URL or the default below

PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_hostile).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from models import Base, Response  # noqa: E402
from survey.db import make_engine  # noqa: E402
from survey.questionnaire.document import (  # noqa: E402
    NumericSettings, Page, Question, Questionnaire, ScaleSettings, TextSettings, Texts,
)
from survey.services.api_tokens import create_token  # noqa: E402
from survey.services.questionnaires import create_questionnaire, publish  # noqa: E402
from bench_support import ensure_postgresql_database  # noqa: E402
from burst_support import CSRF, TIMEOUT, Client, burst, form_body, hidden_fields, percentiles, probe  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_hostile"
VALID = {"sat": "4", "count": "3", "amount": "2.5", "name": "Li", "note": "fine"}
TARGET_MS = 100.0
#: Probe interval during the burst (s): the burst lasts a fraction of a second.
PROBE_DURING = 0.01

# kind → how many of the 100 requests
MIX = {"web_1e1000000": 8, "web_1e100000": 6, "web_5000_digits": 6, "web_nul": 8, "web_surrogate": 8,
       "web_15mb": 4, "api_nan_segment": 8, "api_huge_segment": 6, "api_1mb_value": 4, "api_deep_json": 8,
       "api_surrogate": 6, "id_above_2_31": 12, "start": 16}
WEB_VALUES = {"web_1e1000000": ("count", "1e1000000"), "web_1e100000": ("count", "1e100000"),
              "web_5000_digits": ("count", "9" * 5000), "web_nul": ("name", "a\x00b"),
              "web_surrogate": ("note", "x\ud800y"), "web_15mb": ("note", "x" * (15 * 1024 * 1024))}


def database_url(kind: str) -> str:
    return f"sqlite:///{OUT / 'hostile.sqlite3'}" if kind == "sqlite" else os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)


def questionnaire() -> Questionnaire:
    t = Texts
    return Questionnaire(t("压力", "Hostile burst"), (Page("p1", t("第一页", "Page 1"), (
        Question("sat", "rating", t("满意度", "Satisfaction"), required=True, settings=ScaleSettings(min=1, max=5)),
        Question("count", "numeric", t("次数", "How many times?"), settings=NumericSettings()),
        Question("amount", "numeric", t("金额", "How much?"), settings=NumericSettings(integer=False)),
        Question("name", "text", t("称呼", "Name"), settings=TextSettings(max_length=50)),
        Question("note", "long_text", t("备注", "Anything else?")),
    )),))


def prepare(kind: str, started: int) -> dict:
    """Fresh schema, the published questionnaire, an API token and ``started`` partial responses."""
    url = database_url(kind)
    ensure_postgresql_database(url, fresh=True)
    if kind == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'hostile.sqlite3'}{suffix}").unlink(missing_ok=True)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        version = publish(session, create_questionnaire(session, questionnaire()))
        _token, secret = create_token(session, "hostile burst", role="designer")
        resume_tokens = [secrets.token_urlsafe(24) for _ in range(started)]
        session.execute(insert(Response), [
            {"version_id": version.id, "resume_token": token, "status": "partial", "channel": "web",
             "language": "en", "segment": {}, "answers": {}, "last_page": 0, "started_at": datetime.now(UTC)}
            for token in resume_tokens])
        session.commit()
        context = {"questionnaire_id": version.questionnaire_id, "public_token": version.public_token,
                   "secret": secret, "resume_tokens": resume_tokens}
    engine.dispose()
    return context


def build_requests(port: int, ctx: dict) -> list[tuple[str, str, object]]:
    """The hostile requests (kind, a function sending it and returning the status), each with
    its browser session and CSRF token fetched now, before the burst."""
    tokens = list(ctx["resume_tokens"])
    api = {"Content-Type": "application/json", "Authorization": f"Bearer {ctx['secret']}"}
    submit_path = f"/api/v1/questionnaires/{ctx['questionnaire_id']}/responses"
    requests: list[tuple[str, str, object]] = []  # (kind, key: resume token or client id, send)
    for kind, count in MIX.items():
        for i in range(count):
            client = Client(port)
            if kind in WEB_VALUES:
                resume = tokens.pop()
                page = f"/s/r/{resume}/0?lang=en"
                _s, _h, html = client.request("GET", page)
                field, value = WEB_VALUES[kind]
                body = form_body({**hidden_fields(html), **VALID, field: value, "xs_shown": " ".join(VALID)})
                send = (lambda c=client, p=page, b=body: c.request(
                    "POST", p, b, {"Content-Type": "application/x-www-form-urlencoded"}))
            elif kind == "start":
                _s, _h, html = client.request("GET", f"/s/{ctx['public_token']}?lang=en")
                body = form_body({"csrf_token": CSRF.search(html).group(1)})
                send = (lambda c=client, b=body: c.request(
                    "POST", f"/s/{ctx['public_token']}?lang=en", b, {"Content-Type": "application/x-www-form-urlencoded"}))
            elif kind == "id_above_2_31":
                big = ("2147483648", "99999999999999999999", "9223372036854775808")[i % 3]
                path = (f"/s/r/{tokens[0]}/{big}", f"/api/v1/questionnaires/{big}/counts",
                        f"/api/v1/questionnaires/{big}/responses")[i % 3]
                method = "POST" if path.endswith("/responses") else "GET"
                data = json.dumps({"client_id": f"big-{i}", "answers": {"sat": 4}}).encode() if method == "POST" else None
                send = (lambda c=client, p=path, m=method, d=data: c.request(m, p, d, api if "/api/" in p else {}))
            else:
                segment = {"api_nan_segment": '{"region": NaN}',
                           "api_huge_segment": json.dumps({f"k{n}": n for n in range(20_000)}),
                           "api_1mb_value": json.dumps({"region": "x" * 1_000_000})}.get(kind, "{}")
                answers = '{"sat": 4}' if kind != "api_surrogate" else '{"sat": 4, "name": "\\ud800"}'
                body = f'{{"client_id": "{kind}-{i}", "answers": {answers}, "segment": {segment}'
                if kind == "api_deep_json":
                    body += ', "case_ref": ' + "[" * 100_000 + "]" * 100_000
                body = (body + "}").encode()
                send = (lambda c=client, b=body: c.request("POST", submit_path, b, api))
            key = resume if kind in WEB_VALUES else f"{kind}-{i}"
            requests.append((kind, key, send))
    # interleave the kinds, as a mixed attack would arrive
    random.Random(13).shuffle(requests)
    return requests


def check_database(kind: str, ctx: dict, outcomes: dict[str, tuple[str, str]]) -> list[str]:
    """Lines describing what was stored; problems start with 'PROBLEM'. A request the client got
    no answer to may have been stored or not, but never half."""
    engine = make_engine(database_url(kind))
    with engine.connect() as connection:
        rows = {token: (status, answers) for token, status, answers in connection.execute(
            text("SELECT resume_token, status, answers FROM responses WHERE channel = 'web'"))}
        api_keys = [key for (key,) in connection.execute(
            text("SELECT idempotency_key FROM responses WHERE channel = 'api'"))]
    engine.dispose()
    lines: list[str] = []
    accepted = {key for key, (_k, outcome) in outcomes.items() if outcome in ("200", "201", "302")}
    unknown = {key for key, (_k, outcome) in outcomes.items() if not outcome.isdigit()}
    web = {key: kind for key, (kind, _o) in outcomes.items() if kind in WEB_VALUES}
    completed = half = 0
    for token, posted_kind in web.items():
        status, answers = rows[token]
        answers = json.loads(answers) if isinstance(answers, str) else answers
        completed += status == "complete"
        if status != "complete" and answers:
            half += 1
            lines.append(f"PROBLEM  {posted_kind}: a post left a partial response with answers {sorted(answers)}")
        elif status == "complete" and token not in accepted | unknown:
            lines.append(f"PROBLEM  {posted_kind}: refused ({outcomes[token][1]}) but the response was completed")
        elif status != "complete" and token in accepted:
            lines.append(f"PROBLEM  {posted_kind}: accepted but the response is not complete")
    web_accepted = len(accepted & set(web))
    web_unknown = len(unknown & set(web))
    lines.append(f"web posts: {completed} responses completed for {web_accepted} accepted posts "
                 f"(+ {web_unknown} without an answer); {half} left half-written")
    starts_ok = sum(1 for key in accepted if outcomes[key][0] == "start")
    starts_unknown = sum(1 for key in unknown if outcomes[key][0] == "start")
    new_web = len(rows) - len(ctx["resume_tokens"])
    lines.append(f"starts: {new_web} new responses for {starts_ok} accepted starts (+ {starts_unknown} without an answer)")
    if not starts_ok <= new_web <= starts_ok + starts_unknown:
        lines.append("PROBLEM  new responses do not match the accepted starts")
    api_ok = sum(1 for key in accepted if outcomes[key][0].startswith("api_")
                 or (outcomes[key][0] == "id_above_2_31" and outcomes[key][1] == "201"))
    api_unknown = sum(1 for key in unknown if outcomes[key][0].startswith("api_"))
    duplicated = len(api_keys) - len(set(api_keys))
    lines.append(f"API: {len(api_keys)} responses for {api_ok} accepted calls (+ {api_unknown} without an answer); "
                 f"{duplicated} duplicated idempotency keys")
    if duplicated or not api_ok <= len(api_keys) <= api_ok + api_unknown:
        lines.append("PROBLEM  API responses do not match the accepted calls")
    return lines


def run(kind: str, args: argparse.Namespace) -> None:
    web_posts = sum(MIX[k] for k in WEB_VALUES)
    ctx = prepare(kind, web_posts + 1)
    env = {**os.environ, "XINSHENG_ENV": "development", "DATABASE_URL": database_url(kind),
           "XINSHENG_INSTANCE": str(OUT / "instance-hostile"), "JOB_QUEUE_URL": "memory://"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{args.port}", "--workers", "2",
         "--chdir", str(ROOT), "--log-level", "critical", "run:app"],
        env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                if Client(args.port, timeout=2).request("GET", "/healthz")[0] == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        else:
            print(f"{kind}: the server did not come up on port {args.port}")
            return
        requests = build_requests(args.port, ctx)
        stop, baseline, failures = threading.Event(), [], Counter()
        prober = threading.Thread(target=probe, args=(args.port, stop, baseline, failures), daemon=True)
        prober.start()
        time.sleep(args.baseline)
        stop.set()
        prober.join()
        stop, during, burst_failures = threading.Event(), [], Counter()
        prober = threading.Thread(target=probe, args=(args.port, stop, during, burst_failures, PROBE_DURING),
                                  daemon=True)
        prober.start()
        began = time.perf_counter()
        timings: dict[str, list[float]] = {}
        outcomes = burst(args.port, requests, args.threads, args.deadline, timings)
        took = time.perf_counter() - began
        stop.set()
        prober.join(TIMEOUT + 1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    print(f"== {kind}: {len(outcomes)} hostile requests from {args.threads} threads in {took:.1f} s; "
          f"gunicorn 2 sync workers")
    print(f"/healthz baseline      {percentiles(baseline)}" + (f"  failures {dict(failures)}" if failures else ""))
    print(f"/healthz during burst  {percentiles(during)}"
          + (f"  failures {dict(burst_failures)}" if burst_failures else ""))
    worst = max(during) if during else float("inf")
    print(f"target: /healthz under {TARGET_MS:.0f} ms throughout the burst: "
          + ("MET" if worst < TARGET_MS and not burst_failures else f"NOT MET (max {worst:.0f} ms)"))
    print("status codes: " + ", ".join(f"{o}: {n}" for o, n in sorted(Counter(o for _, o in outcomes.values()).items())))
    by_kind: dict[str, Counter] = {}
    for request_kind, outcome in outcomes.values():
        by_kind.setdefault(request_kind, Counter())[outcome] += 1
    for request_kind in MIX:
        counts = by_kind.get(request_kind, Counter())
        flag = "  <- 5xx / no answer" if any(not o.isdigit() or o.startswith("5") for o in counts) else ""
        took_ms = sorted(timings.get(request_kind, []))
        latency = f"  latency median {took_ms[len(took_ms) // 2]:6.1f} ms, max {took_ms[-1]:6.1f} ms" if took_ms else ""
        print(f"  {request_kind:<17} " + ", ".join(f"{o}×{n}" for o, n in sorted(counts.items())).ljust(9) + latency + flag)
    for line in check_database(kind, ctx, outcomes):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql, or both: sqlite,postgresql")
    parser.add_argument("--threads", type=int, default=12)
    parser.add_argument("--port", type=int, default=5093)
    parser.add_argument("--baseline", type=float, default=3.0, help="seconds of /healthz probing before the burst")
    parser.add_argument("--deadline", type=float, default=150.0, help="seconds after which the burst is abandoned")
    args = parser.parse_args()
    for kind in args.database.split(","):
        run(kind, args)


if __name__ == "__main__":
    main()
