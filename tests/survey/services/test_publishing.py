"""The pre-publication checks: logic issues, construct completeness, missing translations."""
from __future__ import annotations

import pytest

from survey.questionnaire.document import (
    Binding, Choice, KanoSettings, MatrixRow, Page, Question, Questionnaire, SingleChoiceSettings,
    Texts,
)
from survey.questionnaire.templates import TEMPLATES
from survey.services.publishing import check_expression, logic_items, publish_checks

T = Texts("题", "Question")


def _doc(*pages: Page) -> Questionnaire:
    return Questionnaire(title=Texts("问卷", "Survey"), pages=pages)


def _page(code: str, *questions: Question, show_if: str | None = None) -> Page:
    return Page(code, Texts("页", "Page"), questions, show_if)


def test_every_template_is_publishable() -> None:
    for key, template in TEMPLATES.items():
        report = publish_checks(template.preview())
        assert not report.blocking, (key, report.issues, report.completeness.problems)


def test_items_cover_pages_questions_and_extra_variables_in_order() -> None:
    document = _doc(
        _page("p1",
              Question("colour", "single_choice", T, choices=(Choice("red", T),),
                       settings=SingleChoiceSettings(other=True)),
              Question("grid", "matrix", T, rows=(MatrixRow("g1", T), MatrixRow("g2", T)))),
        _page("p2", Question("k", "kano", T, settings=KanoSettings(Texts("甲", "A"), True)),
              Question("ok", "yes_no", T), Question("note", "info", T)),
    )
    items = logic_items(document)
    assert [i.code for i in items] == ["p1", "colour", "colour_other", "grid", "g1", "g2",
                                       "p2", "k", "k_f", "k_d", "k_imp", "ok", "note"]
    assert [i.position for i in items] == sorted(i.position for i in items)
    by_code = {i.code: i for i in items}
    assert by_code["colour"].choices == frozenset({"red", "other"})
    assert by_code["grid"].value_type == "none" and by_code["g2"].value_type == "number"
    assert by_code["ok"].value_type == "bool" and by_code["p2"].kind == "page"
    assert by_code["k_f"].choices is not None and "like" in by_code["k_f"].choices


@pytest.mark.parametrize(("show_if", "rule"), [
    ("nosuch = 1", "unknown_reference"),
    ("later > 3", "forward_reference"),
    ("age = 'old'", "type_mismatch"),
    ("age >", "syntax_error"),
    ("colour = 'blue'", "unknown_choice"),
])
def test_logic_issues_block_publishing(show_if: str, rule: str) -> None:
    document = _doc(_page(
        "p1",
        Question("age", "numeric", T),
        Question("colour", "single_choice", T, choices=(Choice("red", T),)),
        Question("target", "text", T, show_if=show_if),
        Question("later", "rating", T),
    ))
    report = publish_checks(document)
    assert report.blocking
    assert [issue.rule for issue in report.issues] == [rule]
    assert report.issues[0].code == "target"


def test_a_cycle_between_pages_blocks() -> None:
    document = _doc(_page("p1", Question("a", "numeric", T)),
                    _page("p2", Question("b", "numeric", T), show_if="p3_flag > 1"),
                    _page("p3", Question("p3_flag", "numeric", T, show_if="b > 1")))
    report = publish_checks(document)
    assert report.blocking and {i.rule for i in report.issues} >= {"forward_reference"}


def test_clean_questionnaire_with_show_if_passes_and_reports_translations() -> None:
    document = _doc(
        _page("p1", Question("age", "numeric", Texts("年龄", ""))),
        _page("p2", Question("why", "text", T), show_if="age >= 18"),
    )
    report = publish_checks(document)
    assert not report.blocking and report.issues == ()
    assert [m.location for m in report.missing_translations] == ["page:p1/question:age/text"]
    assert report.missing_translations[0].languages == ("en",)


def test_completeness_is_reported_and_binding_problems_block() -> None:
    partial = _doc(_page("p1", Question("v1", "rating", T, binding=Binding("acsi", "value", "PQ"))))
    report = publish_checks(partial)
    assert not report.blocking and not report.completeness.complete
    assert any(line == "ACSI — perceived value: 1 of 2 items" for line in report.completeness.messages("en"))
    wrong = _doc(_page("p1", Question("v1", "rating", T, binding=Binding("acsi", "value", "NOPE"))))
    assert publish_checks(wrong).blocking


def test_check_expression_validates_one_rule_in_context() -> None:
    document = _doc(_page("p1", Question("age", "numeric", T), Question("why", "text", T)))
    assert check_expression(document, "why", "show_if", "age > 3") == []
    assert [i.rule for i in check_expression(document, "age", "show_if", "why = 'x'")] == ["forward_reference"]
    assert [i.rule for i in check_expression(document, "age", "validation", ". > 0 and")] == ["syntax_error"]
    with pytest.raises(KeyError):
        check_expression(document, "nope", "show_if", "age > 1")
