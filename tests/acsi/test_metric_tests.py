"""Complaint and word-of-mouth metrics compared between two groups (acsi.metric_tests), against
hand-computed tests and scipy's Welch t."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from acsi.metric_tests import across_groups, complaint_tests, kano_tests


def group(complainers: int, others: int, *, top: int, told: list[tuple[int, str]], handle: list[int]
          ) -> pd.DataFrame:
    """``complainers`` rows that complained (``top`` of them fully satisfied, 5; the rest 2),
    then ``others`` that did not (their follow-up cells empty)."""
    rows = []
    for i in range(complainers):
        people, valence = told[i % len(told)]
        rows.append({"complained": "yes", "resolution_satisfaction": 5 if i < top else 2,
                     "handle": handle[i % len(handle)], "people_told": people, "told_valence": valence,
                     "resolution_status": "fully" if i % 2 else "not", "first_contact": "yes"})
    rows += [{"complained": "no"} for _ in range(others)]
    return pd.DataFrame(rows)


COLUMNS = ("complained", "resolution_satisfaction", "handle", "people_told", "told_valence",
           "resolution_status", "first_contact")


@pytest.fixture
def groups():
    first = group(30, 20, top=18, told=[(4, "positive"), (10, "negative"), (2, "mixed")], handle=[9, 7, 10, 6])
    second = group(20, 30, top=8, told=[(1, "positive"), (12, "negative")], handle=[5, 8, 3])
    return first, second


def by_metric(found):
    return {t.metric: t for t in found}


def test_complaint_rate_is_the_pooled_two_proportion_z_test(groups):
    tests = by_metric(complaint_tests(*groups, columns=COLUMNS))
    rate = tests["complaints:complaint_rate"]
    # 30/50 vs 20/50: pooled 0.5, SE = sqrt(0.25 · (1/50 + 1/50)) = 0.1, z = 0.2 / 0.1 = 2
    assert rate.comparison.test == "two_proportion_z"
    assert rate.comparison.difference == pytest.approx(0.2)
    assert rate.comparison.statistic == pytest.approx(2.0)
    assert rate.comparison.p_value == pytest.approx(2 * stats.norm.sf(2.0), rel=1e-12)
    assert (rate.n_first, rate.n_second) == (50, 50)


def test_follow_up_metrics_use_complainers_only(groups):
    first, second = groups
    tests = by_metric(complaint_tests(first, second, columns=COLUMNS))
    handling = tests["complaints:handling_mean"]
    a = np.array([[9, 7, 10, 6][i % 4] for i in range(30)], dtype=float)
    b = np.array([[5, 8, 3][i % 3] for i in range(20)], dtype=float)
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert handling.comparison.test == "welch_t" and (handling.n_first, handling.n_second) == (30, 20)
    assert handling.comparison.difference == pytest.approx(a.mean() - b.mean())
    assert handling.comparison.statistic == pytest.approx(welch.statistic, rel=1e-10)
    assert handling.comparison.p_value == pytest.approx(welch.pvalue, rel=1e-8)
    net = tests["wom:measured_net"]
    x = np.array([[4, -10, 0][i % 3] for i in range(30)], dtype=float)
    y = np.array([[1, -12][i % 2] for i in range(20)], dtype=float)
    assert net.comparison.statistic == pytest.approx(stats.ttest_ind(x, y, equal_var=False).statistic, rel=1e-10)
    resolved = tests["complaints:resolution_rate"]  # 15 of 30 vs 10 of 20 fully resolved
    assert resolved.comparison.difference == pytest.approx(0.0) and resolved.n_first == 30


def test_calibrated_word_of_mouth_difference_is_in_index_points(groups):
    tests = by_metric(complaint_tests(*groups, columns=COLUMNS))
    calibrated = tests["wom:calibrated"]
    # fully satisfied 18/30 = 0.6 vs 8/20 = 0.4: the index 4.5·p − 9.5·(1 − p) moves by 14 · 0.2
    assert calibrated.comparison.difference == pytest.approx(14 * 0.2)
    pooled = 26 / 50
    z = 0.2 / np.sqrt(pooled * (1 - pooled) * (1 / 30 + 1 / 20))
    assert calibrated.comparison.statistic == pytest.approx(z, rel=1e-10)
    assert calibrated.comparison.p_value == pytest.approx(2 * stats.norm.sf(z), rel=1e-10)


def test_parts_and_absent_columns_choose_the_tests(groups):
    only_wom = complaint_tests(*groups, columns=COLUMNS, parts=("word_of_mouth",))
    assert {t.metric for t in only_wom} == {"wom:calibrated", "wom:measured_net"}
    narrow = [g[["complained", "handle"]] for g in groups]
    summary = complaint_tests(*narrow, columns=("complained", "handle"), parts=("summary",))
    assert {t.metric for t in summary} == {"complaints:complaint_rate", "complaints:handling_mean"}


def test_weights_use_the_effective_counts(groups):
    first, second = (g.assign(w=np.where(np.arange(len(g)) % 2, 2.0, 1.0)) for g in groups)
    weighted = by_metric(complaint_tests(first, second, columns=COLUMNS, weights="w"))
    plain = by_metric(complaint_tests(first, second, columns=COLUMNS))
    rate, unweighted = weighted["complaints:complaint_rate"].comparison, plain["complaints:complaint_rate"].comparison
    # Kish's n_eff of 25 ones and 25 twos: 75² / 125 = 45 < 50, so the test is less sure
    assert abs(rate.statistic) < abs(unweighted.statistic)


def test_across_groups_gives_the_values_welch_anova_compares(groups):
    first, _second = groups
    assert across_groups(first, "complaints:handling_mean").size == 30
    assert sorted(set(across_groups(first, "wom:measured_net"))) == [-10.0, 0.0, 4.0]
    with pytest.raises(ValueError, match="no per-respondent values"):
        across_groups(first, "complaints:complaint_rate")


def test_kano_better_and_worse_are_two_proportion_z_tests_among_a_o_m_i():
    # first: 6 A, 4 O, 6 M, 4 I, 2 Q (left out); second: 2 A, 2 O, 10 M, 6 I, 1 R (left out)
    def rows(counts):
        pairs = {"A": ("like", "neutral"), "O": ("like", "dislike"), "M": ("neutral", "dislike"),
                 "I": ("neutral", "neutral"), "Q": ("like", "like"), "R": ("dislike", "like")}
        return pd.DataFrame([pairs[c] for c, k in counts.items() for _ in range(k)] + [(None, None)],
                            columns=["f", "d"])
    first, second = rows({"A": 6, "O": 4, "M": 6, "I": 4, "Q": 2}), rows({"A": 2, "O": 2, "M": 10, "I": 6, "R": 1})
    tests = by_metric(kano_tests(first, second, pairs=[("speed", "f", "d")]))
    better, worse = tests["kano:speed:better"], tests["kano:speed:worse"]
    assert (better.n_first, better.n_second) == (20, 20)
    # Better 10/20 vs 4/20: pooled 14/40
    pooled = 14 / 40
    z = (0.5 - 0.2) / np.sqrt(pooled * (1 - pooled) * (2 / 20))
    assert better.comparison.difference == pytest.approx(0.3)
    assert better.comparison.statistic == pytest.approx(z, rel=1e-10)
    # |Worse| 10/20 vs 12/20
    assert worse.comparison.difference == pytest.approx(-0.1)
    assert worse.comparison.p_value == pytest.approx(
        stats.chi2_contingency([[10, 10], [12, 8]], correction=False).pvalue, rel=1e-10)
