"""The registered question types (survey/questionnaire/types): settings and their rules, the
answer variables, parsing and checking answers (pure, no Flask), JSON round trip and the logic
checker's view."""
from __future__ import annotations

import pytest

from registered_types import FRUITS, VALID_ANSWERS, registered_document, registered_questions
from survey.questionnaire import document as doc
from survey.questionnaire.jsonio import from_json, to_json
from survey.questionnaire.logic import check_questionnaire
from survey.questionnaire.types import TYPES, AnswerProblem, analysis_role
from survey.questionnaire.types.constant_sum import ConstantSumSettings
from survey.questionnaire.types.date_time import DateTimeSettings
from survey.questionnaire.types.ranking import RankingSettings, rank_positions
from survey.questionnaire.types.slider import SliderSettings
from survey.questionnaire.types.time_of_day import TimeSettings
from survey.services.publishing import logic_items, publish_checks

T = doc.Texts("题", "question")


def question(code: str) -> doc.Question:
    return next(q for q in registered_questions() if q.code == code)


@pytest.mark.parametrize(("kind", "settings", "choices", "setting", "rule"), [
    ("time", TimeSettings("7:30"), (), "min", "a time 'HH:MM'"),
    ("time", TimeSettings("24:00"), (), "min", "a time 'HH:MM'"),
    ("time", TimeSettings("18:00", "09:00"), (), "min", "must not be after max (09:00)"),
    ("datetime", DateTimeSettings(None, "2026-02-30T10:00"), (), "max", "real calendar date"),
    ("datetime", DateTimeSettings("2026-01-01 10:00"), (), "min", "'YYYY-MM-DDTHH:MM'"),
    ("slider", SliderSettings(0, 10, 0), (), "step", "greater than 0"),
    ("slider", SliderSettings(10, 10, 1), (), "min", "less than max (10)"),
    ("slider", SliderSettings(0, 10, 3), (), "step", "into whole steps"),
    ("slider", SliderSettings(0, 10_000, 1), (), "step", "at most 1001"),
    ("slider", SliderSettings(0, float("inf"), 1), (), "max", "finite number"),
    ("slider", SliderSettings(0, 10, True), (), "step", "finite number"),
    ("ranking", RankingSettings(), FRUITS[:1], "choices", "2 to 30 choices"),
    ("ranking", RankingSettings(randomize="yes"), FRUITS, "randomize", "true or false"),
    ("constant_sum", ConstantSumSettings(0), FRUITS, "total", "from 1 to 1,000,000"),
    ("constant_sum", ConstantSumSettings(10.5), FRUITS, "total", "whole number"),
    ("constant_sum", ConstantSumSettings(), FRUITS[:1], "choices", "2 to 30 choices"),
])
def test_bad_settings_name_the_setting_and_the_rule(kind, settings, choices, setting, rule) -> None:
    with pytest.raises(doc.DocumentError) as error:
        doc.Question("q", kind, T, settings=settings, choices=choices)
    assert f"setting {setting!r}" in str(error.value) and rule in str(error.value)
    assert "question 'q'" in str(error.value)


def test_a_constant_sum_part_code_must_be_a_valid_code() -> None:
    choices = (doc.Choice("a-b", doc.Texts("甲", "A")), doc.Choice("c", doc.Texts("丙", "C")))
    with pytest.raises(doc.DocumentError, match=r"'q_a-b' is not a valid code"):
        doc.Question("q", "constant_sum", T, choices=choices)


def test_settings_of_the_wrong_class_and_choices_where_none_belong_are_refused() -> None:
    with pytest.raises(doc.DocumentError, match="must be TimeSettings"):
        doc.Question("q", "time", T, settings=DateTimeSettings())
    with pytest.raises(doc.DocumentError, match="are not used by a slider question"):
        doc.Question("q", "slider", T, choices=FRUITS)
    with pytest.raises(doc.DocumentError, match="must list at least one choice"):
        doc.Question("q", "ranking", T)


def test_variables_of_each_type() -> None:
    kinds = {q.code: [(v.code, v.kind, v.minimum, v.maximum) for v in q.variables()]
             for q in registered_questions()}
    assert kinds == {
        "wake": [("wake", "time", None, None)], "visit": [("visit", "datetime", None, None)],
        "effort": [("effort", "number", 0, 100)], "fav": [("fav", "ranking", None, None)],
        "budget": [(f"budget_{c.code}", "number", 0, 100) for c in FRUITS],
    }
    assert question("fav").variables()[0].choices == FRUITS


def test_a_constant_sum_part_code_cannot_clash_with_another_question() -> None:
    with pytest.raises(doc.DocumentError, match="'budget_pear' is used twice"):
        doc.Questionnaire(T, (doc.Page("p", T, (question("budget"), doc.Question("budget_pear", "text", T))),))


def test_json_round_trip_keeps_every_setting() -> None:
    document = registered_document()
    data = to_json(document)
    assert data["pages"][0]["questions"][2]["settings"] == {
        "min": 0, "max": 100, "step": 5, "low_label": {"zh": "很费力", "en": "Very hard"},
        "high_label": {"zh": "很省力", "en": "Very easy"}}
    assert from_json(data) == document


def test_json_with_a_bad_setting_names_its_path() -> None:
    data = to_json(registered_document())
    data["pages"][0]["questions"][0]["settings"]["max"] = "25:00"
    with pytest.raises(doc.DocumentError, match=r"^/pages/0/questions/0: .*setting 'max'"):
        from_json(data)
    data["pages"][0]["questions"][0]["settings"] = {"earliest": "05:00"}
    with pytest.raises(doc.DocumentError, match="unknown key"):
        from_json(data)


