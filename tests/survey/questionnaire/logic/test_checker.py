"""Design-time checker: one test per rule, clean questionnaires, templates, robustness."""

from __future__ import annotations

import string
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.logic import (
    ISSUE_TEMPLATES,
    And,
    Arithmetic,
    Boolean,
    Call,
    Comparison,
    LogicIssue,
    LogicItem,
    Negate,
    Not,
    Number,
    Or,
    Reference,
    Rule,
    String,
    check_questionnaire,
    to_text,
)
from tests.survey.questionnaire.logic.logic_strategies import numbers, texts, token_soup

PROPERTY_SETTINGS = settings(max_examples=150, derandomize=True, database=None, deadline=None)

BASE = (
    LogicItem("p1", "page", 0, "none"),
    LogicItem("intro", "question", 1, "none"),
    LogicItem("age", "question", 2, "number"),
    LogicItem("name", "question", 3, "text"),
    LogicItem("colour", "question", 4, "choice", frozenset({"red", "blue"})),
    LogicItem("channels", "question", 5, "multi", frozenset({"web", "shop"})),
    LogicItem("agree", "question", 6, "bool"),
    LogicItem("visit", "question", 7, "date"),
)


def check_rule(show_if: str | None = None, validation: str | None = None,
               value_type: str = "number") -> list[LogicIssue]:
    """Check BASE plus one last question 'target' carrying the given rules."""
    target = LogicItem("target", "question", 100, value_type,  # type: ignore[arg-type]
                       show_if=show_if, validation=validation)
    return check_questionnaire([*BASE, target])


def rules_of(issues: list[LogicIssue]) -> list[tuple[str, str | None]]:
    return [(issue.rule, issue.reference) for issue in issues]


@pytest.mark.parametrize(
    "show_if",
    [
        "age >= 18 and name != 'x'",
        "colour = 'red' or selected(colour, 'blue')",
        "selected(channels, 'web') and count(channels) > 1",
        "agree = 'yes' or not (agree = 'no')",
        "visit >= '2024-01-01' and answered(visit)",
        "length(name) > 2 and empty(age) or age * 2 + 1 > 10 mod 3",
        "${age} > 1",
        "'red' = colour",
        "true",
    ],
)
def test_well_formed_rules_have_no_issues(show_if: str) -> None:
    assert check_rule(show_if=show_if) == []


def test_validation_may_use_dot_and_its_own_code() -> None:
    assert check_rule(validation=". > age and target < 100 and answered(.)") == []
    assert check_rule(validation="selected(., 'x') or count(.) = 0", value_type="multi") == []


@pytest.mark.parametrize(
    ("show_if", "expected"),
    [
        ("age >", [("syntax_error", None)]),
        ("unknown_q = 1", [("unknown_reference", "unknown_q")]),
        ("p1 = 1", [("reference_without_value", "p1")]),
        ("answered(intro)", [("reference_without_value", "intro")]),
        ("target > 1", [("self_reference", "target")]),
        (". > 1", [("current_value_in_show_if", ".")]),
        ("name > 3", [("type_mismatch", "name")]),
        ("age = 'x'", [("type_mismatch", None)]),
        ("selected(age, 'x')", [("type_mismatch", "age")]),
        ("channels = 'web'", [("type_mismatch", "channels")]),
        ("count(name) > 1", [("type_mismatch", "name")]),
        ("age + name > 1", [("type_mismatch", "name")]),
        ("not age", [("type_mismatch", "age")]),
        ("age > 1 and 3", [("type_mismatch", None)]),
        ("visit > '1 May'", [("type_mismatch", None)]),
        ("visit > 3", [("type_mismatch", None)]),
        ("selected(colour, 'green')", [("unknown_choice", "colour")]),
        ("colour = 'green'", [("unknown_choice", "colour")]),
        ("agree = 'true'", [("unknown_choice", "agree")]),
        ("selected(channels, 'fax')", [("unknown_choice", "channels")]),
        ("age + 1", [("not_a_condition", None)]),
        ("name", [("not_a_condition", "name")]),
        ("unknown_q > 'a' + 1", [("unknown_reference", "unknown_q"), ("type_mismatch", None)]),
    ],
)
def test_each_rule_is_reported(show_if: str, expected: list[tuple[str, str | None]]) -> None:
    assert rules_of(check_rule(show_if=show_if)) == expected


def test_forward_references_and_cycles() -> None:
    items = [
        LogicItem("a", "question", 1, "number", show_if="b > 1"),
        LogicItem("b", "question", 2, "number", show_if="c > 1", validation="c > .", ),
        LogicItem("c", "question", 3, "number", show_if="a > 1"),
        LogicItem("d", "question", 4, "number", validation="a > 1"),
    ]
    issues = check_questionnaire(items)
    assert rules_of(issues) == [
        ("forward_reference", "b"),
        ("forward_reference", "c"),
        ("forward_reference", "c"),
        ("cycle", "b"),
        ("cycle", "c"),
        ("cycle", "a"),
    ]
    assert [issue.field for issue in issues[:3]] == ["show_if", "show_if", "validation"]
    assert issues[3].message == "a show_if: depends on itself through the cycle a → b → c → a"


