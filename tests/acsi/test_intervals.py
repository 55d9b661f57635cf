"""Score-type intervals: Wilson, Newcombe's hybrid difference and the NPS score interval.

References: Wilson and Newcombe values are checked against statsmodels (an independent
implementation) and Newcombe's (1998) published example; the NPS interval against a brute-force
inversion of the score test that maximises the restricted likelihood numerically instead of the
closed-form root used by the module.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from acsi.errors import InputDataError
from acsi.intervals import (newcombe_difference, nps_score_interval, nps_score_statistic,
                            wilson_interval)


@pytest.mark.parametrize("successes, n", [(60, 100), (0, 20), (20, 20), (3, 80), (1, 7)])
def test_wilson_matches_statsmodels(successes: int, n: int) -> None:
    expected = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert wilson_interval(successes / n, n) == pytest.approx(expected, abs=1e-12)


def test_wilson_published_example() -> None:
    # 60 of 100: Wilson 95% interval 0.5020 to 0.6906 (hand-computed from the closed form).
    low, high = wilson_interval(0.6, 100)
    assert (round(low, 4), round(high, 4)) == (0.5020, 0.6906)


def test_newcombe_published_example_and_statsmodels() -> None:
    # Newcombe (1998), Statistics in Medicine 17, Table II: 56/70 − 48/80 → 0.0524 to 0.3339.
    low, high = newcombe_difference(56 / 70, 70, 48 / 80, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    reference = confint_proportions_2indep(56, 70, 48, 80, method="newcomb")
    assert (low, high) == pytest.approx(tuple(float(v) for v in reference), abs=1e-12)


def _brute_force_score(b: int, c: int, n: int, delta: float) -> float:
    """Score statistic with the restricted MLE found by a bounded numerical search."""
    m = n - b - c
    low, high = max(0.0, -delta), (1 - delta) / 2

    def negative_log_likelihood(q: float) -> float:
        total = 0.0
        for count, prob in ((b, q + delta), (c, q), (m, 1 - 2 * q - delta)):
            if count:
                total -= count * math.log(max(prob, 1e-300))
        return total

    q = optimize.minimize_scalar(negative_log_likelihood, bounds=(low, high), method="bounded",
                                 options={"xatol": 1e-13}).x
    return (b - c - n * delta) / math.sqrt(n * (2 * q + delta * (1 - delta)))


@pytest.mark.parametrize("b, passive, c", [(90, 60, 50), (30, 20, 10), (12, 30, 18), (5, 50, 5)])
def test_nps_score_statistic_matches_a_numerical_restricted_mle(b: int, passive: int, c: int) -> None:
    n = b + passive + c
    for delta in (-0.5, -0.1, 0.0, 0.15, 0.4):
        assert nps_score_statistic(b / n, c / n, n, delta) == pytest.approx(
            _brute_force_score(b, c, n, delta), abs=1e-6)


def test_nps_interval_limits_are_where_the_score_test_is_at_its_critical_value() -> None:
    low, high = nps_score_interval(0.45, 0.25, 200)
    z = stats.norm.ppf(0.975)
    assert _brute_force_score(90, 50, 200, low / 100) == pytest.approx(z, abs=1e-5)
    assert _brute_force_score(90, 50, 200, high / 100) == pytest.approx(-z, abs=1e-5)
    # Reference: 90/60/50 → NPS 20 with limits 8.50 and 30.91 (Wald: 8.74 and 31.26).
    assert (round(low, 2), round(high, 2)) == (8.50, 30.91)


def test_nps_interval_at_the_edges() -> None:
    assert nps_score_interval(1.0, 0.0, 20)[1] == 100.0
    assert nps_score_interval(0.0, 1.0, 20)[0] == -100.0
    low, high = nps_score_interval(0.0, 0.0, 20)
    assert low == pytest.approx(-high) and 0 < high < 100
    # Wald gives a zero-width interval when every answer is a promoter; the score interval does not.
    assert nps_score_interval(1.0, 0.0, 20)[0] < 70


def test_nps_interval_is_symmetric_in_promoters_and_detractors() -> None:
    low, high = nps_score_interval(0.3, 0.1, 60)
    mirrored = nps_score_interval(0.1, 0.3, 60)
    assert mirrored == pytest.approx((-high, -low), abs=1e-8)


def test_nps_interval_covers_at_its_level_where_wald_does_not() -> None:
    """Exact coverage at n = 60 (every trinomial outcome weighed by its probability)."""
    n, p, d = 60, 0.55, 0.15
    truth = 100 * (p - d)
    z = stats.norm.ppf(0.975)
    covered_score = covered_wald = 0.0
    for b in range(n + 1):
        for c in range(n + 1 - b):
            prob = stats.multinomial.pmf([b, c, n - b - c], n, [p, d, 1 - p - d])
            if prob < 1e-12:
                continue
            low, high = nps_score_interval(b / n, c / n, n)
            covered_score += prob * (low <= truth <= high)
            ps, ds = b / n, c / n
            se = 100 * math.sqrt(max(0.0, ps + ds - (ps - ds) ** 2) / n)
            covered_wald += prob * (abs(100 * (ps - ds) - truth) <= z * se)
    assert covered_score == pytest.approx(0.95, abs=0.015)
    assert covered_wald < covered_score


@pytest.mark.parametrize("call", [
    lambda: wilson_interval(1.2, 10), lambda: wilson_interval(0.5, 0),
    lambda: nps_score_interval(0.7, 0.5, 10), lambda: nps_score_interval(0.5, 0.1, math.nan),
])
def test_bad_input_is_named(call) -> None:
    with pytest.raises(InputDataError):
        call()


def test_wilson_never_leaves_the_unit_interval() -> None:
    for share in np.linspace(0, 1, 21):
        low, high = wilson_interval(float(share), 5)
        assert 0 <= low <= share <= high <= 1
