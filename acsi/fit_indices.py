"""Global fit indices of a covariance-structure model, computed from S and the implied Σ.

Conventions follow lavaan's defaults for normal-theory maximum likelihood (``likelihood =
"normal"``), so the numbers can be checked against R:

* ``F_ML = log|Σ| + tr(S Σ⁻¹) − log|S| − p`` with S the biased (÷ N) sample covariance;
* χ² = N · F_ML, p-value from the central χ²(df);
* baseline (independence) model Σ₀ = diag(S): χ²₀ = N · (Σ log s_ii − log|S|), df₀ = p(p−1)/2;
* CFI = 1 − max(χ² − df, 0) / max(χ² − df, χ²₀ − df₀, 0);
  TLI = (χ²₀/df₀ − χ²/df) / (χ²₀/df₀ − 1);
* RMSEA = √(max(χ² − df, 0) / (N · df)), its 90 % CI from the non-centrality λ at which the
  non-central χ²(df, λ) puts χ² at its 95th / 5th percentile, RMSEA = √(λ / (N · df));
* SRMR (Bentler): root mean square of the lower triangle, diagonal included, of
  (S − Σ) / √(s_ii s_jj).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2, ncx2

__all__ = ["FitIndices", "compute_fit_indices", "ml_discrepancy"]


@dataclass(frozen=True, slots=True)
class FitIndices:
    """χ² test and approximate fit indices of one fitted model (NaN where undefined, e.g. df = 0)."""

    chi_square: float
    degrees_of_freedom: int
    p_value: float
    baseline_chi_square: float
    baseline_degrees_of_freedom: int
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    srmr: float
    n_observations: float

    def to_dict(self) -> dict[str, float | int | None]:
        """Plain JSON-ready values (NaN becomes None)."""
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in asdict(self).items()}

    def summary(self) -> str:
        """One line per index."""
        return (f"chi2 = {self.chi_square:.3f} on {self.degrees_of_freedom} df (p = {self.p_value:.4f}); "
                f"CFI = {self.cfi:.4f}, TLI = {self.tli:.4f}, RMSEA = {self.rmsea:.4f} "
                f"[{self.rmsea_ci_lower:.4f}, {self.rmsea_ci_upper:.4f}], SRMR = {self.srmr:.4f}")


def ml_discrepancy(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """Normal-theory ML discrepancy F_ML between two positive definite p×p matrices."""
    p = sample_cov.shape[0]
    sign_s, logdet_s = np.linalg.slogdet(sample_cov)
    sign_m, logdet_m = np.linalg.slogdet(implied_cov)
    if sign_s <= 0 or sign_m <= 0:
        return float("nan")
    trace = float(np.trace(np.linalg.solve(implied_cov, sample_cov)))
    return float(logdet_m + trace - logdet_s - p)


def _rmsea_bound(statistic: float, df: int, n: float, probability: float) -> float:
    """√(λ/(N·df)) for the λ with ncx2.cdf(statistic, df, λ) = probability (0 if none is positive)."""
    def gap(lam: float) -> float:
        return float(ncx2.cdf(statistic, df, lam)) - probability
    if chi2.cdf(statistic, df) < probability:  # even λ = 0 puts the statistic below the quantile
        return 0.0
    upper = max(statistic, 1.0)
    while gap(upper) > 0:
        upper *= 2.0
    lam = brentq(gap, 0.0, upper, xtol=1e-10)
    return float(np.sqrt(lam / (n * df)))


def compute_fit_indices(sample_cov: np.ndarray, implied_cov: np.ndarray, *, n_observations: float,
                        n_free_parameters: int) -> FitIndices:
    """Fit indices of a model with ``n_free_parameters`` whose implied covariance is ``implied_cov``.

    ``sample_cov`` must be the biased (÷ N) covariance; ``n_observations`` is N (or an effective
    N for weighted data). Raises ``ValueError`` when the shapes disagree.
    """
    sample_cov = np.asarray(sample_cov, dtype=float)
    implied_cov = np.asarray(implied_cov, dtype=float)
    if sample_cov.shape != implied_cov.shape or sample_cov.shape[0] != sample_cov.shape[1]:
        raise ValueError(f"sample {sample_cov.shape} and implied {implied_cov.shape} covariances must be the same square shape")
    p = sample_cov.shape[0]
    n = float(n_observations)
    df = p * (p + 1) // 2 - int(n_free_parameters)
    statistic = n * ml_discrepancy(sample_cov, implied_cov)
    baseline_df = p * (p - 1) // 2
    baseline = n * (float(np.sum(np.log(np.diag(sample_cov)))) - float(np.linalg.slogdet(sample_cov)[1]))
    nan = float("nan")
    if df > 0 and np.isfinite(statistic):
        p_value = float(chi2.sf(statistic, df))
        rmsea = float(np.sqrt(max(statistic - df, 0.0) / (n * df)))
        ci_lower = _rmsea_bound(statistic, df, n, 0.95)
        ci_upper = _rmsea_bound(statistic, df, n, 0.05)
        tli = ((baseline / baseline_df - statistic / df) / (baseline / baseline_df - 1.0)
               if baseline_df > 0 and baseline / baseline_df != 1.0 else nan)
    else:
        p_value = rmsea = ci_lower = ci_upper = tli = nan
    denominator = max(statistic - df, baseline - baseline_df, 0.0)
    cfi = 1.0 - max(statistic - df, 0.0) / denominator if denominator > 0 else nan
    scale = 1.0 / np.sqrt(np.diag(sample_cov))
    residual = (sample_cov - implied_cov) * np.outer(scale, scale)
    lower = residual[np.tril_indices(p)]
    srmr = float(np.sqrt(np.mean(lower**2)))
    return FitIndices(
        chi_square=float(statistic), degrees_of_freedom=df, p_value=p_value,
        baseline_chi_square=float(baseline), baseline_degrees_of_freedom=baseline_df,
        cfi=float(cfi), tli=float(tli), rmsea=rmsea, rmsea_ci_lower=ci_lower, rmsea_ci_upper=ci_upper,
        srmr=srmr, n_observations=n)
