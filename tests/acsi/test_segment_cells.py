"""Cells: one estimate with n, effective n, SE, interval and reliability flag (by hand)."""
import math

import numpy as np
import pytest

from acsi.errors import InputDataError
from acsi.segment_cells import estimate_mean, estimate_proportion
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
    assert weighted.se == pytest.approx(math.sqrt(0.25 / 3))
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
    # weighted: mean 3.5, n_eff 16/6, variance 2.75 * n_eff/(n_eff - 1) = 4.4
    weighted = estimate_mean([1, 3, 5], weights=[1, 1, 2])
    assert weighted.estimate == pytest.approx(3.5)
    assert weighted.n_effective == pytest.approx(16 / 6)
    assert weighted.se == pytest.approx(math.sqrt(1.65))
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
