"""Two groups compared in one permutation pass: index differences, measurement invariance (MICOM
steps 1–3) and path differences (permutation multigroup analysis).

Henseler, Ringle & Sarstedt (2016), "Testing measurement invariance of composites using
partial least squares", International Marketing Review 33(3):

* **step 1, configural invariance**: same items, same data treatment, same algorithm in both
  groups — true by construction here (one model, one set of options), reported as such;
* **step 2, compositional invariance**: ``c`` = correlation, over the pooled data, of each
  construct's composite built with the first group's outer weights and with the second's
  (``c = w₁ᵀRw₂ / √(w₁ᵀRw₁ · w₂ᵀRw₂)``, R the pooled item correlations of the block). Established
  when ``c`` is not below the 5 % quantile of its permutation distribution;
* **step 3, equal means and variances**: composites built with the pooled weights on the pooled,
  standardised items; the group difference of their means and the difference of their log
  variances are tested two-sided by permutation. Both equal: **full** invariance (pooling the
  groups is fine); step 2 only: **partial** (comparing the groups' indices, paths and drivers is
  meaningful); step 2 failed: **none** (the groups' indices do not measure the same thing: flag
  every comparison).

Permutation MGA (Chin & Dibbern 2010): each path's difference between the groups, two-sided p
from the same reshuffles.

The p-values of index and path differences are read off the permutation distribution by its
normal approximation, ``2·Φ(−|d| / sd(d*))``, with the count-based ``(1 + #{|d*| ≥ |d|}) / (1 + R)``
kept beside it: a count cannot go below ``1/(1 + R)``, so with 999 reshuffles and Holm over 100
comparisons (50 segments × 2 indices) no difference could ever be marked, however large. Index differences come from the same draws with exactly the seeds and
the canonical group order of :func:`acsi.segment_differences.compare_segment_indices`, so their
p-values are that function's. Everything is computed from weighted moments
(:func:`acsi.segment_differences.replicate_fits`); replicates that fail are dropped and counted.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.data import MissingStrategy
from acsi.errors import AcsiError, EstimationError
from acsi.indices import ScaleBounds, construct_indices, index_values, resolve_scale_bounds
from acsi.pls import PLS, InnerScheme
from acsi.results import json_number
from acsi.segment_differences import _digest, _group, fits_from_sums, permutation_members, weighted_sums
from acsi.segment_fit import recommended_min_base
from acsi.spec import ModelSpec

__all__ = ["ConstructInvariance", "GroupComparison", "PathDifference", "compare_groups"]

Invariance = Literal["full", "partial", "none"]


@dataclass(frozen=True, slots=True)
class ConstructInvariance:
    """MICOM steps 2 and 3 of one construct (first group minus second for the differences)."""

    construct: str
    correlation: float
    correlation_quantile: float  # the 5 % quantile of c under permutation
    correlation_p: float  # one-sided: share of reshuffles with c* ≤ c
    mean_difference: float
    mean_p: float
    log_variance_ratio: float
    variance_p: float
    alpha: float = 0.05

    @property
    def compositional(self) -> bool:
        return self.correlation >= self.correlation_quantile

    @property
    def invariance(self) -> Invariance:
        if not self.compositional:
            return "none"
        return "full" if self.mean_p >= self.alpha and self.variance_p >= self.alpha else "partial"

    def to_dict(self) -> dict[str, Any]:
        return {"construct": self.construct, "correlation": json_number(self.correlation),
                "correlation_quantile": json_number(self.correlation_quantile),
                "correlation_p": json_number(self.correlation_p), "compositional": self.compositional,
                "mean_difference": json_number(self.mean_difference), "mean_p": json_number(self.mean_p),
                "log_variance_ratio": json_number(self.log_variance_ratio),
                "variance_p": json_number(self.variance_p), "invariance": self.invariance}


@dataclass(frozen=True, slots=True)
class PathDifference:
    """A standardised path in each group and their difference (first − second), permutation p."""

    source: str
    target: str
    first: float
    second: float
    difference: float
    p_value: float  # normal approximation to the permutation distribution (see compare_groups)
    p_value_permutation: float  # the count of reshuffles at least as extreme, (1 + #) / (1 + R)

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "first": json_number(self.first),
                "second": json_number(self.second), "difference": json_number(self.difference),
                "p_value": json_number(self.p_value), "p_value_permutation": json_number(self.p_value_permutation)}


@dataclass(frozen=True, slots=True)
class GroupComparison:
    """Everything one permutation pass tells about two groups."""

    first: str
    second: str
    n_first: int
    n_second: int
    resamples: int
    successful: int
    # construct → (difference, p from the normal approximation, p from the count of reshuffles)
    index_differences: dict[str, tuple[float, float, float]]
    constructs: tuple[ConstructInvariance, ...]
    paths: tuple[PathDifference, ...]
    configural: bool = True

    @property
    def invariance(self) -> Invariance:
        """The weakest invariance over the constructs."""
        levels = [c.invariance for c in self.constructs]
        return "none" if "none" in levels else "partial" if "partial" in levels else "full"

    def invariance_of(self, construct: str) -> Invariance:
        return next(c.invariance for c in self.constructs if c.construct == construct)

    def to_dict(self) -> dict[str, Any]:
        return {"first": self.first, "second": self.second, "n_first": self.n_first, "n_second": self.n_second,
                "resamples": self.resamples, "successful": self.successful, "configural": self.configural,
                "invariance": self.invariance, "constructs": [c.to_dict() for c in self.constructs],
                "paths": [p.to_dict() for p in self.paths]}


def _statistics(estimator: PLS, values: np.ndarray, member: np.ndarray, base: np.ndarray, pooled: tuple,
                low: np.ndarray, high: np.ndarray) -> dict[str, np.ndarray]:
    """Per reshuffle (rows of ``member``): index differences, c, mean and log-variance differences
    of the pooled-weight composites, path differences (NaN where either group failed). The second
    group's sums are the pooled sums minus the first's: one pass over the rows per reshuffle."""
    pooled_mean, pooled_sd, pooled_corr, pooled_weights, pooled_sums = pooled
    centre = values.mean(axis=0)
    totals1, first1, second1 = weighted_sums(values, member * base)
    totals2, first2, second2 = (pooled_sums[0] - totals1, pooled_sums[1] - first1, pooled_sums[2] - second1)
    means1, cov1, sd1, w1, paths1 = fits_from_sums(estimator, centre, totals1, first1, second1)
    means2, cov2, sd2, w2, paths2 = fits_from_sums(estimator, centre, totals2, first2, second2)
    blocks = estimator.layout.blocks
    count, k = member.shape[0], len(blocks)
    out = {name: np.full((count, k), np.nan) for name in ("index", "c", "mean", "log_variance")}
    good = np.flatnonzero(np.isfinite(w1).all(axis=1) & np.isfinite(w2).all(axis=1))
    for b in good:
        out["index"][b] = (index_values(w1[b] / sd1[b], means1[b], low, high, blocks)
                           - index_values(w2[b] / sd2[b], means2[b], low, high, blocks))
    for j, block in enumerate(blocks):
        r = pooled_corr[np.ix_(block, block)]
        a, c = w1[good][:, block], w2[good][:, block]
        ra, rc = a @ r, c @ r
        out["c"][good, j] = np.einsum("bi,bi->b", ra, c) / np.sqrt(np.einsum("bi,bi->b", ra, a)
                                                                   * np.einsum("bi,bi->b", rc, c))
        wp = pooled_weights[block]
        z = wp / pooled_sd[block] / np.sqrt(wp @ r @ wp)  # pooled composite: unit variance
        mean1 = (means1[good][:, block] - pooled_mean[block]) @ z
        mean2 = (means2[good][:, block] - pooled_mean[block]) @ z
        var1 = np.einsum("i,bij,j->b", z, cov1[good][:, block][:, :, block], z)
        var2 = np.einsum("i,bij,j->b", z, cov2[good][:, block][:, :, block], z)
        out["mean"][good, j] = mean1 - mean2
        out["log_variance"][good, j] = np.log(var1) - np.log(var2)
    out["paths"] = paths1 - paths2
    out["paths_first"], out["paths_second"] = paths1, paths2
    return out


def compare_groups(
    spec: ModelSpec, first: pd.DataFrame, second: pd.DataFrame, *, first_label: str = "first",
    second_label: str = "second", resamples: int = 999, seed: int = 0, weights: str | None = None,
    scheme: InnerScheme = "path", consistent: bool = False, missing: MissingStrategy = "listwise",
    min_base: int | None = None, scale_bounds: ScaleBounds = (1, 10), alpha: float = 0.05,
) -> GroupComparison:
    """Index differences, MICOM (steps 1–3) and path differences of ``first`` against ``second``
    (PLS / PLSc, the model's items as columns, ``weights`` a column of respondent weights) from
    ``resamples`` label reshuffles drawn from ``seed``. Raises :class:`AcsiError` for bad options,
    :class:`EstimationError` when fewer than two reshuffles could be estimated, and the errors of
    :func:`acsi.data.prepare_items` for bad cells or a group below ``min_base``."""
    if not (isinstance(resamples, (int, np.integer)) and resamples >= 10):
        raise AcsiError(f"resamples={resamples!r} must be an integer ≥ 10")
    base_rows = recommended_min_base(spec, "plsc" if consistent else "pls") if min_base is None else int(min_base)
    estimator = PLS(spec, scheme=scheme, consistent=consistent, missing=missing, min_rows=base_rows)
    bounds = resolve_scale_bounds(spec, scale_bounds)
    low = np.array([bounds[i][0] for i in spec.items])
    high = np.array([bounds[i][1] for i in spec.items])
    (dx, bx), (dy, by) = _group(estimator, first, weights), _group(estimator, second, weights)
    observed_index = (construct_indices(estimator.fit_prepared(dx), scale_bounds=bounds).values
                      - construct_indices(estimator.fit_prepared(dy), scale_bounds=bounds).values)
    sign = 1.0
    if _digest(dx, bx) > _digest(dy, by):  # the canonical order of compare_segment_indices
        (dx, bx), (dy, by), sign = (dy, by), (dx, bx), -1.0
    values, base = np.vstack([dx.values, dy.values]), np.concatenate([bx, by])
    sums = weighted_sums(values, base[None, :])
    pooled_mean, pooled_cov, pooled_sd, pooled_weights, _ = fits_from_sums(estimator, values.mean(axis=0), *sums)
    if not np.isfinite(pooled_weights).all():
        raise EstimationError(f"the pooled data of {first_label} and {second_label} cannot be estimated")
    pooled = (pooled_mean[0], pooled_sd[0], pooled_cov[0] / np.outer(pooled_sd[0], pooled_sd[0]), pooled_weights[0],
              (sums[0][0], sums[1][0], sums[2][0]))
    member = np.zeros((1, len(values)))
    member[0, :dx.n] = 1.0
    observed = _statistics(estimator, values, member, base, pooled, low, high)
    parts = [_statistics(estimator, values, shuffled, base, pooled, low, high)
             for shuffled in permutation_members(seed, resamples, len(values), dx.n)]
    draws = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    good = np.isfinite(draws["index"]).all(axis=1) & np.isfinite(draws["paths"]).all(axis=1)
    if good.sum() < 2:
        raise EstimationError(f"only {int(good.sum())} of {resamples} reshuffles of {first_label} vs "
                              f"{second_label} could be estimated")
    draws = {name: value[good] for name, value in draws.items()}
    total = 1 + int(good.sum())

    def two_sided(d: np.ndarray, t: float) -> float:
        return (1 + int(np.sum(np.abs(d) >= abs(t) - 1e-9))) / total

    def normal(d: np.ndarray, t: float) -> float:
        spread = float(np.std(d, ddof=1))
        return float(math.erfc(abs(t) / spread / math.sqrt(2))) if spread > 0 else (1.0 if t == 0 else 0.0)

    names = list(spec.construct_names)
    constructs = []
    for j, name in enumerate(names):
        c, c_draws = float(observed["c"][0, j]), draws["c"][:, j]
        constructs.append(ConstructInvariance(
            name, c, float(np.quantile(c_draws, alpha)), (1 + int(np.sum(c_draws <= c + 1e-12))) / total,
            sign * float(observed["mean"][0, j]), two_sided(draws["mean"][:, j], observed["mean"][0, j]),
            sign * float(observed["log_variance"][0, j]),
            two_sided(draws["log_variance"][:, j], observed["log_variance"][0, j]), alpha))
    paths = []
    firsts, seconds = observed["paths_first"][0], observed["paths_second"][0]
    if sign < 0:
        firsts, seconds = seconds, firsts
    for i, (source, target) in enumerate(spec.paths):
        paths.append(PathDifference(source, target, float(firsts[i]), float(seconds[i]),
                                    float(firsts[i] - seconds[i]), normal(draws["paths"][:, i], observed["paths"][0, i]),
                                    two_sided(draws["paths"][:, i], observed["paths"][0, i])))
    indices = {name: (float(observed_index[name]), normal(draws["index"][:, j], sign * observed_index[name]),
                      two_sided(draws["index"][:, j], sign * observed_index[name]))
               for j, name in enumerate(names)}
    return GroupComparison(first_label, second_label, len(first), len(second), resamples, int(good.sum()),
                           indices, tuple(constructs), tuple(paths))

