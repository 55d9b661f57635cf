"""XLSForm uploads that Xinsheng refuses (a CSV holding only choices, a form with nothing to
answer) get the import's message on the designer's page and from ``flask questionnaire import``,
never a 500 or a traceback, and store nothing; exports from both carry the questionnaire's own
form_id and version."""
from __future__ import annotations

import io

import openpyxl
import pytest

from models import Questionnaire
from fuzz.hostile import count_rows, post_file
from survey.questionnaire.document import Page, Question, Questionnaire as Document, Texts
from survey.services.questionnaires import create_questionnaire, editable_draft, publish
from survey.db import get_session
from xlsform_forms import workbook

CHOICES_ONLY_CSV = b"choices,list_name,name,label\n,yn,yes,Yes\n,yn,no,No\n"
NOTHING_TO_ANSWER = workbook([["type", "name", "label"], ["note", "hello", "Hello"],
                              ["hidden", "source", ""]])
REFUSED = [
    ("choices.csv", CHOICES_ONLY_CSV, "it has no 'survey' sheet with a header row"),
    ("empty.xlsx", NOTHING_TO_ANSWER,
     "nothing in this form can be answered in Xinsheng: every question was left out "
     "('source' (hidden))"),
]


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_refused_upload_shows_the_message_and_stores_nothing(app, designer, name, data, message):
    reply = post_file(designer, "/design/import?lang=en", name, data)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert message.replace("'", "&#39;") in html
    assert count_rows(app, Questionnaire) == 0


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_refused_file_fails_on_the_command_line_with_the_message(app, runner, tmp_path, name,
                                                                  data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error:") and message in result.output
    assert count_rows(app, Questionnaire) == 0


def settings_row(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return dict(zip(*book["settings"].iter_rows(values_only=True)))


def test_exports_name_the_stored_questionnaire_and_version(app, designer, runner, tmp_path):
    document = Document(Texts("问卷", "Survey"), (Page("p", Texts("页", "Page"), (
        Question("q", "text", Texts("问题", "Question")),)),))
    with app.app_context():
        session = get_session()
        first = create_questionnaire(session, document).questionnaire_id
        second = create_questionnaire(session, document).questionnaire_id
        publish(session, editable_draft(session, second))
        editable_draft(session, second)  # version 2, a draft
        session.commit()
    web = [settings_row(designer.get(f"/design/{qid}/export/xlsform?lang=en&version=1").data)
           for qid in (first, second)]
    assert web[0]["form_id"].startswith(f"xinsheng_q{first}_v1_") and web[0]["version"] == "1"
    assert web[1]["form_id"].startswith(f"xinsheng_q{second}_v1_")
    out = tmp_path / "second.xlsx"
    assert runner.invoke(args=["questionnaire", "export", str(second), "--format", "xlsform",
                               "-o", str(out)]).exit_code == 0
    cli = settings_row(out.read_bytes())
    assert cli["form_id"].startswith(f"xinsheng_q{second}_v2_") and cli["version"] == "2"
    assert len({web[0]["form_id"], web[1]["form_id"], cli["form_id"]}) == 3
