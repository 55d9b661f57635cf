"""Segment machinery: suppression boundaries, margins, comparisons, Holm, weights, splitting."""
import math

import pandas as pd
import pytest
from scipy import stats

from acsi.errors import InputDataError, InsufficientDataError
from acsi.multiple_testing import holm_adjust
from acsi.segments import (SuppressionRule, check_weights, compare_means_with_rest,
                           compare_proportions_with_rest, compare_segments_pairwise,
                           kish_effective_n, margin_of_error_mean, margin_of_error_proportion,
                           permutation_difference, post_stratification_weights, reliability,
                           split_by_segment, welch_anova)


@pytest.mark.parametrize("n, expected", [(0, "suppressed"), (29, "suppressed"),
                                         (30, "unreliable"), (59, "unreliable"),
                                         (60, "reliable"), (1000, "reliable")])
def test_nchs_size_boundaries(n, expected):
    assert reliability(n) == expected


def test_relative_se_boundary_and_undefined():
    assert reliability(100, relative_se=0.2999) == "reliable"
    assert reliability(100, relative_se=0.30) == "unreliable"
    assert reliability(100, relative_se=math.inf) == "unreliable"
    assert reliability(29, relative_se=0.01) == "suppressed"


def test_custom_rule_and_invalid_rule():
    rule = SuppressionRule(min_shown=10, min_reliable=20, max_relative_se=0.5)
    assert reliability(9, rule=rule) == "suppressed"
    assert reliability(10, rule=rule) == "unreliable"
    assert reliability(20, relative_se=0.4, rule=rule) == "reliable"
    with pytest.raises(InputDataError, match="min_shown"):
        SuppressionRule(min_shown=70, min_reliable=60)


@pytest.mark.parametrize("n, margin", [(100, 0.0980), (400, 0.0490), (1000, 0.0310)])
def test_margin_of_error_of_a_proportion_methodology(n, margin):
    assert margin_of_error_proportion(0.5, n) == pytest.approx(margin, abs=5e-5)


def test_margin_of_error_design_effect_and_fpc():
    base = margin_of_error_proportion(0.5, 100)
    assert margin_of_error_proportion(0.5, 100, design_effect=2) == pytest.approx(base * math.sqrt(2))
    assert margin_of_error_proportion(0.5, 100, population_size=200) == pytest.approx(
        base * math.sqrt(100 / 199))
    assert margin_of_error_proportion(0.5, 0) is None
    with pytest.raises(InputDataError):
        margin_of_error_proportion(1.2, 10)


def test_margin_of_error_of_a_mean():
    # t(24, 0.975) = 2.063899; 2.063899 * 2 / 5
    assert margin_of_error_mean(2.0, 25) == pytest.approx(0.8255596, abs=1e-6)
    assert margin_of_error_mean(2.0, 1) is None


def test_two_proportion_z_methodology_example():
    result = compare_proportions_with_rest(60, 100, 45, 100)
    assert result.statistic == pytest.approx(2.124, abs=5e-4)
    assert result.p_value == pytest.approx(0.0337, abs=5e-5)
    assert result.difference == pytest.approx(0.15)
    swapped = compare_proportions_with_rest(45, 100, 60, 100)
    assert swapped.p_value == pytest.approx(result.p_value)
    assert compare_proportions_with_rest(0, 10, 0, 10).statistic is None
    assert compare_proportions_with_rest(1, 0, 1, 10).difference is None


def test_welch_t_against_hand_computation():
    a, b = [1, 2, 3, 4], [2, 3, 5, 6, 7]
    # means 2.5 and 4.6, variances 5/3 and 4.3
    se = math.sqrt((5 / 3) / 4 + 4.3 / 5)
    t = (2.5 - 4.6) / se
    df = se ** 4 / (((5 / 3) / 4) ** 2 / 3 + (4.3 / 5) ** 2 / 4)
    result = compare_means_with_rest(a, b)
    assert result.test == "welch_t"
    assert result.difference == pytest.approx(-2.1)
    assert result.statistic == pytest.approx(t, abs=1e-9)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), df), abs=1e-9)
    assert compare_means_with_rest([1.0], b).statistic is None
    assert compare_means_with_rest([], b).difference is None


def test_uniform_weights_do_not_change_welch_t():
    a, b = [1, 2, 3, 4], [2, 3, 5, 6, 7]
    plain = compare_means_with_rest(a, b)
    weighted = compare_means_with_rest(a, b, segment_weights=[2] * 4, rest_weights=[2] * 5)
    assert weighted.statistic == pytest.approx(plain.statistic)
    assert weighted.p_value == pytest.approx(plain.p_value)


def test_welch_anova_two_groups_is_welch_t_squared():
    a, b = [1, 2, 3, 4], [2, 3, 5, 6, 7]
    t = compare_means_with_rest(a, b).statistic
    result = welch_anova([a, b])
    assert result.statistic == pytest.approx(t ** 2, rel=1e-9)
    assert result.difference == pytest.approx(2.1)
    with pytest.raises(InsufficientDataError, match="at least 2"):
        welch_anova([a])


