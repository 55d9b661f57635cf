from __future__ import annotations

import pytest
from sqlalchemy import event

from models import Questionnaire, QuestionnaireVersion
from survey.questionnaire.templates import complaint_followup
from survey.services.collection import complete_response, save_page, start_response
from survey.services.questionnaires import archive, create_questionnaire, publish, state_document
from survey.services.response_state import ResponseState, VersionState, response_state


@pytest.fixture
def started(session):
    version = publish(session, create_questionnaire(session, complaint_followup()))
    response = start_response(session, version, language="en")
    session.commit()
    return version, response


def queries(session) -> list[str]:
    """The SELECTs ``session``'s database runs from now on (BEGIN and the like left out)."""
    statements: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: statements.append(statement)
                 if statement.lstrip().upper().startswith("SELECT") else None)
    return statements


def test_one_query_reads_the_response_and_its_version(session, started) -> None:
    version, response = started
    session.expunge_all()
    statements = queries(session)
    state, version_state = response_state(session, response.resume_token)
    assert len(statements) == 1
    assert state == ResponseState.of(response)
    assert (state.status, state.language, dict(state.answers), state.last_page) == ("partial", "en", {}, 0)
    assert version_state == VersionState(version.id, version.questionnaire_id, "published", version.public_token,
                                         version.title_zh, version.title_en, "active", has_quotas=False)
    assert version_state.is_open
    assert response_state(session, "no-such-token") is None
    # The same query says whether a completion must count quotas.
    from models import Quota

    session.add(Quota(questionnaire_id=version.questionnaire_id, kind="total", key="", value="", limit=10))
    session.flush()
    assert response_state(session, response.resume_token)[1].has_quotas


def test_snapshots_are_read_only_and_writes_return_the_new_state(session, started) -> None:
    _version, response = started
    state, _ = response_state(session, response.resume_token)
    with pytest.raises(TypeError):
        state.answers["resolution_status"] = "fully"  # type: ignore[index]
    saved = save_page(session, state, 0, {"resolution_status": "fully"}, next_index=1)
    assert (dict(saved.answers), saved.last_page, saved.status) == ({"resolution_status": "fully"}, 1, "partial")
    done = complete_response(session, saved, answers={"resolution_status": "fully", "nps": 9}, page_index=1,
                             profile={"channel": "phone"})
    session.commit()
    assert (done.status, dict(done.segment)) == ("complete", {"channel": "phone"})
    assert response_state(session, response.resume_token)[0] == done
    # An ORM object of the same response in the session is kept in step, without a read back.
    assert (response.status, response.answers) == ("complete", {"resolution_status": "fully", "nps": 9})


def test_an_archived_questionnaire_no_longer_accepts_responses(session, started) -> None:
    version, response = started
    archive(session, session.get(Questionnaire, version.questionnaire_id))
    session.commit()
    assert not response_state(session, response.resume_token)[1].is_open


def test_the_document_is_read_only_when_it_is_not_cached(session, started) -> None:
    version, response = started
    _, version_state = response_state(session, response.resume_token)
    first = state_document(session, version_state)
    assert [p.code for p in first.pages] == [p.code for p in complaint_followup().pages]
    session.expunge_all()
    statements = queries(session)
    assert state_document(session, version_state) is first
    assert statements == []
    assert session.get(QuestionnaireVersion, version.id) is not None  # (the count above saw nothing)
