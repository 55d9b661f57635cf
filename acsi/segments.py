"""Segment machinery shared by every per-segment metric (Kano, NPS, word of mouth, complaints, ACSI).

What goes in: pandas frames / numpy arrays already loaded by the caller. What comes out: plain
numbers, small frozen dataclasses and flags. Nothing here reads files or knows about Flask / SQL.

* **Suppression** (:class:`SuppressionRule`, :func:`reliability`): the NCHS rule is the default —
  n < 30 "suppressed" (not shown), 30 ≤ n < 60 or relative SE ≥ 30 % "unreliable" (shown with a
  flag), otherwise "reliable". The relative-SE part applies only to ratio-scale estimates
  (proportions, rates, means of positive quantities); for net scores such as NPS or WOMI, whose
  value can be 0, callers pass ``relative_se=None``.
* **Margins of error** of a proportion (z·√(p(1−p)/n)·√deff·FPC) and of a mean
  (t·s/√n·√deff·FPC).
* **Comparisons with the rest of the sample** (never with a total that contains the segment):
  Welch t (``statsmodels`` ``ttest_ind(usevar="unequal")``), two-proportion z
  (``proportions_ztest``), Welch ANOVA (``anova_oneway(use_var="unequal")``) and Holm correction
  (``multipletests(method="holm")``); for model-based indices a permutation test whose p does
  not depend on group order (:func:`permutation_difference`).
* **Weights**: post-stratification weights w_h = (N_h/N)/(n_h/n) and Kish's effective n
  (Σw)²/Σw². Weighted estimates use n_eff in their standard errors.
* **Splitting** a frame by a segment column (:func:`split_by_segment`): "all" first, then the
  segment values in sorted order, so every report lists segments identically.
* **Cells** (:mod:`acsi.segment_cells`): one estimate with n, effective n, SE, confidence
  interval and its reliability flag — what every metric module reports.
* **Derived segments** (:mod:`acsi.derived_segments`, re-exported here): lifecycle stage,
  relationship stage, customer value quadrant from invitation attributes.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statistics import NormalDist

from acsi.errors import InputDataError, InsufficientDataError
from acsi.multiple_testing import holm_adjust

__all__ = [
    "ALL_SEGMENT", "NCHS_RULE", "Reliability", "SuppressionRule", "reliability",
    "margin_of_error_proportion", "margin_of_error_mean", "z_critical",
    "Comparison", "compare_means_with_rest", "compare_proportions_with_rest", "welch_anova",
    "compare_segments_pairwise", "permutation_difference", "post_stratification_weights",
    "kish_effective_n", "check_weights",
    "split_by_segment", "lifecycle_stage", "LIFECYCLE_STAGES", "RelationshipStageSettings",
    "relationship_stage", "ValueQuadrantSettings",
    "customer_value_quadrant",
]

ALL_SEGMENT = "all"
Reliability = Literal["suppressed", "unreliable", "reliable"]


@dataclass(frozen=True, slots=True)
class SuppressionRule:
    """When a cell may be shown. Defaults are the NCHS presentation rule.

    ``min_shown``: below this n the cell is "suppressed"; ``min_reliable``: below this n (and at
    least ``min_shown``) it is "unreliable"; ``max_relative_se``: a relative SE at or above this
    share also makes it "unreliable".
    """

    min_shown: int = 30
    min_reliable: int = 60
    max_relative_se: float = 0.30

    def __post_init__(self) -> None:
        if not 0 <= self.min_shown <= self.min_reliable:
            raise InputDataError(
                f"suppression rule needs 0 <= min_shown <= min_reliable, got "
                f"min_shown={self.min_shown}, min_reliable={self.min_reliable}")
        if not self.max_relative_se > 0:
            raise InputDataError(f"max_relative_se must be > 0, got {self.max_relative_se}")


NCHS_RULE = SuppressionRule()


def reliability(n: float, *, relative_se: float | None = None,
                rule: SuppressionRule = NCHS_RULE) -> Reliability:
    """Flag a cell of size ``n`` (use the effective n for weighted cells).

    Returns "suppressed" when n < rule.min_shown; "unreliable" when n < rule.min_reliable or
    ``relative_se`` ≥ rule.max_relative_se (an undefined relative SE, ``math.inf``, counts as
    too large); otherwise "reliable". ``relative_se=None`` skips the relative-SE check.
    """
    if n < rule.min_shown:
        return "suppressed"
    if n < rule.min_reliable:
        return "unreliable"
    if relative_se is not None and not relative_se < rule.max_relative_se:
        return "unreliable"
    return "reliable"


def z_critical(confidence: float = 0.95) -> float:
    """Two-sided normal critical value for ``confidence`` in (0, 1)."""
    if not 0 < confidence < 1:
        raise InputDataError(f"confidence must be in (0, 1), got {confidence}")
    # The standard library's inverse normal (Wichura's AS 241, ~1e-16): importing scipy.stats for
    # this alone costs a fitting command about a second of start-up.
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _finite_population_correction(n: float, population_size: float | None) -> float:
    if population_size is None:
        return 1.0
    if population_size < n or population_size <= 1:
        raise InputDataError(
            f"population size {population_size} must exceed the sample size {n} and 1")
    return math.sqrt((population_size - n) / (population_size - 1))


def margin_of_error_proportion(p: float, n: float, *, confidence: float = 0.95,
                               design_effect: float = 1.0,
                               population_size: float | None = None) -> float | None:
    """Margin of error z·√(p(1−p)/n)·√deff·FPC of a proportion ``p`` in [0, 1].

    Returns None when n = 0. Example: p = 0.5, n = 100 → 0.0980.
    """
    if not 0 <= p <= 1:
        raise InputDataError(f"proportion must be in [0, 1], got {p}")
    if n <= 0:
        return None
    fpc = _finite_population_correction(n, population_size)
    return z_critical(confidence) * math.sqrt(p * (1 - p) / n * design_effect) * fpc


def margin_of_error_mean(sd: float, n: float, *, confidence: float = 0.95,
                         design_effect: float = 1.0,
                         population_size: float | None = None) -> float | None:
    """Margin of error t(n−1)·s/√n·√deff·FPC of a mean; None when n < 2."""
    if n < 2:
        return None
    if not 0 < confidence < 1:
        raise InputDataError(f"confidence must be in (0, 1), got {confidence}")
    from scipy import stats  # the tests below import scipy.stats / statsmodels when first used

    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    fpc = _finite_population_correction(n, population_size)
    return t * sd / math.sqrt(n) * math.sqrt(design_effect) * fpc


@dataclass(frozen=True, slots=True)
class Comparison:
    """A test of one segment against the rest. ``difference`` is segment minus rest."""

    test: Literal["welch_t", "two_proportion_z", "nps_z", "welch_anova", "permutation"]
    difference: float | None
    statistic: float | None
    p_value: float | None
    p_value_holm: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {"test": self.test, "difference": self.difference, "statistic": self.statistic,
                "p_value": self.p_value, "p_value_holm": self.p_value_holm}


def _float_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def check_weights(weights: object, n: int) -> np.ndarray | None:
    """Validate optional weights of length ``n``: finite and ≥ 0 with a positive sum."""
    if weights is None:
        return None
    array = np.asarray(weights, dtype=float)
    if array.shape != (n,):
        raise InputDataError(f"weights have shape {array.shape}, expected ({n},)")
    bad = np.flatnonzero(~np.isfinite(array) | (array < 0))
    if bad.size:
        raise InputDataError(
            f"weight at position {int(bad[0])} is {array[bad[0]]}; weights must be finite and >= 0")
    if n and array.sum() <= 0:
        raise InputDataError("weights sum to 0; at least one weight must be positive")
    return array


def _effective_weights(weights: np.ndarray | None) -> np.ndarray | None:
    """Rescale weights to sum to Kish's n_eff (statsmodels treats weights as frequencies)."""
    if weights is None:
        return None
    return weights * kish_effective_n(weights) / weights.sum()


