"""Weighted roll-ups of segment indices (hand-computed vectors, exact up to float rounding)."""
from __future__ import annotations

import math

import pytest

from acsi.errors import InputDataError
from acsi.rollup import rollup


def test_revenue_weighted_mean_and_standard_error():
    result = rollup({"a": 80.0, "b": 70.0, "c": 60.0}, {"a": 5.0, "b": 3.0, "c": 2.0}, weight_source="revenue 2025",
                    standard_errors={"a": 1.0, "b": 2.0, "c": 4.0})
    assert result.value == pytest.approx((400 + 210 + 120) / 10)  # 73.0
    assert result.shares == {"a": 0.5, "b": 0.3, "c": 0.2}
    assert result.standard_error == pytest.approx(math.sqrt(0.25 * 1 + 0.09 * 4 + 0.04 * 16))
    assert result.weight_source == "revenue 2025" and result.excluded == ()
    assert result.to_dict()["value"] == pytest.approx(73.0)
    assert "weighted by revenue 2025" in result.summary()


def test_nested_rollup_industry_to_sector():
    industry_a = rollup({"x": 70.0, "y": 80.0}, {"x": 1.0, "y": 3.0}, weight_source="revenue").value  # 77.5
    industry_b = rollup({"z": 60.0}, {"z": 2.0}, weight_source="revenue").value
    sector = rollup({"A": industry_a, "B": industry_b}, {"A": 4.0, "B": 2.0}, weight_source="industry revenue")
    assert sector.value == pytest.approx((77.5 * 4 + 60 * 2) / 6)


def test_skipped_units_refused_or_excluded():
    indices = {"a": 80.0, "b": None, "c": float("nan"), "d": 60.0}
    weights = {"a": 1.0, "b": 2.0, "c": 1.0, "d": 1.0}
    with pytest.raises(InputDataError, match="unit 'b' has no index"):
        rollup(indices, weights, weight_source="revenue")
    result = rollup(indices, weights, weight_source="revenue", missing="exclude")
    assert result.value == pytest.approx(70.0) and result.excluded == ("b", "c")
    assert result.excluded_weight_share == pytest.approx(3 / 5)


@pytest.mark.parametrize(("weights", "message"), [
    ({"a": 1.0}, "unit 'b' has no roll-up weight"),
    ({"a": 1.0, "b": -2.0}, "roll-up weight of unit 'b' is -2.0"),
    ({"a": 1.0, "b": "many"}, "roll-up weight of unit 'b' is 'many'"),
    ({"a": 0.0, "b": 0.0}, "sum to zero"),
    ({"a": 1.0, "b": 1.0, "q": 1.0}, "unit 'q', which has no index"),
])
def test_bad_weights_name_the_unit(weights, message):
    with pytest.raises(InputDataError, match=message):
        rollup({"a": 70.0, "b": 60.0}, weights, weight_source="revenue")


def test_weight_source_is_required_and_standard_errors_checked():
    with pytest.raises(InputDataError, match="weight_source"):
        rollup({"a": 70.0}, {"a": 1.0}, weight_source=" ")
    with pytest.raises(InputDataError, match="unit 'a' has no valid standard error"):
        rollup({"a": 70.0}, {"a": 1.0}, weight_source="revenue", standard_errors={})