def test_a_page_condition_may_not_use_its_own_questions() -> None:
    items = [
        LogicItem("q0", "question", 0, "number"),
        LogicItem("page2", "page", 1, "none", show_if="q0 > 1 and q5 > 1"),
        LogicItem("q5", "question", 2, "number"),
    ]
    assert rules_of(check_questionnaire(items)) == [("forward_reference", "q5")]


def test_messages_name_the_bad_value_and_the_rule() -> None:
    (issue,) = check_rule(show_if="name > 3")
    assert issue.message == (
        "target show_if: '>' needs two numbers or two dates, but 'name' is a text answer"
    )
    (issue,) = check_rule(show_if="selected(colour, 'green')")
    assert issue.message == (
        "target show_if: 'green' is not a choice of 'colour'; its choices are blue, red"
    )
    (issue,) = check_rule(validation="wrong_code = 1")
    assert (issue.field, issue.message) == (
        "validation", "target validation: unknown reference 'wrong_code'; no question has this code"
    )


def test_blank_rules_are_ignored_and_duplicates_rejected() -> None:
    assert check_rule(show_if="  ", validation="") == []
    with pytest.raises(ValueError, match="'age' is used twice"):
        check_questionnaire([*BASE, LogicItem("age", "question", 9, "number")])


def test_templates_cover_the_closed_rule_set() -> None:
    assert set(ISSUE_TEMPLATES) == set(typing.get_args(Rule))


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@PROPERTY_SETTINGS
@given(token_soup, token_soup)
def test_checker_never_crashes_and_every_issue_fills_its_template(
    show_if: str, validation: str
) -> None:
    rules = set(typing.get_args(Rule))
    for value_type in ("number", "multi"):
        for issue in check_rule(show_if=show_if, validation=validation, value_type=value_type):
            assert issue.rule in rules
            arguments = issue.template_arguments()
            assert _placeholders(ISSUE_TEMPLATES[issue.rule]) <= set(arguments)
            assert ISSUE_TEMPLATES[issue.rule].format(**arguments) == issue.message


def test_validation_on_a_page_cannot_use_dot() -> None:
    items = [LogicItem("p1", "page", 0, "none", validation=". = 1")]
    assert rules_of(check_questionnaire(items)) == [("reference_without_value", ".")]


def _well_typed_conditions() -> st.SearchStrategy:
    """Conditions over BASE that are correct by construction (no issue may be reported)."""
    numeric = st.recursive(
        st.one_of(
            numbers.map(Number),
            st.just(Reference("age")),
            st.sampled_from(["channels", "colour"]).map(
                lambda code: Call("count", (Reference(code),))
            ),
            st.just(Call("length", (Reference("name"),))),
        ),
        lambda inner: st.one_of(
            st.builds(Arithmetic, st.sampled_from(["+", "-", "*", "/", "mod"]), inner, inner),
            inner.map(Negate),
        ),
        max_leaves=4,
    )
    choice_tests = st.one_of(
        st.builds(lambda code, choice: Call("selected", (Reference(code), String(choice))),
                  st.just("channels"), st.sampled_from(["web", "shop"])),
        st.builds(lambda choice: Call("selected", (Reference("colour"), String(choice))),
                  st.sampled_from(["red", "blue"])),
        st.builds(lambda op, choice: Comparison(op, Reference("colour"), String(choice)),
                  st.sampled_from(["=", "!="]), st.sampled_from(["red", "blue"])),
        st.builds(lambda choice: Comparison("=", String(choice), Reference("agree")),
                  st.sampled_from(["yes", "no"])),
    )
    atoms = st.one_of(
        st.builds(Comparison, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), numeric, numeric),
        st.builds(lambda op, text: Comparison(op, Reference("name"), String(text)),
                  st.sampled_from(["=", "!="]), texts),
        st.builds(lambda op, day: Comparison(op, Reference("visit"), String(day.isoformat())),
                  st.sampled_from(["=", "<", ">="]), st.dates()),
        st.builds(lambda function, code: Call(function, (Reference(code),)),
                  st.sampled_from(["answered", "empty"]),
                  st.sampled_from(["age", "name", "colour", "channels", "agree", "visit"])),
        st.booleans().map(Boolean),
        choice_tests,
    )

    def combine(inner: st.SearchStrategy) -> st.SearchStrategy:
        operands = st.lists(inner, min_size=2, max_size=3).map(tuple)
        return st.one_of(inner.map(Not), operands.map(And), operands.map(Or))

    return st.recursive(atoms, combine, max_leaves=6)


@PROPERTY_SETTINGS
@given(_well_typed_conditions(), _well_typed_conditions())
def test_well_typed_rules_are_never_flagged(show_if, validation) -> None:
    assert check_rule(show_if=to_text(show_if), validation=to_text(validation)) == []
