"""Evaluator semantics: unanswered values, kinds, arithmetic, functions, truthiness."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.logic import (
    Arithmetic,
    Comparison,
    LogicEvaluationError,
    Number,
    Reference,
    evaluate,
    is_true,
    normalize_answer,
    parse,
)
from tests.survey.questionnaire.logic.logic_strategies import answers, expressions

PROPERTY_SETTINGS = settings(max_examples=200, derandomize=True, database=None, deadline=None)

ANSWERS = {
    "age": 30,
    "score": 7.5,
    "zero": 0,
    "name": "Li Wei",
    "colour": "red",
    "channels": ["web", "shop"],
    "nothing": None,
    "blank": "",
    "none_selected": [],
    "agree": "yes",
    "visit": datetime.date(2024, 5, 1),
    "flag": True,
    "price": Decimal("9.90"),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("age = 30", True),
        ("age == 30.0", True),
        ("age != 30", False),
        ("age > 18 and age <= 30", True),
        ("score >= 7.5", True),
        ("price < 10", True),
        ("name = 'Li Wei'", True),
        ("colour != 'blue'", True),
        ("agree = 'yes'", True),
        ("flag = true", True),
        ("visit >= '2024-01-01' and visit < '2024-12-31'", True),
        ("'b' > 'a'", True),
        # unanswered: every comparison is false, even != and comparisons with itself
        ("nothing = 1", False),
        ("nothing != 1", False),
        ("blank = ''", False),
        ("nothing = nothing", False),
        ("missing_code < 3", False),
        ("not (nothing = 1)", True),
        # different kinds are never equal and never ordered
        ("age = '30'", False),
        ("age != '30'", True),
        ("name > 3", False),
        ("flag = 1", False),
        ("flag < true", False),
        # multiple choice
        ("selected(channels, 'web')", True),
        ("selected(channels, 'phone')", False),
        ("selected(colour, 'red')", True),
        ("selected(nothing, 'red')", False),
        ("selected(channels, 1)", False),
        ("count(channels) = 2", True),
        ("count-selected(none_selected) = 0", True),
        ("count(colour) = 1", True),
        ("channels = channels", True),
        ("channels = 'web'", False),
        # answered / empty treat '' and [] as unanswered
        ("answered(age) and answered(channels) and answered(.)", False),
        ("empty(blank) and empty(none_selected) and empty(nothing) and empty(missing_code)", True),
        ("length(name) = 6 and length(blank) = 0 and string-length('汉字') = 2", True),
        # logic: only a real true is true
        ("not age", True),
        ("age or false", False),
        ("true and 1", False),
    ],
)
def test_conditions(text: str, expected: bool) -> None:
    assert evaluate(parse(text), ANSWERS) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("age + 1", 31.0),
        ("age - score", 22.5),
        ("score * 2", 15.0),
        ("7 / 2", 3.5),
        ("7 div 2", 3.5),
        ("7 mod 3", 1.0),
        ("-7 mod 3", -1.0),
        ("-age", -30.0),
        ("count(channels) * 10", 20.0),
        ("0.1 + 0.2", 0.1 + 0.2),
        ("age / zero", None),
        ("age mod 0", None),
        ("nothing + 1", None),
        ("-nothing", None),
        ("name + 1", None),
        ("flag + 1", None),
        ("length(age)", None),
        ("count(age)", None),
        ("1" + "0" * 300 + " * " + "1" + "0" * 300, None),
        ("name", "Li Wei"),
        ("channels", frozenset({"web", "shop"})),
        ("blank", None),
        ("visit", "2024-05-01"),
    ],
)
def test_values(text: str, expected: object) -> None:
    assert evaluate(parse(text), ANSWERS) == expected


def test_current_value_is_dot() -> None:
    rule = parse("length(.) <= 3 and . != 'bad'")
    assert is_true(rule, {}, current="ok")
    assert not is_true(rule, {}, current="bad")
    assert not is_true(rule, {}, current="toolong")
    assert not is_true(parse(". > 0"), {})


def test_is_true_only_for_a_real_true() -> None:
    assert is_true(parse("1 = 1"), {})
    for text in ("1", "'yes'", "nothing", "1 / 0"):
        assert not is_true(parse(text), {})


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, None), ("", None), ([], None), (set(), None), (True, True), (3, 3.0),
        (Decimal("2.5"), 2.5), (float("nan"), None), (float("inf"), None), (10**400, None),
        ("x", "x"), (("a", "b", "a"), frozenset({"a", "b"})),
        (datetime.date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_normalize_answer(answer: object, expected: object) -> None:
    result = normalize_answer(answer)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("answer", [object(), {"a": 1}, ["a", 1], b"bytes"])
def test_unsupported_answers_are_rejected_with_their_value(answer: object) -> None:
    with pytest.raises(LogicEvaluationError, match="answer"):
        evaluate(parse("q1 = 1"), {"q1": answer})


@PROPERTY_SETTINGS
@given(expressions(), answers, st.sampled_from([None, 1, "a", ["a"]]))
def test_evaluation_is_total_and_returns_a_language_value(expr, answer_map, current) -> None:
    value = evaluate(expr, answer_map, current=current)
    assert value is None or isinstance(value, (bool, float, str, frozenset))
    if isinstance(value, float):
        assert math.isfinite(value)
    assert is_true(expr, answer_map, current=current) is (value is True)


@PROPERTY_SETTINGS
@given(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), expressions())
def test_comparison_with_unanswered_is_false(operator: str, other) -> None:
    assert evaluate(Comparison(operator, Reference("unanswered"), other), {}) is False
    assert evaluate(Comparison(operator, other, Reference("unanswered")), {}) is False


@PROPERTY_SETTINGS
@given(
    st.sampled_from(["+", "-", "*", "/"]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_arithmetic_matches_floating_point(operator: str, left: float, right: float) -> None:
    left, right = abs(left), abs(right)
    result = evaluate(Arithmetic(operator, Number(left), Number(right)), {})
    if operator == "/" and right == 0:
        assert result is None
        return
    expected = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                "/": lambda: left / right}[operator]()
    assert result == (expected if math.isfinite(expected) else None)
