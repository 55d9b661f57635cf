"""Kano: evaluation table, parsing, the methodology worked example and hand-computed vectors."""
import math

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from acsi.errors import InputDataError
from acsi.kano import (ANSWERS, EVALUATION_TABLE, KanoSettings, analyse_attribute, analyse_kano,
                       better_worse_quadrant, classify, extreme_respondents, parse_answer)

METHODOLOGY_TABLE = """
Q A A A O
R I I I M
R I I I M
R I I I M
R R R R Q
"""


def pairs(*groups):
    """[(count, functional, dysfunctional), ...] → two answer lists."""
    functional, dysfunctional = [], []
    for count, f, d in groups:
        functional += [f] * count
        dysfunctional += [d] * count
    return functional, dysfunctional


WORKED = pairs((6, "like", "dislike"), (5, "like", "neutral"), (4, "must_be", "dislike"),
               (3, "neutral", "neutral"), (1, "dislike", "like"), (1, "like", "like"))


def test_evaluation_table_matches_methodology_cell_by_cell():
    rows = [line.split() for line in METHODOLOGY_TABLE.strip().splitlines()]
    assert len(EVALUATION_TABLE) == 25
    for i, functional in enumerate(ANSWERS):
        for j, dysfunctional in enumerate(ANSWERS):
            assert EVALUATION_TABLE[(functional, dysfunctional)] == rows[i][j]


@pytest.mark.parametrize("value, key", [
    (1, "like"), (2.0, "must_be"), ("3", "neutral"), (" 4 ", "live_with"), (5, "dislike"),
    ("非常喜欢", "like"), ("理应如此", "must_be"), ("无所谓", "neutral"), ("勉强接受", "live_with"),
    ("很不喜欢", "dislike"), ("Like", "like"), ("must-be", "must_be"), ("live with", "live_with"),
    ("I can live with it", "live_with"), ("DISLIKE", "dislike")])
def test_answers_accepted_as_codes_zh_and_en(value, key):
    assert parse_answer(value) == key


@pytest.mark.parametrize("value", [0, 6, 2.5, "maybe", "", True])
def test_bad_answers_are_rejected(value):
    with pytest.raises(InputDataError, match="Kano answer"):
        parse_answer(value, where="row 7")


def test_classify_uses_meaning():
    assert classify("非常喜欢", 5) == "O"
    assert classify(1, 3) == "A"
    assert classify("must_be", "dislike") == "M"
    assert classify("dislike", "like") == "R"


def test_methodology_worked_example():
    result = analyse_attribute("x", *WORKED)
    assert dict(result.counts) == {"A": 5, "O": 6, "M": 4, "I": 3, "R": 1, "Q": 1}
    assert result.category_strength == pytest.approx(0.05, abs=1e-12)
    assert result.category == "O"
    assert result.total_strength == pytest.approx(0.75)
    assert result.better == pytest.approx(0.6111, abs=5e-5)
    assert result.worse == pytest.approx(-0.5556, abs=5e-5)
    assert result.fong_significant is False
    assert result.n == 20 and result.reliability == "suppressed"


def test_worked_example_dumouchel_means_and_sds_by_hand():
    result = analyse_attribute("x", *WORKED)
    # functional scores: 12×4, 4×2, 3×0, 1×(−2) → mean 54/20; SS about the mean 66.2
    assert result.functional_mean == pytest.approx(2.7)
    assert result.functional_sd == pytest.approx(math.sqrt(66.2 / 19))
    # dysfunctional scores: 10×4, 8×0, 2×(−2) → mean 36/20; SS = 10·2.2² + 8·1.8² + 2·3.8²
    assert result.dysfunctional_mean == pytest.approx(1.8)
    assert result.dysfunctional_sd == pytest.approx(math.sqrt((48.4 + 25.92 + 28.88) / 19))


def test_threshold_is_a_setting():
    result = analyse_attribute("x", *WORKED, settings=KanoSettings(category_strength_threshold=0.04))
    assert result.category == "O"  # O is the mode anyway
    a_mode = pairs((20, "like", "neutral"), (17, "must_be", "dislike"), (13, "neutral", "neutral"))
    # CS = 3/50 = 0.06 exactly: at the default threshold the priority rule picks M over A
    assert analyse_attribute("y", *a_mode).category == "M"
    assert analyse_attribute("y", *a_mode, settings=KanoSettings(
        category_strength_threshold=0.05)).category == "A"
    wider = pairs((21, "like", "neutral"), (17, "must_be", "dislike"), (12, "neutral", "neutral"))
    assert analyse_attribute("z", *wider).category == "A"  # CS 0.08 > 0.06


