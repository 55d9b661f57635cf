"""LimeSurvey .lss and SurveyJS JSON through the designer's import page, the export menu and
``flask questionnaire import/export`` (CSRF on; fixtures written in this repository)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Questionnaire
from survey.db import get_session
from survey.design.import_messages import NOTICE_MESSAGES, TERMS
from survey.questionnaire.limesurvey import import_lss
from survey.questionnaire.limesurvey.types import TYPE_NAMES
from survey.questionnaire.notices import NOTICE_TEMPLATES
from survey.questionnaire.document import Page, Question, Questionnaire as Document, Texts
from survey.questionnaire.jsonio import to_json
from survey.questionnaire.surveyjs import import_surveyjs
from survey.questionnaire.templates import complaint_followup
from survey.services.interchange import InterchangeError, import_questionnaire
from survey.services.questionnaires import create_questionnaire, latest_version, version_document
from support import csrf_token

QUESTIONNAIRE_TESTS = Path(__file__).resolve().parents[1] / "questionnaire"
LSS = QUESTIONNAIRE_TESTS / "limesurvey" / "fixtures" / "ls3_bilingual.lss"
SURVEYJS = QUESTIONNAIRE_TESTS / "surveyjs" / "fixtures" / "creator_survey.json"


def _count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Questionnaire))


def _upload(client, data: bytes, name: str, *, token: str | None, lang: str = "en"):
    fields = {"file": FileStorage(io.BytesIO(data), name)}
    if token is not None:
        fields["csrf_token"] = token
    boundary, body = encode_multipart(fields)
    return client.post(f"/design/import?lang={lang}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


def test_the_service_tells_the_formats_apart_by_content() -> None:
    lss = import_questionnaire(LSS.read_bytes(), filename="survey.xml")  # not by the name only
    assert lss.questionnaire.question("visit").type == "single_choice" and lss.warnings
    surveyjs = import_questionnaire(SURVEYJS.read_bytes(), filename="survey.json")
    assert surveyjs.questionnaire.question("sat").type == "matrix"
    own = json.dumps(to_json(complaint_followup()), ensure_ascii=False).encode()
    assert import_questionnaire(own, filename="q.json").questionnaire == complaint_followup()
    with pytest.raises(InterchangeError, match="^bad.lss: this is not a LimeSurvey .lss file"):
        import_questionnaire(b"not xml at all", filename="bad.lss")
    with pytest.raises(InterchangeError, match="/: is missing the key"):
        import_questionnaire(b'{"title": "neither"}', filename="x.json")


def test_uploading_a_limesurvey_file_shows_its_warnings(app, designer) -> None:
    token = csrf_token(designer, "/design/new")
    page = designer.get("/design/import?lang=en").get_data(as_text=True)
    assert "LimeSurvey survey structure file (.lss)" in page and ".lss" in page
    response = _upload(designer, LSS.read_bytes(), "ls3_bilingual.lss", token=token)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The file was imported with these warnings" in html
    assert "&#39;rank&#39; (ranking) could not be imported" in html  # a ranking without answer options
    assert _count(app) == 1
    with app.app_context():
        stored = version_document(latest_version(get_session(), 1))
    assert stored.title.zh == "顾客调查" and stored.question("age").show_if == "member = 'yes'"


def test_uploading_a_surveyjs_survey_imports_it(app, designer) -> None:
    token = csrf_token(designer, "/design/new")
    response = _upload(designer, SURVEYJS.read_bytes(), "creator.json", token=token,
                       lang="zh_CN")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“photo”的 SurveyJS 类型为“file”，心声不支持该类型，已略去。" in html
    assert _count(app) == 1


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"<document><LimeSurveyDocType>Group</LimeSurveyDocType></document>", "g.lss",
     "is a &#39;Group&#39; export; import a whole survey"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]><document/>', "x.lss",
     "declares a DTD, entities or external references"),
    (b'{"pages": [{"elements": [{"type": "file", "name": "f"}]}]}', "s.json",
     "no question could be imported from this SurveyJS survey"),
])
def test_a_refused_file_is_answered_with_its_message_and_stores_nothing(
        app, designer, data: bytes, name: str, message: str) -> None:
    token = csrf_token(designer, "/design/new")
    response = _upload(designer, data, name, token=token)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'id="file-error"' in html
    assert _count(app) == 0


def test_an_upload_without_the_csrf_token_is_refused(app, designer) -> None:
    response = _upload(designer, LSS.read_bytes(), "ls3_bilingual.lss", token=None)
    assert response.status_code == 400
    assert _count(app) == 0


def test_the_export_menu_offers_surveyjs_and_the_download_reads_back(app, designer) -> None:
    with app.app_context():
        session = get_session()
        questionnaire_id = create_questionnaire(session, complaint_followup()).questionnaire_id
        session.commit()
    for lang, label in (("en", ">SurveyJS<"), ("zh_CN", ">SurveyJS<")):
        html = designer.get(f"/design/{questionnaire_id}?lang={lang}").get_data(as_text=True)
        assert f"/design/{questionnaire_id}/export/surveyjs?version=1" in html and label in html
    response = designer.get(f"/design/{questionnaire_id}/export/surveyjs?version=1")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "surveyjs.json" in response.headers["Content-Disposition"]
    survey = json.loads(response.data)
    assert survey["pages"][0]["elements"][0]["name"]
    again = import_surveyjs(response.data, filename="back.json").questionnaire
    assert again == complaint_followup()


def test_the_command_line_imports_both_formats_and_exports_surveyjs(
        runner, session, tmp_path) -> None:
    result = runner.invoke(args=["questionnaire", "import", str(LSS)])
    assert result.exit_code == 0, result.output
    lss_id = int(result.stdout.strip().splitlines()[-1])
    assert "warning: 'rank' (ranking) could not be imported" in result.stderr
    result = runner.invoke(args=["questionnaire", "import", str(SURVEYJS)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.json"
    exported = runner.invoke(args=["questionnaire", "export", str(lss_id), "--format", "surveyjs",
                                   "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    bad = tmp_path / "bad.lss"
    bad.write_bytes(b"<html/>")
    refused = runner.invoke(args=["questionnaire", "import", str(bad)])
    assert refused.exit_code != 0 and "bad.lss: this XML is not a LimeSurvey export" in refused.output
    back = import_surveyjs(out.read_bytes(), filename=out.name).questionnaire
    assert back == version_document(latest_version(session, lss_id))
    assert session.scalar(select(func.count()).select_from(Questionnaire)) == 2


def test_every_import_notice_has_a_message_with_the_same_placeholders() -> None:
    placeholders = re.compile(r"%\((\w+)\)s")
    assert set(NOTICE_MESSAGES) == set(NOTICE_TEMPLATES)
    for rule, template in NOTICE_TEMPLATES.items():
        assert set(placeholders.findall(str(NOTICE_MESSAGES[rule]))) == \
            set(placeholders.findall(template)), rule
    assert set(TYPE_NAMES.values()) <= set(TERMS)


def test_the_notices_are_the_warnings_as_rules_and_values() -> None:
    result = import_lss(LSS.read_bytes(), filename="ls3_bilingual.lss")
    assert [notice.text() for notice in result.notices] == list(result.warnings)
    dropped = next(n for n in result.notices if n.rule == "lss_relevance_dropped")
    assert dropped.arguments()["title"] == "email" and dropped.detail.rule == "function"


def test_warnings_and_refusals_are_shown_in_chinese(app, designer) -> None:
    token = csrf_token(designer, "/design/new")
    html = _upload(designer, LSS.read_bytes(), "ls3_bilingual.lss", token=token,
                   lang="zh_CN").get_data(as_text=True)
    assert "“rank”（排序）无法导入（" in html and "），已略去。" in html
    assert ("“email”：相关性条件“regexMatch(&#39;/x/&#39;, visit)”无法用逻辑语言表达"
            "（函数 regexMatch() 没有对应写法），已略去") in html
    html = _upload(designer, b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]><document/>',
                   "x.lss", token=token, lang="zh_CN").get_data(as_text=True)
    assert "x.lss：此 XML 声明了 DTD、实体或外部引用" in html
    assert _count(app) == 1


def test_a_surveyjs_export_that_cannot_be_written_says_why_in_chinese(app, designer) -> None:
    document = Document(Texts("问卷", "Survey"), (Page("p", Texts("一", "One"), (
        Question("n", "text", Texts("名", "Name")),
        Question("m", "text", Texts("更多", "More"), show_if="length(n) > 3"))),))
    with app.app_context():
        session = get_session()
        questionnaire_id = create_questionnaire(session, document).questionnaire_id
        session.commit()
    response = designer.get(f"/design/{questionnaire_id}/export/surveyjs?version=1&lang=zh_CN",
                            follow_redirects=True)
    html = response.get_data(as_text=True)
    assert ("问题“m”：显示条件“length(n) &gt; 3”无法写成 SurveyJS 表达式（函数 length() 在 "
            "SurveyJS 中没有对应写法）") in html
    response = designer.get(f"/design/{questionnaire_id}/export/surveyjs?version=1&lang=en",
                            follow_redirects=True)
    assert ("question &#39;m&#39;: the show-if &#39;length(n) &gt; 3&#39; cannot be written as "
            "a SurveyJS expression") in response.get_data(as_text=True)
