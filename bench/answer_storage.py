"""How answers are stored, measured: load N complete responses × 15 items into a DataFrame.

Compares our layout — one JSON document per response, items extracted in the database
(``survey.services.response_matrix``) — with the usual alternative, an entity-attribute-value
table (one row per answer, 15 × N rows) pivoted in numpy, on SQLite and on PostgreSQL.
Each load runs in a fresh subprocess so its peak memory is its own.

    .venv/bin/python bench/answer_storage.py                 # 1,000,000 responses, both databases
    .venv/bin/python bench/answer_storage.py --responses 100000 --databases sqlite

PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from models import Base  # noqa: E402
from survey.db import make_engine  # noqa: E402
from survey.services.response_matrix import load_numeric_answers  # noqa: E402
from bench_support import ensure_postgresql_database, peak_rss_mb  # noqa: E402

ITEMS = [f"ITEM{i:02d}" for i in range(1, 16)]
OUT = ROOT / "bench" / "out"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench"


def database_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{OUT / 'answers.sqlite3'}"
    return os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)


def answers_matrix(n: int) -> np.ndarray:
    return np.random.default_rng(7).integers(1, 11, size=(n, len(ITEMS)), dtype=np.int16)


def prepare(kind: str, n: int) -> None:
    """Create the database with N responses in both layouts (skipped when already there)."""
    url = database_url(kind)
    ensure_postgresql_database(url, fresh=False)
    OUT.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    with engine.connect() as connection:
        try:
            have = connection.scalar(text("SELECT count(*) FROM responses"))
            have_eav = connection.scalar(text("SELECT count(*) FROM answers_eav"))
        except Exception:  # noqa: BLE001 - tables missing on first run
            have = have_eav = None
    if have == n and have_eav == n * len(ITEMS):
        engine.dispose()
        return
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS answers_eav"))
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE answers_eav (response_id integer NOT NULL, variable_id smallint NOT NULL, "
            "value double precision, PRIMARY KEY (response_id, variable_id))"
        ))
        connection.execute(text("INSERT INTO workspaces (id, name) VALUES (1, 'bench')"))
        connection.execute(text("INSERT INTO questionnaires (id, title_zh, title_en, kind, status, workspace_id) "
                                "VALUES (1, '', 'bench', 'acsi', 'active', 1)"))
        connection.execute(text("INSERT INTO questionnaire_versions (id, questionnaire_id, number, state, title_zh, title_en, description_zh, description_en, default_language) VALUES (1, 1, 1, 'published', '', '', '', '', 'en')"))
    values = answers_matrix(n)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        step = 100_000
        for lo in range(0, n, step):
            block = values[lo:lo + step]
            docs = [json.dumps(dict(zip(ITEMS, map(int, row)))) for row in block]
            ids = range(lo + 1, lo + 1 + len(block))
            eav_ids = np.repeat(np.arange(lo + 1, lo + 1 + len(block)), len(ITEMS))
            eav_vars = np.tile(np.arange(1, len(ITEMS) + 1), len(block))
            eav_vals = block.reshape(-1)
            if kind == "postgresql":
                with cursor.copy("COPY responses (id, version_id, resume_token, status, channel, language, segment, answers, last_page) FROM STDIN") as copy:
                    for i, doc in zip(ids, docs):
                        copy.write_row((i, 1, f"r{i}", "complete", "web", "en", "{}", doc, 0))
                buf = io.StringIO()
                np.savetxt(buf, np.column_stack([eav_ids, eav_vars, eav_vals]), fmt="%d", delimiter="\t")
                with cursor.copy("COPY answers_eav (response_id, variable_id, value) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
            else:
                cursor.executemany(
                    "INSERT INTO responses (id, version_id, resume_token, status, channel, language, segment, answers, last_page, started_at) VALUES (?, 1, ?, 'complete', 'web', 'en', '{}', ?, 0, CURRENT_TIMESTAMP)",
                    [(i, f"r{i}", doc) for i, doc in zip(ids, docs)],
                )
                cursor.executemany(
                    "INSERT INTO answers_eav VALUES (?, ?, ?)",
                    zip(eav_ids.tolist(), eav_vars.tolist(), eav_vals.astype(float).tolist()),
                )
            raw.commit()
        cursor.close()
    finally:
        raw.close()
    with engine.begin() as connection:
        if kind == "postgresql":
            connection.execute(text("ANALYZE"))
    engine.dispose()
    print(f"  prepared {kind}: {n:,} responses in {time.perf_counter() - started:.1f} s", flush=True)


def load_eav(engine, n_items: int):
    """The alternative layout: fetch (response, variable, value) rows and pivot them."""
    import pandas as pd

    query = "SELECT response_id, variable_id, value FROM answers_eav ORDER BY response_id, variable_id"
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            buffer = io.BytesIO()
            with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            long = pd.read_csv(buffer, header=None, names=["r", "v", "x"], dtype={"r": "int64", "v": "int16", "x": "float64"}).to_numpy()
        else:
            cursor = raw.cursor()
            cursor.execute(query)
            blocks = []
            while rows := cursor.fetchmany(200_000):
                blocks.append(np.array(rows, dtype="float64"))
            long = np.concatenate(blocks)
    finally:
        raw.close()
    ids, row_index = np.unique(long[:, 0].astype(np.int64), return_inverse=True)
    matrix = np.full((len(ids), n_items), np.nan)
    matrix[row_index, long[:, 1].astype(np.int64) - 1] = long[:, 2]
    return pd.DataFrame(matrix, index=ids, columns=ITEMS)




def child(kind: str, layout: str) -> None:
    """Run one load and print its figures as JSON (called in a subprocess)."""
    engine = make_engine(database_url(kind))
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    before = peak_rss_mb()
    started = time.perf_counter()
    if layout == "json":
        frame = load_numeric_answers(engine, version_ids=[1], variables=ITEMS)
    else:
        frame = load_eav(engine, len(ITEMS))
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    assert frame.shape[1] == len(ITEMS)
    print(json.dumps({"rows": len(frame), "seconds": seconds, "peak_mb": peak,
                      "added_mb": peak - before, "checksum": float(frame.to_numpy().sum())}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=2, metavar=("DB", "LAYOUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    expected = float(answers_matrix(args.responses).sum(dtype=np.int64))
    print(f"Loading {args.responses:,} complete responses x {len(ITEMS)} items into a DataFrame")
    print(f"{'database':<11} {'layout':<28} {'seconds':>8} {'peak RSS MB':>12} {'added MB':>9} {'rows/s':>12}")
    for kind in args.databases.split(","):
        prepare(kind, args.responses)
        results = {}
        for layout, label in (("json", "JSON per response (ours)"), ("eav", "EAV rows + pivot")):
            out = subprocess.run([sys.executable, __file__, "--child", kind, layout],
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            assert result["rows"] == args.responses and result["checksum"] == expected, result
            results[layout] = result
            print(f"{kind:<11} {label:<28} {result['seconds']:>8.2f} {result['peak_mb']:>12.0f} "
                  f"{result['added_mb']:>9.0f} {args.responses / result['seconds']:>12,.0f}", flush=True)
        print(f"{kind:<11} {'ratio EAV / JSON time':<28} {results['eav']['seconds'] / results['json']['seconds']:>8.2f}")


if __name__ == "__main__":
    main()
