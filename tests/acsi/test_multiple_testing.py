"""Holm over the distinct comparisons of a run."""
from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from acsi.errors import InputDataError
from acsi.multiple_testing import holm_adjust, versus_rest_families


def test_without_families_every_p_value_counts() -> None:
    assert holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_a_comparison_seen_twice_counts_once() -> None:
    # Two segments: "north vs rest" and "south vs rest" are one test (p = 0.02), plus one other
    # test at p = 0.04. Holm over two distinct tests: 0.02·2 = 0.04 and max(0.04, 0.04·1) = 0.04.
    adjusted = holm_adjust([0.02, 0.02, 0.04], families=["ns", "ns", "other"])
    assert adjusted == pytest.approx([0.04, 0.04, 0.04])
    counted_twice = multipletests([0.02, 0.02, 0.04], method="holm")[1]
    assert counted_twice[0] == pytest.approx(0.06)  # what the run reported before


def test_missing_p_values_stay_missing() -> None:
    assert holm_adjust([None, 0.01, 0.01], families=["a", "b", "b"]) == [None, 0.01, 0.01]


def test_family_keys_must_match_the_p_values() -> None:
    with pytest.raises(InputDataError, match="2 family keys for 3 p-values"):
        holm_adjust([0.1, 0.2, 0.3], families=["a", "b"])


def test_two_segments_covering_every_row_are_one_comparison() -> None:
    frame = pd.DataFrame({"region": ["north", "south", "north"]})
    assert versus_rest_families(["north", "south"], frame, "region") == [
        frozenset({"north", "south"})] * 2


def test_rows_outside_both_segments_make_two_comparisons() -> None:
    frame = pd.DataFrame({"region": ["north", "south", None]})
    assert versus_rest_families(["north", "south"], frame, "region") == ["north", "south"]
    three = pd.DataFrame({"region": ["north", "south", "east"]})
    assert versus_rest_families(["east", "north", "south"], three, "region") == [
        "east", "north", "south"]
