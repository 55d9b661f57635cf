"""The registered question types in XLSForm and SurveyJS: exported in each format's own types
where it has them (pyxform accepts every export), read back whole, and read from forms written
by hand in those formats."""
from __future__ import annotations

import io
import json

import openpyxl
from pyxform.xls2xform import convert

from registered_types import registered_document
from survey.questionnaire.surveyjs import export_surveyjs, import_surveyjs
from survey.questionnaire.types.ranking import RankingSettings
from survey.questionnaire.types.slider import SliderSettings
from survey.questionnaire.xlsform import export_xlsform, import_xlsform
from xlsform_forms import workbook


def survey_rows(data: bytes) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    return {row[rows[0].index("name")]: dict(zip(rows[0], row)) for row in rows[1:]
            if row[rows[0].index("name")]}


def test_xlsform_export_uses_xlsform_types_and_reads_back_whole() -> None:
    document = registered_document()
    data = export_xlsform(document)
    rows = survey_rows(data)
    assert rows["wake"]["type"] == "time" and rows["visit"]["type"] == "dateTime"
    assert rows["effort"]["type"] == "range" and rows["effort"]["parameters"] == "start=0 end=100 step=5"
    assert rows["fav"]["type"] == "rank fav"
    # No constant sum in XLSForm: a group of whole numbers, the last checking the sum.
    assert rows["budget"]["type"] == "begin_group"
    assert rows["budget_plum"]["type"] == "integer"
    assert rows["budget_plum"]["constraint"].endswith(
        "coalesce(${budget_apple}, 0) + coalesce(${budget_pear}, 0) + coalesce(${budget_plum}, 0) = 100")
    xform = convert(data, file_type=".xlsx").xform
    assert 'type="time"' in xform and 'type="dateTime"' in xform and "odk:rank" in xform
    result = import_xlsform(data, filename="new-types.xlsx")
    assert result.questionnaire == document
    assert result.warnings == ()


def test_a_hand_written_xlsform_maps_to_the_registered_types() -> None:
    data = workbook(
        [["type", "name", "label", "parameters"],
         ["time", "start_time", "Start", ""], ["dateTime", "arrived", "Arrived", ""],
         ["range", "score", "Score", "start=1 end=5 step=0.5"], ["range", "plain", "Plain", ""],
         ["rank fruit", "order", "Order the fruit", "randomize=true"]],
        [["list_name", "name", "label"], ["fruit", "a", "Apple"], ["fruit", "b", "Banana"]])
    result = import_xlsform(data, filename="hand.xlsx")
    questions = {q.code: q for q in result.questionnaire.questions()}
    assert {code: q.type for code, q in questions.items()} == {
        "start_time": "time", "arrived": "datetime", "score": "slider", "plain": "slider",
        "order": "ranking"}
    assert questions["score"].settings == SliderSettings(1, 5, 0.5)
    assert questions["plain"].settings == SliderSettings(1, 10, 1)  # pyxform's defaults
    assert questions["order"].settings == RankingSettings(randomize=True)
    assert [c.code for c in questions["order"].choices] == ["a", "b"]
    assert not any("not support" in warning for warning in result.warnings)


def test_surveyjs_export_uses_surveyjs_types_and_reads_back_whole() -> None:
    document = registered_document()
    data = export_surveyjs(document)
    elements = {e["name"]: e for page in json.loads(data)["pages"] for e in page["elements"]}
    assert (elements["wake"]["type"], elements["wake"]["inputType"]) == ("text", "time")
    assert elements["wake"]["min"] == "05:00" and elements["wake"]["isRequired"] is True
    assert elements["visit"]["inputType"] == "datetime-local"
    assert (elements["effort"]["inputType"], elements["effort"]["step"]) == ("range", 5)
    assert elements["fav"]["type"] == "ranking" and len(elements["fav"]["choices"]) == 3
    assert elements["budget"]["type"] == "multipletext"
    assert [item["name"] for item in elements["budget"]["items"]] == [
        "budget_apple", "budget_pear", "budget_plum"]
    assert elements["budget"]["validators"] == [{"type": "expression", "expression":
        "{budget.budget_apple} + {budget.budget_pear} + {budget.budget_plum} = 100"}]
    result = import_surveyjs(data, filename="new-types.json")
    assert result.questionnaire == document
    assert result.warnings == ()


def test_a_hand_written_surveyjs_survey_maps_to_the_registered_types() -> None:
    survey = {"title": "Hand", "pages": [{"name": "p", "elements": [
        {"type": "text", "inputType": "time", "name": "t"},
        {"type": "text", "inputType": "datetime-local", "name": "dt", "min": "2026-01-01T00:00"},
        {"type": "nouislider", "name": "n", "rangeMin": 0, "rangeMax": 50, "step": 10},
        {"type": "ranking", "name": "r", "choices": ["x", "y", "z"]},
        {"type": "multipletext", "name": "m", "items": [{"name": "a"}, {"name": "b"}]},
    ]}]}
    result = import_surveyjs(json.dumps(survey).encode(), filename="hand.json")
    questions = {q.code: q for q in result.questionnaire.questions()}
    assert {code: q.type for code, q in questions.items()} == {
        "t": "time", "dt": "datetime", "n": "slider", "r": "ranking"}
    assert questions["n"].settings == SliderSettings(0, 50, 10)
    assert questions["dt"].settings.min == "2026-01-01T00:00"
    assert [c.code for c in questions["r"].choices] == ["x", "y", "z"]
    assert any("multipletext" in warning for warning in result.warnings)  # left out, said so
