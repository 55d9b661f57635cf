"""Benchmark the PLS engine against the seminr PyPI package, in one run.

    .venv/bin/python bench/acsi/bench_pls.py            # default run, well under 2 minutes
    .venv/bin/python bench/acsi/bench_pls.py --no-seminr --sizes 100000 1000000 --repeat 5

Prints, for the ECSI model on synthetic 1–10 data (``acsi.synthetic.simulate_acsi``):

* one PLS fit (path scheme) at each ``--sizes`` N (best of ``--repeat``), BLAS threads as set
  in the environment;
* the same fits and a bootstrap of ``--resamples`` resamples at N = 1,000 on one core: that
  part runs in a child process started with OMP_NUM_THREADS = OPENBLAS_NUM_THREADS =
  MKL_NUM_THREADS = 1 (on a busy machine multi-threaded BLAS can be the slower of the two);

and the same operations timed with seminr (``estimate_pls``, ``bootstrap_model(cores=1)``),
with the ratio seminr / acsi. Targets: fit at 1M ≤ 0.3 s, bootstrap 500 at 1k ≤ 0.5 s.
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


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def seminr_model(spec):
    import seminr

    measurement = seminr.constructs(*[seminr.composite(c.name, list(c.items)) for c in spec.constructs])
    structural = seminr.relationships(*[seminr.paths(from_=s, to=t) for s, t in spec.paths])
    return seminr, measurement, structural


def time_fits(sizes: list[int], repeat: int, with_seminr: bool, label: str = "") -> list[dict]:
    from acsi.pls import PLS
    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi

    spec = BUILTIN_MODELS["ecsi"]
    estimator = PLS(spec)
    rows = []
    for n in sizes:
        frame = simulate_acsi(n, seed=2024, spec=spec, discretize=(1, 10)).frame
        estimator.fit(frame.head(1000))  # warm-up
        ours = best_of(repeat, lambda: estimator.fit(frame))
        theirs = None
        if with_seminr:
            seminr, measurement, structural = seminr_model(spec)
            theirs = best_of(1 if n >= 500_000 else repeat,
                             lambda: seminr.estimate_pls(frame, measurement, structural))
        rows.append({"operation": f"PLS fit, N = {n:,}{label}", "acsi": ours, "seminr": theirs})
    return rows


def time_bootstrap(resamples: int, repeat: int, with_seminr: bool) -> list[dict]:
    from acsi.bootstrap import bootstrap
    from acsi.pls import PLS
    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi

    spec = BUILTIN_MODELS["ecsi"]
    frame = simulate_acsi(1000, seed=7, spec=spec, discretize=(1, 10)).frame
    estimator = PLS(spec)
    bootstrap(estimator, frame, resamples=10, seed=0)  # warm-up
    ours = best_of(repeat, lambda: bootstrap(estimator, frame, resamples=resamples, seed=1))
    ours_indices = best_of(repeat, lambda: bootstrap(estimator, frame, resamples=resamples, seed=1,
                                                     scale_bounds=(1, 10)))
    theirs = None
    if with_seminr:
        seminr, measurement, structural = seminr_model(spec)
        model = seminr.estimate_pls(frame, measurement, structural)
        theirs = best_of(1, lambda: seminr.bootstrap_model(model, nboot=resamples, seed=1, cores=1))
    label = f"bootstrap {resamples} resamples, N = 1,000, 1 core"
    return [{"operation": label, "acsi": ours, "seminr": theirs},
            {"operation": label + " (+ index CIs)", "acsi": ours_indices, "seminr": None}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--resamples", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-seminr", action="store_true", help="time acsi only")
    parser.add_argument("--part", choices=["all", "bootstrap"], default="all", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with_seminr = not args.no_seminr
    if args.part == "bootstrap":
        single = time_fits(args.sizes, args.repeat, False, label=", 1 core")
        print(json.dumps(single + time_bootstrap(args.resamples, args.repeat, with_seminr)))
        return
    rows = time_fits(args.sizes, args.repeat, with_seminr)
    child = [sys.executable, __file__, "--part", "bootstrap", "--resamples", str(args.resamples),
             "--repeat", str(args.repeat), "--sizes", *map(str, args.sizes)] + (["--no-seminr"] if args.no_seminr else [])
    output = subprocess.run(child, env={**os.environ, **SINGLE_THREAD}, check=True, capture_output=True, text=True)
    rows += json.loads(output.stdout.strip().splitlines()[-1])
    print(f"{'operation':<58} {'acsi (s)':>10} {'seminr (s)':>11} {'seminr/acsi':>12}")
    for row in rows:
        theirs = f"{row['seminr']:11.3f}" if row["seminr"] is not None else f"{'-':>11}"
        ratio = f"{row['seminr'] / row['acsi']:11.1f}x" if row["seminr"] is not None else f"{'-':>12}"
        print(f"{row['operation']:<58} {row['acsi']:10.3f} {theirs} {ratio}")
    print(f"(best of {args.repeat}; seminr at N ≥ 500,000 and its bootstrap timed once; "
          f"fits use the environment's BLAS threads: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')})")


if __name__ == "__main__":
    main()
