"""Respondent weights of a run: the margins text, a weight attribute, raking, and clear refusals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.raking import rake
from survey.services.run_weights import (
    WEIGHT_COLUMN, MarginsError, WeightsError, check_margins, format_margins, parse_margins, run_weights,
)


def test_margins_text_reads_as_the_analyst_writes_it_and_back() -> None:
    margins = parse_margins(" region: north=30, south=25 ,east=25, west=20\n\n tier: gold=0.2, silver=0.8\n")
    assert margins == (("region", (("north", 30.0), ("south", 25.0), ("east", 25.0), ("west", 20.0))),
                       ("tier", (("gold", 0.2), ("silver", 0.8))))
    assert parse_margins(format_margins(margins)) == margins
    assert parse_margins("") == ()


@pytest.mark.parametrize(("text", "message"), [
    ("region north=30", "line 1: 'region north=30' must read 'dimension: value=share"),
    ("Region: north=30", "must read 'dimension: value=share"),
    ("region: north=30\nregion: south=2", "line 2: dimension 'region' is given twice"),
    ("region: north=thirty", "line 1: 'north=thirty' must be value=share with a share ≥ 0"),
    ("region: north=-1", "must be value=share with a share ≥ 0"),
    ("region: north=inf", "must be value=share"),
    ("region: north=1, north=2", "value 'north' of 'region' is given twice"),
    ("region: north=0", "line 1: 'region' needs at least one value with a share above 0"),
    ("region:", "needs at least one value"),
])
def test_bad_margins_name_the_line_and_the_rule(text, message) -> None:
    with pytest.raises(MarginsError, match=None) as caught:
        parse_margins(text)
    assert message in str(caught.value)


def test_stored_margins_are_checked_by_the_same_rules() -> None:
    check_margins((("region", (("north", 1.0),)),))
    with pytest.raises(MarginsError, match="given twice"):
        check_margins((("region", (("north", 1.0),)), ("region", (("south", 1.0),))))
    with pytest.raises(MarginsError, match="every share must be a number ≥ 0"):
        check_margins((("region", (("north", float("nan")),)),))


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"segment_region": ["north", "north", "north", "south"],
                         "segment_w": ["1", "2", "1", "4"]}, index=[11, 12, 13, 14])


def test_a_weight_attribute_is_scaled_to_average_one(frame) -> None:
    weights = run_weights(frame, attribute="w", margins=())
    assert weights.name == WEIGHT_COLUMN and list(weights.index) == [11, 12, 13, 14]
    np.testing.assert_allclose(weights, [0.5, 1.0, 0.5, 2.0])
    assert run_weights(frame, attribute=None, margins=()) is None


def test_raking_adjusts_the_base_weights_to_the_margins(frame) -> None:
    margins = parse_margins("region: north=50, south=50")
    raked = run_weights(frame, attribute=None, margins=margins)
    np.testing.assert_allclose(raked, [2 / 3, 2 / 3, 2 / 3, 2.0])
    based = run_weights(frame, attribute="w", margins=margins)
    expected = rake(frame.rename(columns={"segment_region": "region"})[["region"]],
                    {"region": {"north": 50.0, "south": 50.0}}, base_weights=np.array([1.0, 2, 1, 4]))
    np.testing.assert_allclose(based, expected)
    north = based[frame["segment_region"] == "north"].sum()
    assert north == pytest.approx(based.sum() / 2)


@pytest.mark.parametrize(("values", "message"), [
    (["1", None, "1", "x"], "2 of 4 responses have no usable weight in attribute 'w' (response 12: no value)"),
    (["1", "0", "1", "1"], "response 12: '0'); a weight must be a number above 0"),
    (["1", "nan", "1", "1"], "1 of 4 responses"),
])
def test_responses_without_a_usable_weight_are_refused_not_dropped(frame, values, message) -> None:
    with pytest.raises(WeightsError) as caught:
        run_weights(frame.assign(segment_w=values), attribute="w", margins=())
    assert message in str(caught.value)


def test_margins_that_do_not_fit_the_responses_say_why(frame) -> None:
    with pytest.raises(WeightsError, match="'region' value 'south' is in the sample but has no population share"):
        run_weights(frame, attribute=None, margins=parse_margins("region: north=1"))
    with pytest.raises(WeightsError, match="'east' has a population share but no respondents"):
        run_weights(frame, attribute=None, margins=parse_margins("region: north=1, south=1, east=1"))
