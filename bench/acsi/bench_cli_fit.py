"""Benchmark: ``python -m acsi fit`` on a large CSV, timed as a whole process (start-up, CSV read,
fit, JSON out), against a seminr process doing the same (read the CSV with pandas,
``estimate_pls``, write its paths as JSON), in one run.

    .venv/bin/python bench/acsi/bench_cli_fit.py                 # 1,000,000 rows, 3 rounds
    .venv/bin/python bench/acsi/bench_cli_fit.py --rows 200000 --rounds 5

The two processes take turns, round after round, so slower and faster spells of the machine fall
on both. Prints each round, the median per tool and the ratio seminr / acsi (target ≥ 2×), and
the start-up alone (``python -m acsi fit --help``).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEMINR_SCRIPT = """
import json, sys
import pandas as pd
import seminr
from acsi.spec import BUILTIN_MODELS
spec = BUILTIN_MODELS["ecsi"]
frame = pd.read_csv(sys.argv[1])
measurement = seminr.constructs(*[seminr.composite(c.name, list(c.items)) for c in spec.constructs])
structural = seminr.relationships(*[seminr.paths(from_=s, to=t) for s, t in spec.paths])
model = seminr.estimate_pls(frame, measurement, structural)
print(json.dumps({"paths": str(model.path_coef)})[:200])
"""


def write_csv(path: Path, rows: int) -> None:
    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi

    frame = simulate_acsi(rows, seed=2024, spec=BUILTIN_MODELS["ecsi"], discretize=(1, 10)).frame
    frame.to_csv(path, index=False)


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "ecsi.csv"
        write_csv(data, args.rows)
        print(f"CSV: {args.rows:,} rows × 24 items, {data.stat().st_size / 1e6:.0f} MB")
        ours_command = [sys.executable, "-m", "acsi", "fit", "--model", "ecsi", "--data", str(data),
                        "--format", "json"]
        theirs_command = [sys.executable, "-c", SEMINR_SCRIPT, str(data)]
        timed(ours_command)  # warm the page cache and the bytecode
        ours, theirs = [], []
        for round_number in range(1, args.rounds + 1):
            ours.append(timed(ours_command))
            theirs.append(timed(theirs_command))
            print(f"round {round_number}: acsi {ours[-1]:.2f} s, seminr {theirs[-1]:.2f} s")
        startup = statistics.median(timed([sys.executable, "-m", "acsi", "fit", "--help"])
                                    for _ in range(3))
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"median: acsi {ours_median:.2f} s, seminr {theirs_median:.2f} s, "
          f"seminr/acsi {theirs_median / ours_median:.2f}x (target >= 2x)")
    print(f"start-up alone (python -m acsi fit --help): {startup:.2f} s")


if __name__ == "__main__":
    main()
