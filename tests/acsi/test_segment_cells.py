"""Cells: one estimate with n, effective n, SE, interval and reliability flag (by hand)."""
import math

import numpy as np
import pytest
from scipy import stats

from acsi.errors import InputDataError
from acsi.intervals import wilson_interval
from acsi.segment_cells import estimate_mean, estimate_proportion, linearised_standard_error
from acsi.segments import NCHS_RULE


def test_estimate_proportion_by_hand():
    cell = estimate_proportion([True] * 60 + [False] * 40)
    assert cell.estimate == pytest.approx(0.6)
    assert cell.se == pytest.approx(math.sqrt(0.24 / 100))
    # Wilson's interval for 60 of 100 (statsmodels: 0.502003 to 0.690599).
    assert (cell.ci_low, cell.ci_high) == pytest.approx((0.502003, 0.690599), abs=1e-6)
    assert cell.reliability == "reliable"
    zero = estimate_proportion([False] * 100)
    assert zero.estimate == 0 and zero.reliability == "unreliable"
    weighted = estimate_proportion([1, 0, 0, 0], weights=[3, 1, 1, 1])
    assert weighted.estimate == pytest.approx(0.5)
    assert weighted.n == 4 and weighted.n_effective == pytest.approx(3.0)
    # Linearised by hand: w·(y − p) = 1.5, −.5, −.5, −.5; Σ² = 3; 4/3 · 3/36 = 1/9 → SE 1/3
    # (Kish's √(0.25/3) = 0.2887 ignores that the heavy row is the one that says yes).
    assert weighted.se == pytest.approx(1 / 3)
    assert (weighted.ci_low, weighted.ci_high) == pytest.approx(wilson_interval(0.5, 0.25 / (1 / 9)))
    empty = estimate_proportion([])
    assert empty.estimate is None and empty.reliability == "suppressed"


@pytest.mark.parametrize("n, expected", [(29, "suppressed"), (30, "unreliable"),
                                         (59, "unreliable"), (60, "reliable")])
def test_estimate_proportion_suppression_boundaries(n, expected):
    flags = [True, False] * (n // 2) + [True] * (n % 2)
    cell = estimate_proportion(flags)
    assert cell.reliability == expected
    if expected == "suppressed":
        assert cell.to_dict()["estimate"] is None
        assert cell.to_dict(redact_suppressed=False)["estimate"] == pytest.approx(cell.estimate)


def test_estimate_mean_by_hand_and_weighted():
    cell = estimate_mean([2, 4, 4, 4, 5, 5, 7, 9])
    assert cell.estimate == 5
    assert cell.se == pytest.approx(math.sqrt(32 / 7 / 8))
    # weighted: mean 3.5, n_eff 16/6; linearised: w·(y − 3.5) = −2.5, −.5, 3; Σ² = 15.5;
    # 3/2 · 15.5/16 = 1.453125 (Kish-based: √1.65 = 1.2845)
    weighted = estimate_mean([1, 3, 5], weights=[1, 1, 2])
    assert weighted.estimate == pytest.approx(3.5)
    assert weighted.n_effective == pytest.approx(16 / 6)
    assert weighted.se == pytest.approx(math.sqrt(1.453125))
    t = stats.t.ppf(0.975, 2)
    assert weighted.ci_high == pytest.approx(3.5 + t * math.sqrt(1.453125))
    tiny = estimate_mean([1, 3], weights=[1, 3])  # n_eff 1.6 < 2: no SE
    assert tiny.estimate == pytest.approx(2.5) and tiny.se is None
    single = estimate_mean([4.0])
    assert single.estimate == 4 and single.se is None and single.ci_low is None
    with pytest.raises(InputDataError, match="position 1"):
        estimate_mean([1.0, math.nan])


def test_estimate_mean_relative_se_switch():
    values = np.array([-1.0, 1.0] * 50)
    assert estimate_mean(values).reliability == "unreliable"
    assert estimate_mean(values, check_relative_se=False).reliability == "reliable"
    assert NCHS_RULE.min_shown == 30


def test_cell_summary():
    assert estimate_proportion([True] * 60 + [False] * 40).summary().startswith("0.6, CI")
    assert estimate_proportion([True] * 10).summary() == "suppressed (n=10)"


def test_linearised_standard_error_by_hand():
    # y 1..4, weights 1, 1, 2, 2: mean 17/6; w·e = −11/6, −5/6, 1/3, 7/3; Σ² = 9.6111;
    # 4/3 · 9.6111/36 = 0.355967 → SE 0.596630.
    se = linearised_standard_error(np.array([1.0, 2, 3, 4]), np.array([1.0, 1, 2, 2]))
    assert se == pytest.approx(0.596630, abs=1e-6)
    # Equal weights: the textbook s/√n.
    values = np.array([2.0, 4, 4, 4, 5, 5, 7, 9])
    assert linearised_standard_error(values, np.ones(8)) == pytest.approx(math.sqrt(32 / 7 / 8))


def test_linearised_se_matches_the_sampling_spread_better_than_kish():
    """Unequal-probability samples (a group with higher y sampled at 20 %, the rest at 5 %,
    weights 1/π) from one population: the linearised SE tracks the spread of the weighted mean
    over repeated samples; Kish's n_eff-based SE is further off."""
    rng = np.random.default_rng(5)
    size = 5000
    group = rng.random(size) < 0.3
    population = np.where(group, rng.normal(8, 2, size), rng.normal(5, 2, size))
    inclusion = np.where(group, 0.2, 0.05)
    means, linearised, kish = [], [], []
    for _ in range(800):
        chosen = rng.random(size) < inclusion
        values, weights = population[chosen], 1 / inclusion[chosen]
        cell = estimate_mean(values, weights=weights)
        means.append(cell.estimate)
        linearised.append(cell.se)
        variance = np.average((values - cell.estimate) ** 2, weights=weights) * cell.n_effective / (
            cell.n_effective - 1)
        kish.append(math.sqrt(variance / cell.n_effective))
    spread = float(np.std(means))
    # With-replacement linearisation leaves out the 9 % sampling fraction: a few % wide.
    assert np.mean(linearised) == pytest.approx(spread, rel=0.1)
    assert abs(np.mean(linearised) - spread) < abs(np.mean(kish) - spread)
