"""Response exports read back: CSV (csv module), XLSX (openpyxl), SPSS .sav (pyreadstat)."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pyreadstat
import pytest

from models import Response
from survey.db import engine
from survey.questionnaire import document as doc
from survey.services import questionnaires
from survey.services.export_columns import DONT_KNOW_CODE, build_plan, spss_name
from survey.services.export_sav import string_segments
from survey.services.exports import (
    ExportError,
    ExportOptions,
    csv_chunks,
    escape_formula,
    prepare_export,
    stream_file,
    write_export_file,
)

T = doc.Texts
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(1)", "\tx", "\rx"]
LONG_TEXT = "长文本" * 150 + "end"  # 1,353 bytes: a very long SPSS string


def questionnaire_document() -> doc.Questionnaire:
    questions = (
        doc.Question("SATIS", "rating", T("总体满意度", "Overall satisfaction"),
                     settings=doc.ScaleSettings(1, 10, T("很差", "Poor"), T("很好", "Excellent"), True)),
        doc.Question("region", "single_choice", T("地区", "Region"),
                     choices=(doc.Choice("north", T("北方", "North")), doc.Choice("south", T("南方", "South")))),
        doc.Question("features", "multiple_choice", T("用过的功能", "Features used"),
                     settings=doc.MultipleChoiceSettings(other=True),
                     choices=(doc.Choice("a", T("甲", "A")), doc.Choice("c-d", T("丙丁", "C-D")))),
        doc.Question("rec", "nps", T("推荐可能性", "Likelihood to recommend")),
        doc.Question("kano1", "kano", T("快速发货", "Fast delivery"),
                     settings=doc.KanoSettings(T("快速发货", "fast delivery"))),
        doc.Question("age", "numeric", T("年龄差", "Age difference")),
        doc.Question("comment", "long_text", T("意见", "Comments")),
        doc.Question("visit", "date", T("到访日期", "Visit date")),
    )
    return doc.Questionnaire(T("满意度调查", "Satisfaction survey"), (doc.Page("p1", T("第一页", "Page 1"), questions),))


@pytest.fixture
def survey(session):
    version = questionnaires.create_questionnaire(session, questionnaire_document())
    questionnaires.publish(session, version)
    rows = [
        ("complete", {"SATIS": 8, "region": "north", "features": ["a", "c-d"], "features_other": "",
                      "rec": 9, "kano1_f": "like", "kano1_d": "dislike", "age": -1,
                      "comment": "中文评论，含“引号”和逗号,\n第二行", "visit": "2026-01-02"},
         {"region": "华北", "tier": "gold"}),
        ("complete", {"SATIS": "dont_know", "region": "south", "features": [], "comment": LONG_TEXT},
         {"region": "华南"}),
        ("partial", {"SATIS": 3}, {"source": "wechat"}),
    ]
    rows += [("complete", {"comment": text, "age": 2.5}, {}) for text in FORMULAS]
    for i, (status, answers, segment) in enumerate(rows):
        session.add(Response(version_id=version.id, resume_token=f"r{i}", status=status,
                             answers=answers, segment=segment, language="zh_CN",
                             submitted_at=datetime(2026, 1, 2, 3, 4, 5) if status == "complete" else None))
    session.commit()
    return version


def export_of(session, version, **options):
    return prepare_export(session, version.questionnaire_id, ExportOptions(version_ids=(version.id,), **options))


def read_csv(app, export) -> list[list[str]]:
    with app.app_context():
        data = b"".join(csv_chunks(engine(), export))
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_column_plan_names_multi_choice_and_labels() -> None:
    plan = build_plan([questionnaire_document()], segment_keys=["tier", "region"], language="en")
    names = plan.names
    assert names[:9] == ("response_id", "version", "status", "channel", "language", "started_at",
                         "submitted_at", "segment_region", "segment_tier")
    assert ("features_a", "features_c_d", "features_other", "features_other_2") == names[11:15]
    satis = plan.column("SATIS")
    assert satis.label == "Overall satisfaction" and satis.dont_know
    assert dict(satis.value_labels) == {1: "Poor", 10: "Excellent", "dont_know": "Don't know"}
    assert plan.column("kano1_f").label == "fast delivery (functional)"
    assert dict(plan.column("kano1_d").value_labels)["must_be"] == "I expect it"
    zh = build_plan([questionnaire_document()], language="zh_CN")
    assert zh.column("features_c_d").label == "用过的功能 – 丙丁"
    assert dict(zh.column("kano1_f").value_labels)["live_with"] == "勉强接受"


def test_spss_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert [spss_name(n, taken) for n in ["_x", "a-b", "AND", "a_b", "A_B", "x" * 70]] == [
        "v_x", "a_b", "AND_", "a_b_2", "A_B_3", "x" * 64]


def test_versions_are_merged_and_kind_clashes_become_text() -> None:
    old = doc.Questionnaire(T("x", "x"), (doc.Page("p", T("p", "p"), (
        doc.Question("region", "single_choice", T("地区", "Region"),
                     choices=(doc.Choice("west", T("西", "West")),)),
        doc.Question("comment", "rating", T("意见", "Comments")),
        doc.Question("gone", "text", T("旧", "Old")),
    )),))
    plan = build_plan([questionnaire_document(), old], language="en")
    assert [code for code, _ in plan.column("region").value_labels] == ["north", "south", "west"]
    assert plan.column("comment").kind == "text"
    assert plan.names[-1] == "gone"


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_like_text_is_escaped(value) -> None:
    assert escape_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["\n=HYPERLINK(\"https://evil.example\")", "\nplain", " =1+1",
                                   "\t \r\n@SUM(A1)", "\u3000=1", "\u00a0-1", "\x00+1", "＝1", "\ufeff=1"])
def test_formulas_behind_line_feeds_spaces_and_controls_are_escaped(value) -> None:
    assert escape_formula(value) == "'" + value


@pytest.mark.parametrize("value", [-1, -2.5, 0, None, "", "plain", "中文", "a=b", "  plain", " ", "x-1"])
def test_numbers_and_plain_text_are_untouched(value) -> None:
    assert escape_formula(value) == value


def test_csv_reads_back(app, session, survey) -> None:
    rows = read_csv(app, export_of(session, survey))
    header, body = rows[0], rows[1:]
    assert len(body) == 2 + len(FORMULAS)  # the partial response is left out
    assert "segment_source" not in header  # its key only occurs in the partial response
    first = dict(zip(header, body[0]))
    assert first["SATIS"] == "8" and first["region"] == "north" and first["age"] == "-1"
    assert (first["features_a"], first["features_c_d"]) == ("1", "1")
    assert first["comment"] == "中文评论，含“引号”和逗号,\n第二行"
    assert first["segment_region"] == "华北" and first["segment_tier"] == "gold"
    assert first["kano1_f"] == "like" and first["visit"] == "2026-01-02"
    assert first["status"] == "complete" and first["submitted_at"].startswith("2026-01-02 03:04:05")
    second = dict(zip(header, body[1]))
    assert second["SATIS"] == "dont_know"
    assert (second["features_a"], second["features_c_d"]) == ("0", "0")  # answered, none chosen
    assert second["comment"] == LONG_TEXT and second["segment_tier"] == ""
    formula_rows = [dict(zip(header, row)) for row in body[2:]]
    assert [r["comment"] for r in formula_rows] == ["'" + f for f in FORMULAS]
    assert {r["features_a"] for r in formula_rows} == {""}  # not answered: empty, not 0
    assert {r["age"] for r in formula_rows} == {"2.5"}


def test_csv_with_partial_responses_and_labels_in_english(app, session, survey) -> None:
    rows = read_csv(app, export_of(session, survey, include_partial=True, values="labels", language="en"))
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert len(body) == 3 + len(FORMULAS)
    assert "segment_source" in header
    assert [r["status"] for r in body].count("partial") == 1
    assert body[0]["region"] == "North" and body[0]["kano1_d"] == "I dislike it"
    assert body[1]["SATIS"] == "Don't know"
    zh = read_csv(app, export_of(session, survey, values="labels", language="zh_CN"))
    assert dict(zip(zh[0], zh[1]))["region"] == "北方" and dict(zip(zh[0], zh[2]))["SATIS"] == "不知道"


def test_xlsx_reads_back(app, session, survey) -> None:
    export = export_of(session, survey, format="xlsx", language="en")
    with app.app_context():
        path = write_export_file(engine(), export)
    data = b"".join(stream_file(path))
    assert not path.exists()  # streamed, then removed
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["responses", "labels"]
    values = list(workbook["responses"].iter_rows(values_only=True))
    header, body = values[0], [dict(zip(values[0], r)) for r in values[1:]]
    assert len(body) == 2 + len(FORMULAS)
    assert body[0]["SATIS"] == 8 and body[0]["age"] == -1 and body[0]["features_c_d"] == 1
    assert body[0]["comment"] == "中文评论，含“引号”和逗号,\n第二行"
    assert body[0]["submitted_at"] == datetime(2026, 1, 2, 3, 4, 5)
    assert body[1]["comment"] == LONG_TEXT
    cells = [row[header.index("comment")] for row in workbook["responses"].iter_rows(min_row=4)]
    assert [c.value for c in cells] == FORMULAS  # kept exactly, even the carriage return
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula
    labels = {row[0]: row[1:] for row in workbook["labels"].iter_rows(values_only=True)}
    assert labels["SATIS"] == ("Overall satisfaction", "1 = Poor; 10 = Excellent; dont_know = Don't know")


@pytest.mark.parametrize(("language", "texts"), [
    ("zh_CN", ("总体满意度", "很差", "不知道", "用过的功能 – 丙丁", "非常喜欢")),
    ("en", ("Overall satisfaction", "Poor", "Don't know", "Features used – C-D", "I like it")),
])
def test_sav_reads_back_with_labels(app, session, survey, tmp_path, language, texts) -> None:
    export = export_of(session, survey, format="sav", language=language, include_partial=True)
    with app.app_context():
        path = write_export_file(engine(), export, directory=str(tmp_path))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert path.read_bytes()[72:76] == (1).to_bytes(4, "little")  # bytecode-compressed
    satis_label, poor, dont_know, flag_label, like = texts
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["SATIS"] == satis_label and labels["features_c_d"] == flag_label
    assert meta.variable_value_labels["SATIS"] == {1.0: poor, 10.0: labels_end(language), 99.0: dont_know}
    assert meta.variable_value_labels["kano1_f"][1.0] == like
    assert meta.missing_ranges["SATIS"] == [{"lo": 99.0, "hi": 99.0}]
    assert meta.number_rows == len(frame) == 3 + len(FORMULAS)
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["SATIS"] == 8 and second["SATIS"] == DONT_KNOW_CODE
    assert first["region"] == 1 and second["region"] == 2  # north, south by position
    assert first["kano1_d"] == 5 and first["age"] == -1
    assert first["comment"] == "中文评论，含“引号”和逗号,\n第二行" and second["comment"] == LONG_TEXT
    assert first["segment_region"] == "华北" and first["visit"].isoformat() == "2026-01-02"
    assert first["submitted_at"] == datetime(2026, 1, 2, 3, 4, 5)
    assert frame["comment"].iloc[3:].tolist() == FORMULAS  # SPSS runs no formulas: kept as typed
    plain, _ = pyreadstat.read_sav(str(path))  # without user_missing, 99 is missing
    assert plain["SATIS"].isna().iloc[1]


def labels_end(language: str) -> str:
    return "很好" if language == "zh_CN" else "Excellent"


def test_sav_without_text_answers_and_empty_selection(app, session, survey, tmp_path) -> None:
    version = questionnaires.editable_draft(session, survey.questionnaire_id)
    session.commit()
    export = prepare_export(session, survey.questionnaire_id,
                            ExportOptions(version_ids=(version.id,), format="sav"))
    with app.app_context():
        path = write_export_file(engine(), export, directory=str(tmp_path))
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 0 and meta.number_rows == 0 and "SATIS" in meta.column_names


def test_string_segments() -> None:
    assert string_segments(1) == [8] and string_segments(255) == [256]
    assert string_segments(600) == [256, 256, 96] and string_segments(510) == [256, 256, 8]


def test_options_are_checked(session, survey) -> None:
    qid = survey.questionnaire_id
    with pytest.raises(ExportError, match="at least one version"):
        prepare_export(session, qid, ExportOptions(version_ids=()))
    with pytest.raises(ExportError, match="do not belong"):
        prepare_export(session, qid, ExportOptions(version_ids=(survey.id + 1000,)))
    with pytest.raises(ExportError, match="format"):
        prepare_export(session, qid, ExportOptions(version_ids=(survey.id,), format="pdf"))  # type: ignore[arg-type]


def test_xlsx_continues_on_a_new_sheet_past_the_row_limit(app, session, survey, monkeypatch) -> None:
    monkeypatch.setattr("survey.services.exports.XLSX_MAX_DATA_ROWS", 3)
    export = export_of(session, survey, format="xlsx")
    with app.app_context():
        path = write_export_file(engine(), export)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(stream_file(path))))
    assert workbook.sheetnames == ["responses", "responses_2", "responses_3", "labels"]
    sizes = [workbook[name].max_row for name in workbook.sheetnames[:3]]
    assert sizes == [4, 4, 3]  # header + 3, header + 3, header + 2 = 8 responses
    assert workbook["responses_2"]["A1"].value == "response_id"


def test_xlsx_cells_escape_xml_and_keep_spaces(tmp_path) -> None:
    from survey.services.export_xlsx import XlsxWriter

    path = tmp_path / "x.xlsx"
    writer = XlsxWriter(str(path))
    writer.start_sheet("s")
    writer.append(["a<b>&c", " lead", "\x01bad\x0bchars", None, 1.5, float("nan"), "x" * 40_000])
    writer.close()
    row = next(openpyxl.load_workbook(path)["s"].iter_rows(values_only=True))
    assert row[:6] == ("a<b>&c", " lead", "badchars", None, 1.5, None)
    assert len(row[6]) == 32_767


def test_column_letters() -> None:
    from survey.services.export_xlsx import column_letter

    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


def test_exports_neither_wait_for_nor_take_the_write_lock(app, session, survey, tmp_path) -> None:
    """A session in the middle of a write (on SQLite: BEGIN IMMEDIATE holds the write lock)
    does not block an export, and the export leaves writers free."""
    export = export_of(session, survey, format="sav")
    session.add(Response(version_id=survey.id, resume_token="writer", status="partial"))
    session.flush()  # a write transaction stays open
    with app.app_context():
        path = write_export_file(engine(), export, directory=str(tmp_path))
        assert len(read_csv(app, export_of(session, survey))) == 1 + 2 + len(FORMULAS)
    assert pyreadstat.read_sav(str(path), metadataonly=True)[1].number_rows == 2 + len(FORMULAS)
    session.commit()
