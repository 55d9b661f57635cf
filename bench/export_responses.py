"""Response exports, measured: N responses to a realistic 15-variable questionnaire exported as
CSV, XLSX and SPSS .sav, each format in a fresh subprocess (so its peak memory is its own), on
SQLite and on PostgreSQL. Target at 1,000,000 responses: CSV in ≤ 30 s with peak RSS ≤ 300 MB.

    .venv/bin/python bench/export_responses.py                       # 1,000,000, both databases
    .venv/bin/python bench/export_responses.py --responses 100000 --databases sqlite --formats csv,sav

PostgreSQL: BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_export). The data are inserted once
and reused while the count matches. Peak RSS is VmHWM from /proc/self/status (not ru_maxrss,
which a child inherits from its parent across exec).

The questionnaire (15 answer variables): nine 1–10 satisfaction items in a matrix (with "don't
know", chosen by 2 % of respondents), NPS, region (single choice), channels used (multiple choice,
4 choices → 4 columns), a Kano pair (2 variables) and a free-text comment (Chinese, in 30 % of
responses, some starting with '=' to exercise the formula escaping). Segments: region, tier,
product.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench_support import peak_rss_mb  # noqa: E402
from models import Base  # noqa: E402
from survey.db import make_engine  # noqa: E402
from survey.questionnaire import document as doc  # noqa: E402
from survey.services import questionnaires  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/xinsheng_bench_export"
T = doc.Texts
ITEMS = [f"CS{i}" for i in range(1, 10)]
REGIONS = ["north", "south", "east", "west"]
CHANNELS = ["web", "app", "store", "phone"]
KANO = list(doc.KANO_ANSWER_CODES)
COMMENTS = ["物流很快，包装完好，客服态度也很好。", "价格偏高，希望多一些优惠活动", "=HYPERLINK(\"http://x\")",
            "App 经常闪退，体验不好；希望尽快修复", "还行", "-- 没有意见 --", "服务一般般，等待时间太长了，电话总是占线"]


def questionnaire_document() -> doc.Questionnaire:
    rows = tuple(doc.MatrixRow(code, T(f"满意度项目 {code}", f"Satisfaction item {code}")) for code in ITEMS)
    questions = (
        doc.Question("sat", "matrix", T("请评价以下方面", "Please rate"), rows=rows,
                     settings=doc.ScaleSettings(1, 10, T("非常不满意", "Very dissatisfied"),
                                                T("非常满意", "Very satisfied"), True)),
        doc.Question("NPS", "nps", doc.nps_text(T("我们", "us"))),
        doc.Question("region", "single_choice", T("您所在的地区", "Your region"),
                     choices=tuple(doc.Choice(c, T(f"{c}区", c.title())) for c in REGIONS)),
        doc.Question("channels", "multiple_choice", T("您用过的渠道", "Channels used"),
                     choices=tuple(doc.Choice(c, T(f"渠道{c}", c.title())) for c in CHANNELS)),
        doc.Question("delivery", "kano", T("次日达", "Next-day delivery"),
                     settings=doc.KanoSettings(T("次日达", "next-day delivery"))),
        doc.Question("comment", "long_text", T("其他意见", "Other comments")),
    )
    return doc.Questionnaire(T("客户满意度", "Customer satisfaction"),
                             (doc.Page("p1", T("问卷", "Survey"), questions),), kind="acsi")


def database_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{OUT / 'exports.sqlite3'}"
    return os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)


def answer_documents(lo: int, hi: int) -> tuple[list[str], list[str]]:
    """Answers and segments (JSON text) of responses lo…hi-1, reproducible from a seed."""
    rng = np.random.default_rng(lo)
    n = hi - lo
    scores = rng.integers(1, 11, size=(n, len(ITEMS)))
    dont_know = rng.random((n, len(ITEMS))) < 0.02
    nps = rng.integers(0, 11, size=n)
    region = rng.integers(0, len(REGIONS), size=n)
    channels = rng.random((n, len(CHANNELS))) < 0.4
    kano = rng.integers(0, len(KANO), size=(n, 2))
    comment = np.where(rng.random(n) < 0.3, rng.integers(0, len(COMMENTS), size=n), -1)
    tiers = rng.integers(0, 3, size=n)
    answers, segments = [], []
    for i in range(n):
        record: dict[str, object] = {
            code: ("dont_know" if dont_know[i, j] else int(scores[i, j])) for j, code in enumerate(ITEMS)}
        record["NPS"] = int(nps[i])
        record["region"] = REGIONS[region[i]]
        record["channels"] = [c for c, chosen in zip(CHANNELS, channels[i]) if chosen]
        record["delivery_f"], record["delivery_d"] = KANO[kano[i, 0]], KANO[kano[i, 1]]
        if comment[i] >= 0:
            record["comment"] = COMMENTS[comment[i]]
        answers.append(json.dumps(record, ensure_ascii=False))
        segments.append(json.dumps({"region": REGIONS[region[i]], "tier": ["金卡", "银卡", "普通"][tiers[i]],
                                    "product": "宽带" if i % 2 else "手机"}, ensure_ascii=False))
    return answers, segments


def prepare(kind: str, n: int) -> None:
    """Create the database with the questionnaire and N complete responses (kept between runs)."""
    url = database_url(kind)
    if kind == "postgresql":
        parsed = make_url(url)
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": parsed.database}):
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    else:
        OUT.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    with engine.connect() as connection:
        try:
            have = connection.scalar(text("SELECT count(*) FROM responses"))
        except Exception:  # noqa: BLE001 - no tables on the first run
            have = None
    if have == n:
        engine.dispose()
        return
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        version = questionnaires.create_questionnaire(session, questionnaire_document())
        questionnaires.publish(session, version)
        session.commit()
        version_id = version.id
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        step = 50_000
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            answers, segments = answer_documents(lo, hi)
            if kind == "postgresql":
                with cursor.copy("COPY responses (id, version_id, resume_token, status, channel, language, "
                                 "segment, answers, last_page, started_at, submitted_at) FROM STDIN") as copy:
                    for i, (answer, segment) in enumerate(zip(answers, segments), start=lo + 1):
                        copy.write_row((i, version_id, f"r{i}", "complete", "web", "zh_CN", segment, answer, 0,
                                        "2026-01-01 08:00:00+00", "2026-01-01 08:05:00+00"))
            else:
                cursor.executemany(
                    "INSERT INTO responses (id, version_id, resume_token, status, channel, language, segment, "
                    "answers, last_page, started_at, submitted_at) VALUES (?, ?, ?, 'complete', 'web', 'zh_CN', "
                    "?, ?, 0, '2026-01-01 08:00:00.000000', '2026-01-01 08:05:00.000000')",
                    [(i, version_id, f"r{i}", s, a) for i, (a, s) in enumerate(zip(answers, segments), start=lo + 1)])
            raw.commit()
        cursor.close()
    finally:
        raw.close()
    if kind == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE responses"))
    engine.dispose()
    print(f"  prepared {kind}: {n:,} responses in {time.perf_counter() - started:.1f} s", flush=True)


def child(kind: str, export_format: str) -> None:
    """Run one export and print its figures as JSON (called in a subprocess)."""
    from survey.services.exports import ExportOptions, csv_chunks, prepare_export, write_export_file

    engine = make_engine(database_url(kind))
    with Session(engine) as session:
        questionnaire_id, version_id = session.execute(
            text("SELECT questionnaire_id, id FROM questionnaire_versions")).one()
        before = peak_rss_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        export = prepare_export(session, questionnaire_id, ExportOptions(
            version_ids=(version_id,), format=export_format, language="zh_CN"))
    size = rows = 0
    if export_format == "csv":
        with open(os.devnull, "wb") as sink:
            for chunk in csv_chunks(engine, export):
                size += len(chunk)
                rows += chunk.count(b"\r\n")
                sink.write(chunk)
        rows -= 1  # the header
    else:
        path = write_export_file(engine, export, directory=str(OUT))
        size = path.stat().st_size
        if export_format == "sav":
            import pyreadstat

            _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
            rows = meta.number_rows
            assert meta.column_labels[meta.column_names.index("CS1")] == "请评价以下方面 – 满意度项目 CS1"
        else:
            rows = -1  # counting XLSX rows would mean reading it back
        path.unlink()
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": time.process_time() - cpu_started, "peak_mb": peak_rss_mb(),
                      "start_mb": before, "megabytes": size / 1e6}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--formats", default="csv,sav,xlsx")
    parser.add_argument("--child", nargs=2, metavar=("DB", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"Exporting {args.responses:,} complete responses (15 answer variables, 28 columns)")
    print(f"{'database':<11} {'format':<6} {'seconds':>8} {'CPU s':>7} {'rows/s':>10} {'peak RSS MB':>12} {'file MB':>8}")
    for kind in args.databases.split(","):
        prepare(kind, args.responses)
        for export_format in args.formats.split(","):
            out = subprocess.run([sys.executable, __file__, "--child", kind, export_format],
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            assert result["rows"] in (args.responses, -1), result
            print(f"{kind:<11} {export_format:<6} {result['seconds']:>8.1f} {result['cpu_seconds']:>7.1f} "
                  f"{args.responses / result['seconds']:>10,.0f} {result['peak_mb']:>12.0f} "
                  f"{result['megabytes']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
