"""A full analysis run from the database to stored results: 1,000,000 ACSI responses in 50
segments (target ≤ 60 s on PostgreSQL).

Publishes the ACSI template, loads N synthetic responses (``acsi.synthetic.simulate_acsi`` with a
latent shift per segment, so segments differ) with ``COPY``, then times
``survey.services.analysis_runs.execute_run`` — bulk load, the PLS model, indices and validity for
"all" and each of the 50 segments, and the single transaction that stores the results — and
reports its peak memory (VmHWM). Data preparation is timed separately.

    .venv/bin/python bench/analysis_run.py                       # PostgreSQL, 1,000,000 responses
    .venv/bin/python bench/analysis_run.py --responses 100000 --bootstrap 100
    .venv/bin/python bench/analysis_run.py --bootstrap 500 --previous-wave   # + the change test

With ``--previous-wave`` an earlier wave of as many responses is loaded and analysed first
(untimed); the timed run then also loads that wave and tests its change against it.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from acsi.synthetic import simulate_acsi  # noqa: E402
from models import AnalysisRun, Base  # noqa: E402
from survey.app import create_app  # noqa: E402
from survey.db import get_session  # noqa: E402
from survey.questionnaire.templates import acsi_standard  # noqa: E402
from survey.services.analysis_pipeline import AnalysisParameters  # noqa: E402
from survey.services.analysis_runs import create_run, execute_run  # noqa: E402
from survey.services.questionnaires import create_questionnaire, publish  # noqa: E402
from bench_support import ensure_postgresql_database, peak_rss_mb  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_analysis"




WAVE_DATES = ("2026-11-01T00:00:00+00:00", "2026-08-01T00:00:00+00:00")  # this wave, the previous one
CUTOFF = datetime(2026, 10, 1, tzinfo=UTC)


def prepare(url: str, n: int, segments: int, waves: int = 1) -> int:
    ensure_postgresql_database(url, fresh=True)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        version_id = version.id
    rng = np.random.default_rng(11)
    per = n // segments
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            for s, submitted in ((s, date) for date in WAVE_DATES[:waves] for s in range(segments)):
                shift = float(rng.normal(0, 0.3))
                frame = simulate_acsi(per, seed=rng, discretize=(1, 10), binary_items={"COMP": 0.15},
                                      latent_shift={"quality": shift, "satisfaction": shift / 2}).frame
                codes = [c.lower() for c in frame.columns]
                values = frame.to_numpy(dtype=np.int64)
                comp = codes.index("comp")
                segment = json.dumps({"store": f"s{s + 1:02d}"})
                with cursor.copy("COPY responses (version_id, resume_token, status, channel, language, segment, answers, last_page, submitted_at) FROM STDIN") as copy:
                    for i, row in enumerate(values):
                        answers = {c: int(v) for c, v in zip(codes, row)}
                        answers["comp"] = "yes" if row[comp] else "no"
                        copy.write_row((version_id, f"b{s}-{i}-{submitted[5:7]}", "complete", "import", "zh_CN",
                                        segment, json.dumps(answers), 0, submitted))
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as connection:
        connection.execute(text("ANALYZE responses"))
    engine.dispose()
    return version_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--segments", type=int, default=50)
    parser.add_argument("--bootstrap", type=int, default=0)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--previous-wave", action="store_true",
                        help="also load an earlier wave of as many responses and run it first (not timed): the "
                             "timed run then tests its change against it")
    args = parser.parse_args()
    started = time.perf_counter()
    waves = 2 if args.previous_wave else 1
    version_id = prepare(args.database_url, args.responses, args.segments, waves)
    print(f"prepared {waves} x {args.responses:,} responses in {args.segments} segments in "
          f"{time.perf_counter() - started:.1f} s")
    app = create_app({"ENVIRON": {"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(ROOT / "bench" / "out" / "instance")},
                      "SQLALCHEMY_DATABASE_URL": args.database_url, "JOB_QUEUE_URL": "memory://"})
    with app.app_context():
        session = get_session()
        if args.previous_wave:
            first = create_run(session, AnalysisParameters(version_ids=(version_id,), segment_dimensions=("store",),
                                                           bootstrap=0, submitted_to=CUTOFF))
            session.commit()
            execute_run(session, first.id)
            print(f"previous wave: run {first.id} {session.get(AnalysisRun, first.id).status} (not timed)")
        run = create_run(session, AnalysisParameters(version_ids=(version_id,), segment_dimensions=("store",),
                                                     bootstrap=args.bootstrap,
                                                     submitted_from=CUTOFF if args.previous_wave else None))
        session.commit()
        before = peak_rss_mb()
        began = time.perf_counter()
        execute_run(session, run.id)
        seconds = time.perf_counter() - began
        done = session.get(AnalysisRun, run.id)
        session.refresh(done)
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"run {done.id}: {done.status} in {seconds:.1f} s with ANALYSIS_JOBS={app.config['ANALYSIS_JOBS']}; "
              f"{len(done.results)} stored results; "
              f"peak RSS {peak_rss_mb():.0f} MB (before the run {before:.0f} MB; largest worker process "
              f"{workers:.0f} MB); "
              f"{args.responses / seconds:,.0f} responses/s; error: {done.error}")
        change = next((r.payload for r in done.results if r.kind == "change_tests"), None)
        if change is not None:
            print("change tests: " + "; ".join(f"{t['metric']} {t['difference']:+.3f} p(Holm) {t['p_value_holm']:.3g}"
                                               for t in change["tests"]) + f"; notes {change['notes']}")
    app.extensions["sqlalchemy_engine"].dispose()


if __name__ == "__main__":
    main()
