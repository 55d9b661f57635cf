from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from models import Questionnaire
from survey.questionnaire.jsonio import from_json, to_json
from survey.questionnaire.templates import complaint_followup
from survey.questionnaire.xlsform import import_xlsform

FIXTURES = Path(__file__).resolve().parents[1] / "questionnaire" / "fixtures" / "xlsform"


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Questionnaire))


def test_import_xlsform_prints_the_id_and_export_round_trips(runner, session, tmp_path) -> None:
    source = FIXTURES / "good" / "yes_or_no_question.xlsx"
    result = runner.invoke(args=["questionnaire", "import", str(source)])
    assert result.exit_code == 0, result.output
    new_id = int(result.stdout.strip().splitlines()[-1])
    assert session.get(Questionnaire, new_id) is not None

    out = tmp_path / "exported.xlsx"
    exported = runner.invoke(args=["questionnaire", "export", str(new_id), "--format", "xlsform", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    original = import_xlsform(source.read_bytes(), filename=source.name).questionnaire
    again = import_xlsform(out.read_bytes(), filename=out.name).questionnaire
    assert [q.code for q in again.questions()] == [q.code for q in original.questions()]


def test_json_import_export_is_lossless(runner, session, tmp_path) -> None:
    document = complaint_followup()
    source = tmp_path / "complaint.json"
    source.write_text(json.dumps(to_json(document), ensure_ascii=False), encoding="utf-8")
    new_id = int(runner.invoke(args=["questionnaire", "import", str(source)]).stdout.strip())
    out = tmp_path / "back.json"
    assert runner.invoke(args=["questionnaire", "export", str(new_id), "--format", "json", "-o", str(out)]).exit_code == 0
    assert from_json(json.loads(out.read_text(encoding="utf-8"))) == document


def test_broken_workbook_fails_clearly_and_stores_nothing(runner, session) -> None:
    result = runner.invoke(args=["questionnaire", "import", str(FIXTURES / "broken" / "duplicate_columns.xlsx")])
    assert result.exit_code != 0
    assert "Duplicate column header" in result.output
    assert _count(session) == 0


def test_bad_files_fail_with_the_designer_message(runner, session, tmp_path) -> None:
    latin1 = tmp_path / "form.json"
    latin1.write_bytes('{"title": "caf\u00e9"}'.encode("latin-1"))
    junk = tmp_path / "form.docx"
    junk.write_bytes(b"not a questionnaire")
    fake_workbook = tmp_path / "form.xlsx"
    fake_workbook.write_bytes(b"this is not a zip file at all")
    assert "not UTF-8" in runner.invoke(args=["questionnaire", "import", str(latin1)]).output
    assert "unknown file type '.docx'" in runner.invoke(args=["questionnaire", "import", str(junk)]).output
    bad = runner.invoke(args=["questionnaire", "import", str(fake_workbook)])
    assert bad.exit_code != 0 and "form.xlsx" in bad.output
    assert _count(session) == 0


def test_export_unknown_id_is_an_error(runner, session, tmp_path) -> None:
    result = runner.invoke(args=["questionnaire", "export", "999", "--format", "json", "-o", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "no questionnaire with id 999" in result.output


def test_a_database_refusal_is_a_message_and_stores_nothing(runner, session, tmp_path, monkeypatch) -> None:
    from support import WriteOutage

    source = tmp_path / "complaint.json"
    source.write_text(json.dumps(to_json(complaint_followup()), ensure_ascii=False), encoding="utf-8")
    with WriteOutage(monkeypatch, only="INSERT INTO questionnaire_versions"):
        result = runner.invoke(args=["questionnaire", "import", str(source)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "the database refused the questionnaire, nothing was stored" in result.output
    assert "Traceback" not in result.output
    session.rollback()
    assert _count(session) == 0
