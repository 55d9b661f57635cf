"""Net Promoter Score with its standard error, confidence interval and segment-difference tests.

In: 0–10 answers to "How likely are you to recommend … to a friend or colleague?" (optionally
with survey weights). Promoters answer 9–10, passives 7–8, detractors 0–6;
NPS = 100·(p − d). The per-respondent variance of the promoter (+1) / passive (0) / detractor
(−1) score is V = p + d − (p − d)², so SE = 100·√(V/n) (with weights, the linearised SE of the weighted mean score),
and two independent segments differ by z = ΔNPS / (100·√(V1/n1 + V2/n2)).

The confidence interval is the score interval of p − d (:func:`acsi.intervals.nps_score_interval`),
not NPS ± z·SE: the Wald interval covered the truth 83.5 % of the time at n = 60.

The suppression rule uses n only (no relative-SE check): NPS is a net score that can be 0, so
its relative SE carries no information about reliability.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from acsi.errors import InputDataError
from acsi.intervals import nps_score_interval
from acsi.segment_cells import linearised_standard_error
from acsi.segments import (NCHS_RULE, Comparison, Reliability, SuppressionRule, check_weights,
                           kish_effective_n, reliability)

__all__ = ["NpsResult", "nps_group", "net_promoter_score", "nps_from_counts", "compare_nps"]


def nps_group(score: object, *, where: str = "") -> str:
    """"promoter" (9–10), "passive" (7–8) or "detractor" (0–6); raises on anything else."""
    try:
        number = float(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not (number.is_integer() and 0 <= number <= 10):
        raise InputDataError(f"{where + ': ' if where else ''}NPS answer '{score}' is not a whole "
                             "number from 0 to 10")
    return "promoter" if number >= 9 else "passive" if number >= 7 else "detractor"


@dataclass(frozen=True, slots=True)
class NpsResult:
    """NPS of one group. Counts are raw respondents; shares and NPS use the weights, if any."""

    n: int
    n_effective: float
    promoters: int
    passives: int
    detractors: int
    promoter_share: float | None
    passive_share: float | None
    detractor_share: float | None
    nps: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    reliability: Reliability

    @property
    def variance(self) -> float | None:
        """Per-respondent variance V = p + d − (p − d)² of the ±1 score."""
        if self.promoter_share is None or self.detractor_share is None:
            return None
        p, d = self.promoter_share, self.detractor_share
        return max(0.0, p + d - (p - d) ** 2)

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        hide = redact_suppressed and self.reliability == "suppressed"
        data: dict[str, object] = {
            "n": self.n, "n_effective": self.n_effective, "nps": self.nps, "se": self.se,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "promoters": self.promoters,
            "passives": self.passives, "detractors": self.detractors,
            "promoter_share": self.promoter_share, "passive_share": self.passive_share,
            "detractor_share": self.detractor_share, "reliability": self.reliability}
        if hide:
            data.update({k: None for k in data if k not in ("n", "n_effective", "reliability")})
        return data

    def summary(self) -> str:
        if self.nps is None:
            return f"NPS: no answers (n={self.n})"
        return (f"NPS {self.nps:.1f} (SE {self.se:.3f}, CI {self.ci_low:.1f} to {self.ci_high:.1f}; "
                f"n={self.n}, {self.reliability})")


def _result(n: int, n_eff: float, counts: tuple[int, int, int], shares: tuple[float, ...] | None,
            confidence: float, rule: SuppressionRule, linearised_se: float | None = None) -> NpsResult:
    if shares is None or n_eff <= 0:
        return NpsResult(n, n_eff, *counts, None, None, None, None, None, None, None, "suppressed")
    p, passive, d = shares
    value = 100 * (p - d)
    variance = max(0.0, p + d - (p - d) ** 2)
    se = 100 * math.sqrt(variance / n_eff)
    n_interval = n_eff
    if linearised_se is not None and math.isfinite(linearised_se) and linearised_se > 0:
        # Weighted: the design-based SE, and the design's effective n for the score interval.
        se = 100 * linearised_se
        n_interval = variance / linearised_se ** 2
    low, high = nps_score_interval(p, d, n_interval, confidence=confidence)
    return NpsResult(n, n_eff, *counts, p, passive, d, value, se, low, high,
                     reliability(n_eff, rule=rule))


def nps_from_counts(promoters: int, passives: int, detractors: int, *, confidence: float = 0.95,
                    rule: SuppressionRule = NCHS_RULE) -> NpsResult:
    """NPS from unweighted counts. Example: 90/60/50 → NPS 20.0, SE 5.745, CI 8.50 to 30.91."""
    counts = (promoters, passives, detractors)
    if any(c < 0 for c in counts):
        raise InputDataError(f"NPS counts must be >= 0, got {counts}")
    n = sum(counts)
    shares = tuple(c / n for c in counts) if n else None
    return _result(n, float(n), counts, shares, confidence, rule)


def net_promoter_score(scores: Sequence[object] | pd.Series, *,
                       weights: Sequence[float] | np.ndarray | None = None,
                       confidence: float = 0.95,
                       rule: SuppressionRule = NCHS_RULE) -> NpsResult:
    """NPS of 0–10 ``scores`` (missing answers must be dropped first).

    Raises InputDataError naming the row (Series index) or position of a score outside 0–10.
    """
    labels = scores.index if isinstance(scores, pd.Series) else range(len(scores))
    values = scores.tolist() if isinstance(scores, pd.Series) else list(scores)
    groups = [nps_group(v, where=f"row {i}") for i, v in zip(labels, values)]
    w = check_weights(weights, len(groups))
    w_array = np.ones(len(groups)) if w is None else w
    counts = tuple(sum(1 for g in groups if g == name)
                   for name in ("promoter", "passive", "detractor"))
    total = float(w_array.sum())
    n_eff = kish_effective_n(w_array) if w is not None else float(len(groups))
    if not groups or total <= 0:
        return _result(len(groups), n_eff, counts, None, confidence, rule)  # type: ignore[arg-type]
    shares = tuple(float(w_array[[g == name for g in groups]].sum()) / total
                   for name in ("promoter", "passive", "detractor"))
    score = np.array([{"promoter": 1.0, "passive": 0.0, "detractor": -1.0}[g] for g in groups])
    se = None if w is None else linearised_standard_error(score, w_array)
    return _result(len(groups), n_eff, counts, shares, confidence, rule,  # type: ignore[arg-type]
                   linearised_se=se)


def compare_nps(first: NpsResult, second: NpsResult) -> Comparison:
    """z test of two independent groups' NPS: z = ΔNPS / (100·√(V1/n1 + V2/n2)), two-sided p.

    ``difference`` is first − second; swapping the groups flips its sign and keeps p. The
    statistic and p are None when either group is empty or both variances are 0.
    """
    if first.nps is None or second.nps is None:
        return Comparison("nps_z", None, None, None)
    difference = first.nps - second.nps
    variance = first.variance / first.n_effective + second.variance / second.n_effective
    if variance <= 0:
        return Comparison("nps_z", difference, None, None)
    z = difference / (100 * math.sqrt(variance))
    return Comparison("nps_z", difference, z, float(2 * stats.norm.sf(abs(z))))
