"""The response inbox at 1,000,000 responses: server time of its pages, measured in-process
(Flask's test client: routing, the queries, the template; no network) on PostgreSQL (the
production database) and optionally SQLite. Target: p95 ≤ 200 ms for the first page and for a
filtered page.

The responses are bench/export_responses.py's (15 answer variables, segments region / tier /
product, a Chinese comment in 30 %), in a database of their own. Each page is requested
``--repeat`` times (after one warm-up); printed: p50 / p95 / max and the rows it showed.

    .venv/bin/python bench/inbox.py                                   # PostgreSQL, 1,000,000
    .venv/bin/python bench/inbox.py --database sqlite --responses 200000

PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_inbox).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_inbox"
TARGET_MS = 200.0
PAGES = {
    "first page": "",
    "filtered: segment tier = 金卡": "segment_key=tier&segment_value=金卡",
    "filtered: answer NPS = 10": "answer_key=NPS&answer_value=10",
    "filtered: list answer channels has app": "answer_key=channels&answer_value=app",
    "filtered: complete, tier 银卡, January": "status=complete&segment_key=tier&segment_value=银卡&from=2026-01-01&to=2026-01-31",
    "page 10,000 (before = the middle id)": "before={middle}",
    "search the text answers: 闪退": "q=闪退",
    "worst case, nothing matches: answer NPS = 99": "answer_key=NPS&answer_value=99",
    "first page with the match count (count=1)": "count=1",
    "per-question results, tier = 金卡 (a third: 333,000 rows)": "results:segment_key=tier&segment_value=金卡",
}
CORE = ("first page", "filtered: segment tier = 金卡")


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], ordered[-1]


def run(kind: str, n: int, repeat: int) -> None:
    if kind == "postgresql":
        url = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
        os.environ["BENCH_DATABASE_URL"] = url
    else:
        url = f"sqlite:///{ROOT / 'bench' / 'out' / 'inbox.sqlite3'}"
    import export_responses

    from bench_support import ensure_postgresql_database
    from survey.db import make_engine

    if kind == "sqlite":
        export_responses.database_url = lambda _kind: url  # its own file, not the exports benchmark's
    engine = make_engine(url) if kind == "sqlite" or _exists(url) else None
    if engine is not None:
        if _schema_is_older(engine):  # a database made before the models changed: start again
            engine.dispose()
            if kind == "postgresql":
                ensure_postgresql_database(url, fresh=True)
            else:
                Path(url[len("sqlite:///"):]).unlink()
        else:
            engine.dispose()
    export_responses.prepare(kind, n)

    from survey.app import create_app
    from survey.db import get_session
    from survey.services.accounts import create_user
    from models import Questionnaire, Response, User
    from sqlalchemy import func, select

    app = create_app({"ENVIRON": {"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(ROOT / "bench" / "out")},
                      "SQLALCHEMY_DATABASE_URL": url, "JOB_QUEUE_URL": "memory://", "RATELIMIT_ENABLED": False})
    with app.app_context():
        db = get_session()
        qid = db.scalars(select(Questionnaire.id)).first()
        low, high = db.execute(select(func.min(Response.id), func.max(Response.id))).one()
        if db.scalars(select(User).where(User.email == "bench@example.com")).first() is None:
            create_user(db, email="bench@example.com", password="bench-password-2026", role="designer")
            db.commit()
    client = app.test_client()
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    reply = client.post("/auth/login", data={"csrf_token": token, "email": "bench@example.com",
                                             "password": "bench-password-2026"})
    assert reply.status_code == 302, reply.status_code
    print(f"== {kind}: {n:,} responses; {repeat} requests per page after one warm-up; server time in-process")
    met = True
    for name, query in PAGES.items():
        if query.startswith("results:"):
            path = f"/responses/{qid}/results?lang=zh_CN&" + query[len("results:"):]
        else:
            path = f"/responses/{qid}?lang=zh_CN&" + query.format(middle=(low + high) // 2)
        reply = client.get(path)
        rows = reply.get_data(as_text=True).count("<td><a href=")
        samples = []
        for _ in range(repeat):
            began = time.perf_counter()
            reply = client.get(path)
            samples.append((time.perf_counter() - began) * 1000)
            assert reply.status_code == 200, (path, reply.status_code)
        p50, p95, worst = percentiles(samples)
        flag = ""
        if name in CORE:
            ok = p95 <= TARGET_MS
            met &= ok
            flag = "  (target ≤ 200 ms: " + ("met" if ok else "NOT MET") + ")"
        print(f"  {name:<58} p50 {p50:7.1f}  p95 {p95:7.1f}  max {worst:7.1f} ms  rows {rows}{flag}")
    print(f"target: first page and a filtered page p95 ≤ {TARGET_MS:.0f} ms: {'MET' if met else 'NOT MET'}")


def _schema_is_older(engine) -> bool:
    """True when a table the models know lacks one of their columns (tables not made yet are the
    export benchmark's business)."""
    from sqlalchemy import inspect

    from models import Base

    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        if inspector.has_table(table.name):
            have = {c["name"] for c in inspector.get_columns(table.name)}
            if set(table.columns.keys()) - have:
                return True
    return False


def _exists(url: str) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": parsed.database})
    admin.dispose()
    return bool(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgresql", help="postgresql, sqlite, or both: postgresql,sqlite")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    # (the per-question results page reads every selected row: fewer repeats would do, but the
    # figure is printed the same way)
    args = parser.parse_args()
    for kind in args.database.split(","):
        run(kind, args.responses, args.repeat)


if __name__ == "__main__":
    main()