@pytest.mark.parametrize(("code", "raw", "value"), [
    ("wake", "07:30", "07:30"), ("wake", " 7:05 ", "07:05"), ("wake", "07:30:59", "07:30"),
    ("wake", "", None), ("visit", "2026-03-04T18:05", "2026-03-04T18:05"),
    ("visit", "2026-03-04 18:05:09", "2026-03-04T18:05"),
    ("fav", ["apple:2", "pear:3", "plum:1"], ["plum", "apple", "pear"]),
    ("fav", ["pear", "plum", "apple"], ["pear", "plum", "apple"]),  # the API's stored form
    ("fav", ["", "", ""], None),
])
def test_parse_reads_answers(code, raw, value) -> None:
    q = question(code)
    assert TYPES[q.type].parse(q, q.variables()[0], raw) == value


@pytest.mark.parametrize(("code", "raw", "rule", "params"), [
    ("wake", "7.30", "time_format", {"value": "7.30"}),
    ("wake", "25:00", "time_format", {"value": "25:00"}),
    ("wake", "04:59", "time_range", {"min": "05:00", "max": "12:00", "value": "04:59"}),
    ("wake", ["07:30"], "time_format", {"value": "['07:30']"}),
    ("visit", "2026-02-30T10:00", "datetime_format", {"value": "2026-02-30T10:00"}),
    ("visit", "2025-12-31T23:59", "datetime_range", {"min": "2026-01-01T00:00", "max": "", "value": "2025-12-31T23:59"}),
    ("fav", ["apple:1", "pear:1", "plum:2"], "ranking_duplicate", {"rank": 1}),
    ("fav", ["apple:1", "pear:2", ""], "ranking_incomplete", {"count": 3}),
    ("fav", ["apple:1", "kiwi:2", "plum:3"], "ranking_invalid", {"count": 3}),
    ("fav", ["apple:1", "pear:2", "plum:4"], "ranking_invalid", {"count": 3}),
    ("fav", ["apple:1", "apple:2", "plum:3"], "ranking_invalid", {"count": 3}),
    ("fav", ["apple", "apple", "plum"], "ranking_invalid", {"count": 3}),
])
def test_parse_reports_the_rule_and_its_values(code, raw, rule, params) -> None:
    q = question(code)
    with pytest.raises(AnswerProblem) as problem:
        TYPES[q.type].parse(q, q.variables()[0], raw)
    assert problem.value.rule == rule and problem.value.params == params


def test_question_checks_slider_steps_and_the_constant_sum() -> None:
    effort, budget = question("effort"), question("budget")
    assert TYPES["slider"].check(effort, {"effort": 55}) is None
    problem = TYPES["slider"].check(effort, {"effort": 52})
    assert (problem.rule, problem.params) == ("slider_step", {"value": 52, "step": "5", "min": "0"})
    problem = TYPES["constant_sum"].check(budget, {"budget_apple": 60, "budget_plum": 50})
    assert (problem.rule, problem.params) == ("constant_sum_total", {"sum": 110, "total": 100})
    assert TYPES["constant_sum"].check(budget, {"budget_apple": 100}) is None
    assert TYPES["constant_sum"].check(budget, {}) is None  # unanswered: not checked
    assert TYPES["constant_sum"].completed(budget, {"budget_apple": 100}) == {
        "budget_apple": 100, "budget_pear": 0, "budget_plum": 0}
    assert not TYPES["constant_sum"].answered(budget, {"budget_pear": None})


def test_rank_positions_reads_stored_and_posted_rankings() -> None:
    assert rank_positions(["plum", "apple"]) == {"plum": 1, "apple": 2}
    assert rank_positions(["apple:2", "", "plum:1", "bad:x"]) == {"apple": 2, "plum": 1}
    assert rank_positions(None) == {}


def test_logic_items_and_value_types() -> None:
    items = {item.code: (item.value_type, item.choices) for item in logic_items(registered_document())}
    assert items["wake"] == ("text", None) and items["visit"] == ("datetime", None)
    assert items["effort"] == ("number", None)
    assert items["fav"] == ("multi", frozenset({"apple", "pear", "plum"}))
    assert items["budget"] == ("none", None) and items["budget_pear"] == ("number", None)
    assert not publish_checks(registered_document()).issues


@pytest.mark.parametrize(("rule", "ok"), [
    ("visit > '2026-02-01T08:00'", True), ("visit < now()", True), ("visit > '2026-02-01'", True),
    ("visit > 3", False), ("effort + budget_pear > 50", True), ("selected(fav, 'plum')", True),
    ("selected(fav, 'kiwi')", False), ("wake = '07:30'", True), ("budget > 3", False),
])
def test_the_checker_knows_each_value_type(rule, ok) -> None:
    document = registered_document()
    items = logic_items(doc.replace_question(document, "why", show_if=rule))
    assert (not check_questionnaire(items)) is ok


def test_analysis_roles() -> None:
    assert {name: analysis_role(name) for name in TYPES} == {
        "time": "none", "datetime": "none", "slider": "number", "ranking": "none",
        "constant_sum": "none"}
    assert analysis_role("rating") == "none"  # the older types are not in the registry yet


def test_valid_answers_fixture_is_consistent() -> None:
    variables = {v.code for q in registered_questions() for v in q.variables()}
    assert set(VALID_ANSWERS) == variables


def test_piping_shows_a_ranking_in_order_with_its_labels() -> None:
    from survey.questionnaire.piping import piped_values

    values = piped_values(registered_document(), VALID_ANSWERS, None, "zh_CN")
    assert values["fav"] == "李子、苹果、梨" and values["wake"] == "07:30"
    assert values["budget_pear"] == "0"
