"""answer_page: one page's answers checked, kept and followed by the right page, for every
navigation (Next, Back, switching language), whether the values are posted texts or JSON."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from survey.collect.fields import AnswerLimits
from survey.questionnaire.document import NumericSettings, Page, Question, Questionnaire, TextSettings, Texts
from survey.services.page_answers import PageOutcome, answer_page, merge_page_answers

LIMITS = AnswerLimits()


def document() -> Questionnaire:
    """Page 1 asks the age (and why, for adults); page 2 only adults see; page 3 everyone."""
    t = Texts
    return Questionnaire(title=t("问卷", "Survey"), pages=(
        Page("p1", t("一", "One"), (
            Question("age", "numeric", t("年龄", "Age"), required=True,
                     settings=NumericSettings(min=0, max=120, integer=True)),
            Question("why", "text", t("原因", "Why?"), required=True, show_if="age >= 18"),
        )),
        Page("p2", t("二", "Two"), (
            Question("nps", "nps", t("推荐", "Recommend"), required=True),
            Question("comment", "text", t("意见", "Comment"), settings=TextSettings(max_length=5)),
        ), show_if="age >= 18"),
        Page("p3", t("三", "Three"), (Question("ok", "yes_no", t("好吗", "All good?")),)),
    ))


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def answer(page: int, stored: dict, posted: dict, navigation="next", **options) -> PageOutcome:
    return answer_page(document(), page, stored, posted, navigation=navigation, locale="en",
                       limits=LIMITS, **options)


def test_next_takes_the_page_and_leads_to_the_next_page_shown(english) -> None:
    outcome = answer(0, {}, {"age": "30", "why": " fun "}, seen="age why")
    assert outcome.moves and not outcome.completes and outcome.errors == {}
    assert outcome.answers == {"age": 30, "why": "fun"} and outcome.target == 1
    assert outcome.shown == ("age", "why") and outcome.revealed == ()
    minor = answer(0, {}, {"age": "12"}, seen="age")
    assert minor.answers == {"age": 12} and minor.target == 2  # page 2 is for adults only
    assert minor.shown == ("age",)


def test_a_json_number_and_a_posted_text_give_the_same_outcome(english) -> None:
    for typed, text in ((30, "30"), (30.0, " 30 "), (121, "121"), (-1.5, "-1.5")):
        assert answer(0, {}, {"age": typed, "why": "fun"}) == answer(0, {}, {"age": text, "why": "fun"})
    assert answer(2, {"age": 1}, {"ok": "no"}).answers == {"age": 1, "ok": "no"}


def test_next_with_errors_moves_nowhere_but_says_what_follows_the_valid_answers(english) -> None:
    outcome = answer(1, {"age": 30, "why": "fun"}, {"nps": "11", "comment": "far too long"})
    assert not outcome.moves
    assert outcome.errors == {"nps": ["Enter a number between 0 and 10."],
                              "comment": ["Use at most 5 characters."]}
    # the API checks a whole response page by page: it goes on with what was valid
    assert outcome.answers == {"age": 30, "why": "fun"} and outcome.target == 2


def test_a_question_revealed_by_the_page_is_shown_before_moving_on_and_not_blamed(english) -> None:
    outcome = answer(0, {}, {"age": "30"}, seen="age")
    assert outcome.revealed == ("why",) and outcome.errors == {} and not outcome.moves
    wrong = answer(0, {}, {"age": "300"}, seen="age")
    assert wrong.revealed == () and wrong.errors == {"age": ["Enter a number between 0 and 120."]}
    assert answer(0, {}, {"age": "30"}).revealed == ()  # without ``seen`` (the API) nothing is revealed


def test_next_replaces_the_page_and_drops_the_answers_of_questions_now_hidden(english) -> None:
    outcome = answer(0, {"age": 30, "why": "fun", "ok": "yes"}, {"age": "12", "why": "fun"})
    assert outcome.answers == {"age": 12, "ok": "yes"} and outcome.target == 2


def test_back_keeps_the_valid_answers_and_the_rest_as_stored(english) -> None:
    stored = {"age": 30, "why": "fun", "nps": 9, "comment": "hi"}
    outcome = answer(1, stored, {"nps": "11", "comment": "ok"}, "back")
    assert outcome.moves and outcome.target == 0
    assert outcome.answers == {"age": 30, "why": "fun", "nps": 9, "comment": "ok"}
    emptied = answer(1, stored, {"nps": "", "comment": ""}, "back")  # nothing is required
    assert emptied.moves and emptied.answers == {"age": 30, "why": "fun", "nps": 9}
    # page 2 is hidden from minors, so Back from page 3 leads to page 1
    assert answer(2, {"age": 12}, {"ok": "yes"}, "back").target == 0


def test_back_on_the_first_page_moves_nowhere(english) -> None:
    outcome = answer(0, {}, {"age": "30", "why": "fun"}, "back")
    assert not outcome.moves and outcome.target is None and not outcome.completes


def test_switching_language_keeps_the_page_as_back_does_and_stays(english) -> None:
    outcome = answer(0, {"age": 40, "why": "old"}, {"age": "50", "why": ""}, "language")
    assert outcome.moves and outcome.target == 0
    assert outcome.answers == {"age": 50, "why": "old"}  # nothing is required
    wrong = answer(0, {"age": 40, "why": "old"}, {"age": "abc", "why": "new"}, "language")
    assert wrong.answers == {"age": 40}  # why is hidden until the age is a number


def test_next_on_the_last_page_shown_completes(english) -> None:
    outcome = answer(2, {"age": 12}, {"ok": "yes"})
    assert outcome.completes and outcome.target is None and outcome.answers == {"age": 12, "ok": "yes"}
    assert not answer(2, {"age": 12}, {"ok": "maybe"}).completes


def test_messages_come_in_the_active_locale(app) -> None:
    with app.test_request_context(), force_locale("zh_CN"):
        outcome = answer_page(document(), 0, {}, {"age": ""}, navigation="next", locale="zh_CN",
                              limits=LIMITS)
    assert outcome.errors == {"age": ["此题为必答题。"]}


def test_an_unknown_navigation_or_page_is_refused_by_name(english) -> None:
    with pytest.raises(ValueError, match="navigation 'sideways' is not one of next, back, language"):
        answer(0, {}, {}, "sideways")
    with pytest.raises(IndexError, match="page 3 does not exist; the questionnaire has 3 pages"):
        answer(3, {}, {})


def test_merge_replaces_the_page_variables_only() -> None:
    merged = merge_page_answers({"a": 1, "since": 4, "region": "x"}, ("region", "since"), {"region": "south"})
    assert merged == {"a": 1, "region": "south"}
