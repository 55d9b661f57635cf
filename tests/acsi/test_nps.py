"""NPS: the methodology example, boundaries, weights, suppression and the difference test."""
import math

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from acsi.errors import InputDataError
from acsi.intervals import nps_score_interval
from acsi.nps import compare_nps, net_promoter_score, nps_from_counts, nps_group


def scores(promoters, passives, detractors):
    return [10] * promoters + [7] * passives + [3] * detractors


def test_methodology_example_from_counts_and_from_scores():
    for result in (nps_from_counts(90, 60, 50), net_promoter_score(scores(90, 60, 50))):
        assert result.nps == pytest.approx(20.0)
        assert result.se == pytest.approx(5.745, abs=5e-4)
        # Score interval (tests/acsi/test_intervals.py checks it against a numerical inversion);
        # the Wald interval would be 20 ± 11.26.
        assert (result.ci_low, result.ci_high) == pytest.approx((8.5007, 30.9120), abs=5e-4)
        assert (result.promoters, result.passives, result.detractors) == (90, 60, 50)
        assert result.variance == pytest.approx(0.66)
        assert result.reliability == "reliable"


@pytest.mark.parametrize("score, group", [(0, "detractor"), (6, "detractor"), (7, "passive"),
                                          (8, "passive"), (9, "promoter"), (10, "promoter"),
                                          ("9", "promoter"), (8.0, "passive")])
def test_group_boundaries(score, group):
    assert nps_group(score) == group


@pytest.mark.parametrize("score", [-1, 11, 7.5, "x", None])
def test_bad_scores_name_the_row(score):
    with pytest.raises(InputDataError, match="row 12: NPS answer"):
        net_promoter_score(pd.Series([10, score], index=[11, 12]))


def test_all_promoters_and_empty():
    result = net_promoter_score([9] * 40)
    assert result.nps == 100 and result.se == 0
    # The score interval keeps room below 100 where Wald collapses to [100, 100].
    assert result.ci_high == 100 and 80 < result.ci_low < 95
    empty = net_promoter_score([])
    assert empty.nps is None and empty.se is None and empty.reliability == "suppressed"
    assert empty.summary().startswith("NPS: no answers")


def test_weights_by_hand():
    # promoter weight 3, detractor weight 1: p = .75, d = .25, V = 1 − .25 = .75, n_eff = 1.6.
    # Linearised SE of the mean score: w·(x − .5) = 1.5, −1.5; 2/1 · 4.5/16 = .5625 → 0.75.
    result = net_promoter_score([10, 0], weights=[3, 1])
    assert result.nps == pytest.approx(50)
    assert result.n == 2 and result.n_effective == pytest.approx(1.6)
    assert result.se == pytest.approx(75)
    # The score interval runs on the design's effective n, V / SE² = .75 / .5625.
    assert (result.ci_low, result.ci_high) == pytest.approx(
        nps_score_interval(0.75, 0.25, 0.75 / 0.5625))
    assert -100 < result.ci_low < 50 < result.ci_high < 100


@pytest.mark.parametrize("n, expected", [(29, "suppressed"), (30, "unreliable"),
                                         (59, "unreliable"), (60, "reliable")])
def test_suppression_boundaries(n, expected):
    result = net_promoter_score([10, 5] * (n // 2) + [8] * (n % 2))
    assert result.reliability == expected
    data = result.to_dict()
    assert (data["nps"] is None) == (expected == "suppressed")
    assert data["n"] == n


def test_difference_test_by_hand_and_symmetric():
    first, second = nps_from_counts(90, 60, 50), nps_from_counts(60, 80, 60)
    # V1 = .66, V2 = .3 + .3 − 0 = .6; z = 20 / (100·√(.66/200 + .6/200))
    z = 20 / (100 * math.sqrt(0.66 / 200 + 0.6 / 200))
    result = compare_nps(first, second)
    assert result.statistic == pytest.approx(z) and z == pytest.approx(2.5198, abs=1e-4)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))
    swapped = compare_nps(second, first)
    assert swapped.statistic == pytest.approx(-z) and swapped.p_value == pytest.approx(result.p_value)
    assert compare_nps(first, net_promoter_score([])).p_value is None
    assert compare_nps(nps_from_counts(5, 0, 0), nps_from_counts(3, 0, 0)).statistic is None


def test_negative_counts_rejected():
    with pytest.raises(InputDataError, match="counts must be >= 0"):
        nps_from_counts(1, -1, 0)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50),
       st.integers(0, 50), st.integers(0, 50))
def test_properties_scores_equal_counts_and_test_is_symmetric(p1, m1, d1, p2, m2, d2):
    first = net_promoter_score(scores(p1, m1, d1))
    assert first == nps_from_counts(p1, m1, d1)
    second = nps_from_counts(p2, m2, d2)
    forward, backward = compare_nps(first, second), compare_nps(second, first)
    assert forward.p_value == backward.p_value
    if first.nps is not None:
        assert -100 <= first.ci_low <= first.nps <= first.ci_high <= 100
