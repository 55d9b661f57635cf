"""Derived segments from invitation attributes: lifecycle stage, relationship stage, value quadrant."""
import pandas as pd
import pytest

from acsi.errors import InputDataError
from acsi.derived_segments import (RelationshipStageSettings, ValueQuadrantSettings, customer_value_quadrant,
                                   lifecycle_stage, relationship_stage)
from acsi.segments import split_by_segment


def test_lifecycle_stage_zh_and_en():
    stages = lifecycle_stage(pd.Series(["储备", "Deal", None, "售后"]))
    assert stages.tolist()[:2] == ["reserve", "deal"]
    assert pd.isna(stages.iloc[2])
    assert stages.cat.ordered and stages.cat.codes.tolist() == [0, 4, -1, 5]
    relationship = lifecycle_stage(pd.Series(["考察期", "decline"]), scheme="relationship")
    assert relationship.tolist() == ["exploration", "decline"]
    with pytest.raises(InputDataError, match="row 1: lifecycle stage '成交'"):
        lifecycle_stage(pd.Series(["考察期", "成交"]), scheme="relationship")


def test_customer_value_quadrant_thresholds():
    current = pd.Series([10, 1, 5, 7, None])
    growth = pd.Series([1, 9, 5, 2, 3])
    settings = ValueQuadrantSettings(current_value_threshold=5, growth_potential_threshold=5)
    labels = customer_value_quadrant(current, growth, settings=settings)
    assert labels.tolist() == ["high_value_low_growth", "low_value_high_growth",
                               "high_value_high_growth", "high_value_low_growth", None]
    # default cut-offs are medians: current median 6, growth median 4 (over rows with a value)
    by_median = customer_value_quadrant(current, growth)
    assert by_median.tolist()[:4] == ["high_value_low_growth", "low_value_high_growth",
                                      "low_value_high_growth", "high_value_low_growth"]


def test_relationship_stage_rule_boundaries():
    tenure = pd.Series([0, 5.9, 6, 23, 24, 30, None, 12])
    trend = pd.Series([-0.5, 0, 0, 0.1, 0, -0.2, 0, None])
    stages = relationship_stage(tenure, trend)
    assert stages.tolist()[:6] == ["exploration", "exploration", "formation", "formation",
                                   "stability", "decline"]
    assert pd.isna(stages.iloc[6]) and stages.iloc[7] == "formation"
    strict = relationship_stage(tenure, trend, settings=RelationshipStageSettings(
        exploration_months=1, stability_months=12, decline_trend=-0.6))
    assert strict.tolist()[:6] == ["exploration", "formation", "formation", "stability",
                                   "stability", "stability"]
    with pytest.raises(InputDataError, match="row 1: tenure '-3'"):
        relationship_stage(pd.Series([1, -3]))


def test_derived_segments_split_like_any_column():
    frame = pd.DataFrame({"value": [10, 1, 7, 2], "growth": [1, 9, 8, 2]})
    frame["quadrant"] = customer_value_quadrant(frame["value"], frame["growth"])
    labels = [label for label, _ in split_by_segment(frame, "quadrant")]
    assert labels == ["all", "high_value_high_growth", "high_value_low_growth",
                      "low_value_high_growth", "low_value_low_growth"]
