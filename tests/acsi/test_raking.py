"""Raking to population margins: margins met, hand-computed cases, clear errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.errors import InputDataError
from acsi.raking import rake
from acsi.segments import post_stratification_weights


def test_one_column_is_post_stratification() -> None:
    frame = pd.DataFrame({"region": ["north", "north", "south"]})
    weights = rake(frame, {"region": {"north": 0.5, "south": 0.5}})
    assert weights.tolist() == pytest.approx([0.75, 0.75, 1.5])
    reference = post_stratification_weights(frame["region"], {"north": 0.5, "south": 0.5})
    assert weights.tolist() == pytest.approx(reference.tolist())


def test_independent_sample_converges_to_the_product_of_factors() -> None:
    # Sample cells (region × tier) in proportion 2:1 × 1:1 — independent — so one pass is exact:
    # region factor north 0.4/(2/3) = 0.6, south 0.6/(1/3) = 1.8; tier factor 0.3/0.5 = 0.6 for
    # gold and 0.7/0.5 = 1.4 for basic.
    frame = pd.DataFrame({"region": ["north"] * 4 + ["south"] * 2,
                          "tier": ["gold", "basic", "gold", "basic", "gold", "basic"]})
    weights = rake(frame, {"region": {"north": 0.4, "south": 0.6},
                           "tier": {"gold": 0.3, "basic": 0.7}})
    expected = np.array([0.6 * 0.6, 0.6 * 1.4, 0.6 * 0.6, 0.6 * 1.4, 1.8 * 0.6, 1.8 * 1.4])
    assert weights.to_numpy() == pytest.approx(expected * 6 / expected.sum())


def test_every_margin_is_met_on_a_dependent_sample() -> None:
    rng = np.random.default_rng(3)
    region = rng.choice(["north", "south", "east"], 2000, p=[0.6, 0.3, 0.1])
    tier = np.where((region == "north") & (rng.random(2000) < 0.7), "gold", "basic")
    frame = pd.DataFrame({"region": region, "tier": tier})
    margins = {"region": {"north": 0.3, "south": 0.4, "east": 0.3},
               "tier": {"gold": 0.25, "basic": 0.75}}
    weights = rake(frame, margins)
    assert weights.mean() == pytest.approx(1.0)
    for column, shares in margins.items():
        achieved = weights.groupby(frame[column]).sum() / weights.sum()
        for value, share in shares.items():
            assert achieved[value] == pytest.approx(share, abs=1e-9)


def test_base_weights_are_kept_where_the_margins_allow() -> None:
    frame = pd.DataFrame({"region": ["north", "north", "south", "south"]})
    weights = rake(frame, {"region": {"north": 0.5, "south": 0.5}},
                   base_weights=np.array([1.0, 3.0, 1.0, 1.0]))
    assert weights.tolist() == pytest.approx([0.5, 1.5, 1.0, 1.0])


@pytest.mark.parametrize("margins, message", [
    ({"region": {"north": 1.0}}, "'south' is in the sample but has no population share"),
    ({"region": {"north": 0.5, "south": 0.3, "west": 0.2}}, "'west' has a population share but no respondents"),
    ({"region": {"north": -1, "south": 2}}, "must be finite, >= 0"),
    ({"size": {"big": 1}}, "raking column 'size' is not in the data"),
    ({}, "at least one column"),
])
def test_bad_margins_are_named(margins, message) -> None:
    frame = pd.DataFrame({"region": ["north", "south"]})
    with pytest.raises(InputDataError, match=message):
        rake(frame, margins)


def test_contradictory_margins_do_not_converge() -> None:
    # Every gold customer is in the north: 80 % gold cannot coexist with 30 % north.
    frame = pd.DataFrame({"region": ["north", "south", "south"], "tier": ["gold", "basic", "basic"]})
    with pytest.raises(InputDataError, match="did not meet every margin"):
        rake(frame, {"region": {"north": 0.3, "south": 0.7}, "tier": {"gold": 0.8, "basic": 0.2}},
             max_iterations=50)


def test_missing_values_in_a_raked_column_are_refused() -> None:
    frame = pd.DataFrame({"region": ["north", None]}, index=[7, 8])
    with pytest.raises(InputDataError, match="row 8"):
        rake(frame, {"region": {"north": 1.0}})
