"""Schemathesis against the API's own OpenAPI document (``/api/v1/openapi.json``), every check on.

The document is fetched from a served app at collection time (schemathesis builds its test cases
then; its lazy, fixture-based loader does not run under pytest 9). Requests go to the test's own
app with a real bearer token of the designer role and a published complaint follow-up
questionnaire: half of the schema-valid questionnaire ids are pointed at it so submissions and
counts reach real rows, the rest stay as drawn (ids far above 2^31 included). Positive and
negative examples both; any 5xx, any answer the document does not describe, any schema-valid
request refused and any schema-violating request accepted fails.

Two allowances: a schema-valid body may be refused with 422 by ``submitResponse``, because
which answers are right depends on the questionnaire (its questions, choices and bounds), and by
``importComplaintCases``, whose rules join values of a row (dates that parse, resolved after
opened, resolved_at given unless open); a static document states neither. Each answers with a
report naming the field and the rule, which the document describes.
"""
from __future__ import annotations

import tempfile

import pytest
import schemathesis

from survey.app import create_app
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services.api_tokens import GRANTS, create_token, hash_token
from survey.services.live_cache import forget
from survey.services.questionnaires import create_questionnaire, publish
from fuzz.hostile import bounded

# Fixed so the cases schemathesis builds at collection time carry it; stored per test (hashed).
SECRET = "xs_fuzz-gate-0123456789abcdefghijklmnopqrstuvwxyzABCDEF"


def served_schema():
    app = create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": tempfile.mkdtemp()},
                      "SQLALCHEMY_DATABASE_URL": "sqlite://"})
    config = schemathesis.Config.from_dict({
        "checks": {"enabled": True},
        "generation": {"mode": "all", "deterministic": True},
        "auth": {"openapi": {"bearerAuth": {"bearer": SECRET}}},
        "operations": [{
            "include-operation-id": "submitResponse",
            "checks": {"positive_data_acceptance": {
                "expected-statuses": ["2xx", 401, 403, 404, 409, 422]}},
        }, {
            "include-operation-id": "importComplaintCases",
            "checks": {"positive_data_acceptance": {
                "expected-statuses": ["2xx", 401, 403, 404, 409, 422]}},
        }],
    })
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    app.extensions["sqlalchemy_engine"].dispose()
    return schema


schema = served_schema()


@pytest.fixture
def questionnaire_id(app) -> int:
    """A published questionnaire and the designer token :data:`SECRET`."""
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, complaint_followup()))
        token, _secret = create_token(session, "fuzz gate", role="designer")
        token.token_hash, token.prefix = hash_token(SECRET), SECRET[:10]
        session.commit()
        forget(GRANTS)  # no grant of an earlier test's token row is remembered
        return version.questionnaire_id


# 25 examples per operation and phase (the coverage phase adds its own fixed cases): the three
# operations take about 40 s per database.
@schema.parametrize()
@bounded(25)
def test_api_answers_every_request_as_its_document_says(case, app, questionnaire_id) -> None:
    drawn = (case.path_parameters or {}).get("questionnaire_id")
    if isinstance(drawn, int) and not isinstance(drawn, bool) and drawn >= 1 and drawn % 2 == 0:
        case.path_parameters["questionnaire_id"] = questionnaire_id
    case.call_and_validate(app=app)
