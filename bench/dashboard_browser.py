"""The dashboard in a real browser: bytes over the wire and time until every figure has drawn
(targets with 50 segments: ≤ 1 MB and ≤ 1.5 s).

Builds the runs of bench/dashboard.py (50 segments × ACSI, NPS, complaints and Kano, plus
earlier runs for the trend) in a SQLite file, serves the app with gunicorn on loopback twice —
as shipped ("light": plotly.js's basic bundle, compressed responses, versioned URLs cached a
year) and as before ("old": the plotly package's full bundle, nothing compressed;
bench/dashboard_browser_app.py) — and opens ``/reports/runs/<id>/dashboard`` in Debian's
Chromium (Playwright) as a signed-in viewer. Each run is a fresh browser context: the first
visit has an empty cache ("cold"), the second follows in the same context ("warm"). The modes
and languages take turns, so the machine's slower spells fall on all alike.

* bytes: the sum of Chromium's ``encodedDataLength`` of every response of the visit (Network
  domain over CDP: headers and bodies as they went over the wire; 0 for what came from the
  browser's cache).
* draw: ``performance.now()`` (ms since the navigation started) at the first animation frame in
  which every figure (``[data-figure]``) holds plotly's ``.main-svg``; on the same clock, "1st
  byte" is the page's ``responseStart`` (the server's share) and "plotly" the moment
  static/js/figures.js starts drawing (``xinsheng:figures-start``: plotly.js loaded and run).

The server's figure cache is warmed first (bench/dashboard.py measures the server's own time).

    .venv/bin/python bench/dashboard_browser.py [--runs 10] [--segments 50]
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import BrowserContext, sync_playwright  # noqa: E402

from dashboard import PASSWORD, seed_runs  # noqa: E402  (bench/dashboard.py)
from models import Base  # noqa: E402
from survey.app import create_app  # noqa: E402
from survey.db import get_session  # noqa: E402
from survey.services.accounts import create_user  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET_BYTES = 1_000_000
TARGET_MS = 1500.0
MODES = ("light", "old")
LANGS = ("zh_CN", "en")
DRAWN = """() => {
  const figures = [...document.querySelectorAll('[data-figure]')];
  return figures.length > 0 && figures.every(f => f.querySelector('.main-svg')) ? performance.now() : false;
}"""


def seed(url: str, folder: Path, segments: int) -> int:
    app = create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(folder)},
                      "SQLALCHEMY_DATABASE_URL": url, "JOB_QUEUE_URL": "memory://", "JOB_QUEUE_IMMEDIATE": True})
    engine = app.extensions["sqlalchemy_engine"]
    Base.metadata.create_all(engine)
    with app.app_context():
        session = get_session()
        create_user(session, email="viewer@example.com", password=PASSWORD, role="viewer")
        session.commit()
        run_id = seed_runs(session, segments=segments, history=4)
    engine.dispose()
    return run_id


def serve(mode: str, port: int, url: str, folder: Path, workers: int) -> subprocess.Popen:
    env = {**os.environ, "XINSHENG_ENV": "development", "DATABASE_URL": url, "XINSHENG_INSTANCE": str(folder),
           "JOB_QUEUE_URL": "memory://", "BENCH_DASHBOARD_DELIVERY": mode,
           "RATE_LIMIT_LOGIN_ACCOUNT": "100000 per minute", "RATE_LIMIT_LOGIN_ADDRESS": "100000 per minute"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--chdir", str(ROOT), "--log-level", "warning", "bench.dashboard_browser_app:app"],
        env=env, cwd=ROOT, start_new_session=True)
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"gunicorn ({mode}) did not answer on port {port}")


def sign_in(context: BrowserContext, base: str) -> None:
    """Through the context's request API: its cookies, none of the browser's cache."""
    html = context.request.get(f"{base}/auth/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    answer = context.request.post(f"{base}/auth/login", max_redirects=0,
                                  form={"email": "viewer@example.com", "password": PASSWORD, "csrf_token": token})
    assert answer.status == 302, f"sign-in failed: {answer.status}"


def visit(context: BrowserContext, url: str) -> tuple[int, float, float, float, int]:
    """(bytes over the wire, ms until every figure has drawn, ms until the page's first byte,
    ms until plotly.js was ready, figures) of one visit."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    received: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda event: received.__setitem__(event["requestId"],
                                                                          int(event["encodedDataLength"])))
    cdp.send("Network.enable")
    page.goto(url, wait_until="commit")
    drawn = page.wait_for_function(DRAWN, polling="raf", timeout=60_000).json_value()
    page.wait_for_load_state("load")
    figures = page.evaluate("() => document.querySelectorAll('[data-figure]').length")
    first_byte, ready = page.evaluate("() => [performance.getEntriesByType('navigation')[0].responseStart, "
                                      "performance.getEntriesByName('xinsheng:figures-start')[0].startTime]")
    page.wait_for_timeout(100)  # the last loadingFinished events reach us
    total = sum(received.values())
    cdp.detach()
    page.close()
    return total, float(drawn), float(first_byte), float(ready), figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="cold + warm visits per mode and language")
    parser.add_argument("--segments", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--port", type=int, default=5093, help="light; old uses the next port")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="xinsheng-bench-dashboard-browser-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    started = time.perf_counter()
    run_id = seed(url, folder, args.segments)
    print(f"seeded in {time.perf_counter() - started:.1f} s: run {run_id}, {args.segments} segments")
    ports = {"light": args.port, "old": args.port + 1}
    servers = {mode: serve(mode, ports[mode], url, folder, args.workers) for mode in MODES}
    results: dict[tuple[str, str, str], list[tuple[int, float, float, float]]] = {}
    figures = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for mode in MODES:  # warm-up: every worker builds the figures, Chromium starts its processes
                for lang in LANGS:
                    context = browser.new_context()
                    sign_in(context, f"http://127.0.0.1:{ports[mode]}")
                    for _ in range(2 * args.workers):
                        visit(context, f"http://127.0.0.1:{ports[mode]}/reports/runs/{run_id}/dashboard?lang={lang}")
                    context.close()
            for _ in range(args.runs):
                for mode in MODES:
                    for lang in LANGS:
                        base = f"http://127.0.0.1:{ports[mode]}"
                        context = browser.new_context(locale="zh-CN" if lang == "zh_CN" else "en-US")
                        sign_in(context, base)
                        for cache in ("cold", "warm"):
                            size, drawn, first_byte, ready, figures = visit(
                                context, f"{base}/reports/runs/{run_id}/dashboard?lang={lang}")
                            results.setdefault((mode, lang, cache), []).append((size, drawn, first_byte, ready))
                        context.close()
            browser.close()
    finally:
        for server in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    print(f"Chromium {CHROMIUM}, gunicorn {args.workers} workers per mode on loopback, {args.runs} runs per row, "
          f"{figures} figures per dashboard")
    print(f"{'mode':<6} {'lang':<6} {'cache':<5} {'KB p50':>8} {'KB p95':>8} {'draw p50 ms':>12} {'draw p95 ms':>12} "
          f"{'bytes vs old':>13} {'draw vs old':>12} {'1st byte p50':>13} {'plotly p50':>11}  "
          f"target (≤ 1 MB, ≤ 1.5 s)")
    for (mode, lang, cache), rows in results.items():
        sizes, times = [r[0] for r in rows], [r[1] for r in rows]
        old = results[("old", lang, cache)]
        byte_ratio = statistics.median(sizes) / max(1, statistics.median([r[0] for r in old]))
        time_ratio = statistics.median(times) / statistics.median([r[1] for r in old])
        met = percentile(sizes, 0.95) <= TARGET_BYTES and percentile(times, 0.95) <= TARGET_MS
        print(f"{mode:<6} {lang:<6} {cache:<5} {statistics.median(sizes) / 1000:>8.0f} "
              f"{percentile(sizes, 0.95) / 1000:>8.0f} {statistics.median(times):>12.0f} "
              f"{percentile(times, 0.95):>12.0f} {byte_ratio:>13.2f} {time_ratio:>12.2f} "
              f"{statistics.median(r[2] for r in rows):>13.0f} {statistics.median(r[3] for r in rows):>11.0f}  "
              f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
