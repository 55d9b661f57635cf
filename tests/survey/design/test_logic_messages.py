"""Show-if and validation errors in the editor are fully translated: every rule code, value type
and grammar terminal of the logic language has a message here, and a Chinese page shows no
English prose."""
from __future__ import annotations

import re
from typing import get_args

import pytest
from flask_babel import force_locale

from survey.db import get_session
from survey.design.logic_syntax import TERMINAL_TEXTS, expected_text, syntax_error_text
from survey.design.messages import ISSUE_MESSAGES, VALUE_TYPE_TEXTS, issue_message
from survey.questionnaire.document import (
    Choice, DateSettings, MultipleChoiceSettings, Page, Question, Questionnaire, Texts,
)
from survey.questionnaire.logic import VALUE_TYPE_NAMES, Rule
from survey.questionnaire.logic.grammar import TERMINAL_DESCRIPTIONS
from survey.services.publishing import check_expression
from survey.services.questionnaires import create_questionnaire
from support import csrf_token

CODES = ("age", "name", "channels", "visit", "intro", "later", "p1", "p2", "sat", "web", "shop",
         "selected", "count", "if")  # codes, choice codes and function names: the rule's own spelling


def _document() -> Questionnaire:
    t = Texts
    return Questionnaire(t("调查", "Survey"), (
        Page("p1", t("一", "One"), (
            Question("intro", "info", t("欢迎", "Welcome")),
            Question("age", "numeric", t("年龄", "Age")),
            Question("name", "text", t("姓名", "Name")),
            Question("channels", "multiple_choice", t("渠道", "Channels"),
                     choices=(Choice("web", t("网", "Web")), Choice("shop", t("店", "Shop"))),
                     settings=MultipleChoiceSettings()),
            Question("visit", "date", t("日期", "Date"), settings=DateSettings()),
        )),
        Page("p2", t("二", "Two"), (
            Question("sat", "rating", t("满意", "Satisfied")),
            Question("later", "numeric", t("以后", "Later")),
        )),
    ))


#: A show-if of question "sat" → the rule the checker reports.
BROKEN_RULES = {
    "age >": "syntax_error",                    # a value expected
    "age >= 18 18": "syntax_error",             # an operator or the end expected
    "agee(age) = 1": "syntax_error",            # not a function
    "age > " + "9" * 400: "syntax_error",       # a number too large: nothing expected
    "ghost = 1": "unknown_reference",
    "intro = 1": "reference_without_value",     # an information text
    "p1 = 1": "reference_without_value",        # a page
    "later = 1": "forward_reference",
    "sat = 1": "self_reference",
    ". = 1": "current_value_in_show_if",
    "age and name = 'x'": "type_mismatch",      # 'and' needs conditions
    "channels = 'web'": "type_mismatch",        # single values
    "visit > 'yesterday'": "type_mismatch",     # comparing with a date
    "age = name": "type_mismatch",              # two values of the same kind (not in the table)
    "age + 1": "not_a_condition",
    "if(age > 1, 1, 'x') = 1": "type_mismatch",  # if() mixing kinds of values
    "selected(channels, 'post')": "unknown_choice",
}


def _english_left(message: str) -> list[str]:
    """English words left in ``message`` once quoted parts, codes and the rule's own spelling
    (function names, 'YYYY-MM-DD', true/false) are taken out."""
    bare = re.sub(r"“[^”]*”|'[^']*'|\"[^\"]*\"|\$\{[^}]*\}|\([^)]*\)", " ", message)
    bare = re.sub(r"\b(" + "|".join(CODES) + r")\b", " ", bare)
    return re.findall(r"[A-Za-z]{2,}", bare)


def test_every_rule_value_type_and_terminal_of_the_logic_language_has_a_message() -> None:
    assert set(get_args(Rule)) <= set(ISSUE_MESSAGES), "a logic rule code has no translated message"
    assert set(VALUE_TYPE_NAMES) <= set(VALUE_TYPE_TEXTS), "a value type has no translated name"
    unnamed = [description for description in TERMINAL_DESCRIPTIONS.values()
               if expected_text(description) is None]
    assert unnamed == [], "a grammar terminal has no translated description"
    assert {"a value", "an operator"} <= set(TERMINAL_TEXTS)


@pytest.fixture
def document(app) -> Questionnaire:
    return _document()


@pytest.mark.parametrize("rule", sorted(BROKEN_RULES))
def test_every_show_if_error_reads_fully_in_chinese(app, document, rule: str) -> None:
    issues = check_expression(document, "sat", "show_if", rule)
    assert [issue.rule for issue in issues][:1] == [BROKEN_RULES[rule]], issues
    with app.test_request_context(), force_locale("zh_CN"):
        messages = [issue_message(issue, text=rule) for issue in issues]
    for message in messages:
        assert message.startswith("sat 的显示条件："), message
        assert _english_left(message) == [], message
    with app.test_request_context(), force_locale("en"):
        english = [issue_message(issue, text=rule) for issue in issues]
    assert all(message.startswith("sat show-if rule: ") for message in english), english


def test_syntax_errors_say_where_and_what_could_come_there(app, document) -> None:
    with app.test_request_context(), force_locale("en"):
        assert syntax_error_text("age >") == "at line 1, column 6, the end of the rule: expected a value"
        assert syntax_error_text("age >= 18 18").startswith("at line 1, column 11, “18”: expected ")
        assert syntax_error_text("agee(age) = 1") == \
            "at line 1, column 1: “agee” is not a function of the logic language"
        assert syntax_error_text(None, line="2", column="4") == "at line 2, column 4"
        assert syntax_error_text("x" * 2001) == "the rule has 2,001 characters; at most 2,000 are allowed"
    with app.test_request_context(), force_locale("zh_CN"):
        assert syntax_error_text("age >") == "第 1 行第 6 列，规则结尾处：此处应为一个值"


def test_the_editor_shows_a_chinese_designer_chinese_rule_errors(app, client, login_as) -> None:
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, _document())
        db.commit()
        questionnaire_id = version.questionnaire_id
    login_as("designer")
    token = csrf_token(client, "/design/new")
    reply = client.post(f"/design/{questionnaire_id}/questions/sat?lang=zh_CN", data={
        "csrf_token": token, "type": "rating", "code": "sat", "text_zh": "满意", "text_en": "Satisfied",
        "scale": "1-5", "show_if": "age + 1", "validation": "(. > 1"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "sat 的显示条件：规则必须是条件（真或假），但 &#39;age + 1&#39; 是 一个数字" in html
    assert "sat 的校验规则：语法错误：第 1 行第 7 列，规则结尾处：此处应为“)”" in html
    assert "expected" not in html and "a number" not in html
