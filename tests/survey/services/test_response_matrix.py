from __future__ import annotations

import math

import pytest

from models import Questionnaire, QuestionnaireVersion, Response
from survey.db import engine
from survey.services.response_matrix import ResponseLoadError, load_numeric_answers
from survey.services.workspaces import default_workspace


@pytest.fixture
def versions(session):
    questionnaire = Questionnaire(title_en="Q", kind="acsi", workspace_id=default_workspace(session).id)
    v1 = QuestionnaireVersion(questionnaire=questionnaire, number=1, state="published")
    v2 = QuestionnaireVersion(questionnaire=questionnaire, number=2, state="published")
    session.add_all([questionnaire, v1, v2])
    session.flush()
    rows = [
        (v1, "complete", {"SATIS": 8, "IDEAL": 7.5, "name": "x"}),
        (v1, "complete", {"SATIS": 3, "IDEAL": "n/a"}),  # a text where a number is expected
        (v1, "partial", {"SATIS": 10}),  # not complete: never analysed
        (v2, "complete", {"IDEAL": 2}),
    ]
    for i, (version, status, answers) in enumerate(rows):
        session.add(Response(version_id=version.id, resume_token=f"t{i}", status=status, answers=answers))
    session.commit()
    return v1.id, v2.id


def test_loads_complete_responses_as_floats(app, versions) -> None:
    v1, v2 = versions
    with app.app_context():
        frame = load_numeric_answers(engine(), version_ids=[v1, v2], variables=["SATIS", "IDEAL"])
    assert list(frame.columns) == ["SATIS", "IDEAL"]
    assert len(frame) == 3
    values = frame.to_numpy().tolist()
    assert values[0] == [8.0, 7.5]
    assert values[1][0] == 3.0 and math.isnan(values[1][1])
    assert math.isnan(values[2][0]) and values[2][1] == 2.0
    assert frame.index.is_monotonic_increasing


def test_only_the_requested_versions(app, versions) -> None:
    v1, v2 = versions
    with app.app_context():
        frame = load_numeric_answers(engine(), version_ids=[v2], variables=["IDEAL"])
        empty = load_numeric_answers(engine(), version_ids=[v2 + 100], variables=["IDEAL"])
    assert frame["IDEAL"].tolist() == [2.0]
    assert len(empty) == 0 and list(empty.columns) == ["IDEAL"]


@pytest.mark.parametrize("bad", ["SATIS'; DROP TABLE responses; --", "1abc", ""])
def test_rejects_codes_that_are_not_identifiers(app, bad) -> None:
    with app.app_context(), pytest.raises(ResponseLoadError, match="not a valid answer-variable code"):
        load_numeric_answers(engine(), version_ids=[1], variables=[bad])


def test_rejects_empty_requests(app) -> None:
    with app.app_context():
        with pytest.raises(ResponseLoadError, match="no answer variables"):
            load_numeric_answers(engine(), version_ids=[1], variables=[])
        with pytest.raises(ResponseLoadError, match="version ids"):
            load_numeric_answers(engine(), version_ids=[], variables=["A"])


def test_text_answers_segments_and_period(app, session) -> None:
    from datetime import UTC, datetime

    from survey.services.response_matrix import load_responses

    questionnaire = Questionnaire(title_en="K", kind="kano", workspace_id=default_workspace(session).id)
    version = QuestionnaireVersion(questionnaire=questionnaire, number=1, state="published")
    session.add_all([questionnaire, version])
    session.flush()
    rows = [
        ({"k_f": "like", "nps": 9, "multi": ["a", "b"]}, {"region": "北方", "tier": "gold"}, datetime(2026, 1, 5, tzinfo=UTC)),
        ({"k_f": "dislike", "nps": 3}, {"region": "south"}, datetime(2026, 3, 5, tzinfo=UTC)),
    ]
    for i, (answers, segment, submitted) in enumerate(rows):
        session.add(Response(version_id=version.id, resume_token=f"p{i}", status="complete",
                             answers=answers, segment=segment, submitted_at=submitted))
    session.commit()
    with app.app_context():
        frame = load_responses(engine(), version_ids=[version.id], numeric=["nps"], text=["k_f", "multi"],
                               segment_keys=["region", "tier"])
        january = load_responses(engine(), version_ids=[version.id], numeric=["nps"],
                                 submitted_from=datetime(2026, 1, 1, tzinfo=UTC),
                                 submitted_to=datetime(2026, 2, 1, tzinfo=UTC))
        with pytest.raises(ResponseLoadError, match="requested twice"):
            load_responses(engine(), version_ids=[version.id], numeric=["nps"], text=["nps"])
    assert frame["k_f"].tolist() == ["like", "dislike"]
    assert frame["nps"].tolist() == [9.0, 3.0]
    assert frame["segment_region"].tolist() == ["北方", "south"]
    assert frame["segment_tier"].isna().tolist() == [False, True]
    assert frame["multi"].isna().all()  # lists are not scalar text answers
    assert january["nps"].tolist() == [9.0]
