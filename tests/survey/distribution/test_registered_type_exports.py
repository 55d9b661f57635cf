"""Exports of the registered question types: the same columns in CSV, XLSX and SPSS .sav —
time as 'HH:MM' text, date-time as entered (a DATETIME in .sav), slider a number with its end
labels, ranking one column per choice holding its rank, constant sum a number per choice."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pyreadstat
import pytest

from models import Response
from registered_types import VALID_ANSWERS, registered_document
from survey.db import engine
from survey.services import questionnaires
from survey.services.export_columns import build_plan
from survey.services.exports import ExportOptions, csv_chunks, prepare_export, write_export_file

ANSWER_COLUMNS = ["wake", "visit", "effort", "fav_apple", "fav_pear", "fav_plum",
                  "budget_apple", "budget_pear", "budget_plum", "why"]


@pytest.fixture
def survey(session):
    version = questionnaires.create_questionnaire(session, registered_document())
    questionnaires.publish(session, version)
    rows = [VALID_ANSWERS, {"wake": "23:05", "fav": ["pear", "apple", "plum"], "effort": 0}]
    for i, answers in enumerate(rows):
        session.add(Response(version_id=version.id, resume_token=f"t{i}", status="complete",
                             answers=answers, segment={}, language="en",
                             submitted_at=datetime(2026, 3, 5, 1, 2, 3)))
    session.commit()
    return version


def export_of(session, version, **options):
    return prepare_export(session, version.questionnaire_id,
                          ExportOptions(version_ids=(version.id,), **options))


def test_column_plan_kinds_and_labels() -> None:
    plan = build_plan([registered_document()], language="en")
    answers = [c for c in plan.columns if c.source in ("answer", "rank")]
    assert [c.name for c in answers] == ANSWER_COLUMNS
    kinds = {c.name: (c.source, c.kind) for c in answers}
    assert kinds["wake"] == ("answer", "text") and kinds["visit"] == ("answer", "datetime")
    assert kinds["effort"] == ("answer", "number") and kinds["fav_pear"] == ("rank", "integer")
    assert kinds["budget_pear"] == ("answer", "number")
    assert plan.column("fav_pear").label == "Rank the fruit – Pear – rank (1 = first)"
    assert plan.column("budget_plum").label == "Share the budget – Plum"
    assert plan.column("effort").value_labels == ((0, "Very hard"), (100, "Very easy"))
    zh = build_plan([registered_document()], language="zh_CN")
    assert zh.column("fav_apple").label == "请给水果排序 – 苹果 – 排名（1 = 第一）"


def test_csv(app, session, survey) -> None:
    with app.app_context():
        data = b"".join(csv_chunks(engine(), export_of(session, survey)))
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    header = rows[0]
    first, second = (dict(zip(header, row)) for row in rows[1:])
    assert [first[name] for name in ANSWER_COLUMNS] == [
        "07:30", "2026-03-04T18:05", "55", "2", "3", "1", "50", "0", "50", ""]
    assert [second[name] for name in ANSWER_COLUMNS] == [
        "23:05", "", "0", "2", "1", "3", "", "", "", ""]


def test_xlsx(app, session, survey) -> None:
    with app.app_context():
        path = write_export_file(engine(), export_of(session, survey, format="xlsx", language="en"))
    workbook = openpyxl.load_workbook(path)
    values = list(workbook["responses"].iter_rows(values_only=True))
    first = dict(zip(values[0], values[1]))
    assert [first[name] for name in ANSWER_COLUMNS[:6]] == [
        "07:30", "2026-03-04T18:05", 55, 2, 3, 1]
    labels = {row[0]: row[1:] for row in workbook["labels"].iter_rows(values_only=True)}
    assert labels["effort"][0] == "How easy was it?" and "100 = Very easy" in labels["effort"][1]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_sav(app, session, survey, tmp_path, language) -> None:
    with app.app_context():
        path = write_export_file(engine(), export_of(session, survey, format="sav", language=language),
                                 directory=str(tmp_path))
    frame, meta = pyreadstat.read_sav(str(path))
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["wake"] == "07:30" and second["wake"] == "23:05"
    assert first["visit"] == datetime(2026, 3, 4, 18, 5)  # local time, as entered
    assert meta.original_variable_types["visit"].startswith("DATETIME")
    assert (first["fav_apple"], first["fav_pear"], first["fav_plum"]) == (2, 3, 1)
    assert (second["fav_apple"], second["fav_pear"], second["fav_plum"]) == (2, 1, 3)
    assert first["budget_pear"] == 0 and first["effort"] == 55
    labels = dict(zip(meta.column_names, meta.column_labels))
    expected = "Very easy" if language == "en" else "很省力"
    assert meta.variable_value_labels["effort"] == {0.0: "Very hard" if language == "en" else "很费力",
                                                    100.0: expected}
    assert labels["fav_plum"] == ("Rank the fruit – Plum – rank (1 = first)" if language == "en"
                                  else "请给水果排序 – 李子 – 排名（1 = 第一）")
