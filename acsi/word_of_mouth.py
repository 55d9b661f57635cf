"""Word of mouth after a complaint: the TARP-calibrated index and the measured variant.

*Calibrated* (TARP: complainers fully satisfied with the response told about 4–5 people, the
others 9–10): with p the share of complainers fully satisfied (top box of the 1–5 resolution
satisfaction item), r+ and r− the people told (settings, 4.5 and 9.5):

    WOMI = r+·p − r−·(1 − p)          net reach per complainant
    SE   = (r+ + r−)·√(p(1 − p)/n)     n is Kish's effective n when weighted
    CI   = WOMI at the ends of Wilson's interval of p (WOMI rises with p, so the map is exact)
    B    = 100·(r+p − r−(1 − p)) / (r+p + r−(1 − p))      balance, −100 … 100
    break-even p* = r− / (r+ + r−)

*Measured*: each complainer says how many people they told and whether mostly positive (+1),
mixed (0) or negative (−1); WOM_net = mean(told × valence), SE = sd/√n, plus the share who
told ``many_told`` (20) or more — TARP found over 12 %.

The TARP constants are a range, not a point (4–5 and 9–10 people told): ``calibration_low`` /
``calibration_high`` give the index over the whole range (r+ low with r− high, and the reverse),
and ``range_ci_low`` / ``range_ci_high`` the CI widened to cover every constant in the range, so
a reader sees how much of the uncertainty is the calibration and how much the sample.

Both are net scores that can be 0, so reliability uses n only (no relative-SE check) — except
the share telling 20+, a proportion, which uses the full rule.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from acsi.errors import InputDataError
from acsi.intervals import wilson_interval
from acsi.segment_cells import CellEstimate, estimate_mean, estimate_proportion
from acsi.segments import (NCHS_RULE, Reliability, SuppressionRule, check_weights, kish_effective_n,
                           reliability)

__all__ = ["WordOfMouthSettings", "CalibratedWordOfMouth", "MeasuredWordOfMouth",
           "calibrated_from_share", "calibrated_word_of_mouth", "measured_word_of_mouth",
           "parse_valence", "told_and_net"]


@dataclass(frozen=True, slots=True)
class WordOfMouthSettings:
    """TARP constants and cut-offs: people told by fully satisfied / other complainers, the
    top box of the 1–5 resolution item, and the "told many" threshold."""

    reach_satisfied: float = 4.5
    reach_dissatisfied: float = 9.5
    reach_satisfied_range: tuple[float, float] = (4.0, 5.0)
    reach_dissatisfied_range: tuple[float, float] = (9.0, 10.0)
    resolution_top_box: int = 5
    many_told: int = 20
    suppression: SuppressionRule = field(default=NCHS_RULE)

    def __post_init__(self) -> None:
        if not (self.reach_satisfied > 0 and self.reach_dissatisfied > 0):
            raise InputDataError("TARP reach constants must be > 0, got "
                                 f"{self.reach_satisfied} and {self.reach_dissatisfied}")
        for name, point, (low, high) in (
                ("reach_satisfied", self.reach_satisfied, self.reach_satisfied_range),
                ("reach_dissatisfied", self.reach_dissatisfied, self.reach_dissatisfied_range)):
            if not 0 < low <= point <= high:
                raise InputDataError(f"{name}_range ({low}, {high}) must hold {name}={point} "
                                     "with 0 < low ≤ high")


@dataclass(frozen=True, slots=True)
class CalibratedWordOfMouth:
    """TARP-calibrated word-of-mouth index of one group; undefined values are None."""

    n: int
    n_effective: float
    fully_satisfied_share: float | None
    index: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    balance: float | None
    break_even_share: float
    reliability: Reliability
    calibration_low: float | None = None
    calibration_high: float | None = None
    range_ci_low: float | None = None
    range_ci_high: float | None = None

    def summary(self) -> str:
        if self.index is None:
            return f"word-of-mouth index: no answers (n={self.n})"
        return (f"word-of-mouth index {self.index:.2f} people per complainant (SE {self.se:.3f}), "
                f"balance {self.balance:.1f}, fully satisfied {self.fully_satisfied_share:.1%} "
                f"vs break-even {self.break_even_share:.1%} (n={self.n}, {self.reliability})")

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        data: dict[str, object] = {
            "n": self.n, "n_effective": self.n_effective,
            "fully_satisfied_share": self.fully_satisfied_share, "index": self.index,
            "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "balance": self.balance, "break_even_share": self.break_even_share,
            "reliability": self.reliability, "calibration_low": self.calibration_low,
            "calibration_high": self.calibration_high, "range_ci_low": self.range_ci_low,
            "range_ci_high": self.range_ci_high}
        if redact_suppressed and self.reliability == "suppressed":
            data.update({k: None for k in ("fully_satisfied_share", "index", "se", "ci_low",
                                           "ci_high", "balance", "calibration_low",
                                           "calibration_high", "range_ci_low", "range_ci_high")})
        return data


@dataclass(frozen=True, slots=True)
class MeasuredWordOfMouth:
    """Measured net word of mouth (people told × valence) and the share telling many."""

    net: CellEstimate
    share_told_many: CellEstimate

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        return {"net": self.net.to_dict(redact_suppressed=redact_suppressed),
                "share_told_many": self.share_told_many.to_dict(
                    redact_suppressed=redact_suppressed)}


def calibrated_from_share(share: float | None, n: float, *, n_respondents: int | None = None,
                          settings: WordOfMouthSettings = WordOfMouthSettings(),
                          confidence: float = 0.95) -> CalibratedWordOfMouth:
    """Calibrated index from the fully-satisfied share ``share`` among ``n`` (effective) complainers.

    Example: p = 0.6, n = 100 → WOMI −1.10, balance −16.92, SE 0.686; break-even 0.6786.
    """
    plus, minus = settings.reach_satisfied, settings.reach_dissatisfied
    break_even = minus / (plus + minus)
    count = int(round(n)) if n_respondents is None else n_respondents
    if share is None or n <= 0:
        return CalibratedWordOfMouth(count, float(n), None, None, None, None, None, None,
                                     break_even, "suppressed")
    if not 0 <= share <= 1:
        raise InputDataError(f"fully satisfied share must be in [0, 1], got {share}")
    positive, negative = plus * share, minus * (1 - share)
    index = positive - negative
    se = (plus + minus) * math.sqrt(share * (1 - share) / n)
    balance = 100 * index / (positive + negative) if positive + negative > 0 else None
    share_low, share_high = wilson_interval(share, n, confidence=confidence)

    def reach(r_plus: float, r_minus: float, p: float) -> float:
        return r_plus * p - r_minus * (1 - p)

    # The index rises with r+ and falls with r−: its extremes over the range are two corners.
    (plus_low, plus_high), (minus_low, minus_high) = (settings.reach_satisfied_range,
                                                      settings.reach_dissatisfied_range)
    return CalibratedWordOfMouth(
        count, float(n), share, index, se, reach(plus, minus, share_low),
        reach(plus, minus, share_high), balance, break_even,
        reliability(n, rule=settings.suppression),
        reach(plus_low, minus_high, share), reach(plus_high, minus_low, share),
        reach(plus_low, minus_high, share_low), reach(plus_high, minus_low, share_high))


def _numbers(values: Sequence[object] | pd.Series, what: str) -> np.ndarray:
    labels = values.index if isinstance(values, pd.Series) else range(len(values))
    result = []
    for label, value in zip(labels, list(values)):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            raise InputDataError(f"row {label}, {what}: '{value}' is not a number")
        result.append(number)
    return np.asarray(result, dtype=float)


def calibrated_word_of_mouth(resolution_satisfaction: Sequence[object] | pd.Series, *,
                             weights: Sequence[float] | np.ndarray | None = None,
                             settings: WordOfMouthSettings = WordOfMouthSettings(),
                             confidence: float = 0.95) -> CalibratedWordOfMouth:
    """Calibrated index from complainers' 1–5 resolution satisfaction (top box = fully satisfied).

    Raises InputDataError naming the row of an answer that is not a whole number from 1 to 5.
    """
    answers = _numbers(resolution_satisfaction, "resolution_satisfaction")
    bad = np.flatnonzero((answers < 1) | (answers > 5) | (answers != np.round(answers)))
    if bad.size:
        label = (resolution_satisfaction.index[bad[0]]
                 if isinstance(resolution_satisfaction, pd.Series) else int(bad[0]))
        raise InputDataError(f"row {label}, resolution_satisfaction: {answers[bad[0]]} is not a "
                             "whole number from 1 to 5")
    w = check_weights(weights, answers.size)
    if answers.size == 0:
        return calibrated_from_share(None, 0, settings=settings, confidence=confidence)
    top = answers >= settings.resolution_top_box
    share = float(np.average(top, weights=w))
    n_eff = kish_effective_n(w) if w is not None else float(answers.size)
    return calibrated_from_share(share, n_eff, n_respondents=int(answers.size), settings=settings,
                                 confidence=confidence)


_VALENCE = {"positive": 1, "mostly positive": 1, "+1": 1, "1": 1, "正面": 1, "好评": 1,
            "mixed": 0, "neutral": 0, "0": 0, "褒贬不一": 0, "中性": 0,
            "negative": -1, "mostly negative": -1, "-1": -1, "负面": -1, "差评": -1}


def parse_valence(value: object, *, where: str = "") -> int:
    """positive/mixed/negative (or +1/0/−1, 正面/中性/负面) → +1/0/−1."""
    key = str(value).strip().lower()
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value) in (-1, 0, 1):
        key = str(int(value))
    if key not in _VALENCE:
        raise InputDataError(f"{where + ': ' if where else ''}valence '{value}' is not positive, "
                             "mixed or negative (or +1, 0, -1)")
    return _VALENCE[key]


def told_and_net(people_told: Sequence[object] | pd.Series,
                 valence: Sequence[object] | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(people told, people told × valence) per respondent: the measured index's values.

    Raises InputDataError naming the row of a negative or fractional count or a bad valence.
    """
    told = _numbers(people_told, "people_told")
    labels = people_told.index if isinstance(people_told, pd.Series) else range(len(told))
    if len(valence) != told.size:
        raise InputDataError(f"{told.size} people_told values but {len(valence)} valences")
    for label, number in zip(labels, told):
        if number < 0 or number != round(number):
            raise InputDataError(f"row {label}, people_told: {number} is not a whole number >= 0")
    signs = np.array([parse_valence(v, where=f"row {label}, told_valence")
                      for label, v in zip(labels, list(valence))], dtype=float)
    return told, told * signs


def measured_word_of_mouth(people_told: Sequence[object] | pd.Series,
                           valence: Sequence[object] | pd.Series, *,
                           weights: Sequence[float] | np.ndarray | None = None,
                           settings: WordOfMouthSettings = WordOfMouthSettings(),
                           confidence: float = 0.95) -> MeasuredWordOfMouth:
    """Net word of mouth mean(told × valence) with SE and CI, and the share telling ≥ many_told.

    Raises InputDataError naming the row of a negative or fractional count or a bad valence.
    """
    told, signed = told_and_net(people_told, valence)
    w = check_weights(weights, told.size)
    rule = settings.suppression
    net = estimate_mean(signed, weights=w, confidence=confidence, rule=rule,
                        check_relative_se=False)
    many = estimate_proportion(told >= settings.many_told, weights=w, confidence=confidence,
                               rule=rule)
    return MeasuredWordOfMouth(net, many)
