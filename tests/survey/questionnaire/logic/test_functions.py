"""The functions of the logic language, evaluated in Python against hand-computed values
(the same vectors go through the browser mirror in test_js_mirror.py)."""

from __future__ import annotations

import datetime
import time

import pytest

from survey.questionnaire.logic import (
    Arithmetic,
    Call,
    Comparison,
    LogicArityError,
    LogicJSONError,
    LogicSyntaxError,
    Number,
    Reference,
    String,
    evaluate,
    from_json,
    parse,
    to_json,
    to_text,
)
from survey.questionnaire.logic.patterns import (
    MAX_PATTERN_LENGTH,
    PatternError,
    compile_pattern,
    matches,
)
from tests.survey.questionnaire.logic.function_vectors import CLOCK_VECTORS, FUNCTION_VECTORS


def same(actual: object, expected: object) -> bool:
    """Equal and of the same type (True is not 1.0, '2024-01-01' is not a date)."""
    return type(actual) is type(expected) and actual == expected


@pytest.mark.parametrize(("text", "answers", "expected"), FUNCTION_VECTORS)
def test_function_vectors(text: str, answers: dict, expected: object) -> None:
    assert same(evaluate(parse(text), answers), expected)


@pytest.mark.parametrize(("text", "clock", "expected"), CLOCK_VECTORS)
def test_clock_vectors(text: str, clock: datetime.datetime, expected: object) -> None:
    assert same(evaluate(parse(text), {}, now=clock), expected)


def test_an_aware_clock_counts_by_its_own_wall_clock() -> None:
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    clock = datetime.datetime(2024, 1, 1, 7, 30, 5, 999, tzinfo=shanghai)
    assert evaluate(parse("today()"), {}, now=clock) == "2024-01-01"
    assert evaluate(parse("now()"), {}, now=clock) == "2024-01-01T07:30:05"


def test_without_a_clock_today_is_the_servers_date() -> None:
    before = datetime.date.today().isoformat()
    value = evaluate(parse("today()"), {})
    assert value in (before, datetime.date.today().isoformat())
    assert evaluate(parse("today() = today() and now() = now()"), {}) is True


def test_date_answers_from_the_web_layer_take_part_in_date_arithmetic() -> None:
    assert evaluate(parse("d + 1"), {"d": datetime.date(2024, 12, 31)}) == "2025-01-01"
    assert evaluate(parse("d - e"), {"d": datetime.date(2024, 12, 31),
                                     "e": datetime.date(2024, 1, 1)}) == 365.0


@pytest.mark.parametrize(
    ("pattern", "problem", "position"),
    [
        ("(a", "unbalanced_parenthesis", 3),
        ("a)", "unbalanced_parenthesis", 2),
        ("a**", "nothing_to_repeat", 3),
        ("*a", "nothing_to_repeat", 1),
        ("^*", "nothing_to_repeat", 2),
        ("a{2,1}", "bad_repetition", 2),
        ("a{1001}", "bad_repetition", 2),
        ("{", "bad_repetition", 1),
        ("[z-a]", "bad_range", 2),
        ("[abc", "unterminated_class", 1),
        ("(?=a)", "unsupported_group", 2),
        ("(?P<x>a)", "unsupported_group", 2),
        (r"\b", "unsupported_escape", 1),
        (r"(a)\1", "unsupported_escape", 4),
        (r"[\D]", "unsupported_escape", 2),
        ("a\\", "trailing_backslash", 2),
        ("(a{100}){100}", "too_complex", 1),
        ("x" * (MAX_PATTERN_LENGTH + 1), "too_long", MAX_PATTERN_LENGTH + 1),
    ],
)
def test_patterns_outside_the_dialect_are_refused_with_the_place_and_reason(
    pattern: str, problem: str, position: int
) -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern)
    assert (caught.value.problem, caught.value.position) == (problem, position)
    assert repr(pattern[:20])[:-1] in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("[]a]", "]", True),  # ']' first in a class is the character
        ("[a-]", "-", True),
        ("[-a]", "-", True),
        (r"[\-\]]", "]", True),
        (r"\{\}\$\^", "{}$^", True),
        ("a{0}b", "b", True),
        ("x?y??z", "xz", True),
        ("(a*)*b", "aaab", True),
        ("(a*)*b", "aaa", False),
        ("a|", "zzz", True),  # an empty branch matches everywhere
        ("^$", "", True),
        ("$", "abc", True),
        (r"\s", "\u00a0", False),  # \s is ASCII white space only
        (r"\S+", "\u00a0", True),
        (r"\t\n", "\t\n", True),
    ],
)
def test_pattern_semantics(pattern: str, value: str, expected: bool) -> None:
    assert matches(value, pattern) is expected


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("(a+)+$", "a" * 10_000 + "!"),
        ("^(a|aa)*$", "a" * 10_000 + "!"),
        ("^(a|a?)+$", "a" * 10_000 + "!"),
        ("(.*a){12}", "a" * 10_000),
        ("(.?){127}!", "ab" * 5_000),
    ],
)
def test_hostile_patterns_stay_linear(pattern: str, value: str) -> None:
    """These take a backtracking engine (Python's re, the browser's RegExp) minutes or longer."""
    started = time.perf_counter()
    matches(value, pattern)
    assert time.perf_counter() - started < 3.0


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        # Without a '(' the new names are still question codes: old rules keep their meaning.
        ("selected-at > 3", Comparison(">", Arithmetic("-", Reference("selected"), Reference("at")),
                                       Number(3))),
        ("sum + if = max", Comparison("=", Arithmetic("+", Reference("sum"), Reference("if")),
                                      Reference("max"))),
        ("today = now", Comparison("=", Reference("today"), Reference("now"))),
        ("selected-at (m, 1) = 'a'", Comparison("=", Call("selected-at", (Reference("m"), Number(1))),
                                                String("a"))),
        ("count-selected(m) = count(m)", Comparison("=", Call("count", (Reference("m"),)),
                                                    Call("count", (Reference("m"),)))),
        ("today()", Call("today", ())),
    ],
)
def test_function_names_are_only_functions_before_a_parenthesis(text: str, tree: object) -> None:
    assert parse(text) == tree
    assert parse(to_text(tree)) == tree  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("today(1)", "function 'today' takes 0 arguments, got 1"),
        ("if(a, b)", "function 'if' takes 3 arguments, got 2"),
        ("coalesce(a)", "function 'coalesce' takes at least 2 arguments, got 1"),
        ("sum()", "function 'sum' takes at least 1 argument, got 0"),
        ("selected-at(m)", "function 'selected-at' takes 2 arguments, got 1"),
    ],
)
def test_wrong_argument_counts_are_syntax_errors_naming_the_function(text: str, fragment: str) -> None:
    with pytest.raises(LogicArityError) as caught:
        parse(text)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, LogicSyntaxError)


def test_json_trees_with_the_new_functions_are_checked_too() -> None:
    assert from_json(to_json(parse("coalesce(a, b, c, 1)"))) == parse("coalesce(a, b, c, 1)")
    with pytest.raises(LogicJSONError, match="'min' takes at least 1 argument, got 0"):
        from_json({"type": "call", "function": "min", "arguments": []})
    with pytest.raises(LogicJSONError, match="'now' takes no arguments, got 1"):
        from_json({"type": "call", "function": "now", "arguments": [{"type": "current"}]})