def test_exact_ties_follow_m_o_a_i():
    tie = pairs((3, "like", "neutral"), (3, "must_be", "dislike"))
    result = analyse_attribute("t", *tie, settings=KanoSettings(category_strength_threshold=0))
    assert result.category == "M" and result.category_strength == 0
    three = pairs((2, "like", "neutral"), (2, "like", "dislike"), (2, "neutral", "neutral"))
    assert analyse_attribute("t", *three).category == "O"


def test_all_reverse_answers_have_undefined_better_and_worse():
    result = analyse_attribute("r", *pairs((40, "dislike", "like")))
    assert result.category == "R"
    assert result.better is None and result.worse is None
    assert result.total_strength == 0
    assert result.category_strength == 1
    assert result.to_dict()["better"] is None
    assert result.reliability == "unreliable"


def test_empty_attribute():
    result = analyse_attribute("e", [], [])
    assert result.category is None and result.counts["A"] == 0
    assert result.better is None and result.functional_mean is None
    assert result.fong_significant is None
    assert result.summary() == "e: no answers"


def test_fong_significant_case_by_hand():
    # O 15, A 5, n 20: bound 1.65·√(20·20/40) = 5.218; |15 − 5| = 10 → significant
    result = analyse_attribute("f", *pairs((15, "like", "dislike"), (5, "like", "neutral")))
    assert result.fong_significant is True
    # O 8, A 5, n 13: bound 1.65·√(13·13/26) = 4.207; |3| → not significant
    assert analyse_attribute("g", *pairs((8, "like", "dislike"),
                                         (5, "like", "neutral"))).fong_significant is False


def test_importance_weighted_means_by_hand():
    result = analyse_attribute("i", ["like", "neutral"], ["dislike", "neutral"], importance=[9, 1])
    assert result.importance_weighted_functional_mean == pytest.approx(3.6)
    assert result.importance_weighted_dysfunctional_mean == pytest.approx(3.6)
    unstated = analyse_attribute("i", ["like", "neutral"], ["dislike", "neutral"],
                                 importance=[math.nan, 2])
    assert unstated.importance_weighted_functional_mean == 0
    with pytest.raises(InputDataError, match="importance 10"):
        analyse_attribute("i", ["like"], ["dislike"], importance=[10])


def test_survey_weights_move_shares_not_counts():
    f, d = pairs((1, "like", "dislike"), (1, "like", "neutral"))
    result = analyse_attribute("w", f, d, weights=[3, 1])
    assert dict(result.counts) == {"A": 1, "O": 1, "M": 0, "I": 0, "R": 0, "Q": 0}
    assert result.shares["O"] == pytest.approx(0.75)
    assert result.category == "O" and result.category_strength == pytest.approx(0.5)
    assert result.n_effective == pytest.approx(1.6)
    assert result.worse == pytest.approx(-0.75)
    assert result.functional_mean == pytest.approx(4.0)


def test_suppressed_cells_are_redacted_in_to_dict():
    data = analyse_attribute("x", *WORKED).to_dict()
    assert data["counts"] is None and data["category"] is None and data["n"] == 20
    shown = analyse_attribute("x", *WORKED).to_dict(redact_suppressed=False)
    assert shown["counts"]["O"] == 6 and shown["category"] == "O"


def long_frame():
    return pd.DataFrame({
        "respondent": [1, 1, 2, 2, 3, 3, 4],
        "attribute": ["speed", "price", "speed", "price", "speed", "price", "speed"],
        "functional": ["like", "must_be", 1, "like", 1, 1, None],
        "dysfunctional": ["dislike", "dislike", 1, "like", 1, 1, "dislike"],
        "importance": pd.Series([9, None, 3, 3, 5, 5, 1], dtype=object),
    }).set_axis(range(2, 9))


def test_analyse_kano_long_format_order_and_missing_pairs():
    results = analyse_kano(long_frame())
    assert [r.attribute for r in results] == ["speed", "price"]
    speed = results[0]
    assert speed.n == 3  # the row with a missing functional answer is left out
    assert speed.counts["O"] == 1 and speed.counts["Q"] == 2


