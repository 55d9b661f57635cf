"""The one bounded number parser: cheap checks before any arithmetic, exact results."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.services.bounded_numbers import (
    MAX_MAGNITUDE, NumberRejected, bounded_value, check_bounds, parse_number_text,
)


@pytest.mark.parametrize(("text", "integer", "expected"), [
    ("42", True, 42), (" -7 ", True, -7), ("+3", True, 3), ("1e3", True, 1000), ("1.50e1", True, 15),
    ("2.5", False, 2.5), (".5", False, 0.5), ("5.", False, 5.0), ("-0", True, 0), ("-0.0", False, 0.0),
    ("１２３", True, 123), ("999999999999999", True, 999_999_999_999_999),
    ("-999999999999999.5", False, -999_999_999_999_999.5), ("1e-999", False, 0.0),
])
def test_plain_numbers(text, integer, expected) -> None:
    value = parse_number_text(text, integer=integer)
    assert value == expected and type(value) is (int if integer else float)
    assert math.copysign(1, value) == 1 or value < 0  # negative zero never comes out


@pytest.mark.parametrize(("text", "rule"), [
    ("1e1000000", "syntax"), ("1e100000", "syntax"), ("9" * 5000, "too_long"), ("1" * 41, "too_long"),
    ("NaN", "syntax"), ("nan", "syntax"), ("Infinity", "syntax"), ("-inf", "syntax"), ("sNaN", "syntax"),
    ("1_000", "syntax"), ("0x10", "syntax"), ("١٢٣", "syntax"), ("", "syntax"), ("1e", "syntax"),
    ("1e999", "too_large"), ("1e15", "too_large"), ("-1000000000000000", "too_large"),
    ("1" * 16, "too_large"),
])
def test_hostile_texts_are_refused_by_rule(text, rule) -> None:
    with pytest.raises(NumberRejected) as raised:
        parse_number_text(text)
    assert raised.value.rule == rule and str(raised.value)


def test_whole_numbers_and_bounds() -> None:
    with pytest.raises(NumberRejected) as raised:
        parse_number_text("2.5", integer=True)
    assert raised.value.rule == "not_whole"
    assert parse_number_text("10", integer=True, minimum=1, maximum=10) == 10
    for text, rule in (("0", "below_minimum"), ("10.5", "above_maximum")):
        with pytest.raises(NumberRejected) as raised:
            parse_number_text(text, minimum=1, maximum=10)
        assert raised.value.rule == rule
    check_bounds(0.1, 0.1, 0.1)  # the bound as written, not its binary neighbour


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 10 ** 4000, 10 ** 15,
                                   -1e15, 1e300, True, "1", None, [1]])
def test_json_values_are_held_to_the_same_bounds(value) -> None:
    with pytest.raises(NumberRejected):
        bounded_value(value)


def test_json_values_within_bounds() -> None:
    assert bounded_value(MAX_MAGNITUDE - 1) == MAX_MAGNITUDE - 1
    assert str(bounded_value(-0.0)) == "0.0" and bounded_value(2.5) == 2.5


@given(st.one_of(st.text(max_size=60), st.from_regex(r"[+-]?[0-9]{0,30}(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,8})?", fullmatch=True)),
       st.booleans())
def test_any_text_gives_a_bounded_number_or_a_refusal(text, integer) -> None:
    try:
        value = parse_number_text(text, integer=integer)
    except NumberRejected as rejected:
        assert rejected.rule in ("too_long", "syntax", "too_large", "not_whole")
        return
    assert abs(value) < MAX_MAGNITUDE and math.isfinite(value)
    assert type(value) is (int if integer else float)
