"""XLSForm relevant/constraint conversion, both ways."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from pyxform.parsing.expression import parse_expression

from survey.questionnaire.logic import (
    Call,
    Comparison,
    Reference,
    String,
    XLSFormConversionError,
    evaluate,
    from_xlsform,
    parse,
    to_xlsform,
)
from survey.questionnaire.logic.ast import walk
from survey.questionnaire.logic.patterns import PatternError, compile_pattern
from tests.survey.questionnaire.logic.logic_strategies import answers, expressions

PROPERTY_SETTINGS = settings(max_examples=200, derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize(
    ("ours", "xlsform"),
    [
        ("q1 = 'x'", "${q1} = 'x'"),
        ("selected(q1, 'x')", "selected(${q1}, 'x')"),
        ("count(m) >= 2", "count-selected(${m}) >= 2"),
        ("not (a = 1)", "not(${a} = 1)"),
        ("not a = 1 and b != 2", "not(${a} = 1) and ${b} != 2"),
        (". > 3 and length(.) <= 10", ". > 3 and string-length(.) <= 10"),
        ("a * 2 / 4 - b mod 3 + c", "${a} * 2 div 4 - ${b} mod 3 + ${c}"),
        ("answered(q1) or empty(q2)", "${q1} != '' or ${q2} = ''"),
        ("true or false", "true() or false()"),
        ("(a or b) and c", "(${a} or ${b}) and ${c}"),
        ("\"it's\" = q", "\"it's\" = ${q}"),
        ("-a > -1.5", "-${a} > -1.5"),
        ("${div} = 0.0000001", "${div} = 0.0000001"),
        (r"regex(., '^1[3-9]\d{9}$')", r"regex(., '^1[3-9]\d{9}$')"),
        ("regex(q, \"it's\")", "regex(${q}, \"it's\")"),
        ("today() - visit > 30", "today() - ${visit} > 30"),
        ("visit + 7 < today() and now() > '2024-01-01T09:00'",
         "${visit} + 7 < today() and now() > '2024-01-01T09:00'"),
        ("if(a > 1, 'big', b) = 'x'", "if(${a} > 1, 'big', ${b}) = 'x'"),
        ("coalesce(a, 0) + 1 > 2", "coalesce(${a}, 0) + 1 > 2"),
        ("coalesce(a, b, c) = 1", "coalesce(${a}, coalesce(${b}, ${c})) = 1"),
        ("sum(a) > 1", "sum(${a}) > 1"),
        ("min(a, b) < max(a, b, 3)", "min(${a}, ${b}) < max(${a}, ${b}, 3)"),
        ("selected-at(m, 0) = 'web'", "selected-at(${m}, 0) = 'web'"),
        ("count-selected(m) = 2", "count-selected(${m}) = 2"),
    ],
)
def test_conversion_both_ways(ours: str, xlsform: str) -> None:
    assert to_xlsform(parse(ours)) == xlsform
    assert from_xlsform(xlsform) == parse(ours)


@pytest.mark.parametrize(
    ("xlsform", "ours"),
    [
        ("not(${a}) = true()", "(not a) = true"),
        ("'' != ${q1}", "answered(q1)"),
        ("${q1} == 'x'", "q1 = 'x'"),
        ("(${a} = 1)", "a = 1"),
        ("${a}/${b} > 1", "a / b > 1"),
        ("coalesce(${a}, coalesce(${b}, coalesce(${c}, 0))) > 1", "coalesce(a, b, c, 0) > 1"),
        ("if(${a}=1,today(),${d}) > ${e}", "if(a = 1, today(), d) > e"),
    ],
)
def test_xlsform_only_spellings(xlsform: str, ours: str) -> None:
    assert from_xlsform(xlsform) == parse(ours)


@pytest.mark.parametrize(
    ("xlsform", "fragment"),
    [
        ("pulldata('x', 'y', 'z', ${d}) > 1", "unknown function 'pulldata'"),
        ("today(${d}) > 1", "function 'today' takes 0 arguments, got 1"),
        ("coalesce(${d}) > 1", "takes at least 2 arguments, got 1"),
        (r"regex(., '^\p{L}+$')", "pattern '^\\\\p{L}+$' cannot be used at character 2"),
        ("regex(., ${p})", "the pattern of regex() must be a quoted text"),
        ("q1 = 1", "bare name 'q1'"),
        ("count(${m}) > 1", "unknown function 'count'"),
        ("${a} = ", "expected a value"),
        ("not ${a}", "unexpected"),
    ],
)
def test_unsupported_xlsform_is_reported(xlsform: str, fragment: str) -> None:
    with pytest.raises(XLSFormConversionError) as caught:
        from_xlsform(xlsform)
    assert fragment in str(caught.value)
    assert repr(xlsform) in str(caught.value)


def test_a_sum_of_several_values_is_written_as_additions_with_the_same_value() -> None:
    """XPath's sum() takes one node-set, so sum(a, b, c) is written a + b + c: same value."""
    expr = parse("sum(a, b, c) * 2")
    assert to_xlsform(expr) == "(${a} + ${b} + ${c}) * 2"
    cases = [({"a": 1, "b": 2, "c": 3}, 12.0), ({"a": 1, "c": 3}, None),
             ({"a": 1e308, "b": 1e308, "c": -1e308}, None)]
    for answer_map, expected in cases:
        assert evaluate(expr, answer_map) == expected
        assert evaluate(from_xlsform(to_xlsform(expr)), answer_map) == expected


