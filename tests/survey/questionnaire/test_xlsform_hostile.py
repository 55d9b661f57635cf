"""Hostile XLSForm uploads: the one ZIP guard, a cut-off sheet and a CSV that is no XLSForm
give a clear import error in the service, on the import page and in ``flask questionnaire
import`` (issue 13: items 4 and 8)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import zip_archives
from models import Questionnaire
from survey.questionnaire.xlsform import QuestionnaireImportError, import_xlsform
from survey.services.invitations import template_csv
from support import csrf_token

FORM = [["type", "name", "label"], ["text", "q1", "Question 1"], ["integer", "q2", "Question 2"]]
NOT_AN_XLSFORM = "this CSV is not an XLSForm: it has no 'survey' sheet with 'type' and 'name' columns"


def _error(data: bytes, filename: str) -> str:
    with pytest.raises(QuestionnaireImportError) as caught:
        import_xlsform(data, filename=filename)
    return str(caught.value)


def test_a_decompression_bomb_is_refused_by_the_shared_guard() -> None:
    message = _error(zip_archives.bomb(600), "bomb.xlsx")
    assert message.startswith("bomb.xlsx: the workbook breaks an archive limit: member "
                              "'xl/worksheets/sheet1.xml' unpacks to 629,146,")
    assert message.endswith("at most 52,428,800 are allowed")
    assert "the workbook breaks an archive limit" in _error(zip_archives.understated(), "f.xlsx")


def test_a_cut_off_survey_sheet_is_reported_as_damaged() -> None:
    rows = FORM + [["text", f"extra{i}", f"Extra {i}"] for i in range(100)]
    book = zip_archives.workbook(rows)
    cut = zip_archives.truncated_sheet(book)
    assert _error(cut, "cut.xlsx").startswith(
        "cut.xlsx: a sheet of the workbook is damaged (cut off or not valid XML")


@pytest.mark.parametrize("data, missing", [
    (template_csv(), NOT_AN_XLSFORM),
    ("customer_ref,language\nC1,en\nC2,zh_CN\n".encode(), NOT_AN_XLSFORM),
    ("type,name,label\ntext,q1,Q1\n".encode(), NOT_AN_XLSFORM),
    (b"survey\n", "it has no 'survey' sheet with a header row"),
    ("survey,label,hint\n,Q1,h\n".encode(), "the 'survey' sheet has no 'type' or 'name' column"),
    ("survey,type,label\n,text,Q1\n".encode(), "the 'survey' sheet has no 'name' column"),
    # found by shuffling a CSV form's rows: pyxform raised a TypeError ('None_header')
    (',text,q1,Q1\nsurvey,,,\n,type,name,label\n'.encode(),
     "row 1 has values before any sheet is named"),
])
def test_a_csv_that_is_not_an_xlsform_names_what_is_missing(data, missing) -> None:
    assert missing in _error(data, "list.csv")


def test_a_csv_xlsform_with_a_byte_order_mark_imports() -> None:
    data = "\ufeffsurvey,type,name,label\n,text,q1,Q1\n".encode()
    assert [q.code for q in import_xlsform(data, filename="bom.csv").questionnaire.questions()] == ["q1"]


def _count(app) -> int:
    from survey.db import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Questionnaire))


def test_the_import_page_answers_422_with_the_reason(app, client, login_as) -> None:
    login_as("designer")
    token = csrf_token(client, "/design/new")
    cut = zip_archives.truncated_sheet(zip_archives.workbook(
        FORM + [["text", f"extra{i}", f"Extra {i}"] for i in range(100)]))
    for data, name, reason in [(template_csv(), "invitations.csv", NOT_AN_XLSFORM),
                               (cut, "cut.xlsx", "a sheet of the workbook is damaged"),
                               (zip_archives.bomb(600), "bomb.xlsx", "breaks an archive limit")]:
        boundary, body = encode_multipart({"csrf_token": token,
                                           "file": FileStorage(io.BytesIO(data), name)})
        response = client.post("/design/import?lang=en", data=body,
                               content_type=f"multipart/form-data; boundary={boundary}")
        html = response.get_data(as_text=True).replace("&#39;", "'")
        assert response.status_code == 422, name
        assert reason in html, name
    assert _count(app) == 0


def test_the_cli_import_fails_with_the_reason_not_a_traceback(app, runner, tmp_path) -> None:
    path = tmp_path / "invitations.csv"
    path.write_bytes(template_csv())
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Error: invitations.csv: {NOT_AN_XLSFORM}" in result.output
    assert _count(app) == 0
