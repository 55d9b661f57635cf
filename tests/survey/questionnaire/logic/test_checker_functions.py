"""Design-time checks of the functions: argument counts, argument types, regex() patterns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.logic import (
    Arithmetic,
    Call,
    Comparison,
    LogicIssue,
    LogicItem,
    Number,
    Reference,
    String,
    check_questionnaire,
    to_text,
)
from tests.survey.questionnaire.logic.test_checker import BASE, check_rule, rules_of

PROPERTY_SETTINGS = settings(max_examples=150, derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize(
    "show_if",
    [
        r"regex(name, '^1[3-9]\d{9}$')",
        "regex(colour, '^r') and not regex(agree, 'y')",
        "today() - visit > 30 and visit + 30 < today() and visit - 1 >= '2024-01-01'",
        "30 + visit = '2024-03-01' and '2024-03-01' - visit < 10",
        "now() > '2024-01-01T09:00' and now() <= '2024-12-31'",
        "today() >= visit and today() != '2024-02-29'",
        "if(age > 60, 'senior', name) = 'senior'",
        "if(answered(age), age, 0) + 1 > 2",
        "coalesce(age, 0) > 1 and coalesce(name, colour, 'none') = 'x'",
        "coalesce(visit, today()) < '2025-01-01'",
        "sum(age, 1, coalesce(age, 0)) > min(age, 3) and max(age) < 100",
        "selected-at(channels, 0) = 'web' and selected-at(colour, count(channels) - 1) = 'red'",
        "count-selected(channels) >= 1",
    ],
)
def test_well_typed_function_calls_have_no_issues(show_if: str) -> None:
    assert check_rule(show_if=show_if) == []


def test_validation_may_use_regex_on_its_own_answer() -> None:
    assert check_rule(validation=r"regex(., '^\d{6}$')", value_type="text") == []


@pytest.mark.parametrize(
    ("show_if", "expected"),
    [
        ("regex(age, '1')", [("type_mismatch", "age")]),
        ("regex(name, name)", [("type_mismatch", "name")]),
        ("regex(name, '(a')", [("invalid_pattern", None)]),
        ("regex(name, '(a+)+$') and regex(name, '(?<=a)b')", [("invalid_pattern", None)]),
        ("if(age, 1, 2) > 0", [("type_mismatch", "age")]),
        ("if(age > 1, name, 3) = 'x'", [("type_mismatch", None)]),
        ("coalesce(age, name) = 1", [("type_mismatch", "name")]),
        ("coalesce(channels, 'web') = 'web'", [("type_mismatch", None), ("type_mismatch", None)]),
        ("sum(age, name) > 1", [("type_mismatch", "name")]),
        ("min(visit, 1) > 1", [("type_mismatch", "visit")]),
        ("max(age, '3') > 1", [("type_mismatch", None)]),
        ("selected-at(age, 0) = 'x'", [("type_mismatch", "age")]),
        ("selected-at(channels, name) = 'web'", [("type_mismatch", "name")]),
        ("visit + visit > '2024-01-01'", [("type_mismatch", "visit")]),
        ("1 - visit > 1", [("type_mismatch", "visit")]),
        ("visit * 2 > 1", [("type_mismatch", "visit")]),
        ("visit + 'soon' > '2024-01-01'", [("type_mismatch", None)]),
        ("now() > 'tomorrow'", [("type_mismatch", None)]),
        ("now() > visit", [("type_mismatch", "visit")]),
        ("today() = 3", [("type_mismatch", None)]),
        ("today(1) = visit", [("wrong_argument_count", None)]),
        ("selected-at(channels) = 'web'", [("wrong_argument_count", None)]),
        ("count-selected(channels, 1) > 1", [("wrong_argument_count", None)]),
        ("if(true, 1) = 1", [("wrong_argument_count", None)]),
        ("coalesce(age) > 1", [("too_few_arguments", None)]),
        ("sum() > 1", [("too_few_arguments", None)]),
        ("today()", [("not_a_condition", None)]),
    ],
)
def test_function_issues_are_reported(show_if: str, expected: list[tuple[str, str | None]]) -> None:
    assert rules_of(check_rule(show_if=show_if)) == expected


def _only(issues: list[LogicIssue]) -> LogicIssue:
    assert len(issues) == 1, issues
    return issues[0]


def test_messages_name_the_function_and_the_rule() -> None:
    issue = _only(check_rule(show_if="coalesce(age) > 1"))
    assert issue.message == "target show_if: coalesce() takes at least 2 argument(s), but is given 1"
    assert {"function": "coalesce", "arity": "2", "count": "1"}.items() <= (
        issue.template_arguments().items()
    )
    issue = _only(check_rule(show_if="count-selected(channels, 1) > 1"))
    assert issue.message == (
        "target show_if: count-selected() takes 1 argument(s), but is given 2"
    )
    issue = _only(check_rule(show_if="regex(name, 'a{2,1}')"))
    assert issue.message == (
        "target show_if: regex() cannot use the pattern 'a{2,1}': at character 2, a '{' is not a "
        "repetition {m}, {m,} or {m,n} with m <= n <= 1000 (write \\{ for the character)"
    )
    assert dict(issue.arguments)["problem_key"] == "bad_repetition"
    issue = _only(check_rule(show_if="sum(age, name) > 1"))
    assert issue.message == "target show_if: sum() needs numbers, but 'name' is a text answer"
    issue = _only(check_rule(show_if="if(age > 1, name, 3) = 'x'"))
    assert issue.message == (
        "target show_if: if() needs values of the same kind as the first one, but '3' is a number"
    )
    issue = _only(check_rule(show_if="visit + visit > '2024-01-01'"))
    assert issue.message == (
        "target show_if: '+' needs numbers, or a date and a number of days, but 'visit' is a date"
    )


def test_an_unknown_reference_inside_a_function_is_reported_once() -> None:
    issues = check_rule(show_if="sum(nothing, 1) > 1 and regex(nothing, 'a') and "
                                "selected-at(nothing, 0) = 'a' and nothing + 1 > '2024-01-01'")
    assert rules_of(issues) == [("unknown_reference", "nothing")]


def _well_typed_function_conditions() -> st.SearchStrategy:
    """Conditions with functions over BASE that are correct by construction."""
    numeric = st.recursive(
        st.one_of(st.integers(0, 50).map(Number), st.just(Reference("age")),
                  st.just(Call("count", (Reference("channels"),)))),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).flatmap(
                lambda arguments: st.sampled_from(["sum", "min", "max"]).map(
                    lambda function: Call(function, tuple(arguments)))),
            st.lists(inner, min_size=2, max_size=3).map(lambda args: Call("coalesce", tuple(args))),
            st.builds(lambda left, right, a, b: Call("if", (Comparison(">", left, right), a, b)),
                      inner, inner, inner, inner),
        ),
        max_leaves=5,
    )
    dates = st.one_of(
        st.just(Reference("visit")), st.just(Call("today", ())),
        st.dates().map(lambda day: String(day.isoformat())),
    )
    shifted = st.builds(lambda day, days, operator: Arithmetic(operator, day, days),
                        dates, numeric, st.sampled_from(["+", "-"]))
    return st.one_of(
        st.builds(Comparison, st.sampled_from(["<", ">=", "="]), numeric, numeric),
        st.builds(lambda left, right: Comparison("<", Arithmetic("-", left, right), Number(30)),
                  dates, dates),
        st.builds(lambda left, right: Comparison(">=", left, right), shifted, dates),
        st.builds(lambda index: Comparison("=", Call("selected-at", (Reference("channels"), index)),
                                           String("web")), numeric),
        st.sampled_from([r"^\d+$", "a|b", "[^x]{2,4}"]).map(
            lambda pattern: Call("regex", (Reference("name"), String(pattern)))),
    )


@PROPERTY_SETTINGS
@given(_well_typed_function_conditions())
def test_well_typed_function_rules_are_never_flagged(show_if) -> None:
    assert check_rule(show_if=to_text(show_if)) == []


def test_base_is_shared_with_the_operator_tests() -> None:
    """The items these tests refer to (age, name, colour, channels, agree, visit) are BASE's."""
    codes = {item.code for item in BASE}
    assert {"age", "name", "colour", "channels", "agree", "visit"} <= codes
    assert check_questionnaire([*BASE, LogicItem("t", "question", 99, "number",
                                                 show_if="today() > visit")]) == []
