"""Word of mouth: the calibrated example, constants as settings, the measured variant."""
import math

import pandas as pd
import pytest

from acsi.errors import InputDataError
from acsi.word_of_mouth import (WordOfMouthSettings, calibrated_from_share,
                                calibrated_word_of_mouth, measured_word_of_mouth, parse_valence)


def test_methodology_example():
    result = calibrated_from_share(0.6, 100)
    assert result.index == pytest.approx(-1.10)
    assert result.balance == pytest.approx(-16.92, abs=5e-3)
    assert result.se == pytest.approx(0.686, abs=5e-4)
    assert result.break_even_share == pytest.approx(0.6786, abs=5e-5)
    assert result.reliability == "reliable"


def test_example_from_answers_uses_the_top_box():
    answers = [5] * 60 + [4] * 20 + [1] * 20
    result = calibrated_word_of_mouth(answers)
    assert result.fully_satisfied_share == pytest.approx(0.6)
    assert result.index == pytest.approx(-1.10)
    assert result.n == 100


def test_break_even_gives_zero():
    result = calibrated_from_share(9.5 / 14, 100)
    assert result.index == pytest.approx(0, abs=1e-12)
    assert result.balance == pytest.approx(0, abs=1e-10)


def test_extremes_and_constants_as_settings():
    assert calibrated_from_share(1.0, 50).index == 4.5
    assert calibrated_from_share(1.0, 50).balance == 100 and calibrated_from_share(1.0, 50).se == 0
    assert calibrated_from_share(0.0, 50).index == -9.5
    assert calibrated_from_share(0.0, 50).balance == -100
    settings = WordOfMouthSettings(reach_satisfied=5, reach_dissatisfied=10)
    result = calibrated_from_share(0.5, 25, settings=settings)
    assert result.index == pytest.approx(-2.5)
    assert result.se == pytest.approx(15 * math.sqrt(0.25 / 25))
    assert result.balance == pytest.approx(-100 / 3)
    assert result.break_even_share == pytest.approx(2 / 3)
    with pytest.raises(InputDataError, match="reach"):
        WordOfMouthSettings(reach_satisfied=0)


def test_empty_and_weighted_calibrated():
    empty = calibrated_word_of_mouth([])
    assert empty.index is None and empty.balance is None and empty.reliability == "suppressed"
    weighted = calibrated_word_of_mouth([5, 1], weights=[1, 3])
    assert weighted.fully_satisfied_share == pytest.approx(0.25)
    assert weighted.n == 2 and weighted.n_effective == pytest.approx(1.6)
    assert weighted.se == pytest.approx(14 * math.sqrt(0.25 * 0.75 / 1.6))


@pytest.mark.parametrize("n, expected", [(29, "suppressed"), (30, "unreliable"),
                                         (59, "unreliable"), (60, "reliable")])
def test_suppression_boundaries(n, expected):
    result = calibrated_word_of_mouth([5, 2] * (n // 2) + [5] * (n % 2))
    assert result.reliability == expected
    assert (result.to_dict()["index"] is None) == (expected == "suppressed")


def test_bad_resolution_answer_names_the_row():
    with pytest.raises(InputDataError, match="row 9, resolution_satisfaction"):
        calibrated_word_of_mouth(pd.Series([5, 6], index=[8, 9]))


def test_measured_by_hand():
    told = [0, 5, 10, 20, 25]
    valence = ["positive", "negative", "mixed", "+1", "负面"]
    result = measured_word_of_mouth(told, valence)
    # products 0, −5, 0, 20, −25: mean −2, squared deviations sum 1030, variance 257.5
    assert result.net.estimate == pytest.approx(-2)
    assert result.net.se == pytest.approx(math.sqrt(257.5 / 5))
    assert result.share_told_many.estimate == pytest.approx(0.4)
    assert result.net.reliability == "suppressed"


def test_measured_reliability_ignores_relative_se_of_a_net_score():
    result = measured_word_of_mouth([4, 4] * 40, ["positive", "negative"] * 40)
    assert result.net.estimate == 0 and result.net.reliability == "reliable"
    assert result.share_told_many.estimate == 0
    assert result.share_told_many.reliability == "unreliable"  # a zero share has no relative SE


def test_measured_bad_inputs_name_the_row():
    with pytest.raises(InputDataError, match="row 4, people_told"):
        measured_word_of_mouth(pd.Series([1, -2], index=[3, 4]), ["positive", "mixed"])
    with pytest.raises(InputDataError, match="row 3, people_told"):
        measured_word_of_mouth(pd.Series([2.5], index=[3]), ["positive"])
    with pytest.raises(InputDataError, match="row 4, told_valence"):
        measured_word_of_mouth(pd.Series([1, 2], index=[3, 4]), ["positive", "great"])


@pytest.mark.parametrize("value, sign", [("positive", 1), ("Mixed", 0), ("negative", -1),
                                         (1, 1), (0.0, 0), (-1, -1), ("正面", 1)])
def test_valence_codes(value, sign):
    assert parse_valence(value) == sign


def test_summary_text():
    text = calibrated_from_share(0.6, 100).summary()
    assert "-1.10" in text and "break-even 67.9%" in text
    assert "no answers" in calibrated_word_of_mouth([]).summary()


def test_interval_maps_wilson_and_the_tarp_range_is_shown():
    # p = 0.6, n = 100: Wilson 0.5020 to 0.6906 (statsmodels); WOMI = 14·p − 9.5.
    result = calibrated_from_share(0.6, 100)
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (14 * 0.5020026 - 9.5, 14 * 0.6905987 - 9.5), abs=1e-6)
    # The TARP range 4–5 / 9–10 people told: 4·0.6 − 10·0.4 = −1.6 and 5·0.6 − 9·0.4 = −0.6.
    assert (result.calibration_low, result.calibration_high) == pytest.approx((-1.6, -0.6))
    assert (result.range_ci_low, result.range_ci_high) == pytest.approx(
        (14 * 0.5020026 - 10, 14 * 0.6905987 - 9), abs=1e-6)
    assert result.range_ci_low < result.ci_low < result.index < result.ci_high < result.range_ci_high
    data = result.to_dict()
    assert data["calibration_low"] == pytest.approx(-1.6) and "range_ci_high" in data


def test_all_satisfied_keeps_an_interval():
    result = calibrated_from_share(1.0, 50)
    assert result.ci_high == pytest.approx(4.5) and result.ci_low < 4.5  # Wald collapsed to 4.5


def test_the_range_must_hold_the_point():
    with pytest.raises(InputDataError, match="reach_satisfied_range"):
        WordOfMouthSettings(reach_satisfied=4.5, reach_satisfied_range=(5.0, 6.0))
