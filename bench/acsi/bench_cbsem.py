"""Benchmark: CB-SEM (semopy, ML) of the ACSI model at N = 100,000 and N = 1,000,000.

Run from the repository root::

    .venv/bin/python -m bench.acsi.bench_cbsem [--sizes 100000 1000000] [--repeats 3]

The timed call is the whole ``CBSEM(spec).fit(frame)``: validation, the one pass over the data
that builds the covariance matrix, the semopy fit, the standardised solution and fit indices.
Data generation (``simulate_acsi``) is timed separately. Peak memory is the tracemalloc peak of
one fit (Python + numpy allocations) and the process's maximum resident set size.
Target (issue 5): ≤ 1 s at 1M on the CI machine.
"""
from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

from acsi.cbsem import CBSEM
from acsi.synthetic import simulate_acsi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, best of {args.repeats}")
    print(f"{'N':>10} {'simulate s':>11} {'fit s':>8} {'fit peak MiB':>13} {'max RSS MiB':>12}  max |path - truth|")
    for n in args.sizes:
        start = time.perf_counter()
        data = simulate_acsi(n, seed=20261123, discretize=None)
        simulate_seconds = time.perf_counter() - start
        model = CBSEM(data.spec)
        model.fit(data.frame.head(1000))  # warm-up: imports and semopy's first-call costs
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            results = model.fit(data.frame)
            best = min(best, time.perf_counter() - start)
        tracemalloc.start()
        model.fit(data.frame)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        error = max(abs(results.standardized_paths[k] - v) for k, v in data.true_paths.items())
        print(f"{n:>10} {simulate_seconds:>11.3f} {best:>8.3f} {peak / 2**20:>13.1f} {rss_mib:>12.1f}  {error:.4f}")
        del data, results


if __name__ == "__main__":
    main()
