"""The seed's satisfaction metric c = b / a: perceived performance b over expectation a.

In: paired answers a (expectation) and b (perceived performance) on the same positive scale
(e.g. 1–10), optionally survey weights. Out: :class:`SeedMetric` with c, its SE and CI and the
reliability flag; c > 1 means performance exceeded expectation.

**We report the ratio of means, c = mean(b) / mean(a), not the mean of ratios mean(b/a).**

* The segment quantity we want is "how far does performance exceed what was expected, in this
  segment": a population ratio E[b]/E[a]. The ratio of means estimates it consistently; the mean
  of ratios estimates E[b/a], a different quantity: even when b is unrelated to a,
  E[b/a] = E[b]·E[1/a] > E[b]/E[a] by Jensen's inequality, so it overstates c whenever
  expectations vary.
* The mean of ratios is dominated by respondents with low expectations: on a 1–10 scale one
  person with a = 1, b = 10 contributes 10 — as much as ten people who got exactly what they
  expected — so a handful of answers move a segment's c. A zero or near-zero a (a 0–10 scale)
  makes it undefined or explosive; the ratio of means needs only mean(a) > 0.
* The ratio of means aggregates coherently: the c of a union of segments is a weighted mean of
  the segments' c (weights Σa), so segment and total numbers reconcile in a report.

SE by linearisation (delta method), the standard survey-ratio estimator: with residuals
d_i = b_i − c·a_i, SE = √(Σ w_i² d_i² · n/(n − 1)) / Σ w_i a_i (unweighted: √(Σd²/(n(n − 1))) / ā).
The CI is c ± t(n_eff − 1)·SE. Reliability uses n_eff and the relative SE SE/c.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from acsi.errors import InputDataError
from acsi.segments import (NCHS_RULE, Reliability, SuppressionRule, check_weights,
                           kish_effective_n, reliability, z_critical)

__all__ = ["SeedMetric", "seed_metric"]


@dataclass(frozen=True, slots=True)
class SeedMetric:
    """c = mean(performance) / mean(expectation) of one group; undefined values are None."""

    n: int
    n_effective: float
    expectation_mean: float | None
    performance_mean: float | None
    ratio: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    reliability: Reliability

    def summary(self) -> str:
        if self.ratio is None:
            return "c = b/a: no answers"
        se = "" if self.se is None else f" (SE {self.se:.4f})"
        return f"c = b/a = {self.ratio:.4f}{se}, ratio of means (n={self.n}, {self.reliability})"

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        data: dict[str, object] = {
            "n": self.n, "n_effective": self.n_effective, "estimator": "ratio_of_means",
            "expectation_mean": self.expectation_mean, "performance_mean": self.performance_mean,
            "ratio": self.ratio, "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "reliability": self.reliability}
        if redact_suppressed and self.reliability == "suppressed":
            data.update({k: None for k in ("expectation_mean", "performance_mean", "ratio", "se",
                                           "ci_low", "ci_high")})
        return data


def seed_metric(expectation: Sequence[float] | np.ndarray,
                performance: Sequence[float] | np.ndarray, *,
                weights: Sequence[float] | np.ndarray | None = None, confidence: float = 0.95,
                rule: SuppressionRule = NCHS_RULE) -> SeedMetric:
    """Ratio of means c = Σw·b / Σw·a with its linearised SE (see the module docstring).

    Missing pairs must be dropped first. Raises InputDataError naming the position of a
    non-finite or non-positive expectation/performance, or on unequal lengths.
    """
    a = np.asarray(expectation, dtype=float)
    b = np.asarray(performance, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise InputDataError(f"expectation has shape {a.shape} but performance {b.shape}")
    for name, values in (("expectation", a), ("performance", b)):
        bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
        if bad.size:
            raise InputDataError(f"{name} at position {int(bad[0])} is {values[bad[0]]}; c = b/a "
                                 "needs positive values on a scale starting above 0")
    w = check_weights(weights, a.size)
    z_critical(confidence)  # validates the confidence level
    n = int(a.size)
    if n == 0:
        return SeedMetric(0, 0.0, None, None, None, None, None, None, "suppressed")
    w_array = np.ones(n) if w is None else w
    n_eff = kish_effective_n(w_array) if w is not None else float(n)
    mean_a = float(np.average(a, weights=w_array))
    mean_b = float(np.average(b, weights=w_array))
    ratio = mean_b / mean_a
    if n < 2 or n_eff <= 1:
        return SeedMetric(n, n_eff, mean_a, mean_b, ratio, None, None, None,
                          reliability(n_eff, rule=rule))
    residuals = b - ratio * a
    se = math.sqrt(float(np.sum(w_array ** 2 * residuals ** 2)) * n / (n - 1)) / float(
        np.sum(w_array * a))
    t = float(stats.t.ppf(0.5 + confidence / 2, n_eff - 1))
    return SeedMetric(n, n_eff, mean_a, mean_b, ratio, se, ratio - t * se, ratio + t * se,
                      reliability(n_eff, relative_se=se / ratio, rule=rule))
