"""Show-if, page flow and progress: pure functions of the document and the answers."""
from __future__ import annotations

import pytest

from survey.questionnaire.document import Binding, Choice, Page, Question, Questionnaire, Texts
from survey.services.page_flow import (
    Progress, first_page, next_page, page_is_shown, previous_page, profile_answers, progress,
    rule_holds, shown_questions,
)

T = Texts("题", "Question")


def choice(code: str, *options: str, **options_kw) -> Question:
    return Question(code, "single_choice", T, choices=tuple(Choice(o, Texts(o, o)) for o in options),
                    **options_kw)


def document() -> Questionnaire:
    return Questionnaire(Texts("问卷", "Survey"), (
        Page("p0", T, (choice("new", "yes", "no"), Question("since", "numeric", T, show_if="new = 'no'"),
                       Question("detail", "text", T, show_if="since > 2"))),
        Page("p1", T, (Question("why", "text", T),), show_if="new = 'no'"),
        Page("p2", T, (Question("sat", "rating", T, binding=Binding("acsi", "CS", "CS1")),)),
    ))


@pytest.mark.parametrize("rule, answers, holds", [
    (None, {}, True), ("  ", {}, True),
    ("new = 'no'", {"new": "no"}, True), ("new = 'no'", {"new": "yes"}, False),
    ("since >", {}, True),  # does not parse (a draft): the question is not hidden
    ("since > 2", {"since": 3}, True), ("since > 2", {"since": 1}, False),
])
def test_rules_hold_unless_they_say_otherwise(rule, answers, holds) -> None:
    assert rule_holds(rule, answers) is holds


def test_an_answer_to_a_hidden_question_does_not_reveal_the_next_one() -> None:
    page = document().pages[0]
    codes = lambda answers: [q.code for q in shown_questions(page, answers)]  # noqa: E731
    assert codes({"new": "no", "since": 5}) == ["new", "since", "detail"]
    # "since" is hidden once the customer is new, so its stale answer cannot show "detail".
    assert codes({"new": "yes", "since": 5}) == ["new"]


def test_hidden_pages_are_skipped_both_ways() -> None:
    doc, returning, new = document(), {"new": "no"}, {"new": "yes"}
    assert (first_page(doc, new), next_page(doc, new, 0), next_page(doc, new, 2)) == (0, 2, None)
    assert next_page(doc, returning, 0) == 1 and previous_page(doc, returning, 2) == 1
    assert previous_page(doc, new, 2) == 0 and previous_page(doc, new, 0) is None
    assert not page_is_shown(doc.pages[1], new)


def test_progress_counts_pages_that_may_still_be_shown() -> None:
    doc = document()
    assert progress(doc, {}, 0) == Progress(1, 3)  # p1 undecided until "new" is answered
    assert progress(doc, {"new": "yes"}, 2) == Progress(2, 2)
    assert progress(doc, {"new": "no"}, 2).fraction == pytest.approx(2 / 3)


def test_profile_answers_are_unbound_single_choices() -> None:
    assert profile_answers(document(), {"new": "no", "since": 4, "sat": 9}) == {"new": "no"}
