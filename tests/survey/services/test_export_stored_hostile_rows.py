"""Exports survive rows stored before the inbound checks existed: NaN and infinite numbers, lone
surrogates, NUL, 4,000- and 5,000-digit integers, 200 segment attributes and odd attribute names.
The rows are written straight into the database (bypassing validation); every format is written
to the end and read back. What each value becomes is the rule in ``survey.services.exports``."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import openpyxl
import pyreadstat
import pytest
from sqlalchemy import text

from models import Response
from survey.db import engine
from survey.questionnaire import document as doc
from survey.services import questionnaires
from survey.services.exports import (
    ExportOptions, csv_chunks, prepare_export, stream_file, write_export_file,
)

T = doc.Texts
BIG = int("7" * 4000)
HUGE_TEXT = "8" * 5000
SURROGATE = "a\ud800b"


def document() -> doc.Questionnaire:
    return doc.Questionnaire(T("问卷", "Survey"), (doc.Page("p1", T("一", "One"), (
        doc.Question("age", "numeric", T("年龄", "Age")),
        doc.Question("score", "numeric", T("分数", "Score"), settings=doc.NumericSettings(integer=False)),
        doc.Question("comment", "long_text", T("意见", "Comment")),
    )),))


@pytest.fixture
def hostile(session):
    """Response ids in order: plain, 4,000 digits, 200 attributes (then answers and segment
    overwritten with a JSON list, raw SQL), 5,000 digits (raw SQL), then
    on SQLite only (PostgreSQL's jsonb refuses them): NaN, infinity, a lone surrogate and NUL."""
    version = questionnaires.create_questionnaire(session, document())
    questionnaires.publish(session, version)
    sqlite = session.get_bind().dialect.name == "sqlite"
    rows = [
        ({"age": 30, "score": 2.5, "comment": "ok"}, {"region": "north"}),
        ({"age": BIG, "comment": "big"}, {"region": BIG}),
        ({"age": 1}, {f"attribute_{i:03d}": f"v{i}" for i in range(200)}),
        ({"age": 1}, {f"attribute_{i:03d}": f"v{i}" for i in range(200)}),
        ({"age": 2, "score": 1.0}, {"region": " =cmd"}),
    ]
    if sqlite:
        rows += [
            ({"score": float("nan"), "comment": "nan"}, {"region": float("nan")}),
            ({"score": float("inf"), "age": -float("inf")}, {"region": float("-inf")}),
            ({"comment": SURROGATE}, {"region": SURROGATE, "key\udc00": "v", "Bad Key " * 20: "x"}),
            ({"comment": "nul\x00here"}, {"region": "nul\x00"}),
        ]
    ids = []
    for i, (answers, segment) in enumerate(rows):
        response = Response(version_id=version.id, resume_token=f"h{i}", status="complete",
                            answers=answers, segment=segment, language="en",
                            submitted_at=datetime(2026, 1, 2, 3, 4, 5))
        session.add(response)
        session.flush()
        ids.append(response.id)
    session.commit()
    document_text = '{"age": %s, "comment": %s, "score": 1.0}' % (HUGE_TEXT, HUGE_TEXT)
    cast = "CAST(:answers AS jsonb)" if not sqlite else ":answers"
    with session.get_bind().begin() as connection:
        connection.execute(text(f"UPDATE responses SET answers = {cast} WHERE id = :id"),
                           {"answers": document_text, "id": ids[4]})
        connection.execute(text(f"UPDATE responses SET answers = {cast}, segment = {cast} WHERE id = :id"),
                           {"answers": '["not", "an", "object"]', "id": ids[3]})
    return version, ids, sqlite


def export(session, version, fmt: str):
    return prepare_export(session, version.questionnaire_id,
                          ExportOptions(version_ids=(version.id,), format=fmt, language="en"))


def by_id(header, rows) -> dict[int, dict]:
    return {int(row[0]): dict(zip(header, row)) for row in rows}


def test_csv_is_written_to_the_end(app, session, hostile) -> None:
    version, ids, sqlite = hostile
    with app.app_context():
        data = b"".join(csv_chunks(engine(), export(session, version, "csv")))
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    found = by_id(rows[0], rows[1:])
    assert list(found) == ids
    assert found[ids[1]]["age"] == str(BIG) and found[ids[1]]["segment_region"] == str(BIG)
    assert found[ids[2]]["segment_attribute_199"] == "v199"
    assert found[ids[3]]["age"] == found[ids[3]]["segment_attribute_199"] == ""  # not objects
    assert found[ids[4]]["age"] == HUGE_TEXT and found[ids[4]]["comment"] == HUGE_TEXT
    assert found[ids[4]]["segment_region"] == "' =cmd"  # a formula behind a space is escaped
    if sqlite:
        assert found[ids[5]]["score"] == "" and found[ids[5]]["segment_region"] == ""
        assert found[ids[6]]["score"] == found[ids[6]]["age"] == ""
        assert found[ids[7]]["comment"] == "a\ufffdb" and found[ids[7]]["segment_region"] == "a\ufffdb"
        assert found[ids[8]]["comment"] == "nulhere"


def test_xlsx_is_written_and_reads_back(app, session, hostile) -> None:
    version, ids, sqlite = hostile
    with app.app_context():
        path = write_export_file(engine(), export(session, version, "xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(stream_file(path))))
    values = list(workbook["responses"].iter_rows(values_only=True))
    found = by_id(values[0], values[1:])
    assert list(found) == ids
    assert found[ids[0]]["age"] == 30 and found[ids[0]]["score"] == 2.5
    assert found[ids[1]]["age"] == str(BIG)[:32_767]  # too large for a spreadsheet number: text
    assert found[ids[2]]["segment_attribute_199"] == "v199"
    assert found[ids[4]]["age"] == HUGE_TEXT
    if sqlite:
        assert found[ids[5]]["score"] is None and found[ids[5]]["segment_region"] is None
        assert found[ids[7]]["comment"] == "a\ufffdb"


def test_sav_is_written_and_reads_back(app, session, hostile, tmp_path) -> None:
    version, ids, sqlite = hostile
    with app.app_context():
        path = write_export_file(engine(), export(session, version, "sav"), directory=str(tmp_path))
    frame, meta = pyreadstat.read_sav(str(path))
    assert frame["response_id"].tolist() == ids
    rows = {int(r["response_id"]): r for _, r in frame.iterrows()}
    assert rows[ids[0]]["age"] == 30 and rows[ids[0]]["score"] == 2.5
    assert frame["age"].isna().tolist()[1] and rows[ids[2]]["age"] == 1  # 4,000 digits: missing
    assert frame["age"].isna().tolist()[4] and rows[ids[4]]["comment"] == HUGE_TEXT
    assert rows[ids[1]]["segment_region"] == str(BIG)
    assert rows[ids[2]]["segment_attribute_199"] == "v199"
    if sqlite:
        assert frame["score"].isna().tolist()[5:7] == [True, True]
        assert rows[ids[7]]["comment"] == "a\ufffdb"
        assert rows[ids[8]]["comment"] == "nulhere"
        labels = dict(zip(meta.column_names, meta.column_labels))
        assert labels["segment_key_"] == "key\ufffd"


def test_segment_values_read_as_text_in_every_format_are_json(app, session, hostile) -> None:
    version, ids, _sqlite = hostile
    with app.app_context():
        data = b"".join(csv_chunks(engine(), export(session, version, "csv")))
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    found = by_id(rows[0], rows[1:])
    assert json.loads(found[ids[1]]["segment_region"]) == BIG
