"""Parser: grammar, precedence, normalised spellings, errors, limits, text and JSON round trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.logic import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Arithmetic,
    Boolean,
    Call,
    Comparison,
    Current,
    LogicJSONError,
    LogicSyntaxError,
    Negate,
    Not,
    Number,
    Or,
    Reference,
    String,
    from_json,
    parse,
    references,
    to_json,
    to_text,
)
from tests.survey.questionnaire.logic.logic_strategies import expressions, token_soup

PROPERTY_SETTINGS = settings(max_examples=200, derandomize=True, database=None, deadline=None)

q1, q2 = Reference("q1"), Reference("q2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("q1 = 1", Comparison("=", q1, Number(1))),
        ("q1 == 'x'", Comparison("=", q1, String("x"))),
        ("${q1} != \"x\"", Comparison("!=", q1, String("x"))),
        ("'it''s'", String("it's")),
        ('"say ""hi"""', String('say "hi"')),
        ("2.50", Number(2.5)),
        ("true", Boolean(True)),
        ("false", Boolean(False)),
        (". >= 3", Comparison(">=", Current(), Number(3))),
        ("a or b or c", Or((Reference("a"), Reference("b"), Reference("c")))),
        ("(a or b) or c", Or((Or((Reference("a"), Reference("b"))), Reference("c")))),
        ("a and b or c", Or((And((Reference("a"), Reference("b"))), Reference("c")))),
        ("a or b and c", Or((Reference("a"), And((Reference("b"), Reference("c")))))),
        ("not a = 1", Not(Comparison("=", Reference("a"), Number(1)))),
        ("not not a", Not(Not(Reference("a")))),
        ("not a and b", And((Not(Reference("a")), Reference("b")))),
        ("1 + 2 * 3", Arithmetic("+", Number(1), Arithmetic("*", Number(2), Number(3)))),
        ("1 - 2 - 3", Arithmetic("-", Arithmetic("-", Number(1), Number(2)), Number(3))),
        ("6 div 3 mod 2", Arithmetic("mod", Arithmetic("/", Number(6), Number(3)), Number(2))),
        ("-q1 * 2", Arithmetic("*", Negate(q1), Number(2))),
        ("1 - -1", Arithmetic("-", Number(1), Negate(Number(1)))),
        ("selected(q1, 'x')", Call("selected", (q1, String("x")))),
        ("count-selected(q1)", Call("count", (q1,))),
        ("count(q1) >= 2", Comparison(">=", Call("count", (q1,)), Number(2))),
        ("string-length(.)", Call("length", (Current(),))),
        ("answered(q1) and empty(q2)", And((Call("answered", (q1,)), Call("empty", (q2,))))),
        ("note = 1", Comparison("=", Reference("note"), Number(1))),
        ("${div} = 1", Comparison("=", Reference("div"), Number(1))),
        ("${my-q.x} = 1", Comparison("=", Reference("my-q.x"), Number(1))),
        ("满意度 > 3", Comparison(">", Reference("满意度"), Number(3))),
        ("count = 1", Comparison("=", Reference("count"), Number(1))),
        ("((((q1))))", q1),
        ("q1\n  =\n 1", Comparison("=", q1, Number(1))),
    ],
)
def test_parse_builds_the_expected_tree(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("q1 =", 1, 5, "unexpected end of the expression; expected a value"),
        ("q1 3", 1, 4, "unexpected number 3"),
        ("a = b = c", 1, 7, "unexpected '='"),
        ("(a = 1", 1, 7, "expected ')'"),
        ("a ? b", 1, 3, "unexpected character '?'"),
        ("a\n = \n)", 3, 1, "unexpected ')'"),
        ("foo(1)", 1, 1, "unknown function 'foo'"),
        ("selected(q1)", 1, 1, "function 'selected' takes 2 arguments, got 1"),
        ("answered()", 1, 1, "takes 1 argument, got 0"),
        ("'unterminated", 1, 1, "unexpected character"),
        ("", 1, 1, "expression is empty"),
        ("   ", 1, 1, "expression is empty"),
        ("1.", 1, 2, "unexpected '.'"),
        ("q1 = 1 and", 1, 11, "expected a value"),
    ],
)
def test_syntax_errors_name_position_and_expectation(
    text: str, line: int, column: int, fragment: str
) -> None:
    with pytest.raises(LogicSyntaxError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert fragment in str(caught.value)
    assert f"line {line}, column {column}" in str(caught.value)


def test_unexpected_token_lists_only_what_fits_there() -> None:
    with pytest.raises(LogicSyntaxError) as caught:
        parse("(a = 1))")
    assert caught.value.expected == ("the end of the expression",)


def test_keywords_cannot_be_bare_codes() -> None:
    with pytest.raises(LogicSyntaxError):
        parse("div = 1")


def test_length_limit() -> None:
    text = "q1 = 1" + " or q1 = 1" * (MAX_LENGTH // 10)
    assert len(text) > MAX_LENGTH
    with pytest.raises(LogicSyntaxError, match=f"the limit is {MAX_LENGTH}"):
        parse(text)
    parse(text[:MAX_LENGTH - 10].rsplit(" or", 1)[0])  # just under the limit parses


def test_depth_limit_counts_tree_levels_not_parentheses() -> None:
    assert parse("(" * 200 + "1" + ")" * 200) == Number(1)
    deep = "not " * (MAX_DEPTH + 1) + "q1"
    with pytest.raises(LogicSyntaxError, match=f"the limit is {MAX_DEPTH}") as caught:
        parse(deep)
    assert caught.value.line is None
    parse("not " * (MAX_DEPTH - 1) + "q1")


def test_long_flat_chains_do_not_overflow() -> None:
    text = " or ".join(f"q{index} = {index}" for index in range(150))
    assert len(parse(text).operands) == 150


def test_huge_number_literal_is_rejected() -> None:
    with pytest.raises(LogicSyntaxError, match="too large"):
        parse("9" * 400)


def test_parse_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse(3)  # type: ignore[arg-type]


def test_references_lists_codes_but_not_current() -> None:
    expr = parse("selected(m1, 'a') and (q1 + ${q2} > .) or count(m1) = 0")
    assert references(expr) == frozenset({"m1", "q1", "q2"})


@pytest.mark.parametrize(
    "text",
    ["q1 = 1 and not (q2 != 'x' or selected(m1, 'a'))", "-(1 + 2) * 3 mod 4 div 5 >= .",
     "(not a) = b", "a - (b - c)", "- -3", "${div} + ${my-q} = 'it''s'"],
)
def test_to_text_is_canonical_and_reparses(text: str) -> None:
    expr = parse(text)
    assert parse(to_text(expr)) == expr
    assert to_text(parse(to_text(expr))) == to_text(expr)


@PROPERTY_SETTINGS
@given(expressions())
def test_text_round_trip(expr: object) -> None:
    assert parse(to_text(expr)) == expr


@PROPERTY_SETTINGS
@given(expressions())
def test_json_round_trip(expr: object) -> None:
    assert from_json(json.loads(json.dumps(to_json(expr)))) == expr


@PROPERTY_SETTINGS
@given(st.one_of(token_soup, st.text(max_size=40)))
def test_parser_either_returns_a_tree_or_raises_a_positioned_syntax_error(text: str) -> None:
    try:
        expr = parse(text)
    except LogicSyntaxError as error:
        assert error.line is None or 1 <= error.line <= text.count("\n") + 1
        assert error.column is None or error.column >= 1
        assert error.reason
    else:
        assert parse(to_text(expr)) == expr


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "must be an object"),
        ({"type": "nope"}, "unknown syntax tree node type 'nope'"),
        ({"type": "number", "value": "3"}, "'value' is '3'"),
        ({"type": "number", "value": True}, "'value' is True"),
        ({"type": "boolean", "value": 1}, "'value' is 1"),
        ({"type": "number", "value": 10**400}, "is not a finite number"),
        ({"type": "and", "operands": [{"type": "current"}]}, "at least 2"),
        ({"type": "comparison", "operator": "<>", "left": {"type": "current"},
          "right": {"type": "current"}}, "unknown operator '<>'"),
        ({"type": "call", "function": "eval", "arguments": []}, "unknown function 'eval'"),
        ({"type": "call", "function": "count", "arguments": []}, "takes 1 argument, got 0"),
    ],
)
def test_from_json_rejects_malformed_trees(data: object, fragment: str) -> None:
    with pytest.raises(LogicJSONError) as caught:
        from_json(data)
    assert fragment in str(caught.value)


def test_from_json_limits_depth() -> None:
    data: dict = {"type": "current"}
    for _ in range(MAX_DEPTH + 1):
        data = {"type": "not", "operand": data}
    with pytest.raises(LogicJSONError, match="deeper than"):
        from_json(data)
