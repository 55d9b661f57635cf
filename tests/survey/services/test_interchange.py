"""Questionnaire JSON imports go through the one inbound JSON validator: deep nesting, NaN and
Infinity, NUL and lone surrogates are clear errors (web upload and ``flask questionnaire import``)."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Questionnaire
from survey.db import get_session
from survey.questionnaire.jsonio import to_json
from survey.questionnaire.templates import complaint_followup
from survey.services.interchange import InterchangeError, import_questionnaire
from support import csrf_token


def document_text() -> str:
    return json.dumps(to_json(complaint_followup()), ensure_ascii=True)


DEEP = ("[" * 100_000 + "]" * 100_000).encode()
HOSTILE = [
    (DEEP, "rule depth"),
    (document_text().replace('"pages": [', '"pages": ' + "[" * 40, 1).encode(), "rule depth"),
    (document_text().replace('"schema"', '"x": NaN, "schema"', 1).encode(), "/x: NaN is not a finite number"),
    (document_text().replace('"schema"', '"x": -Infinity, "schema"', 1).encode(), "rule not_finite"),
    (document_text().replace('"zh": "', '"zh": "\\ud800', 1).encode(), "/title/zh: text holds a NUL"),
    (document_text().replace('"en": "', '"en": "\\u0000', 1).encode(), "rule characters"),
]


@pytest.mark.parametrize(("data", "expected"), HOSTILE)
def test_hostile_json_is_a_clear_import_error(data: bytes, expected: str) -> None:
    with pytest.raises(InterchangeError) as raised:
        import_questionnaire(data, filename="q.json")
    assert str(raised.value).startswith("q.json: ") and expected in str(raised.value)


def test_a_plain_document_still_imports() -> None:
    imported = import_questionnaire(document_text().encode(), filename="q.json")
    assert imported.questionnaire == complaint_followup()


def test_the_design_upload_answers_deep_json_with_a_message(app, client, login_as) -> None:
    login_as("designer")
    token = csrf_token(client, "/design/new")
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(DEEP), "deep.json")})
    reply = client.post("/design/import?lang=en", data=body,
                        content_type=f"multipart/form-data; boundary={boundary}")
    assert reply.status_code == 422
    assert "nest 100000 levels deep" in reply.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Questionnaire)) == 0


def test_the_import_command_answers_deep_json_with_a_message(app, runner, tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert result.exit_code == 1 and "rule depth" in result.output
    assert not isinstance(result.exception, RecursionError)
