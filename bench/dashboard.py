"""Dashboard server time with 50 segments (target: p95 ≤ 300 ms).

Seeds the demo data, runs the real analysis of the three demo questionnaires once, then builds
runs whose results hold every kind at once (ACSI model, NPS, complaints, Kano) for 50 segments
("store=s01" ... "store=s50", each a copy of a demo segment's payload with its indices shifted
so the segments differ), plus earlier runs of the same questionnaire for the trend and the
change marks. Then times ``GET /reports/runs/<id>/dashboard`` with the Flask test client, signed
in as a viewer: server time including the queries, the view model, every plotly figure and the
template; not the network or the browser. "cold": the figure cache is emptied before every
request (the first view of a run in a worker process); "warm": the figures of the run are cached
(every later view: a succeeded run's results never change).

    .venv/bin/python bench/dashboard.py                       # SQLite file in a temp folder
    .venv/bin/python bench/dashboard.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_dashboard
"""
from __future__ import annotations

import argparse
import copy
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from models import AnalysisResult, AnalysisRun, Base  # noqa: E402
from survey.app import create_app  # noqa: E402
from survey.db import get_session  # noqa: E402
from survey.services.accounts import create_user  # noqa: E402
from survey.services.analysis_runs import run_results  # noqa: E402
from survey.services.demo import seed_demo, seed_demo_analysis  # noqa: E402
from bench_support import ensure_postgresql_database  # noqa: E402

PASSWORD = "bench password not secret"
TARGET_MS = 300.0


def _shift(payload: dict, kind: str, amount: float) -> dict:
    """A copy of a segment payload with its headline numbers moved by ``amount``."""
    payload = copy.deepcopy(payload)
    if kind == "acsi" and "indices" in payload:
        for index in payload["indices"]["indices"]:
            index["value"] = min(100.0, max(0.0, index["value"] + amount))
    elif kind.startswith("nps:") and payload.get("nps") is not None:
        for key in ("nps", "ci_low", "ci_high"):
            payload[key] = payload[key] + amount
    return payload


def seed_runs(session, *, segments: int, history: int) -> int:
    """The demo analysis plus ``history`` + 1 combined runs with ``segments`` segments; returns
    the id of the newest one."""
    seed_demo(session)
    session.commit()
    demo_runs = seed_demo_analysis(session)
    merged: dict[tuple[str, str], dict] = {}
    for run_id in demo_runs:
        merged.update(run_results(session, run_id))
    base_segments = sorted({s for _k, s in merged if s != "all"})
    kinds = sorted({k for k, _s in merged if k != "meta"})
    meta = merged[("meta", "all")]
    version_ids = meta["parameters"]["version_ids"]
    newest = 0
    for number in range(history + 1):
        labels = [f"store=s{i:02d}" for i in range(1, segments + 1)]
        run = AnalysisRun(status="succeeded", progress=1.0, stage="done",
                          questionnaire_id=session.get(AnalysisRun, demo_runs[-1]).questionnaire_id,
                          parameters={**meta["parameters"], "version_ids": version_ids,
                                      "segment_dimensions": ["store"]})
        session.add(run)
        session.flush()
        rows = [AnalysisResult(run_id=run.id, kind="meta", segment="all",
                               payload={**meta, "segments": ["all", *labels]})]
        drift = (number - history) * 0.8
        for kind in kinds:
            rows.append(AnalysisResult(run_id=run.id, kind=kind, segment="all",
                                       payload=_shift(merged[(kind, "all")], kind, drift)))
            for position, label in enumerate(labels):
                source = merged.get((kind, base_segments[position % len(base_segments)]))
                if source is not None:
                    rows.append(AnalysisResult(run_id=run.id, kind=kind, segment=label,
                                               payload=_shift(source, kind, drift + (position % 9 - 4) * 0.7)))
        session.add_all(rows)
        session.commit()
        newest = run.id
    return newest


def _login(client, email: str) -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, "login failed"




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--segments", type=int, default=50)
    parser.add_argument("--history", type=int, default=4, help="earlier runs (trend points) before the timed one")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="xinsheng-bench-dashboard-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    ensure_postgresql_database(url, fresh=True)
    app = create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(folder)},
                      "SQLALCHEMY_DATABASE_URL": url, "JOB_QUEUE_URL": "memory://", "JOB_QUEUE_IMMEDIATE": True})
    if "reports" not in app.blueprints:
        from survey.reports.views import bp
        app.register_blueprint(bp)
    engine = app.extensions["sqlalchemy_engine"]
    Base.metadata.create_all(engine)
    started = time.perf_counter()
    with app.app_context():
        session = get_session()
        create_user(session, email="viewer@example.com", password=PASSWORD, role="viewer")
        session.commit()
        run_id = seed_runs(session, segments=args.segments, history=args.history)
    print(f"seeded in {time.perf_counter() - started:.1f} s on {engine.dialect.name}: run {run_id}, "
          f"{args.segments} segments × (ACSI, NPS, complaints, Kano), {args.history} earlier runs")

    client = app.test_client()
    _login(client, "viewer@example.com")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for lang in ("en", "zh_CN"):
        path = f"/reports/runs/{run_id}/dashboard?lang={lang}"
        for _ in range(3):  # warm-up: template compilation, plotly imports
            response = client.get(path)
            assert response.status_code == 200, response.status_code
        cache = app.extensions["reports_figure_cache"]  # filled by the view
        for mode in ("cold", "warm"):
            statements.clear()
            timings = []
            for _ in range(args.requests):
                if mode == "cold":
                    cache.clear()  # figures built anew, as on the first view of a run
                begin = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200
            body = response.get_data(as_text=True)
            timings.sort()
            p50 = statistics.median(timings)
            p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
            print(f"dashboard {lang:5s} {mode} {args.segments} segments: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                  f"max {timings[-1]:6.1f} ms  ({args.requests} requests, {len(statements) / args.requests:.0f} "
                  f"queries/request, {body.count('Plotly.newPlot')} figures, {len(body) / 1024:.0f} KiB)  "
                  f"target p95 ≤ {TARGET_MS:.0f} ms: {'met' if p95 <= TARGET_MS else 'NOT met'}")
    engine.dispose()


if __name__ == "__main__":
    main()
