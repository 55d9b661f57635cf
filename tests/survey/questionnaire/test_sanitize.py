"""Designer rich text keeps only the allow-list; everything else is removed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.document import Page, Question, Questionnaire, Texts
from survey.questionnaire.sanitize import sanitize_html, sanitize_questionnaire


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hello <strong>there</strong><br><em>x</em><b>y</b><i>z</i><u>u</u></p>",
         "<p>Hello <strong>there</strong><br><em>x</em><b>y</b><i>z</i><u>u</u></p>"),
        ("<ul><li>a</li></ul><ol><li>b</li></ol>", "<ul><li>a</li></ul><ol><li>b</li></ol>"),
        ("<p onclick='steal()'>hi</p>", "<p>hi</p>"),
        ("<script>alert(1)</script>safe", "safe"),
        ("<style>body{display:none}</style>text", "text"),
        ("<img src=x onerror=alert(1)>", ""),
        ("<iframe src='https://evil.example'></iframe>ok", "ok"),
        ("<!-- hidden -->shown", "shown"),
        ("<div><h1>Title</h1></div>", "Title"),
        ("<a href='https://example.com' target='_blank' onclick='x'>site</a>",
         '<a href="https://example.com" rel="noopener noreferrer">site</a>'),
        ("<a href='mailto:help@example.com'>mail</a>",
         '<a href="mailto:help@example.com" rel="noopener noreferrer">mail</a>'),
        ("<a href='javascript:alert(1)'>x</a>", '<a rel="noopener noreferrer">x</a>'),
        ("<a href='data:text/html,<script>'>x</a>", '<a rel="noopener noreferrer">x</a>'),
        ("<a href='/relative'>x</a>", '<a rel="noopener noreferrer">x</a>'),
        ("a < b & c", "a &lt; b &amp; c"),
        ("中文<strong>加粗</strong>", "中文<strong>加粗</strong>"),
    ],
)
def test_allow_list(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_rejects_non_strings():
    with pytest.raises(TypeError, match="must be a string"):
        sanitize_html(None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("<>/=\"' &;abpiul中文") + ["<p>", "</p>", "<a href='",
                                                                "https://", "<script>"]))
       .map("".join))
def test_sanitising_is_stable(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once
    assert "<script" not in once.lower()


def test_questionnaire_rich_fields_are_sanitised_and_labels_left_alone():
    questionnaire = Questionnaire(
        Texts("<b>标题</b>", "Title"),
        (Page("p", Texts("页", "Page"), (
            Question("i", "info", Texts("<p>说明<script>x()</script></p>", "<p>Note</p>")),
            Question("t", "text", Texts("a < b", "<i>q</i>"), help=Texts("<img src=x>帮助", "")),
        )),),
        description=Texts("<p onclick='x'>描述</p>", ""),
    )
    clean = sanitize_questionnaire(questionnaire)
    assert clean.description == Texts("<p>描述</p>", "")
    assert clean.question("i").text == Texts("<p>说明</p>", "<p>Note</p>")
    assert clean.question("t").help == Texts("帮助", "")
    assert clean.question("t").text == Texts("a < b", "<i>q</i>")  # plain text: escaped on display
    assert clean.title == Texts("<b>标题</b>", "Title")