def compare_means_with_rest(segment: Sequence[float], rest: Sequence[float], *,
                            segment_weights: Sequence[float] | None = None,
                            rest_weights: Sequence[float] | None = None) -> Comparison:
    """Welch t test of a segment's mean against the rest of the sample.

    Needs at least 2 values on each side, otherwise statistic and p are None. Weights are
    rescaled to sum to each side's Kish effective n before statsmodels sees them.
    """
    a, b = np.asarray(segment, dtype=float), np.asarray(rest, dtype=float)
    wa = _effective_weights(check_weights(segment_weights, a.size))
    wb = _effective_weights(check_weights(rest_weights, b.size))
    if a.size == 0 or b.size == 0:
        return Comparison("welch_t", None, None, None)
    difference = float(np.average(a, weights=wa) - np.average(b, weights=wb))
    if a.size < 2 or b.size < 2 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        return Comparison("welch_t", difference, None, None)  # no variance: no test
    from statsmodels.stats.weightstats import ttest_ind

    statistic, p_value, _ = ttest_ind(a, b, usevar="unequal", weights=(wa, wb))
    return Comparison("welch_t", difference, _float_or_none(statistic), _float_or_none(p_value))


def compare_proportions_with_rest(successes: float, n: float, rest_successes: float,
                                  rest_n: float) -> Comparison:
    """Two-proportion z test (pooled variance) of a segment against the rest.

    Example: 60/100 vs 45/100 → z = 2.124, p = 0.0337. None when either side is empty or the
    pooled proportion is 0 or 1 (no variance to test against).
    """
    if n <= 0 or rest_n <= 0:
        return Comparison("two_proportion_z", None, None, None)
    difference = successes / n - rest_successes / rest_n
    pooled = (successes + rest_successes) / (n + rest_n)
    if pooled in (0.0, 1.0):
        return Comparison("two_proportion_z", difference, None, None)
    from statsmodels.stats.proportion import proportions_ztest

    statistic, p_value = proportions_ztest([successes, rest_successes], [n, rest_n])
    return Comparison("two_proportion_z", difference, _float_or_none(statistic),
                      _float_or_none(p_value))


