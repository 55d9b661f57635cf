"""Chi-square and Welch's t from aggregates, against scipy on the raw data."""
import numpy as np
import pytest
from scipy import stats

from acsi.crosstabs import Moments, chi_square, welch_from_sums
from acsi.errors import InputDataError


def test_chi_square_matches_the_hand_computed_two_by_two():
    result = chi_square([[30, 20], [20, 30]])
    # expected 25 in every cell: χ² = 4 · 25 / 25 = 4, V = sqrt(4 / 100)
    assert result.statistic == pytest.approx(4.0) and result.dof == 1
    assert result.p_value == pytest.approx(2 * stats.norm.sf(2.0), rel=1e-10)
    assert result.cramers_v == pytest.approx(0.2) and result.n == 100 and not result.sparse


def test_chi_square_matches_scipy_and_drops_empty_rows_and_columns():
    table = [[12, 5, 0, 9], [0, 0, 0, 0], [4, 11, 0, 15], [7, 7, 0, 2]]
    result = chi_square(table)
    reference = stats.chi2_contingency([[12, 5, 9], [4, 11, 15], [7, 7, 2]], correction=False)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10) and result.dof == 4
    assert result.cramers_v == pytest.approx(np.sqrt(reference.statistic / (72 * 2)), rel=1e-12)


def test_tables_without_two_rows_and_columns_have_no_test():
    assert chi_square([[5, 7]]).p_value is None
    assert chi_square([[5, 0], [7, 0]]).statistic is None
    assert chi_square([[1, 2], [0, 3]]).sparse  # every expected count is below 5
    with pytest.raises(InputDataError, match="counts >= 0"):
        chi_square([[1, -2], [3, 4]])


def test_welch_from_sums_equals_welch_on_the_values():
    rng = np.random.default_rng(4)
    a, b = rng.normal(7, 2, 40), rng.normal(6.2, 1, 75)
    sums = welch_from_sums(Moments(a.size, a.sum(), (a * a).sum()), Moments(b.size, b.sum(), (b * b).sum()))
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert sums.difference == pytest.approx(a.mean() - b.mean(), rel=1e-12)
    assert sums.statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert sums.p_value == pytest.approx(reference.pvalue, rel=1e-8)
    everything = Moments(a.size + b.size, a.sum() + b.sum(), (a * a).sum() + (b * b).sum())
    rest = everything - Moments(a.size, a.sum(), (a * a).sum())
    assert rest.n == b.size and rest.mean == pytest.approx(b.mean()) and rest.variance == pytest.approx(b.var(ddof=1))


def test_welch_needs_two_values_and_some_variance():
    assert welch_from_sums(Moments(1, 5, 25), Moments(10, 50, 260)).p_value is None
    flat = welch_from_sums(Moments(3, 15, 75), Moments(2, 8, 32))
    assert flat.difference == pytest.approx(1.0) and flat.statistic is None
    assert welch_from_sums(Moments(0, 0, 0), Moments(3, 3, 3)).difference is None