def test_holm_by_hand_and_none_entries():
    assert holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm_adjust([None, 0.01, 0.04]) == [None, pytest.approx(0.02), pytest.approx(0.04)]
    assert holm_adjust([None]) == [None]


def test_kish_effective_n():
    assert kish_effective_n([1, 1, 2, 2]) == pytest.approx(3.6)
    assert kish_effective_n([5, 5, 5]) == pytest.approx(3.0)
    assert kish_effective_n([]) == 0.0


def test_check_weights_rejects_negative_and_nan():
    with pytest.raises(InputDataError, match="position 1"):
        check_weights([1, -1], 2)
    with pytest.raises(InputDataError, match="position 0"):
        check_weights([math.nan, 1], 2)
    with pytest.raises(InputDataError, match="sum to 0"):
        check_weights([0, 0], 2)


def test_post_stratification_weights():
    strata = pd.Series(["a", "a", "a", "b"])
    weights = post_stratification_weights(strata, {"a": 50, "b": 50})
    assert weights.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    assert weights.sum() == pytest.approx(4.0)
    with pytest.raises(InputDataError, match="'b' is in the sample"):
        post_stratification_weights(strata, {"a": 1.0})
    with pytest.raises(InputDataError, match="'c' has a population share"):
        post_stratification_weights(strata, {"a": 1, "b": 1, "c": 1})


def test_split_by_segment_order_and_missing_values():
    frame = pd.DataFrame({"region": ["south", "north", None, "north", "east"], "x": range(5)})
    parts = list(split_by_segment(frame, "region"))
    assert [label for label, _ in parts] == ["all", "east", "north", "south"]
    assert len(parts[0][1]) == 5
    assert parts[2][1]["x"].tolist() == [1, 3]
    assert [label for label, _ in split_by_segment(frame, None)] == ["all"]
    with pytest.raises(InputDataError, match="'tier' is not in the data"):
        list(split_by_segment(frame, "tier"))
    with pytest.raises(InputDataError, match="reserved value 'all'"):
        list(split_by_segment(pd.DataFrame({"s": ["all"]}), "s"))


def test_split_of_empty_segment_column():
    frame = pd.DataFrame({"region": [None, None], "x": [1, 2]})
    assert [label for label, _ in split_by_segment(frame, "region")] == ["all"]


def test_pairwise_welch_with_holm():
    groups = {"a": [1, 2, 3, 4], "b": [2, 3, 5, 6, 7], "c": [10, 11, 12, 13]}
    results = compare_segments_pairwise(groups)
    assert [(a, b) for a, b, _ in results] == [("a", "b"), ("a", "c"), ("b", "c")]
    raw = [c.p_value for _, _, c in results]
    assert raw[0] == pytest.approx(compare_means_with_rest(groups["a"], groups["b"]).p_value)
    assert [c.p_value_holm for _, _, c in results] == pytest.approx(holm_adjust(raw))
    assert results[1][2].difference == pytest.approx(2.5 - 11.5)


def test_no_variance_gives_no_test_instead_of_a_warning():
    both_constant = compare_means_with_rest([1, 1, 1], [2, 2, 2])
    assert both_constant.difference == -1 and both_constant.statistic is None
    one_constant = compare_means_with_rest([1, 1, 1], [2, 3, 2])
    # se = √(0 + (1/3)/3); t = (1 − 7/3) / se
    assert one_constant.statistic == pytest.approx((1 - 7 / 3) / math.sqrt(1 / 9))
    anova = welch_anova([[1, 1, 1], [2, 3, 2]])
    assert anova.statistic is None and anova.difference == pytest.approx(4 / 3)


def test_permutation_difference_exact_case_and_symmetry():
    first, second = pd.DataFrame({"x": [0.0, 0.0]}), pd.DataFrame({"x": [1.0, 1.0]})
    mean = lambda frame: frame["x"].mean()  # noqa: E731
    # 6 equally likely splits of {0, 0, 1, 1}; only the 2 complete separations reach |Δ| = 1
    result = permutation_difference(first, second, mean, resamples=4000, seed=1)
    assert result.difference == -1 and result.test == "permutation"
    assert result.p_value == pytest.approx(1 / 3, abs=0.03)
    swapped = permutation_difference(second, first, mean, resamples=4000, seed=1)
    assert swapped.difference == 1 and swapped.p_value == result.p_value
    separated = permutation_difference(pd.DataFrame({"x": range(10)}),
                                       pd.DataFrame({"x": range(100, 110)}), mean, resamples=99,
                                       seed=1)
    assert separated.p_value == pytest.approx(1 / 100)
    with pytest.raises(InsufficientDataError, match="non-empty"):
        permutation_difference(first.iloc[:0], second, mean)
