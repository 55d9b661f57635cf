"""Seed metric c = mean(b) / mean(a): hand-computed ratio of means and its linearised SE."""
import math

import pytest
from scipy import stats

from acsi.errors import InputDataError
from acsi.seed_metric import seed_metric


def test_ratio_of_means_not_mean_of_ratios():
    # a = 2, 5, 8, 5 (mean 5); b = 6, 5, 8, 9 (mean 7): c = 1.4 (the mean of ratios would be 1.7)
    result = seed_metric([2, 5, 8, 5], [6, 5, 8, 9])
    assert result.ratio == pytest.approx(1.4)
    assert result.expectation_mean == 5 and result.performance_mean == 7
    # residuals b − 1.4a = 3.2, −2, −3.2, 2; Σd² = 28.48; SE = √(28.48 / (4·3)) / 5
    se = math.sqrt(28.48 / 12) / 5
    assert result.se == pytest.approx(se)
    t = stats.t.ppf(0.975, 3)
    assert result.ci_low == pytest.approx(1.4 - t * se)
    assert result.to_dict(redact_suppressed=False)["estimator"] == "ratio_of_means"


def test_weighted_by_hand():
    # Σwa = 14, Σwb = 16, c = 8/7; Σw²d² = 1·(12/7)² + 9·(4/7)²; × n/(n−1) = 2
    result = seed_metric([2, 4], [4, 4], weights=[1, 3])
    assert result.ratio == pytest.approx(8 / 7)
    expected = math.sqrt(2 * ((12 / 7) ** 2 + 9 * (4 / 7) ** 2)) / 14
    assert result.se == pytest.approx(expected)
    assert result.n_effective == pytest.approx(1.6) and result.se is not None


def test_uniform_weights_change_nothing():
    plain = seed_metric([2, 5, 8, 5], [6, 5, 8, 9])
    weighted = seed_metric([2, 5, 8, 5], [6, 5, 8, 9], weights=[2, 2, 2, 2])
    assert weighted.ratio == pytest.approx(plain.ratio) and weighted.se == pytest.approx(plain.se)


@pytest.mark.parametrize("n, expected", [(29, "suppressed"), (30, "unreliable"),
                                         (59, "unreliable"), (60, "reliable")])
def test_suppression_boundaries(n, expected):
    result = seed_metric([5, 6] * (n // 2) + [5] * (n % 2), [6, 7] * (n // 2) + [6] * (n % 2))
    assert result.reliability == expected
    assert (result.to_dict()["ratio"] is None) == (expected == "suppressed")


def test_empty_single_and_invalid():
    assert seed_metric([], []).ratio is None
    single = seed_metric([4], [6])
    assert single.ratio == 1.5 and single.se is None
    with pytest.raises(InputDataError, match="expectation at position 1"):
        seed_metric([4, 0], [6, 6])
    with pytest.raises(InputDataError, match="performance at position 0"):
        seed_metric([4], [float("nan")])
    with pytest.raises(InputDataError, match="shape"):
        seed_metric([4, 5], [6])


def test_summary_text():
    assert "1.4000" in seed_metric([2, 5, 8, 5], [6, 5, 8, 9]).summary()
    assert seed_metric([], []).summary() == "c = b/a: no answers"
