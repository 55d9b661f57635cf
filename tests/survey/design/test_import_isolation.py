"""An upload whose reader never finishes, or wants gigabytes, is refused with a message in the
designer's language instead of holding the web worker (readers run isolated: a damaged .xls made
xlrd loop for minutes while its memory grew past 20 GB)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Questionnaire
from survey.db import get_session
from survey.services import interchange
from support import csrf_token
from xlsform_forms import workbook


def _hang(data, *, filename):
    while True:
        pass


def _hoard(data, *, filename):
    return [bytearray(1024 ** 2) for _ in range(4096)]


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


def _upload(client, data: bytes, name: str, lang: str):
    token = csrf_token(client, "/design/new")
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name), "csrf_token": token})
    return client.post(f"/design/import?lang={lang}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize(("reader", "lang", "message"), [
    (_hang, "en", "form.xls: reading the file did not finish within 2 seconds; it may be damaged"),
    (_hang, "zh_CN", "form.xls：读取文件未能在 2 秒内完成"),
    (_hoard, "en", "form.xls: reading the file needed more than 256 MB of memory; it may be damaged"),
])
def test_a_reader_that_runs_away_is_refused_with_a_message(app, designer, monkeypatch, reader, lang, message) -> None:
    monkeypatch.setattr(interchange, "import_xlsform", reader)
    monkeypatch.setattr(interchange, "IMPORT_SECONDS", 2.0)
    monkeypatch.setattr(interchange, "IMPORT_MEMORY_BYTES", 256 * 1024 ** 2)
    response = _upload(designer, b"\xd0\xcf\x11\xe0 not really a workbook", "form.xls", lang)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Questionnaire)) == 0


def test_a_real_workbook_still_imports_through_the_child_process() -> None:
    data = workbook([["type", "name", "label"], ["text", "city", "Your city?"], ["integer", "age", "Age"]])
    imported = interchange.import_questionnaire(data, filename="t.xlsx")
    assert [q.code for q in imported.questionnaire.questions()] == ["city", "age"]
