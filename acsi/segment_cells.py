"""Cells (:func:`estimate_proportion`, :func:`estimate_mean`): one estimate with n, effective n,
SE, confidence interval and its reliability flag — what every metric module reports.

With survey weights the SE is the design-based (Taylor linearisation) SE of a ratio estimator,
:func:`linearised_standard_error` — what R's ``survey::svymean`` gives for a design with weights
and no clusters — not √(s²/n_eff): Kish's n_eff was 19 % too wide in one audited design. Kish's
n_eff is still reported and drives the suppression rule.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from acsi.errors import InputDataError
from acsi.intervals import wilson_interval
from acsi.segments import (NCHS_RULE, Reliability, SuppressionRule, check_weights, kish_effective_n,
                           reliability, z_critical)


@dataclass(frozen=True, slots=True)
class CellEstimate:
    """One reported cell: a proportion or a mean with n, effective n, SE, CI and its flag.

    Undefined quantities are None (never NaN). ``to_dict()`` hides the numbers of a suppressed
    cell unless ``redact_suppressed=False``.
    """

    kind: Literal["proportion", "mean"]
    n: int
    n_effective: float
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    reliability: Reliability

    def summary(self) -> str:
        if self.reliability == "suppressed" or self.estimate is None:
            return f"suppressed (n={self.n})"
        interval = ("" if self.ci_low is None
                    else f", CI {self.ci_low:.4g} to {self.ci_high:.4g}")
        return f"{self.estimate:.4g}{interval} (n={self.n}, {self.reliability})"

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        hide = redact_suppressed and self.reliability == "suppressed"
        return {"n": self.n, "n_effective": self.n_effective,
                "estimate": None if hide else self.estimate, "se": None if hide else self.se,
                "ci_low": None if hide else self.ci_low, "ci_high": None if hide else self.ci_high,
                "reliability": self.reliability}


def _prepare(values: object, weights: object, what: str) -> tuple[np.ndarray, np.ndarray | None]:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise InputDataError(f"{what} must be one-dimensional, got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InputDataError(f"{what} at position {int(bad[0])} is {array[bad[0]]}; drop "
                             "missing values before estimating")
    return array, check_weights(weights, array.size)


def linearised_standard_error(values: np.ndarray, weights: np.ndarray) -> float:
    """SE of the weighted mean Σwy/Σw by linearisation: √(n/(n−1) · Σ(w·(y − ȳ))² / (Σw)²).

    Example: y = 1, 2, 3, 4 with weights 1, 1, 2, 2 → mean 2.8333, SE 0.5966 (Kish: 0.6618).
    """
    n = values.size
    total = float(weights.sum())
    if n < 2 or total <= 0:
        return math.nan
    mean = float(np.dot(weights, values)) / total
    scores = weights * (values - mean) / total
    return math.sqrt(n / (n - 1) * float(np.dot(scores, scores)))


def estimate_proportion(flags: Sequence[bool] | np.ndarray, *,
                        weights: Sequence[float] | np.ndarray | None = None,
                        confidence: float = 0.95,
                        rule: SuppressionRule = NCHS_RULE) -> CellEstimate:
    """Share of true ``flags`` (weighted if ``weights``) with SE √(p(1−p)/n_eff).

    The CI is Wilson's score interval (:func:`acsi.intervals.wilson_interval`): the Wald interval
    p ± z·SE covered rates of 3–5 % only 80 % of the time. With weights the SE is linearised and
    Wilson's n is the design's effective n p(1−p)/SE² (Kish's n_eff where p is 0 or 1). The relative SE SE/p
    feeds the suppression rule (p = 0 makes it undefined, hence "unreliable" once n passes the
    size thresholds).
    """
    array, w = _prepare(flags, weights, "flags")
    n = int(array.size)
    n_eff = kish_effective_n(w) if w is not None else float(n)
    if n == 0:
        return CellEstimate("proportion", 0, 0.0, None, None, None, None, "suppressed")
    p = float(np.average(array != 0, weights=w))
    se = math.sqrt(p * (1 - p) / n_eff)
    n_interval = n_eff
    if w is not None and 0 < p < 1 and n >= 2:
        se = linearised_standard_error((array != 0).astype(float), w)
        n_interval = p * (1 - p) / se ** 2 if se > 0 else n_eff
    low, high = wilson_interval(p, n_interval, confidence=confidence)
    relative_se = se / p if p > 0 else math.inf
    return CellEstimate("proportion", n, n_eff, p, se, low, high,
                        reliability(n_eff, relative_se=relative_se, rule=rule))


def estimate_mean(values: Sequence[float] | np.ndarray, *,
                  weights: Sequence[float] | np.ndarray | None = None,
                  confidence: float = 0.95, rule: SuppressionRule = NCHS_RULE,
                  check_relative_se: bool = True) -> CellEstimate:
    """Mean (weighted if ``weights``) with SE s/√n and a t(n − 1) interval.

    With weights the SE is linearised (:func:`linearised_standard_error`), with t(n − 1). SE and
    CI are None when n_eff < 2. ``check_relative_se=False`` for interval-scale means that can be 0 or negative
    (net word of mouth); otherwise SE/|mean| feeds the suppression rule.
    """
    array, w = _prepare(values, weights, "values")
    n = int(array.size)
    n_eff = kish_effective_n(w) if w is not None else float(n)
    if n == 0:
        return CellEstimate("mean", 0, 0.0, None, None, None, None, "suppressed")
    mean = float(np.average(array, weights=w))
    if n_eff < 2 or n < 2:
        return CellEstimate("mean", n, n_eff, mean, None, None, None,
                            reliability(n_eff, rule=rule))
    if w is None:
        se = math.sqrt(float(np.var(array, ddof=1)) / n)
    else:
        se = linearised_standard_error(array, w)
    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) if 0 < confidence < 1 else z_critical(
        confidence)
    relative_se = None
    if check_relative_se:
        relative_se = se / abs(mean) if mean != 0 else math.inf
    return CellEstimate("mean", n, n_eff, mean, se, mean - t * se, mean + t * se,
                        reliability(n_eff, relative_se=relative_se, rule=rule))
