"""Piping earlier answers and invitation attributes into texts: which references a text holds,
which cannot be shown (checked before publishing), and the values as a respondent reads them."""
from __future__ import annotations

from survey.questionnaire.document import (
    DONT_KNOW, Choice, MatrixRow, MultipleChoiceSettings, Page, Question, Questionnaire, ScaleSettings,
    SingleChoiceSettings, Texts,
)
from survey.questionnaire.piping import (
    PipingIssue, display_value, pipe, piped_values, piping_issues, references,
)
from survey.services.publishing import publish_checks

t = Texts


def _document(second_text: str = "Hello ${name}", *, page_title: str = "Two") -> Questionnaire:
    return Questionnaire(title=t("问卷", "Survey"), pages=(
        Page("p1", t("一", "One"), (
            Question("name", "text", t("您的名字", "Your name")),
            Question("colour", "single_choice", t("颜色", "Colour"),
                     choices=(Choice("red", t("红色", "Red")), Choice("blue", t("蓝色", "Blue"))),
                     settings=SingleChoiceSettings(other=True)),
            Question("tools", "multiple_choice", t("工具", "Tools"),
                     choices=(Choice("a", t("甲", "Alpha")), Choice("b", t("乙", "Beta"))),
                     settings=MultipleChoiceSettings()),
            Question("score", "rating", t("评分", "Score"), settings=ScaleSettings(min=1, max=10, dont_know=True)),
        )),
        Page("p2", t("二", page_title), (
            Question("why", "long_text", t("为什么？", second_text)),
            Question("grid", "matrix", t("矩阵", "Grid"), rows=(MatrixRow("g1", t("行", "Row for ${colour}")),),
                     settings=ScaleSettings(min=1, max=5)),
        )),
    ))


def test_references_are_codes_or_invitation_attributes() -> None:
    assert references("Hi ${name}, ${ colour } in ${invitation.region} ${invitation.城市} $name {x} ${1bad}") == [
        "name", "colour", "invitation.region", "invitation.城市"]


def test_an_earlier_page_and_an_invitation_attribute_can_be_shown() -> None:
    document = _document("Hello ${name}, you chose ${colour} (${tools}, ${score}) in ${invitation.region}")
    assert piping_issues(document) == []
    assert not publish_checks(document).blocking


def test_unknown_and_not_yet_answered_references_block_publishing() -> None:
    document = _document("Why ${nosuch}? ${why} ${g1}", page_title="About ${name} and ${g1}")
    issues = piping_issues(document)
    assert issues == [
        PipingIssue("p2", "g1", "not_yet_answered"),  # the page title: its own page's row
        PipingIssue("why", "nosuch", "unknown_reference"),
        PipingIssue("why", "why", "not_yet_answered"),
        PipingIssue("why", "g1", "not_yet_answered"),
    ]
    assert issues[1].message() == "why: the text shows ${nosuch}, but no question has this code"
    report = publish_checks(document)
    assert report.blocking and report.piping == tuple(issues)


def test_values_read_as_the_respondent_reads_them() -> None:
    document = _document()
    variables = {v.code: v for v in document.variables()}
    assert display_value(variables["colour"], "blue", "zh_CN") == "蓝色"
    assert display_value(variables["colour"], "blue", "en") == "Blue"
    assert display_value(variables["colour"], "other", "en") == "Other"
    assert display_value(variables["tools"], ["a", "b"], "en") == "Alpha, Beta"
    assert display_value(variables["tools"], ["b", "a"], "zh_CN") == "乙、甲"
    assert display_value(variables["score"], 7.0, "en") == "7"
    assert display_value(variables["score"], 7.5, "en") == "7.5"
    assert display_value(variables["score"], DONT_KNOW, "zh_CN") == "不知道"
    assert display_value(variables["name"], None, "en") == "" and display_value(variables["tools"], [], "en") == ""
    values = piped_values(document, {"name": "Li", "colour": "red"}, {"region": "east", "size": 3}, "en")
    assert values["name"] == "Li" and values["colour"] == "Red" and values["tools"] == ""
    assert values["invitation.region"] == "east" and values["invitation.size"] == "3"


def test_pipe_replaces_each_reference_and_escapes_for_html() -> None:
    values = {"name": "<b>Li & Co</b>", "invitation.region": "east"}
    assert pipe("Hi ${name} from ${invitation.region}; ${missing}.", values) == "Hi <b>Li & Co</b> from east; ."
    assert pipe("<p>Hi ${name}</p>", values, as_html=True) == "<p>Hi &lt;b&gt;Li &amp; Co&lt;/b&gt;</p>"
    text = "No references here"
    assert pipe(text, values) is text
