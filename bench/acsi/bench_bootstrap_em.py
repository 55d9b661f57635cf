"""Benchmark: what repeating the EM inside every bootstrap resample costs.

ACSI data (``acsi.synthetic.simulate_acsi``, 1–10), with MAR nonresponse on SATIS and CONFIRM
(dissatisfied respondents skip far more often). Timed in the same run, on one core:

* the bootstrap on the complete data (the baseline: no imputation at all);
* the bootstrap with ``missing="em"`` on the holed data (EM repeated in every resample);
* the bootstrap with ``missing="mean"`` on the holed data (filled once, for comparison).

    .venv/bin/python bench/acsi/bench_bootstrap_em.py                       # N = 2,000 and 100,000
    .venv/bin/python bench/acsi/bench_bootstrap_em.py --rows 20000 --resamples 500

Prints seconds (best of ``--repeat``), the share of incomplete rows, and the ratio to the baseline.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402

from acsi.bootstrap import bootstrap  # noqa: E402
from acsi.pls import PLS  # noqa: E402
from acsi.spec import BUILTIN_MODELS  # noqa: E402
from acsi.synthetic import simulate_acsi  # noqa: E402
from acsi.threads import single_threaded_blas  # noqa: E402
from bench_pls import best_of  # noqa: E402  (the same timing rule as the estimator benchmarks)

SPEC = BUILTIN_MODELS["acsi"]
BOUNDS = {item: (1.0, 10.0) for item in SPEC.items} | {"COMP": (0.0, 1.0)}


def data(rows: int, seed: int):
    rng = np.random.default_rng(seed)
    frame = simulate_acsi(rows, seed=rng, spec=SPEC, discretize=(1, 10), binary_items={"COMP": 0.2}).frame
    frame = frame[list(SPEC.items)].astype(float)
    holed = frame.copy()
    quality = frame[["OVERALLQ", "CUSTOMQ", "WRONGQ"]].mean(axis=1).to_numpy()
    chance = np.where(quality < 5, 0.6, 0.05)
    for item in ("SATIS", "CONFIRM"):
        holed.loc[rng.random(rows) < chance, item] = np.nan
    return frame, holed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="sample sizes (default 2,000 and 100,000)")
    parser.add_argument("--resamples", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"bootstrap, {args.resamples} resamples, ACSI model, one core; best of {args.repeat}")
    print(f"{'rows':>9} {'incomplete':>10} {'complete data':>14} {'EM each resample':>17} {'mean, once':>11} "
          f"{'EM / complete':>14}")
    for rows in args.rows or [2_000, 100_000]:
        frame, holed = data(rows, seed=rows)
        incomplete = float(holed.isna().any(axis=1).mean())
        with single_threaded_blas():
            complete = best_of(args.repeat, lambda: bootstrap(PLS(SPEC), frame, resamples=args.resamples, seed=1,
                                                              scale_bounds=BOUNDS))
            result = {}

            def em():
                result["em"] = bootstrap(PLS(SPEC, missing="em"), holed, resamples=args.resamples, seed=1,
                                         scale_bounds=BOUNDS)

            with_em = best_of(args.repeat, em)
            mean = best_of(args.repeat, lambda: bootstrap(PLS(SPEC, missing="mean"), holed,
                                                          resamples=args.resamples, seed=1, scale_bounds=BOUNDS))
        print(f"{rows:>9,} {incomplete:>10.1%} {complete:>13.3f}s {with_em:>16.3f}s {mean:>10.3f}s "
              f"{with_em / complete:>13.2f}x   (EM failed resamples: {result['em'].failed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
