"""Fit indices on hand-computed cases (the lavaan comparison is in test_cbsem.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import ncx2

from acsi.fit_indices import compute_fit_indices, ml_discrepancy


def test_independence_model_on_two_correlated_items_by_hand():
    sample = np.array([[1.0, 0.5], [0.5, 1.0]])
    fit = compute_fit_indices(sample, np.eye(2), n_observations=100, n_free_parameters=2)
    # F = log|I| + tr(S) − log|S| − 2 = −log 0.75
    assert ml_discrepancy(sample, np.eye(2)) == pytest.approx(-math.log(0.75), abs=1e-12)
    assert fit.chi_square == pytest.approx(-100 * math.log(0.75), abs=1e-10)
    assert fit.degrees_of_freedom == 1 and fit.baseline_degrees_of_freedom == 1
    assert fit.baseline_chi_square == pytest.approx(fit.chi_square, abs=1e-10)
    assert fit.cfi == pytest.approx(0.0, abs=1e-12) and fit.tli == pytest.approx(0.0, abs=1e-12)
    assert fit.srmr == pytest.approx(math.sqrt(0.25 / 3), abs=1e-12)  # residuals 0, 0.5, 0
    assert fit.rmsea == pytest.approx(math.sqrt((fit.chi_square - 1) / 100), abs=1e-12)
    # the interval's ends are the non-centralities putting χ² at the 95th and 5th percentile
    for bound, probability in [(fit.rmsea_ci_lower, 0.95), (fit.rmsea_ci_upper, 0.05)]:
        assert ncx2.cdf(fit.chi_square, 1, bound**2 * 100) == pytest.approx(probability, abs=1e-7)


def test_perfect_fit_gives_zero_misfit_and_saturated_model_has_undefined_tests():
    sample = np.array([[2.0, 0.6, 0.3], [0.6, 1.0, 0.2], [0.3, 0.2, 0.5]])
    fit = compute_fit_indices(sample, sample, n_observations=500, n_free_parameters=4)
    assert fit.chi_square == pytest.approx(0.0, abs=1e-9) and fit.srmr == 0.0
    assert fit.rmsea == 0.0 and fit.rmsea_ci_lower == 0.0 and fit.rmsea_ci_upper == 0.0
    assert fit.cfi == 1.0
    saturated = compute_fit_indices(sample, sample, n_observations=500, n_free_parameters=6)
    assert saturated.degrees_of_freedom == 0 and math.isnan(saturated.p_value) and math.isnan(saturated.rmsea)
    assert saturated.to_dict()["rmsea"] is None


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="same square shape"):
        compute_fit_indices(np.eye(2), np.eye(3), n_observations=10, n_free_parameters=1)
