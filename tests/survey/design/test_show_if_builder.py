"""The show-if builder: it offers only earlier answers, the comparisons that suit each kind of
answer and, for choices, their quoted codes; every condition its script
(survey/static/js/show_if_builder.js, run under node) writes from what it offers passes the
server's check, and joining conditions keeps "and"/"or" as meant."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from survey.design.show_if_builder import (
    OPERATORS, builder_data, subjects_for_new_question, subjects_for_page, subjects_for_question,
)
from survey.questionnaire.document import (
    Choice, MatrixRow, MultipleChoiceSettings, Page, Question, Questionnaire, Texts,
)
from survey.questionnaire.logic import parse
from survey.questionnaire.logic.ast import And, Comparison, Or, Reference, String
from survey.services.publishing import check_expression

BUILDER_JS = Path(__file__).resolve().parents[3] / "survey" / "static" / "js" / "show_if_builder.js"
T = Texts

NODE_RUNNER = """
const builder = require(process.argv[process.argv.length - 1]);
const asked = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {
  conditions: asked.conditions.map(([subject, operator, typed, choice]) =>
    builder.condition(subject, operator, typed, choice)),
  joins: asked.joins.map(([rule, added, connective]) => builder.join(rule, added, connective)),
  quotes: asked.quotes.map((text) => builder.quote(text)),
};
process.stdout.write(JSON.stringify(out));
"""


def document() -> Questionnaire:
    return Questionnaire(T("调查", "Survey"), (
        Page("p1", T("一", "One"), (
            Question("age", "numeric", T("您的<b>年龄</b>", "Your <b>age</b>")),
            Question("channels", "multiple_choice", T("渠道", "Channels"),
                     choices=(Choice("web", T("网站", "Website")), Choice("x-1.b", T("其它渠道", "Another"))),
                     settings=MultipleChoiceSettings(other=True)),
            Question("div", "yes_no", T("满意吗", "Satisfied?")),
        )),
        Page("p2", T("二", "Two"), (
            Question("visit", "date", T("日期", "Visit")),
            Question("grid", "matrix", T("评价", "Rate"), rows=(MatrixRow("service", T("服务", "Service")),)),
            Question("note", "text", T("备注", "Note")),
            Question("colour", "single_choice", T("颜色", "Colour"),
                     choices=(Choice("red", T("红", "Red")), Choice("blue", T("蓝", "Blue")))),
        )),
        Page("p3", T("三", "Three"), (Question("intro", "info", T("说明", "About")),
                                       Question("last", "text", T("最后", "Last")))),
    ))


def test_only_earlier_answers_are_offered_with_comparisons_for_their_kind() -> None:
    doc = document()
    page_two = subjects_for_page(doc, 1, "en")
    assert [s.code for s in page_two] == ["age", "channels", "channels_other", "div"]
    age, channels, other, div = page_two
    assert (age.reference, age.kind, age.label, age.operators) == ("age", "number", "age – Your age", OPERATORS["number"])
    assert channels.operators == ("selected", "not_selected", "answered", "empty")
    assert [(v.literal, v.label) for v in channels.values] == [
        ("'web'", "web – Website"), ("'x-1.b'", "x-1.b – Another"), ("'other'", "other – Other")]
    assert other.kind == "text" and other.operators == ("=", "!=", "answered", "empty") and other.values == ()
    assert div.reference == "${div}" and [v.literal for v in div.values] == ["'yes'", "'no'"]
    assert subjects_for_page(doc, 0, "en") == ()
    assert [s.code for s in subjects_for_question(doc, "note", "zh_CN")] == [
        "age", "channels", "channels_other", "div", "visit", "service"]
    assert subjects_for_question(doc, "grid", "zh_CN")[0].label == "age – 您的年龄"
    assert subjects_for_question(doc, "note", "en")[-1].label == "service – Service"
    assert [s.code for s in subjects_for_new_question(doc, 1, "en")][-2:] == ["note", "colour"]
    assert [s.code for s in subjects_for_question(doc, "last", "en")][-1] == "colour"  # info: no answer


def test_labels_are_translated(app) -> None:
    subjects = subjects_for_page(document(), 1, "zh_CN")
    for lang, selected, message in (("zh_CN", "已勾选", "请为取值填写一个数字，例如 18 或 2.5。"),
                                    ("en", "has ticked", "Write a number for the value, such as 18 or 2.5.")):
        with app.test_request_context(f"/?lang={lang}"):
            data = builder_data(subjects)
        assert data["operators"]["selected"] == selected and data["messages"]["number"] == message
        assert data["subjects"][1]["values"][0] == {"literal": "'web'", "label": "web – 网站"}


TYPED = {"number": "-2.5", "date": "2024-05-01", "text": "it's \"quoted\""}


def test_every_condition_the_script_writes_passes_the_server_check(app) -> None:
    doc = document()
    with app.test_request_context("/?lang=en"):
        data = builder_data(subjects_for_question(doc, "last", "en"))
    conditions = [[subject, operator, TYPED.get(subject["kind"], ""), value["literal"]]
                  for subject in data["subjects"] for operator in subject["operators"]
                  for value in (subject["values"] or [{"literal": None}])]
    joins = [["a = 1 or b = 2", "c = 3", "and"], ["a = 1 and b = 2", "c = 3", "or"],
             ["  ", "c = 3", "and"], ["a = 1", "c = 3", "or"]]
    quotes = ["plain", "it's", 'say "hi"', "it's \"both\"", "中文"]
    ran = subprocess.run(["node", "-e", NODE_RUNNER, str(BUILDER_JS)], capture_output=True, text=True,
                         input=json.dumps({"conditions": conditions, "joins": joins, "quotes": quotes}),
                         check=True, timeout=60)
    out = json.loads(ran.stdout)

    written = [made["text"] for made in out["conditions"]]
    assert len(written) == len(conditions) > 30
    assert "age >= -2.5" in written and "not selected(channels, 'x-1.b')" in written
    assert "${div} = 'no'" in written and "visit < '2024-05-01'" in written and "empty(service)" in written
    for text in written:
        assert check_expression(doc, "last", "show_if", text) == [], text
    assert out["joins"] == ["(a = 1 or b = 2) and c = 3", "a = 1 and b = 2 or c = 3", "c = 3", "a = 1 or c = 3"]
    assert isinstance(parse(out["joins"][0]), And) and isinstance(parse(out["joins"][1]), Or)
    assert [parse(f"x = {quoted}") for quoted in out["quotes"]] == [
        Comparison("=", Reference("x"), String(text)) for text in quotes]


def test_a_typed_value_that_does_not_suit_the_answer_is_refused() -> None:
    asked = {"conditions": [[{"reference": "age", "kind": "number", "values": []}, ">", "18 years", None],
                            [{"reference": "age", "kind": "number", "values": []}, ">", "1e3", None],
                            [{"reference": "visit", "kind": "date", "values": []}, "<", "May 1", None]],
             "joins": [], "quotes": []}
    ran = subprocess.run(["node", "-e", NODE_RUNNER, str(BUILDER_JS)], capture_output=True, text=True,
                         input=json.dumps(asked), check=True, timeout=60)
    assert json.loads(ran.stdout)["conditions"] == [{"error": "number"}, {"error": "number"}, {"error": "date"}]
