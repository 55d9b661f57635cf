"""The one rule for segment attributes (API and uploads share it)."""
from __future__ import annotations

import math

import pytest

from survey.services.segment_attributes import (
    MAX_ATTRIBUTES,
    MAX_VALUE_LENGTH,
    segment_problems,
)


def rules(segment) -> list[str]:
    return [problem.rule for problem in segment_problems(segment)]


def test_an_ordinary_segment_passes() -> None:
    assert segment_problems({"region": "north", "tier": "gold", "age": 41, "vip": True,
                             "score": 2.5, "blank": None}) == []


def test_the_attribute_count_is_bounded() -> None:
    assert rules({f"a{i}": "x" for i in range(MAX_ATTRIBUTES)}) == []
    assert rules({f"a{i}": "x" for i in range(MAX_ATTRIBUTES + 1)}) == ["too_many"]


@pytest.mark.parametrize("key", ["Region", "1st", "", "a" * 65, "région", "a-b", "a b"])
def test_names_follow_the_pattern(key: str) -> None:
    assert rules({key: "x"}) == ["key_pattern"]


@pytest.mark.parametrize("value, rule", [
    (math.nan, "value_type"), (math.inf, "value_type"), ({"a": 1}, "value_type"),
    ([1], "value_type"), (10 ** 16, "value_type"),
    ("x" * (MAX_VALUE_LENGTH + 1), "value_length"),
    ("a\x00b", "value_characters"), ("a\ud800b", "value_characters"),
])
def test_values_must_be_storable(value, rule: str) -> None:
    problems = segment_problems({"region": value})
    assert [p.rule for p in problems] == [rule]
    assert "region" in problems[0].message


def test_the_longest_value_passes() -> None:
    assert segment_problems({"region": "区" * MAX_VALUE_LENGTH}) == []


def test_a_non_object_is_refused() -> None:
    assert rules(["region"]) == ["value_type"]