def test_text_with_both_quotes_cannot_be_exported() -> None:
    with pytest.raises(XLSFormConversionError, match="both ' and"):
        to_xlsform(Comparison("=", Reference("q"), String("it's \"so\"")))


def _readable_pattern(pattern: object) -> bool:
    if not isinstance(pattern, String):
        return False
    try:
        compile_pattern(pattern.value)
    except PatternError:
        return False
    return True


def _exportable(expr: object) -> bool:
    """XLSForm cannot hold both quote kinds, a literal '' compares as answered()/empty(), and a
    regex() pattern is read back only when it is a quoted text in the dialect."""
    return not any(
        (isinstance(node, String)
         and (node.value == "" or ("'" in node.value and '"' in node.value)))
        or (isinstance(node, Call) and node.function == "regex"
            and not _readable_pattern(node.arguments[1]))
        for node in walk(expr)
    )


def _written_alike(expr: object) -> bool:
    """Trees that come back as themselves: no sum of several values (written as additions) and
    no coalesce whose last argument is a coalesce (read back as one flat coalesce)."""
    return not any(
        isinstance(node, Call) and (
            (node.function == "sum" and len(node.arguments) > 1)
            or (node.function == "coalesce" and isinstance(node.arguments[-1], Call)
                and node.arguments[-1].function == "coalesce")
        )
        for node in walk(expr)
    )


@PROPERTY_SETTINGS
@given(expressions().filter(_exportable).filter(_written_alike))
def test_xlsform_round_trip(expr: object) -> None:
    assert from_xlsform(to_xlsform(expr)) == expr


@PROPERTY_SETTINGS
@given(expressions().filter(_exportable), answers)
def test_xlsform_round_trip_keeps_the_value(expr: object, answer_map: dict) -> None:
    """Also the trees that come back rewritten (sums, nested coalesce) mean the same."""
    clock = datetime.datetime(2024, 2, 28, 12, 0, 0)
    assert evaluate(from_xlsform(to_xlsform(expr)), answer_map, current="a", now=clock) == (
        evaluate(expr, answer_map, current="a", now=clock)
    )


@pytest.mark.parametrize("value", ["", "'", '"', "x", None, []])
@pytest.mark.parametrize("text", ["answered(q)", "empty(q)"])
def test_answered_and_empty_keep_their_meaning(text: str, value: object) -> None:
    expr = parse(text)
    assert evaluate(from_xlsform(to_xlsform(expr)), {"q": value}) == evaluate(expr, {"q": value})


@PROPERTY_SETTINGS
@given(expressions().filter(_exportable))
def test_pyxform_lexes_our_output_without_unknown_tokens(expr: object) -> None:
    """pyxform's own XPath lexer must recognise every token we write (cross-check of the syntax)."""
    text = to_xlsform(expr)
    tokens = parse_expression(text)
    assert [token.value for token in tokens if token.type in ("OTHER", "PATH_SEP")] == []
    references = {token.value for token in tokens if token.type == "PYXFORM_REF"}
    codes = {node.name for node in walk(expr) if isinstance(node, Reference)}
    assert references == {"${" + code + "}" for code in codes}
