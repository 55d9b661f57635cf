"""Choice and matrix-row lines: every bad line is reported with its number and rule, in the
designer's language; good lines are read back exactly."""
from __future__ import annotations

import re

import pytest

from survey.design.entry_lines import LineProblem, format_entry_lines, parse_entry_lines
from survey.questionnaire.document import Binding, Choice, MatrixRow, Page, Question, Questionnaire, Texts
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from survey.db import get_session
from support import csrf_token

BAD_CHOICES = "\n".join([
    "web | 网站 | Website",      # 1 good
    "shop | 门店",               # 2 two parts
    "",                          # 3 blank, skipped
    "bad code | 坏 | Bad",       # 4 space in the code
    "web | 又是网站 | Web again",  # 5 duplicate of line 1
    "phone | 电话 | Phone | x",  # 6 four parts
    "mail | 邮件 | Mail",        # 7 good
])


def test_every_bad_choice_line_is_a_problem_with_its_number_and_rule() -> None:
    parsed = parse_entry_lines(BAD_CHOICES, rows=False)
    assert [(p.line, p.rule) for p in parsed.problems] == [
        (2, "format"), (4, "choice_code"), (5, "duplicate"), (6, "format")]
    assert parsed.problems[0].arguments() == {"line": 2, "parts": 2}
    assert parsed.problems[2].arguments() == {"line": 5, "code": "web", "first": 1}
    assert [c.code for c in parsed.entries] == ["web", "mail"] and not parsed.ok


def test_other_is_reserved_only_when_the_question_adds_it() -> None:
    lines = "other | 其他 | Other"
    assert parse_entry_lines(lines, rows=False).ok
    problems = parse_entry_lines(lines, rows=False, other=True).problems
    assert problems == (LineProblem(1, "reserved_other", (("code", "other"),)),)


def test_row_lines_check_codes_and_bindings() -> None:
    text = "\n".join(["PQ | 价格 | Price | acsi.value.PQ", "1x | 一 | One", "QQ | 质量 | Quality | acsi.PQ",
                      "LL | 长 | Long | m." + "c" * 65 + ".i", "NB | 无 | None |", "a | b"])
    parsed = parse_entry_lines(text, rows=True)
    assert [(p.line, p.rule) for p in parsed.problems] == [
        (2, "row_code"), (3, "binding_format"), (4, "binding_length"), (6, "row_format")]
    assert parsed.entries == (MatrixRow("PQ", Texts("价格", "Price"), Binding("acsi", "value", "PQ")),
                              MatrixRow("NB", Texts("无", "None")))


@pytest.mark.parametrize("rows", [False, True])
def test_formatted_entries_read_back_the_same(rows: bool) -> None:
    entries = (MatrixRow("PQ", Texts("价格", "Price"), Binding("acsi", "value", "PQ")), MatrixRow("x_2", Texts("乙", ""))) \
        if rows else (Choice("a.1", Texts("甲", "A")), Choice("b-2", Texts("", "B")))
    parsed = parse_entry_lines(format_entry_lines(entries), rows=rows)
    assert parsed.ok and parsed.entries == entries


# --- in the editor --------------------------------------------------------------------------

@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, Questionnaire(Texts("调查", "Survey"), (
            Page("p1", Texts("一", "One"), (Question("age", "numeric", Texts("年龄", "Age")),)),)))
        db.commit()
        return version.questionnaire_id


def _post_choices(client, questionnaire_id: int, lang: str, choices: str, **extra):
    token = csrf_token(client, "/design/new")
    return client.post(f"/design/{questionnaire_id}/pages/0/questions/new?type=single_choice&lang={lang}",
                       data={"csrf_token": token, "code": "channel", "text_zh": "渠道", "text_en": "Channel",
                             "display": "radio", "choices": choices, **extra})


def _choice_errors(html: str) -> list[str]:
    block = re.search(r'<ul class="error" id="choices-error">(.*?)</ul>', html, re.S)
    assert block, "the choices field shows its errors as a list"
    return re.findall(r"<li>(.*?)</li>", block.group(1))