def welch_anova(groups: Sequence[Sequence[float]]) -> Comparison:
    """Welch's one-way ANOVA across several segments (difference is max mean − min mean).

    Statistic and p are None when a segment has no variance. Raises InsufficientDataError with
    fewer than 2 segments or a segment of fewer than 2 values.
    """
    arrays = [np.asarray(g, dtype=float) for g in groups]
    if len(arrays) < 2 or any(a.size < 2 for a in arrays):
        raise InsufficientDataError(
            "Welch ANOVA needs at least 2 segments with at least 2 values each; sizes were "
            f"{[a.size for a in arrays]}")
    means = [a.mean() for a in arrays]
    if any(np.ptp(a) == 0 for a in arrays):  # Welch weights n/s² are infinite
        return Comparison("welch_anova", float(max(means) - min(means)), None, None)
    from statsmodels.stats.oneway import anova_oneway

    result = anova_oneway(arrays, use_var="unequal")
    return Comparison("welch_anova", float(max(means) - min(means)),
                      _float_or_none(result.statistic), _float_or_none(result.pvalue))


def compare_segments_pairwise(groups: Mapping[str, Sequence[float]]
                              ) -> list[tuple[str, str, Comparison]]:
    """Welch t for every pair of segments (in the mapping's order), Holm-adjusted together.

    Returns (first, second, comparison) with ``difference`` = first − second. Used after
    :func:`welch_anova` finds that several segments differ.
    """
    labels = list(groups)
    pairs = [(a, b, compare_means_with_rest(groups[a], groups[b]))
             for i, a in enumerate(labels) for b in labels[i + 1:]]
    adjusted = holm_adjust([c.p_value for _, _, c in pairs])
    return [(a, b, Comparison(c.test, c.difference, c.statistic, c.p_value, h))
            for (a, b, c), h in zip(pairs, adjusted)]


