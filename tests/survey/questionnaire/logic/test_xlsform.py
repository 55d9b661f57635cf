"""XLSForm relevant/constraint conversion, both ways."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from pyxform.parsing.expression import parse_expression

from survey.questionnaire.logic import (
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
from tests.survey.questionnaire.logic.logic_strategies import expressions

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
    ],
)
def test_xlsform_only_spellings(xlsform: str, ours: str) -> None:
    assert from_xlsform(xlsform) == parse(ours)


@pytest.mark.parametrize(
    ("xlsform", "fragment"),
    [
        ("today() > ${d}", "unknown function 'today'"),
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


def test_text_with_both_quotes_cannot_be_exported() -> None:
    with pytest.raises(XLSFormConversionError, match="both ' and"):
        to_xlsform(Comparison("=", Reference("q"), String("it's \"so\"")))


def _exportable(expr: object) -> bool:
    """XLSForm cannot hold both quote kinds, and a literal '' compares as answered()/empty()."""
    return not any(
        isinstance(node, String) and (node.value == "" or ("'" in node.value and '"' in node.value))
        for node in walk(expr)
    )


@PROPERTY_SETTINGS
@given(expressions().filter(_exportable))
def test_xlsform_round_trip(expr: object) -> None:
    assert from_xlsform(to_xlsform(expr)) == expr


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
