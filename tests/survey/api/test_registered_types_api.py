"""The API accepts answers to the registered types as JSON values — a ranking as the list of
codes in order, shares and slider values as numbers — and stores what the web stores; a bad one
gets the same message as on the respondent page, naming the sum found and the total."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Response
from registered_types import VALID_ANSWERS, registered_document
from survey.db import get_session
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish


@pytest.fixture
def setup(app):
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, registered_document()))
        _token, secret = create_token(session, "crm-designer", role="designer")
        session.commit()
        return version.questionnaire_id, {"Authorization": f"Bearer {secret}"}


def test_the_api_stores_what_the_web_stores(app, client, setup) -> None:
    questionnaire_id, auth = setup
    answers = {**VALID_ANSWERS, "budget_pear": None}  # an empty share counts as 0
    body = {"client_id": "t-1", "language": "en", "answers": answers}
    reply = client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses", json=body, headers=auth)
    assert reply.status_code == 201, reply.json
    with app.app_context():
        assert get_session().scalars(select(Response)).one().answers == VALID_ANSWERS


def test_a_bad_answer_is_refused_with_the_page_message(app, client, setup) -> None:
    questionnaire_id, auth = setup
    body = {"client_id": "t-2", "language": "en",
            "answers": {**VALID_ANSWERS, "budget_pear": 10, "fav": ["plum", "plum", "pear"]}}
    reply = client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses", json=body, headers=auth)
    assert reply.status_code == 422
    fields = reply.json["error"]["fields"]
    assert "Your numbers add up to 110; they must add up to 100." in str(fields)
    assert "Give every option a different rank from 1 to 3." in str(fields)