def permutation_difference(first: pd.DataFrame, second: pd.DataFrame,
                           statistic: Callable[[pd.DataFrame], float], *,
                           resamples: int = 999, seed: int = 0) -> Comparison:
    """Permutation test of statistic(first) − statistic(second) for any per-segment statistic
    (e.g. an ACSI index refitted per group): two-sided p = (1 + #{|T*| ≥ |T|}) / (1 + resamples).

    The pooled rows are put in a canonical order (by size, then content hash) before
    resampling, so swapping the groups flips the sign of ``difference`` and leaves p unchanged.
    Raises InsufficientDataError when a group is empty.
    """
    if len(first) == 0 or len(second) == 0:
        raise InsufficientDataError(f"a permutation test needs two non-empty groups; sizes were "
                                    f"{len(first)} and {len(second)}")
    if resamples < 1:
        raise InputDataError(f"resamples must be >= 1, got {resamples}")
    observed = float(statistic(first)) - float(statistic(second))

    def key(frame: pd.DataFrame) -> tuple[int, int]:
        return len(frame), int(pd.util.hash_pandas_object(frame, index=False).sum())
    x, y = (first, second) if key(first) <= key(second) else (second, first)
    pooled = pd.concat([x, y], ignore_index=True)
    rng = np.random.default_rng(seed)
    extreme = 0
    for _ in range(resamples):
        order = rng.permutation(len(pooled))
        value = (float(statistic(pooled.iloc[order[:len(x)]]))
                 - float(statistic(pooled.iloc[order[len(x):]])))
        extreme += abs(value) >= abs(observed) - 1e-12
    return Comparison("permutation", observed, None, (extreme + 1) / (resamples + 1))


def kish_effective_n(weights: Sequence[float]) -> float:
    """Kish's effective sample size (Σw)²/Σw²; weights 1, 1, 2, 2 → 3.6. Empty → 0."""
    array = np.asarray(weights, dtype=float)
    if array.size == 0:
        return 0.0
    squares = float(np.sum(array ** 2))
    return float(np.sum(array)) ** 2 / squares if squares > 0 else 0.0


def post_stratification_weights(strata: pd.Series,
                                population_shares: Mapping[object, float]) -> pd.Series:
    """Weights w_h = (N_h/N)/(n_h/n) for each row of ``strata``.

    ``population_shares`` maps stratum → N_h (counts or shares; they are normalised). Raises
    :class:`InputDataError` naming a stratum present in the sample but missing from the
    population, or a population stratum with no respondents (its weight cannot be formed).
    """
    total = float(sum(population_shares.values()))
    if total <= 0 or any(v < 0 for v in population_shares.values()):
        raise InputDataError("population shares must be >= 0 with a positive sum")
    sample_shares = strata.value_counts(normalize=True, dropna=False)
    missing = [s for s in sample_shares.index if s not in population_shares]
    if missing:
        raise InputDataError(f"stratum {missing[0]!r} is in the sample but has no population share")
    empty = [s for s, v in population_shares.items() if v > 0 and s not in sample_shares.index]
    if empty:
        raise InputDataError(
            f"stratum {empty[0]!r} has a population share but no respondents; merge it first")
    factor = {s: (population_shares[s] / total) / sample_shares[s] for s in sample_shares.index}
    return strata.map(factor).astype(float).rename("weight")


def split_by_segment(frame: pd.DataFrame, column: str | None, *,
                     all_label: str = ALL_SEGMENT) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield (label, rows): first ``all_label`` with every row, then each segment value.

    Segment values are labelled ``str(value)`` and ordered by that label; rows with a missing
    segment value belong to "all" only. ``column=None`` yields only "all". Raises
    :class:`InputDataError` when the column is absent or a value collides with ``all_label``.
    """
    yield all_label, frame
    if column is None:
        return
    if column not in frame.columns:
        raise InputDataError(f"segment column {column!r} is not in the data; columns are "
                             f"{list(frame.columns)}")
    present = frame[frame[column].notna()]
    labels = present[column].map(str)
    if (labels == all_label).any():
        raise InputDataError(f"segment column {column!r} contains the reserved value {all_label!r}")
    for label in sorted(labels.unique()):
        yield label, present[labels == label]


# The derived segments live in a module of their own (re-exported here); the cells, which use
# this module, in acsi.segment_cells.
from acsi.derived_segments import (  # noqa: E402
    LIFECYCLE_STAGES, RelationshipStageSettings, ValueQuadrantSettings, customer_value_quadrant,
    lifecycle_stage, relationship_stage,
)
