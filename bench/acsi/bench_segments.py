"""Benchmark: ECSI fitted per segment — 50 segments × 20,000 respondents, 500 bootstrap resamples
each — against the seminr PyPI package, in one run.

    .venv/bin/python bench/acsi/bench_segments.py                  # default, about 3-4 minutes
    .venv/bin/python bench/acsi/bench_segments.py --segments 10 --no-seminr

Data: ``simulate_acsi`` (1–10 answers) with a different image shift per segment, one frame of
segments × n rows and a ``segment`` column. Timed (wall clock, one run each, in a child process
with OMP/OPENBLAS/MKL_NUM_THREADS = 1, as in bench_pls: on a small busy machine multi-threaded
BLAS is the slower of the two):

* ``fit_segments(..., segment="segment")`` — "all" (N = segments × n) plus every segment, no
  bootstrap;
* every segment on its own with ``resamples=500`` and index intervals
  (``fit_segments(spec, rows, resamples=500)`` per segment; "all" is not bootstrapped), with
  ``--n-jobs`` worker processes per bootstrap;
* seminr: ``estimate_pls`` on every segment, and ``bootstrap_model(nboot=--seminr-resamples,
  cores=1)`` on one segment, extrapolated linearly to 500 resamples × all segments (marked "est.").
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def segmented_frame(segments: int, n: int):
    import pandas as pd

    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi

    spec = BUILTIN_MODELS["ecsi"]
    parts = []
    for k in range(segments):
        frame = simulate_acsi(n, seed=1000 + k, spec=spec, discretize=(1, 10),
                              latent_shift={"image": 0.02 * (k - segments / 2)}).frame
        frame["segment"] = f"s{k:02d}"
        parts.append(frame)
    return spec, pd.concat(parts, ignore_index=True)


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def run_acsi(args: argparse.Namespace) -> list[dict]:
    from acsi.segment_fit import fit_segments

    spec, frame = segmented_frame(args.segments, args.n)
    fit_segments(spec, frame.head(2000), resamples=20, seed=0)  # warm-up
    seconds, fits = timed(lambda: fit_segments(spec, frame, segment="segment"))
    rows = [{"operation": f"fit_segments: all + {args.segments} segments x {args.n:,}, no bootstrap",
             "acsi": seconds, "seminr": None}]
    groups = [rows for _, rows in frame.groupby("segment")]
    seconds, fits = timed(lambda: [fit_segments(spec, rows, resamples=args.resamples, seed=1, n_jobs=args.n_jobs)[0]
                                   for rows in groups])
    fitted = sum(f.status == "fitted" for f in fits)
    rows.append({"operation": f"{fitted} segments: fit + bootstrap {args.resamples} + index CIs "
                              f"(n_jobs={args.n_jobs})", "acsi": seconds, "seminr": None})
    return rows


def run_seminr(args: argparse.Namespace) -> list[dict]:
    import seminr

    spec, frame = segmented_frame(args.segments, args.n)
    measurement = seminr.constructs(*[seminr.composite(c.name, list(c.items)) for c in spec.constructs])
    structural = seminr.relationships(*[seminr.paths(from_=s, to=t) for s, t in spec.paths])
    groups = [rows.drop(columns="segment") for _, rows in frame.groupby("segment")]
    seconds, _ = timed(lambda: [seminr.estimate_pls(g, measurement, structural) for g in groups])
    model = seminr.estimate_pls(groups[0], measurement, structural)
    boot, _ = timed(lambda: seminr.bootstrap_model(model, nboot=args.seminr_resamples, seed=1, cores=1))
    estimate = boot * args.resamples / args.seminr_resamples * args.segments
    return [{"operation": "seminr estimate_pls on every segment", "seminr": seconds},
            {"operation": f"seminr bootstrap_model {args.seminr_resamples} on one segment", "seminr": boot},
            {"operation": f"seminr bootstrap {args.resamples} x {args.segments} segments (est.)", "seminr": estimate}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=50)
    parser.add_argument("--n", type=int, default=20_000, help="respondents per segment")
    parser.add_argument("--resamples", type=int, default=500)
    parser.add_argument("--n-jobs", type=int, default=1, help="bootstrap worker processes per segment")
    parser.add_argument("--seminr-resamples", type=int, default=10)
    parser.add_argument("--no-seminr", action="store_true")
    parser.add_argument("--part", choices=["parent", "acsi", "seminr"], default="parent", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part != "parent":
        print(json.dumps(run_acsi(args) if args.part == "acsi" else run_seminr(args)))
        return
    base = [sys.executable, __file__, "--segments", str(args.segments), "--n", str(args.n), "--resamples",
            str(args.resamples), "--n-jobs", str(args.n_jobs), "--seminr-resamples", str(args.seminr_resamples)]
    rows = []
    for part in ["acsi"] + ([] if args.no_seminr else ["seminr"]):
        done = subprocess.run(base + ["--part", part], env={**os.environ, **SINGLE_THREAD}, check=True,
                              capture_output=True, text=True)
        rows += json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'operation':<72} {'acsi (s)':>9} {'seminr (s)':>11}")
    for row in rows:
        ours = f"{row['acsi']:9.2f}" if row.get("acsi") is not None else f"{'-':>9}"
        theirs = f"{row['seminr']:11.2f}" if row.get("seminr") is not None else f"{'-':>11}"
        print(f"{row['operation']:<72} {ours} {theirs}")
    print(f"({args.segments} segments x {args.n:,} respondents, ECSI, 1 BLAS thread per process, one run each)")


if __name__ == "__main__":
    main()