def test_the_editor_lists_every_bad_line_in_english(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    reply = _post_choices(client, questionnaire_id, "en", BAD_CHOICES)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    errors = _choice_errors(html)
    assert [e.split(":")[0] for e in errors] == ["Line 2", "Line 4", "Line 5", "Line 6"]
    assert "this line has 2 part(s)" in errors[0] and "“bad code” is not allowed" in errors[1]
    assert "already used on line 1" in errors[2] and "this line has 4 part(s)" in errors[3]
    assert 'aria-describedby="choices-hint choices-error"' in html and 'aria-invalid="true"' in html
    with app.app_context():  # nothing was saved
        document = version_document(latest_version(get_session(), questionnaire_id))
        assert [q.code for q in document.questions()] == ["age"]


def test_the_editor_lists_every_bad_line_in_chinese(client, login_as, questionnaire_id) -> None:
    login_as("designer")
    html = _post_choices(client, questionnaire_id, "zh_CN", BAD_CHOICES + "\nother | 其他 | Other",
                         other="y").get_data(as_text=True)
    errors = _choice_errors(html)
    assert [e.split("：")[0] for e in errors] == ["第 2 行", "第 4 行", "第 5 行", "第 6 行", "第 8 行"]
    english = ("Line", "write", "part", "allowed", "already", "belongs", "another")
    assert not any(word in e for e in errors for word in english), errors
    assert "“其他，请注明”" in errors[4]


def test_good_lines_after_a_fix_are_saved(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    reply = _post_choices(client, questionnaire_id, "en", "web | 网站 | Website\nmail | 邮件 | Mail")
    assert reply.status_code == 302
    with app.app_context():
        question = version_document(latest_version(get_session(), questionnaire_id)).question("channel")
    assert [c.code for c in question.choices] == ["web", "mail"]


# --- choices as rows of inputs ---------------------------------------------------------------

def _rows(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {"choices_input": "rows"}
    for index, (code, zh, en) in enumerate(rows):
        data |= {f"choice_rows-{index}-code": code, f"choice_rows-{index}-label_zh": zh,
                 f"choice_rows-{index}-label_en": en}
    return data


def test_choice_rows_are_read_like_lines_and_every_bad_row_is_named() -> None:
    from survey.design.entry_lines import parse_choice_rows

    parsed = parse_choice_rows([("web", "网站", "Web | site"), ("", "", ""), ("", "无码", "No code"),
                                ("web", "又", "Again"), ("a b", "坏", "Bad"), ("other", "其他", "Other")],
                               other=True)
    assert [(p.line, p.rule) for p in parsed.problems] == [
        (3, "no_code"), (4, "duplicate"), (5, "choice_code"), (6, "reserved_other")]
    assert parsed.entries == (Choice("web", Texts("网站", "Web | site")),)  # "|" is kept in a row


def test_a_new_choice_question_offers_rows_and_saves_them(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    url = f"/design/{questionnaire_id}/pages/0/questions/new?type=single_choice&lang=en"
    html = client.get(url).get_data(as_text=True)
    assert 'name="choices_input" type="hidden" value="rows"' in html
    assert html.count('name="choice_rows-') == 9 and 'aria-label="Row 3: English"' in html
    token = csrf_token(client, "/design/new")
    base = {"csrf_token": token, "code": "channel", "text_zh": "渠道", "text_en": "Channel", "display": "radio"}
    reply = client.post(url, data=base | _rows(("web", "网站", "Web"), ("", "", ""), ("shop", "门店", "Shop")))
    assert reply.status_code == 302
    with app.app_context():
        question = version_document(latest_version(get_session(), questionnaire_id)).question("channel")
    assert [(c.code, c.label.en) for c in question.choices] == [("web", "Web"), ("shop", "Shop")]


def test_each_bad_row_shows_its_error_beside_it_in_chinese(client, login_as, questionnaire_id) -> None:
    login_as("designer")
    token = csrf_token(client, "/design/new")
    reply = client.post(f"/design/{questionnaire_id}/pages/0/questions/new?type=single_choice&lang=zh_CN",
                        data={"csrf_token": token, "code": "channel", "text_zh": "渠道", "display": "radio"}
                        | _rows(("web", "网站", "Web"), ("", "无码", ""), ("web", "重复", "")))
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert '<p class="error" id="choice_rows-1-code-error">第 2 行：请为这个选项填写代码。</p>' in html
    assert '<p class="error" id="choice_rows-2-code-error">第 3 行：代码“web”已在第 1 行使用；每个代码只能用一次。</p>' in html
    row = re.search(r'<input[^>]*id="choice_rows-2-code"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in row and 'aria-describedby="choice_rows-2-code-error"' in row
    assert '<a href="#choices">' in html  # the summary leads to the rows
    assert 'value="重复"' in html  # what was typed stays


def test_rows_can_be_added_and_switched_to_text_and_back_without_saving(client, login_as, questionnaire_id) -> None:
    login_as("designer")
    url = f"/design/{questionnaire_id}/pages/0/questions/new?type=multiple_choice&lang=en"
    base = {"csrf_token": csrf_token(client, "/design/new"), "code": "features", "text_en": "Features"}
    html = client.post(url, data=base | _rows(("a", "甲", "A")) | {"add_choice_row": "1"}).get_data(as_text=True)
    assert 'name="choice_rows-1-code"' in html and 'value="甲"' in html
    html = client.post(url, data=base | _rows(("a", "甲", "A"), ("b", "乙", "")) | {"choices_as": "text"}
                       ).get_data(as_text=True)
    assert 'name="choices_input" type="hidden" value="text"' in html
    assert "a | 甲 | A\nb | 乙 | </textarea>" in html
    html = client.post(url, data=base | {"choices_input": "text", "choices": "a | 甲 | A\nb | 乙 | B",
                                         "choices_as": "rows"}).get_data(as_text=True)
    assert 'name="choice_rows-1-label_en" type="text" value="B"' in html
