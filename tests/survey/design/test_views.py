"""Designer pages: list, create (blank, template, import), overview, publish, clone, archive,
export, the draft editor and the preview."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Questionnaire, QuestionnaireVersion
from survey.db import get_session
from survey.questionnaire.document import Binding, DocumentError, Page, Question, Questionnaire as Document, Texts
from survey.questionnaire.jsonio import to_json
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from support import csrf_token


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


def _token(client) -> str:
    return csrf_token(client, "/design/new")


def _store(app, document: Document, status: str = "active") -> int:
    with app.app_context():
        session = get_session()
        version = create_questionnaire(session, document)
        version.questionnaire.status = status
        session.commit()
        return version.questionnaire_id


def _document(app, questionnaire_id: int) -> Document:
    with app.app_context():
        return version_document(latest_version(get_session(), questionnaire_id))


def _versions(app, questionnaire_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        rows = get_session().scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id).order_by(QuestionnaireVersion.number))
        return [(v.number, v.state) for v in rows]


def _count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Questionnaire))


def _three_pages() -> Document:
    t = Texts
    return Document(title=t("满意度", "Satisfaction"), pages=(
        Page("p1", t("一", "One"), (Question("age", "numeric", t("年龄", "Age")),)),
        Page("p2", t("二", "Two"), (Question("why", "text", t("原因", "Why"), show_if="age >= 18"),)),
        Page("p3", t("三", "Three"), (Question("ok", "yes_no", t("好吗", "OK?")),)),
    ))


def test_list_searches_titles_case_insensitively_and_filters_status(app, designer) -> None:
    _store(app, Document(title=Texts("满意度调查", "Customer Satisfaction"), pages=()))
    _store(app, Document(title=Texts("投诉回访", "Complaint follow-up"), pages=()), status="archived")
    html = designer.get("/design/?lang=en").get_data(as_text=True)
    assert "Customer Satisfaction" in html and "Complaint follow-up" not in html
    html = designer.get("/design/?q=SATISFACTION&status=all&lang=en").get_data(as_text=True)
    assert "Customer Satisfaction" in html and "Complaint follow-up" not in html
    html = designer.get("/design/?q=投诉&status=archived").get_data(as_text=True)
    assert "投诉回访" in html and "满意度调查" not in html
    html = designer.get("/design/?q=nothing-like-this&status=all&lang=en").get_data(as_text=True)
    assert "No questionnaire matches" in html


def test_create_blank_validates_in_both_languages_then_creates(app, designer) -> None:
    token = _token(designer)
    response = designer.post("/design/new?lang=en", data={"csrf_token": token, "title_zh": " ", "title_en": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'role="alert"' in html
    assert "Write the title in at least one language." in html and 'aria-invalid="true"' in html
    assert _count(app) == 0
    response = designer.post("/design/new", data={
        "csrf_token": token, "title_zh": "新问卷", "title_en": "New survey",
        "description_en": "<p>Hi<script>alert(1)</script></p>"})
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    [qid] = [int(part) for part in response.headers["Location"].split("/") if part.isdigit()]
    document = _document(app, qid)
    assert document.title == Texts("新问卷", "New survey")
    assert document.description.en == "<p>Hi</p>" and len(document.pages) == 1


def test_create_from_templates_including_kano_attributes(app, designer) -> None:
    token = _token(designer)
    response = designer.post("/design/new/template", data={"csrf_token": token, "template": "nps_pulse"})
    assert response.status_code == 302
    response = designer.post("/design/new/template?lang=en", data={
        "csrf_token": token, "template": "kano_battery", "attributes": "一键下单 | one-click\nbroken line"})
    assert response.status_code == 422
    assert "Line 2: write the attribute as" in response.get_data(as_text=True)
    assert _count(app) == 1
    response = designer.post("/design/new/template", data={
        "csrf_token": token, "template": "kano_battery",
        "attributes": "一键下单 | one-click ordering\n\n实时追踪 | live tracking\n"})
    assert response.status_code == 302
    qid = int(response.headers["Location"].rstrip("/").split("/")[-1])
    document = _document(app, qid)
    assert document.kind == "kano" and [q.code for q in document.questions()][1:] == ["kano_1", "kano_2"]


def _upload(client, token, data: bytes, name: str, lang: str = "en"):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(data), name)})
    return client.post(f"/design/import?lang={lang}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_import_json_and_bad_files_change_nothing(app, designer) -> None:
    token = _token(designer)
    for data, name, expected in [
        (b"\x00\x01junk", "junk.xlsx", "could not be imported"),
        (b"{not json", "q.json", "not valid JSON"),
        ("{}".encode("utf-16"), "q.json", "not UTF-8"),
        (b"x" * (6 * 1024 * 1024), "big.json", "the limit is"),
        (b"PK\x03\x04broken zip", "broken.xlsx", "could not be imported"),
        (b"hello", "notes.txt", "unknown file type"),
    ]:
        response = _upload(designer, token, data, name)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, name
        assert expected in html and 'id="file-error"' in html and 'aria-invalid="true"' in html, name
    assert _count(app) == 0
    payload = json.dumps(to_json(_three_pages()), ensure_ascii=False).encode("utf-8")
    response = _upload(designer, token, payload, "survey.json")
    assert response.status_code == 302 and _count(app) == 1


def test_import_xlsform_shows_pyxform_warnings(app, designer) -> None:
    from pathlib import Path
    fixtures = Path(__file__).resolve().parents[1] / "questionnaire/fixtures/xlsform"
    token = _token(designer)
    shown = []
    for path in sorted((fixtures / "good").iterdir()):
        response = _upload(designer, token, path.read_bytes(), path.name)
        assert response.status_code in (200, 302), (path.name, response.get_data(as_text=True)[:500])
        shown.append(response.status_code)
    assert _count(app) == len(shown)


def test_overview_publish_new_draft_clone_archive(app, designer) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    html = designer.get(f"/design/{qid}?lang=en").get_data(as_text=True)
    assert "Version 1" in html and "Draft" in html
    page = designer.get(f"/design/{qid}/publish?lang=en").get_data(as_text=True)
    assert "No problems found" in page and "Every text is written in Chinese and English." in page
    response = designer.post(f"/design/{qid}/publish", data={"csrf_token": token})
    assert response.status_code == 302 and _versions(app, qid) == [(1, "published")]
    html = designer.get(f"/design/{qid}?lang=en").get_data(as_text=True)
    assert "/s/" in html and "Make a new draft to edit" in html
    assert designer.post(f"/design/{qid}/draft", data={"csrf_token": token}).status_code == 302
    assert _versions(app, qid) == [(1, "published"), (2, "draft")]
    response = designer.post(f"/design/{qid}/clone", data={"csrf_token": token})
    assert response.status_code == 302 and _count(app) == 2
    assert designer.post(f"/design/{qid}/archive", data={"csrf_token": token}).status_code == 302
    response = designer.post(f"/design/{qid}/pages/add", data={"csrf_token": token})
    assert response.status_code == 302 and len(_document(app, qid).pages) == 3  # archived: unchanged


def test_publish_is_blocked_by_logic_issues_named_in_both_languages(app, designer) -> None:
    t = Texts
    qid = _store(app, Document(title=t("问卷", "Survey"), pages=(
        Page("p1", t("一", "One"), (Question("a", "numeric", t("甲", "A"), show_if="b > 1"),
                                    Question("b", "numeric", t("乙", ""), show_if="nosuch = 1"))),)))
    html = designer.get(f"/design/{qid}/publish?lang=en").get_data(as_text=True)
    assert "comes later in the questionnaire" in html and "unknown reference &#39;nosuch&#39;" in html
    assert "Publishing is blocked" in html and "missing: English" in html
    html = designer.get(f"/design/{qid}/publish?lang=zh_CN").get_data(as_text=True)
    assert "nosuch" in html
    response = designer.post(f"/design/{qid}/publish", data={"csrf_token": _token(designer)})
    assert response.status_code == 422 and _versions(app, qid) == [(1, "draft")]


def test_publish_is_blocked_by_a_text_showing_an_answer_it_cannot_have(app, designer) -> None:
    t = Texts
    qid = _store(app, Document(title=t("问卷", "Survey"), pages=(
        Page("p1", t("一", "One"), (Question("a", "text", t("甲 ${b}", "A ${b}")),
                                    Question("b", "text", t("乙 ${nosuch}", "B ${nosuch}")))),
        Page("p2", t("二", "Two ${a} ${invitation.region}"), (Question("c", "text", t("丙 ${a}", "C ${a}")),)))))
    html = designer.get(f"/design/{qid}/publish?lang=en").get_data(as_text=True)
    assert "a: the text shows ${b}, which is answered on the same page or later" in html
    assert "b: the text shows ${nosuch}, but no question has this code." in html
    assert html.count("the text shows") == 2 and "Publishing is blocked" in html  # p2 and c are fine
    html = designer.get(f"/design/{qid}/publish?lang=zh_CN").get_data(as_text=True)
    assert "b：文本显示 ${nosuch}，但没有题目使用这个代码。" in html
    response = designer.post(f"/design/{qid}/publish", data={"csrf_token": _token(designer)})
    assert response.status_code == 422 and _versions(app, qid) == [(1, "draft")]


def test_publish_page_shows_model_completeness(app, designer) -> None:
    from survey.questionnaire.document import Binding
    qid = _store(app, Document(title=Texts("问卷", "Survey"), pages=(Page("p1", Texts("一", "One"), (
        Question("pq", "rating", Texts("值", "Value"), binding=Binding("acsi", "value", "PQ")),)),)))
    html = designer.get(f"/design/{qid}/publish?lang=en").get_data(as_text=True)
    assert "ACSI — perceived value: 1 of 2 items" in html
    html = designer.get(f"/design/{qid}/publish?lang=zh_CN").get_data(as_text=True)
    assert "ACSI — 感知价值：2 项中的 1 项" in html


def test_export_downloads_both_formats(app, designer) -> None:
    qid = _store(app, _three_pages())
    response = designer.get(f"/design/{qid}/export/json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.data)["title"]["en"] == "Satisfaction"
    response = designer.get(f"/design/{qid}/export/xlsform")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert designer.get(f"/design/{qid}/export/pdf").status_code == 404


def test_editor_pages_add_rename_move_delete(app, designer) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    assert designer.post(f"/design/{qid}/pages/add", data={"csrf_token": token}).status_code == 302
    assert [p.code for p in _document(app, qid).pages] == ["p1", "p2", "p3", "page_1"]
    response = designer.post(f"/design/{qid}/pages/3?lang=en", data={
        "csrf_token": token, "code": "p4", "title_zh": "四", "title_en": "Four", "show_if": "later = 1"})
    assert response.status_code == 422 and "unknown reference" in response.get_data(as_text=True)
    response = designer.post(f"/design/{qid}/pages/3?lang=en", data={
        "csrf_token": token, "code": "p1", "title_zh": "四", "title_en": "Four", "show_if": ""})
    assert response.status_code == 422 and "already uses this code" in response.get_data(as_text=True)
    response = designer.post(f"/design/{qid}/pages/3", data={
        "csrf_token": token, "code": "p4", "title_zh": "四", "title_en": "Four", "show_if": "age > 30"})
    assert response.status_code == 302
    assert _document(app, qid).pages[3].show_if == "age > 30"
    designer.post(f"/design/{qid}/pages/3/move", data={"csrf_token": token, "direction": "up"})
    assert [p.code for p in _document(app, qid).pages] == ["p1", "p2", "p4", "p3"]
    designer.post(f"/design/{qid}/pages/0/move", data={"csrf_token": token, "direction": "up"})
    assert [p.code for p in _document(app, qid).pages] == ["p1", "p2", "p4", "p3"]
    designer.post(f"/design/{qid}/pages/2/delete", data={"csrf_token": token})
    assert [p.code for p in _document(app, qid).pages] == ["p1", "p2", "p3"]
    html = designer.get(f"/design/{qid}/edit?lang=en").get_data(as_text=True)
    assert "Page 3: Three" in html and "Move page Three up" in html


def _question_data(token, **fields):
    data = {"csrf_token": token, "text_zh": "问题", "text_en": "Question", "required": "y"}
    data.update(fields)
    return data


def test_editor_adds_edits_moves_and_deletes_questions(app, designer) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    html = designer.get(f"/design/{qid}/pages/0/questions/new?type=single_choice&lang=en").get_data(as_text=True)
    assert 'name="choice_rows-0-code"' in html and 'value="q_1"' in html
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=single_choice&lang=en",
                             data=_question_data(token, code="channel", choices="web | 网站\n"))
    assert response.status_code == 422 and "Line 1: write" in response.get_data(as_text=True)
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=single_choice",
                             data=_question_data(token, code="channel", display="radio",
                                                 choices="web | 网站 | Website\nshop | 门店 | Shop",
                                                 help_en="<b>Pick</b><img src=x onerror=alert(1)>"))
    assert response.status_code == 302
    question = _document(app, qid).question("channel")
    assert [c.code for c in question.choices] == ["web", "shop"] and question.help.en == "<b>Pick</b>"
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=rating&lang=en",
                             data=_question_data(token, code="sat", scale="1-7", show_if="ok = 'yes'",
                                                 binding="acsi.value.PQ", validation=". >"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "comes later in the questionnaire" in html and "syntax error" in html
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=rating",
                             data=_question_data(token, code="sat", scale="1-7", show_if="selected(channel, 'web')",
                                                 binding="acsi.value.PQ", low_label_en="Bad", high_label_en="Good"))
    assert response.status_code == 302
    sat = _document(app, qid).question("sat")
    assert sat.settings.max == 7 and sat.binding.indicator == "PQ" and sat.settings.high_label.en == "Good"
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=numeric&lang=en",
                             data=_question_data(token, code="age"))
    assert response.status_code == 422 and "already uses this code" in response.get_data(as_text=True)
    # edit shows the stored values and keeps the position
    html = designer.get(f"/design/{qid}/questions/channel").get_data(as_text=True)
    assert 'name="choice_rows-0-code" type="text" value="web"' in html and 'value="Website"' in html
    response = designer.post(f"/design/{qid}/questions/channel", data=_question_data(
        token, code="channel", text_en="Channel", display="dropdown", choices="web | 网站 | Website"))
    assert response.status_code == 302
    assert _document(app, qid).question("channel").settings.display == "dropdown"
    assert [q.code for q in _document(app, qid).pages[0].questions] == ["age", "channel", "sat"]
    designer.post(f"/design/{qid}/questions/sat/move", data={"csrf_token": token, "direction": "up"})
    assert [q.code for q in _document(app, qid).pages[0].questions] == ["age", "sat", "channel"]
    designer.post(f"/design/{qid}/questions/channel/page", data={"csrf_token": token, "target": "2"})
    assert [q.code for q in _document(app, qid).pages[2].questions] == ["ok", "channel"]
    designer.post(f"/design/{qid}/questions/sat/delete", data={"csrf_token": token})
    assert [q.code for q in _document(app, qid).pages[0].questions] == ["age"]


def test_editing_a_published_version_makes_a_new_draft(app, designer) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    designer.post(f"/design/{qid}/publish", data={"csrf_token": token})
    html = designer.get(f"/design/{qid}/edit?lang=en").get_data(as_text=True)
    assert "is published and cannot change" in html
    designer.post(f"/design/{qid}/questions/ok/delete", data={"csrf_token": token})
    assert _versions(app, qid) == [(1, "published"), (2, "draft")]
    with app.app_context():
        session = get_session()
        first = session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == qid, QuestionnaireVersion.number == 1)).one()
        assert "ok" in [q.code for q in version_document(first).questions()]
    assert "ok" not in [q.code for q in _document(app, qid).questions()]


def test_preview_in_both_languages_flags_missing_translations_and_follows_show_if(app, designer) -> None:
    t = Texts
    qid = _store(app, Document(title=t("满意度", "Satisfaction"), pages=(
        Page("p1", t("一", "One"), (Question("age", "numeric", t("您的年龄", "Your age")),)),
        Page("p2", t("二", "Two"), (Question("why", "text", t("原因", "")),), show_if="age >= 18"),
        Page("p3", t("三", "Three"), (Question("ok", "yes_no", t("好吗", "All good?")),)),
    )))
    html = designer.get(f"/design/{qid}/preview?show=zh_CN&lang=en").get_data(as_text=True)
    assert "您的年龄" in html and "Designer preview of version 1" in html and '<html lang="zh-CN">' in html
    html = designer.get(f"/design/{qid}/preview?show=en&page=1&lang=en").get_data(as_text=True)
    assert "Missing in this language" in html and "question why" in html
    token = _token(designer)
    response = designer.post(f"/design/{qid}/preview?show=en&page=0", data={"csrf_token": token, "age": "12"})
    assert response.status_code == 302 and "page=2" in response.headers["Location"]  # p2 skipped
    html = designer.get(response.headers["Location"]).get_data(as_text=True)
    assert "All good?" in html
    response = designer.post(f"/design/{qid}/preview?show=en&page=0", data={"csrf_token": token, "age": "abc"})
    assert response.status_code == 422
    assert _versions(app, qid) == [(1, "draft")]


def test_pages_render_in_both_languages(app, designer) -> None:
    qid = _store(app, _three_pages())
    for path in ("/design/", "/design/new", "/design/new/template", "/design/import", f"/design/{qid}",
                 f"/design/{qid}/edit", f"/design/{qid}/publish", f"/design/{qid}/pages/0",
                 f"/design/{qid}/questions/age", f"/design/{qid}/pages/0/questions/new?type=matrix"):
        for lang, tag in (("en", '<html lang="en">'), ("zh_CN", '<html lang="zh-CN">')):
            response = designer.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
            assert response.status_code == 200, path
            assert tag in response.get_data(as_text=True), (path, lang)


def test_changing_a_question_type_keeps_code_texts_and_rules(app, designer) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    # 'why' is a text question shown to adults; make it a single choice.
    html = designer.get(f"/design/{qid}/questions/why?lang=en").get_data(as_text=True)
    assert '<option value="text" selected>' in html and "Change type" in html
    assert "You are changing this question" not in html
    html = designer.get(f"/design/{qid}/questions/why?type=single_choice&lang=en").get_data(as_text=True)
    assert '<option value="single_choice" selected>' in html and "You are changing this question" in html
    assert 'name="type" value="single_choice"' in html and 'name="choice_rows-0-code"' in html
    assert 'value="why"' in html and "age &gt;= 18" in html  # code and rule carried over
    assert _document(app, qid).question("why").type == "text"  # nothing saved by looking
    chinese = designer.get(f"/design/{qid}/questions/why?type=single_choice&lang=zh_CN").get_data(as_text=True)
    assert "更改题型" in chinese and "您正在把本题改为另一种题型" in chinese
    response = designer.post(f"/design/{qid}/questions/why?type=single_choice", data=_question_data(
        token, type="single_choice", code="why", text_en="Why?", show_if="age >= 18", display="radio",
        choices="price | 价格 | Price\nservice | 服务 | Service"))
    assert response.status_code == 302
    question = _document(app, qid).question("why")
    assert (question.type, question.show_if, [c.code for c in question.choices]) == \
        ("single_choice", "age >= 18", ["price", "service"])
    assert [q.code for q in _document(app, qid).pages[1].questions] == ["why"]  # same place
    # A type that does not exist is refused; the stored question is untouched.
    assert designer.get(f"/design/{qid}/questions/why?type=spreadsheet").status_code == 404
    assert _document(app, qid).question("why").type == "single_choice"


# --- Bounded texts: every text stored in a String(N) column is refused by the form (or the
# document rules) in the visitor's language instead of failing in the database (PostgreSQL).

@pytest.mark.parametrize(("lang", "message"), [("en", "cannot be longer than 300"), ("zh_CN", "不能超过 300")])
def test_a_400_character_title_is_refused_by_the_form_in_both_languages(app, designer, lang, message) -> None:
    token = _token(designer)
    response = designer.post(f"/design/new?lang={lang}", data={"csrf_token": token, "title_zh": "长" * 400})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    qid = _store(app, _three_pages())
    response = designer.post(f"/design/{qid}/edit?lang={lang}", data={
        "csrf_token": token, "title_zh": "题", "title_en": "t" * 400})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = designer.post(f"/design/{qid}/pages/0?lang={lang}", data={
        "csrf_token": token, "code": "p1", "title_zh": "页" * 400})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _count(app) == 1 and _document(app, qid).title.zh == "满意度"


def test_cloning_a_questionnaire_with_the_longest_title_keeps_the_copy_within_bounds(app, designer) -> None:
    qid = _store(app, Document(title=Texts("长" * 300, "L" * 300), pages=_three_pages().pages))
    response = designer.post(f"/design/{qid}/clone", data={"csrf_token": _token(designer)})
    assert response.status_code == 302 and _count(app) == 2
    with app.app_context():
        copy = get_session().scalars(select(Questionnaire).where(Questionnaire.id != qid)).one()
        assert copy.title_zh == "长" * 296 + "（副本）" and copy.title_en == "L" * 293 + " (copy)"


def test_documents_with_too_long_titles_or_binding_names_are_refused() -> None:
    with pytest.raises(DocumentError, match="301 characters; at most 300"):
        Document(title=Texts("x" * 301, ""), pages=())
    with pytest.raises(DocumentError, match="at most 300"):
        Page("p1", Texts("", "y" * 301), ())
    with pytest.raises(DocumentError, match="at most 64"):
        Binding("acsi", "c" * 65, "PQ")


@pytest.mark.parametrize(("lang", "message"), [("en", "at most 64 characters"), ("zh_CN", "最多 64 个字符")])
def test_a_matrix_row_binding_longer_than_its_column_is_refused_in_both_languages(app, designer, lang, message) -> None:
    qid = _store(app, _three_pages())
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=matrix&lang={lang}", data=_question_data(
        _token(designer), code="grid", scale="1-5", rows=f"r1 | 一 | One | acsi.{'c' * 80}.PQ"))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert "grid" not in {q.code for q in _document(app, qid).questions()}


def test_importing_a_questionnaire_with_a_400_character_title_is_refused(app, designer) -> None:
    document = to_json(_three_pages())
    document["title"] = {"zh": "长" * 400, "en": "Long"}
    response = _upload(designer, _token(designer), json.dumps(document, ensure_ascii=False).encode(), "q.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "at most 300" in html and 'id="file-error"' in html
    assert _count(app) == 0


@pytest.mark.parametrize("bound", ["1e1000000", "1e100000", "9" * 5000, "NaN", "Infinity"])
def test_numeric_bounds_go_through_the_bounded_parser(app, designer, bound) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    for lang, message in (("en", "smaller than 10¹⁵"), ("zh_CN", "小于 10¹⁵")):
        response = designer.post(f"/design/{qid}/pages/0/questions/new?type=numeric&lang={lang}",
                                 data=_question_data(token, code="spend", minimum="0", maximum=bound))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert "spend" not in [q.code for q in _document(app, qid).questions()]
    response = designer.post(f"/design/{qid}/pages/0/questions/new?type=numeric",
                             data=_question_data(token, code="spend", minimum="0", maximum="1e6", integer="y"))
    assert response.status_code == 302
    assert _document(app, qid).question("spend").settings.max == 1_000_000


def test_deleting_asks_first_and_refuses_to_break_a_rule(app, designer) -> None:
    qid = _store(app, _three_pages())
    token = _token(designer)
    confirm = designer.get(f"/design/{qid}/pages/0/delete?lang=en").get_data(as_text=True)
    assert "Delete page 1: One" in confirm and "why (age)" in confirm and "Delete the page" not in confirm
    refused = designer.post(f"/design/{qid}/pages/0/delete?lang=en", data={"csrf_token": token})
    assert refused.status_code == 302 and [p.code for p in _document(app, qid).pages] == ["p1", "p2", "p3"]
    assert "Not deleted: why (age) use these answers." in designer.get(refused.headers["Location"]).get_data(as_text=True)
    designer.post(f"/design/{qid}/questions/age/delete", data={"csrf_token": token})
    assert "age" in [q.code for q in _document(app, qid).questions()]  # still there
    chinese = designer.get(f"/design/{qid}/pages/2/delete?lang=zh_CN").get_data(as_text=True)
    assert "删除此页也会删除其中的 1 道题目" in chinese and "ok" in chinese and "删除此页" in chinese
    assert designer.get(f"/design/{qid}/pages/9/delete").status_code == 404
    designer.post(f"/design/{qid}/publish", data={"csrf_token": token})
    assert designer.get(f"/design/{qid}/pages/2/delete").status_code == 200
    assert _versions(app, qid) == [(1, "published")]  # looking makes no draft
    assert designer.post(f"/design/{qid}/pages/2/delete", data={"csrf_token": "forged"}).status_code == 400
    designer.post(f"/design/{qid}/pages/2/delete", data={"csrf_token": token})
    assert [p.code for p in _document(app, qid).pages] == ["p1", "p2"]
    assert _versions(app, qid) == [(1, "published"), (2, "draft")]  # deleting does
