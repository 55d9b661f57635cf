"""Property: a LimeSurvey .lss or SurveyJS .json upload — garbled, truncated, with values of the
wrong type or random — is imported whole or refused with a message, on the designer's page and by
``flask questionnaire import``: never a 5xx or a traceback, never a partial questionnaire."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from fuzz.hostile import bounded
from fuzz.test_imports import _paths, check_cli_import, check_web_import, json_values

QUESTIONNAIRE_TESTS = Path(__file__).parents[1] / "survey" / "questionnaire"
LSS = (QUESTIONNAIRE_TESTS / "limesurvey" / "fixtures" / "ls3_bilingual.lss").read_bytes()
LSS_L10NS = (QUESTIONNAIRE_TESTS / "limesurvey" / "fixtures" / "ls6_l10ns.lss").read_bytes()
SURVEYJS = json.loads((QUESTIONNAIRE_TESTS / "surveyjs" / "fixtures" / "creator_survey.json")
                      .read_bytes())


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


@st.composite
def flipped(draw, data: bytes) -> bytes:
    """``data`` with a few bytes replaced."""
    changed = bytearray(data)
    for _ in range(draw(st.integers(1, 12))):
        changed[draw(st.integers(0, len(changed) - 1))] = draw(st.integers(0, 255))
    return bytes(changed)


lss_files = st.one_of(
    st.sampled_from([LSS, LSS_L10NS]).flatmap(flipped),
    st.builds(lambda data, cut: data[:cut], st.sampled_from([LSS, LSS_L10NS]),
              st.integers(0, 12_000)),
    st.builds(lambda text: LSS.replace(b"((member.NAOK == &quot;Y&quot;))", text.encode(
        "utf-8", "surrogatepass")).replace(b"member == \"Y\"", text.encode("utf-8", "surrogatepass")),
              st.text(max_size=60)),
    st.binary(max_size=300),
)


@st.composite
def mutated_surveys(draw) -> bytes:
    """The SurveyJS fixture with one value replaced or deleted."""
    survey = json.loads(json.dumps(SURVEYJS))
    path = draw(st.sampled_from(_paths(survey)[1:]))
    parent = survey
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return json.dumps(survey, ensure_ascii=False).encode("utf-8", "surrogatepass")


surveyjs_files = st.one_of(
    mutated_surveys(),
    st.builds(lambda cut: json.dumps(SURVEYJS).encode()[:cut], st.integers(0, 4000)),
    st.binary(max_size=300),
)


@bounded(30)
@given(data=lss_files)
@example(data=b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              b"<document><LimeSurveyDocType>&b;</LimeSurveyDocType></document>")
def test_limesurvey_import_is_whole_or_refused(app, designer, runner, tmp_path, data) -> None:
    check_web_import(app, designer, "survey.lss", data)
    check_cli_import(app, runner, tmp_path, "survey.lss", data)


@bounded(30)
@given(data=surveyjs_files)
@example(data=b'{"pages": [{"elements": [{"type": "rating", "name": "r", "rateMin": "a"}]}]}')
def test_surveyjs_import_is_whole_or_refused(app, designer, runner, tmp_path, data) -> None:
    check_web_import(app, designer, "survey.json", data)
    check_cli_import(app, runner, tmp_path, "survey.json", data)
