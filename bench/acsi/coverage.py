"""Coverage simulation: how often each 95 % interval covers the truth, against the Wald interval
it replaced, measured in the same run.

    .venv/bin/python bench/acsi/coverage.py               # 4,000 samples per setting, ~1 minute
    .venv/bin/python bench/acsi/coverage.py --samples 20000 --seed 3

Settings: NPS at n = 60 and n = 200 (promoters 0.55 / detractors 0.15, 0.30 / 0.30, and the
skewed 0.85 / 0.03 of a well-liked product), a rate of 3 % at n = 60 and n = 200 and of 5 % at
n = 200 (Wilson vs Wald), and the Kaplan–Meier median time to resolution
(median 10 days, cases opening over 60 days, cut-off at day 60, n = 150) against the median of
resolved cases only. Then the model (``--model-samples`` replications, default 200): the ACSI
satisfaction index and the quality → satisfaction path, n = 500 per sample with the MAR item
nonresponse of tests/survey/analysis/test_missing_answers.py (dissatisfied respondents skip
SATIS / CONFIRM far more often), fitted as the web fits (EM, 200 bootstrap resamples, percentile
CI) against the population values (a 200,000-row complete sample), with mean replacement beside it;
then heavier MAR nonresponse (SATIS, CONFIRM and IDEAL each skipped by 85% of the dissatisfied and
25% of the others). The EM is repeated in every bootstrap resample (acsi/bootstrap.py).
Prints, per setting: coverage, its Monte Carlo SE, mean width (model: and the mean bias).

    .venv/bin/python bench/acsi/coverage.py --samples 4000 --model-samples 200
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from acsi.intervals import nps_score_interval, wilson_interval  # noqa: E402

Z = 1.959963984540054


def nps_setting(rng: np.random.Generator, n: int, p: float, d: float, samples: int) -> dict:
    truth = 100 * (p - d)
    counts = rng.multinomial(n, [p, d, 1 - p - d], size=samples)
    rows = {"score": [], "wald": []}
    for b, c, _ in counts:
        ps, ds = b / n, c / n
        rows["score"].append(nps_score_interval(ps, ds, n))
        se = 100 * math.sqrt(max(0.0, ps + ds - (ps - ds) ** 2) / n)
        centre = 100 * (ps - ds)
        rows["wald"].append((max(-100, centre - Z * se), min(100, centre + Z * se)))
    return {name: _summary(intervals, truth) for name, intervals in rows.items()}


def rate_setting(rng: np.random.Generator, n: int, rate: float, samples: int) -> dict:
    successes = rng.binomial(n, rate, size=samples)
    rows = {"wilson": [], "wald": []}
    for k in successes:
        share = k / n
        rows["wilson"].append(wilson_interval(share, n))
        se = math.sqrt(share * (1 - share) / n)
        rows["wald"].append((max(0.0, share - Z * se), min(1.0, share + Z * se)))
    return {name: _summary(intervals, rate) for name, intervals in rows.items()}


def resolution_setting(rng: np.random.Generator, n: int, samples: int) -> dict:
    import pandas as pd

    from acsi.complaints import time_to_resolution

    start = pd.Timestamp("2024-01-01")
    as_of = start + pd.Timedelta(days=60)
    rows: dict[str, list] = {"kaplan_meier": [], "resolved_only": []}
    for _ in range(samples):
        opened = start + pd.to_timedelta(rng.uniform(0, 60, n), unit="D")
        resolved_at = opened + pd.to_timedelta(rng.exponential(10 / math.log(2), n), unit="D")
        done = resolved_at <= as_of
        resolved = pd.Series([t if ok else None for t, ok in zip(resolved_at, done)], dtype=object)
        result = time_to_resolution(pd.Series(opened), resolved, as_of=as_of)
        rows["kaplan_meier"].append((result.median_ci_low if result.median_ci_low is not None
                                     else math.nan,
                                     result.median_ci_high if result.median_ci_high is not None
                                     else math.inf))
        finished = ((resolved_at[done] - opened[done]).total_seconds() / 86400).to_numpy()
        rows["resolved_only"].append((float(np.median(finished)),) * 2)
    return {name: _summary(intervals, 10.0) for name, intervals in rows.items()}


def model_setting(rng: np.random.Generator, samples: int, n: int = 500, resamples: int = 200, *,
                  skip: tuple[float, float] = (0.6, 0.05), items: tuple[str, ...] = ("SATIS", "CONFIRM")) -> dict:
    """``skip``: the probability that a dissatisfied (quality < 5) and any other respondent
    leaves each of ``items`` blank."""
    from acsi.segment_fit import fit_segment
    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi

    spec = BUILTIN_MODELS["acsi"]
    bounds = {item: (1.0, 10.0) for item in spec.items} | {"COMP": (0.0, 1.0)}

    def draw(size: int):
        frame = simulate_acsi(size, seed=rng, spec=spec, discretize=(1, 10), binary_items={"COMP": 0.2}).frame
        return frame[list(spec.items)].astype(float)

    population = fit_segment(spec, draw(200_000), "all", scale_bounds=bounds)
    truth_index = population.indices.values["satisfaction"]
    truth_path = float(population.results.paths[("quality", "satisfaction")])
    rows: dict[str, dict[str, list]] = {m: {"index": [], "path": [], "bias": []} for m in ("em", "mean")}
    for _ in range(samples):
        frame = draw(n)
        quality = frame[["OVERALLQ", "CUSTOMQ", "WRONGQ"]].mean(axis=1).to_numpy()
        chance = np.where(quality < 5, *skip)
        for item in items:
            frame.loc[rng.random(n) < chance, item] = np.nan
        for missing in ("em", "mean"):
            fitted = fit_segment(spec, frame, "all", missing=missing, scale_bounds=bounds, resamples=resamples,
                                 seed=int(rng.integers(2**31)))
            index = fitted.bootstrap.indices.loc["satisfaction"]
            path = fitted.bootstrap.paths.loc[("quality", "satisfaction")]
            rows[missing]["index"].append((index["lower"], index["upper"]))
            rows[missing]["path"].append((path["lower"], path["upper"]))
            rows[missing]["bias"].append(fitted.indices.values["satisfaction"] - truth_index)
    out = {}
    for missing, found in rows.items():
        out[f"index {missing}"] = {**_summary(found["index"], truth_index), "bias": float(np.mean(found["bias"]))}
        out[f"path {missing}"] = _summary(found["path"], truth_path)
    return out


def _summary(intervals: list[tuple[float, float]], truth: float) -> dict:
    array = np.asarray(intervals, dtype=float)
    covered = (array[:, 0] <= truth) & (truth <= array[:, 1])
    coverage = float(covered.mean())
    finite = np.isfinite(array).all(axis=1)
    return {"coverage": coverage, "mc_se": math.sqrt(coverage * (1 - coverage) / len(array)),
            "mean_width": float((array[finite, 1] - array[finite, 0]).mean())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model-samples", type=int, default=200, help="replications of the model setting")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    settings = [
        ("NPS n=60 p+=.55 p-=.15", lambda: nps_setting(rng, 60, 0.55, 0.15, args.samples)),
        ("NPS n=60 p+=.30 p-=.30", lambda: nps_setting(rng, 60, 0.30, 0.30, args.samples)),
        ("NPS n=60 p+=.85 p-=.03", lambda: nps_setting(rng, 60, 0.85, 0.03, args.samples)),
        ("NPS n=200 p+=.55 p-=.15", lambda: nps_setting(rng, 200, 0.55, 0.15, args.samples)),
        ("rate 3% n=60", lambda: rate_setting(rng, 60, 0.03, args.samples)),
        ("rate 3% n=200", lambda: rate_setting(rng, 200, 0.03, args.samples)),
        ("rate 5% n=200", lambda: rate_setting(rng, 200, 0.05, args.samples)),
        ("median days n=150", lambda: resolution_setting(rng, 150, max(200, args.samples // 10))),
    ]
    if args.model_samples:
        settings.append((f"ACSI n=500 MAR ({args.model_samples})", lambda: model_setting(rng, args.model_samples)))
        settings.append((f"ACSI heavy MAR ({args.model_samples})", lambda: model_setting(
            rng, args.model_samples, skip=(0.85, 0.25), items=("SATIS", "CONFIRM", "IDEAL"))))
    print(f"95% interval coverage, {args.samples} samples per setting (median days: "
          f"{max(200, args.samples // 10)}), seed {args.seed}")
    print(f"{'setting':26} {'interval':14} {'coverage':>9} {'MC SE':>7} {'mean width':>11}")
    for name, run in settings:
        started = time.perf_counter()
        for method, row in run().items():
            bias = f" bias {row['bias']:+.3f}" if "bias" in row else ""
            print(f"{name:26} {method:14} {row['coverage']:9.3f} {row['mc_se']:7.3f} "
                  f"{row['mean_width']:11.3f}{bias}")
        print(f"{'':26} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
