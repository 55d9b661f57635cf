"""Changing a question's type: free while nobody answered it; afterwards only where every stored
answer is a valid answer of the changed question."""
from __future__ import annotations

import pytest

from models import Response
from survey.questionnaire.document import (
    DONT_KNOW, Choice, MultipleChoiceSettings, NumericSettings, Page, Question, Questionnaire,
    ScaleSettings, SingleChoiceSettings, TextSettings, Texts,
)
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.stored_answers import stored_values
from survey.services.type_change import CONVERTIBLE_TYPES, check_type_change

T = Texts("问", "Question")
ABC = tuple(Choice(code, Texts(code, code)) for code in ("a", "b", "c"))
SCALE_CODES = tuple(Choice(str(n), Texts(str(n), str(n))) for n in range(1, 6))


def single(choices=ABC) -> Question:
    return Question("q", "single_choice", T, choices=choices, settings=SingleChoiceSettings())


def multiple() -> Question:
    return Question("q", "multiple_choice", T, choices=ABC, settings=MultipleChoiceSettings())


def rating(dont_know: bool = False) -> Question:
    return Question("q", "rating", T, settings=ScaleSettings(1, 5, dont_know=dont_know))


def numeric(integer: bool = True, maximum: float | None = None) -> Question:
    return Question("q", "numeric", T, settings=NumericSettings(max=maximum, integer=integer))


def text(kind: str = "text", max_length: int | None = None) -> Question:
    return Question("q", kind, T, settings=TextSettings(max_length))


def test_a_question_nobody_answered_may_become_any_type() -> None:
    assert check_type_change(text(), multiple(), {}) is None
    assert check_type_change(text(), multiple(), {"q": [None, None]}) is None


@pytest.mark.parametrize("old, new, answers", [
    (single(), multiple(), ["a", "c"]),
    (multiple(), single(), [["a"], ["c"]]),
    (single(SCALE_CODES), rating(), ["1", "5"]),
    (rating(), single(SCALE_CODES), [1, 4, 5]),
    (text(), numeric(), ["12", " 7 "]),
    (numeric(integer=False), text(), [3, 2.5]),
    (text(), text("long_text"), ["long enough"]),
], ids=["single→multiple", "multiple→single", "choice→rating", "rating→choice", "text→numeric",
        "numeric→text", "text→long_text"])
def test_changes_whose_stored_answers_fit_are_allowed(old, new, answers) -> None:
    assert new.type in CONVERTIBLE_TYPES[old.type]
    assert check_type_change(old, new, {"q": answers}) is None


@pytest.mark.parametrize("old, new, answers, misfits, example, reason", [
    (multiple(), single(), [["a"], ["a", "b"], ["b", "c"]], 2, "['a', 'b']", "several_choices"),
    (single(), rating(), ["a"], 1, "a", "not_a_number"),
    (single(SCALE_CODES + (Choice("9", Texts("9", "9")),)), rating(), ["2", "9"], 1, "9", "out_of_range"),
    (rating(dont_know=True), single(SCALE_CODES), [3, DONT_KNOW], 1, DONT_KNOW, "not_a_choice"),
    (rating(), single(SCALE_CODES[:3]), [3, 4], 1, "4", "not_a_choice"),
    (text(), numeric(), ["12", "twelve", "1.5"], 2, "twelve", "not_a_number"),
    (text(), numeric(maximum=10), ["12"], 1, "12", "out_of_range"),
    (text(), numeric(), ["1.5"], 1, "1.5", "not_whole"),
    (numeric(), text(max_length=2), [7, 1234], 1, "1234", "too_long"),
], ids=["several choices", "text code", "beyond the scale", "don't know", "removed code",
        "words", "above the maximum", "not whole", "too long"])
def test_a_change_is_refused_when_stored_answers_would_not_be_valid(old, new, answers, misfits,
                                                                      example, reason) -> None:
    refusal = check_type_change(old, new, {"q": answers})
    assert refusal is not None and refusal.rule == "answers_do_not_fit"
    assert (refusal.variable, refusal.answers, refusal.misfits, refusal.example, refusal.reason) == \
        ("q", len(answers), misfits, example, reason)
    assert (refusal.old_type, refusal.new_type) == (old.type, new.type)


def test_a_change_outside_the_table_is_refused_once_answered() -> None:
    refusal = check_type_change(text(), single(), {"q": ["a"]})
    assert refusal is not None and (refusal.rule, refusal.answers) == ("not_convertible", 1)
    assert check_type_change(single(), Question("q", "kano", T, settings=None), {"q": ["a"]}).rule \
        == "not_convertible"


def test_stored_values_reads_every_version_of_one_questionnaire(session) -> None:
    def document(kind: str) -> Questionnaire:
        question = single() if kind == "single" else text()
        return Questionnaire(Texts("调查", "Survey"), (Page("p", Texts("页", "Page"), (question,)),))
    version = create_questionnaire(session, document("single"))
    publish(session, version)
    other = create_questionnaire(session, document("text"))
    session.flush()
    session.add_all([
        Response(version_id=version.id, resume_token="r1", status="complete", answers={"q": "a"}),
        Response(version_id=version.id, resume_token="r2", status="partial", answers={"q": ["b", "c"]}),
        Response(version_id=version.id, resume_token="r3", status="partial", answers={}),
        Response(version_id=other.id, resume_token="r4", status="complete", answers={"q": "other's"}),
    ])
    session.flush()
    found = stored_values(session, version.questionnaire_id, ["q", "q_other"])
    assert sorted(map(str, found["q"])) == ["['b', 'c']", "a"] and found["q_other"] == []
