"""Tests on aggregated answers: a contingency table's chi-square, and Welch's t from two groups'
counts, sums and sums of squares — what an SQL GROUP BY gives, so per-question results by
segment never need the rows themselves.

* :func:`chi_square`: Pearson's chi-square test of independence (no continuity correction) of an
  r × c table of counts, with Cramér's V; empty rows and columns are dropped first, and a table
  left with fewer than two of either has no test. ``sparse`` flags a table with an expected count
  below 5 in more than 20 % of its cells (Cochran's rule), where the p-value is approximate.
* :func:`welch_from_sums`: Welch's unequal-variance t test of two groups given (n, Σx, Σx²).

Pure: numbers in, frozen dataclasses out.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from acsi.errors import InputDataError
from acsi.segments import Comparison

__all__ = ["ChiSquare", "Moments", "chi_square", "welch_from_sums"]


@dataclass(frozen=True, slots=True)
class ChiSquare:
    """Pearson's chi-square of a table: statistic, degrees of freedom, p, Cramér's V, n."""

    statistic: float | None
    dof: int
    p_value: float | None
    cramers_v: float | None
    n: int
    sparse: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"test": "chi_square", "statistic": self.statistic, "dof": self.dof, "p_value": self.p_value,
                "cramers_v": self.cramers_v, "n": self.n, "sparse": self.sparse}


def chi_square(table: Sequence[Sequence[float]]) -> ChiSquare:
    """Chi-square test of independence of ``table`` (rows × columns of counts ≥ 0).

    Example: [[30, 20], [20, 30]] → χ² = 4.0, 1 df, p = 0.0455, V = 0.2.
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or (counts.size and (counts < 0).any()) or not np.isfinite(counts).all():
        raise InputDataError(f"a contingency table needs rows of counts >= 0; got {table!r}")
    if counts.size:
        counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    n = int(round(counts.sum())) if counts.size else 0
    rows, columns = counts.shape if counts.ndim == 2 and counts.size else (0, 0)
    if rows < 2 or columns < 2:
        return ChiSquare(None, 0, None, None, n)
    from scipy.stats import chi2

    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    statistic = float(((counts - expected) ** 2 / expected).sum())
    dof = (rows - 1) * (columns - 1)
    v = math.sqrt(statistic / (counts.sum() * (min(rows, columns) - 1)))
    sparse = bool((expected < 5).mean() > 0.2)
    return ChiSquare(statistic, dof, float(chi2.sf(statistic, dof)), v, n, sparse)


@dataclass(frozen=True, slots=True)
class Moments:
    """A group's count, sum and sum of squares of a number."""

    n: int
    total: float
    squares: float

    def __sub__(self, other: "Moments") -> "Moments":
        return Moments(self.n - other.n, self.total - other.total, self.squares - other.squares)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n − 1 denominator); None below two values."""
        if self.n < 2:
            return None
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


def welch_from_sums(first: Moments, second: Moments) -> Comparison:
    """Welch's t of ``first`` against ``second`` (difference first − second). Statistic and p
    are None below two values on a side or with no variance on both."""
    if first.n == 0 or second.n == 0:
        return Comparison("welch_t", None, None, None)
    difference = first.mean - second.mean  # type: ignore[operator]
    v1, v2 = first.variance, second.variance
    if v1 is None or v2 is None or (v1 == 0 and v2 == 0):
        return Comparison("welch_t", difference, None, None)
    from scipy.stats import ttest_ind_from_stats

    result = ttest_ind_from_stats(first.mean, math.sqrt(v1), first.n, second.mean, math.sqrt(v2), second.n,
                                  equal_var=False)
    return Comparison("welch_t", difference, float(result.statistic), float(result.pvalue))