def test_screening_extreme_respondents():
    frame = long_frame()
    assert extreme_respondents(frame) == {2, 3}
    screened = analyse_kano(frame, settings=KanoSettings(screen_extreme=True))
    assert screened[0].n == 1 and screened[0].category == "O"
    with pytest.raises(InputDataError, match="'respondent' column"):
        analyse_kano(frame.drop(columns="respondent"), settings=KanoSettings(screen_extreme=True))


def test_bad_answer_names_the_row_and_column():
    frame = long_frame()
    frame.loc[5, "dysfunctional"] = "sometimes"
    with pytest.raises(InputDataError, match=r"row 5, column 'dysfunctional'"):
        analyse_kano(frame)
    frame = long_frame()
    frame.loc[3, "importance"] = "very"
    with pytest.raises(InputDataError, match=r"row 3, column 'importance'"):
        analyse_kano(frame)
    with pytest.raises(InputDataError, match="'functional' column"):
        analyse_kano(frame.drop(columns="functional"))


def test_better_worse_quadrant_and_split_setting():
    assert analyse_attribute("x", *WORKED).quadrant == "O"  # Better .611, |Worse| .556
    high_split = analyse_attribute("x", *WORKED, settings=KanoSettings(quadrant_split=0.6))
    assert high_split.quadrant == "A"
    assert better_worse_quadrant(0.2, -0.7) == "M"
    assert better_worse_quadrant(0.5, -0.5) == "O"
    assert better_worse_quadrant(0.49, -0.49) == "I"
    assert better_worse_quadrant(None, None) is None


def test_margins_of_error_by_hand():
    margins = analyse_attribute("x", *WORKED).margins
    z = 1.959964
    assert margins["O"] == pytest.approx(z * math.sqrt(0.3 * 0.7 / 20), abs=1e-6)
    # Better and Worse are shares of the 18 classified (A, O, M, I) answers
    assert margins["better"] == pytest.approx(z * math.sqrt((11 / 18) * (7 / 18) / 18), abs=1e-6)
    assert margins["worse"] == pytest.approx(z * math.sqrt((10 / 18) * (8 / 18) / 18), abs=1e-6)
    reverse = analyse_attribute("r", *pairs((40, "dislike", "like"))).margins
    assert reverse["better"] is None and reverse["R"] == 0
    wider = analyse_attribute("x", *WORKED, settings=KanoSettings(confidence=0.99)).margins
    assert wider["O"] > margins["O"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ANSWERS), st.sampled_from(ANSWERS)), max_size=40))
def test_properties_of_any_answer_set(answer_pairs):
    result = analyse_attribute("p", [f for f, _ in answer_pairs], [d for _, d in answer_pairs])
    assert sum(result.counts.values()) == len(answer_pairs)
    if result.shares is not None:
        assert sum(result.shares.values()) == pytest.approx(1)
        assert 0 <= result.category_strength <= 1
        assert result.category != "Q"  # a data-quality signal, never the category
        if result.category is None:
            assert result.counts["Q"] == len(answer_pairs)
        else:
            assert result.counts[result.category] > 0
    if result.better is not None:
        assert 0 <= result.better <= 1 and -1 <= result.worse <= 0


def test_questionable_is_never_the_category_and_is_flagged():
    # 6 contradictory pairs (like/like → Q), 4 "like / dislike" (O): Q is the mode of all six
    # categories, but the reported category is O, with the data-quality warning.
    result = analyse_attribute("speed", ["like"] * 10, ["like"] * 6 + ["dislike"] * 4)
    assert result.counts["Q"] == 6 and result.counts["O"] == 4
    assert result.category == "O"
    assert result.questionable_warning is True
    assert result.to_dict()["questionable_warning"] is True
    assert "questionable" in result.summary()


def test_a_small_questionable_share_is_not_flagged():
    functional = ["like"] * 40
    dysfunctional = ["like"] * 2 + ["dislike"] * 38  # Q share 0.05: at the threshold, not above
    result = analyse_attribute("speed", functional, dysfunctional)
    assert result.category == "O" and result.questionable_warning is False
    strict = analyse_attribute("speed", functional, dysfunctional,
                               settings=KanoSettings(questionable_warning_share=0.01))
    assert strict.questionable_warning is True


def test_only_questionable_answers_give_no_category():
    result = analyse_attribute("speed", ["like"] * 3, ["like"] * 3)
    assert result.category is None and result.questionable_warning is True
    assert "no classifiable answers" in result.summary()
