"""Pure document edits of the draft editor, and the Chinese fragment for the designer pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from survey.design import editing
from survey.questionnaire.document import DocumentError, Page, Question, Questionnaire, Texts

ROOT = Path(__file__).resolve().parents[3]
T = Texts("题", "Q")


def _doc() -> Questionnaire:
    return Questionnaire(title=Texts("问卷", "Survey"), pages=(
        Page("p1", Texts("一", "One"), (Question("a", "numeric", T), Question("b", "text", T))),
        Page("p2", Texts("二", "Two"), (Question("c", "date", T),)),
    ))


def _codes(document: Questionnaire) -> list[list[str]]:
    return [[q.code for q in page.questions] for page in document.pages]


def test_pages_are_added_moved_renamed_and_deleted() -> None:
    document = editing.add_page(_doc())
    assert [p.code for p in document.pages] == ["p1", "p2", "page_1"]
    assert document.pages[2].title == Texts("第 3 页", "Page 3")
    document = editing.move_page(document, 2, "up")
    assert [p.code for p in document.pages] == ["p1", "page_1", "p2"]
    assert editing.move_page(document, 0, "up") == document
    document = editing.update_page(document, 1, code="p3", title=Texts("三", "Three"), show_if="a > 1")
    assert document.pages[1].show_if == "a > 1"
    with pytest.raises(DocumentError):
        editing.update_page(document, 1, code="a", title=T, show_if=None)
    assert [p.code for p in editing.delete_page(document, 0).pages] == ["p3", "p2"]
    with pytest.raises(LookupError):
        editing.delete_page(document, 7)


def test_questions_are_put_moved_between_pages_and_deleted() -> None:
    document = editing.put_question(_doc(), 1, Question("d", "text", T))
    assert _codes(document) == [["a", "b"], ["c", "d"]]
    document = editing.put_question(document, 0, Question("b2", "numeric", T), replacing="b")
    assert _codes(document) == [["a", "b2"], ["c", "d"]]
    document = editing.move_question(document, "b2", "up")
    assert _codes(document) == [["b2", "a"], ["c", "d"]]
    document = editing.move_question_to_page(document, "b2", 1)
    assert _codes(document) == [["a"], ["c", "d", "b2"]]
    document = editing.delete_question(document, "c")
    assert _codes(document) == [["a"], ["d", "b2"]]
    assert editing.locate(document, "b2") == (1, 1)
    assert editing.free_code(document, "q") == "q_1"
    with pytest.raises(LookupError):
        editing.move_question(document, "nope", "down")
    with pytest.raises(DocumentError):
        editing.put_question(document, 0, Question("d", "text", T))



def test_dependents_name_the_rules_that_use_an_answer() -> None:
    document = Questionnaire(title=Texts("问卷", "Survey"), pages=(
        Page("p1", Texts("一", "One"), (Question("age", "numeric", T), Question("kids", "numeric", T))),
        Page("p2", Texts("二", "Two"), (Question("why", "text", T, show_if="age >= 18 and kids > 0"),
                                        Question("n", "numeric", T, validation=". <= kids")),
             show_if="age > 1"),
        Page("p3", Texts("三", "Three"), (Question("rate", "rating", T, show_if="n > 2"),)),
    ))
    assert editing.dependents(document, {"age"}) == [("p2", "age"), ("why", "age")]
    assert editing.dependents(document, {"kids"}) == [("why", "kids"), ("n", "kids")]
    # Deleting page p2 with its questions: p2's own rule goes too; "rate" still needs n.
    assert editing.dependents(document, {"why", "n"}) == [("rate", "n")]
    assert editing.dependents(document, {"rate"}) == []
