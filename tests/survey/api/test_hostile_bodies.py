"""Hostile API bodies get a clear 4xx naming the path and the rule, and store nothing: NaN and
infinite numbers, deep nesting, NUL and lone surrogates, oversized segments and numbers."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from models import ComplaintCase, Response
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.segment_attributes import KEY_PATTERN, MAX_ATTRIBUTES, MAX_VALUE_LENGTH

GOOD = {"resolution_status": "fully", "first_contact": True, "handle": 9,
        "resolution_satisfaction": 5, "repurchase": 8, "people_told": 0, "nps": 9}


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, complaint_followup()))
        session.commit()
        return version.questionnaire_id


@pytest.fixture
def auth(app) -> dict[str, str]:
    with app.app_context():
        session = get_session()
        _token, secret = create_token(session, "crm", role="designer")
        session.commit()
    return {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}


def rows(app, model=Response) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def post_raw(client, questionnaire_id: int, data: bytes | str, headers: dict):
    return client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses", data=data, headers=headers)


def body(**changes) -> dict:
    return {"client_id": "c-1", "answers": dict(GOOD), **changes}


@pytest.mark.parametrize(("raw", "path", "rule"), [
    ('{"client_id": "c-1", "answers": {}, "segment": {"region": NaN}}', "/segment/region", "not_finite"),
    ('{"client_id": "c-1", "answers": {"handle": Infinity}}', "/answers/handle", "not_finite"),
    ('{"client_id": "c-1", "answers": {"handle": -Infinity}}', "/answers/handle", "not_finite"),
    ('{"client_id": "c-1", "answers": {"handle": 1e400}}', "/answers/handle", "not_finite"),
    ('{"client_id": "c-1", "answers": {"handle": %s}}' % ("9" * 5000), "/answers/handle", "number_length"),
    ('{"client_id": "c\\ud800", "answers": {}}', "/client_id", "characters"),
    ('{"client_id": "c-1", "answers": {"comment": "\\udfff"}}', "/answers/comment", "characters"),
    ('{"client_id": "c-1", "answers": {}, "segment": {"r\\u0000": "x"}}', "/segment/r\x00", "characters"),
    ('{"client_id": "c-1", "answers": {}, "case_ref": "a\\u0000b"}', "/case_ref", "characters"),
    ('{"client_id": "c-1", "answers": %s}' % ("[" * 10_000 + "]" * 10_000), "/", "depth"),
    ('{"client_id": "c-1", "answers": {"x": %s}}' % ("[" * 40 + "]" * 40), "/", "depth"),
    ('{"client_id": "c-1", "answers": {', "(line 1, column 34)", "syntax"),
])
def test_hostile_json_is_a_400_naming_path_and_rule(app, client, auth, questionnaire_id,
                                                     raw, path, rule) -> None:
    reply = post_raw(client, questionnaire_id, raw, auth)
    assert reply.status_code == 400, reply.get_data(as_text=True)
    error = reply.json["error"]
    assert (error["path"], error["rule"]) == (path, rule)
    assert error["message"].startswith("the body is not acceptable JSON")
    assert rows(app) == 0


def test_invalid_utf8_and_non_json_content_are_400(app, client, auth, questionnaire_id) -> None:
    reply = post_raw(client, questionnaire_id, b'{"client_id": "\xed\xa0\x80", "answers": {}}', auth)
    assert reply.status_code == 400 and reply.json["error"]["rule"] == "encoding"
    reply = post_raw(client, questionnaire_id, json.dumps(body()),
                     {**auth, "Content-Type": "text/plain"})
    assert reply.status_code == 400 and "Content-Type: application/json" in reply.json["error"]["message"]
    assert rows(app) == 0


def test_an_oversized_body_is_413(app, client, auth, questionnaire_id) -> None:
    app.config["API_JSON_MAX_BYTES"] = 1_000
    reply = post_raw(client, questionnaire_id, json.dumps(body(answers={"comment": "x" * 2_000})), auth)
    assert reply.status_code == 413 and reply.json["error"]["rule"] == "size"
    assert rows(app) == 0


def test_complaint_cases_go_through_the_same_validator(app, client, auth) -> None:
    reply = client.post("/api/v1/complaint-cases", headers=auth,
                        data='{"cases": [{"case_id": "C1", "customer_ref": "u", "opened_at": "2026-01-01",'
                             ' "resolution_status": "open", "amount": NaN}]}')
    assert reply.status_code == 400 and reply.json["error"]["path"] == "/cases/0/amount"
    assert rows(app, ComplaintCase) == 0


@pytest.mark.parametrize(("segment", "field"), [
    ({f"k{i}": i for i in range(MAX_ATTRIBUTES + 1)}, "segment"),
    ({"x" * 5_000: "v"}, "segment." + "x" * 40),
    ({"Region": "v"}, "segment.Region"),
    ({"region": "v" * (MAX_VALUE_LENGTH + 1)}, "segment.region"),
    ({"region": {"nested": 1}}, "segment.region"),
    ({"region": 10 ** 20}, "segment.region"),
    (["not", "an", "object"], "segment"),
])
def test_segment_attributes_follow_the_shared_rule(app, client, auth, questionnaire_id,
                                                   segment, field) -> None:
    reply = post_raw(client, questionnaire_id, json.dumps(body(segment=segment)), auth)
    assert reply.status_code == 422, reply.get_data(as_text=True)
    assert field in reply.json["error"]["fields"]
    assert rows(app) == 0


def test_a_segment_at_the_limits_is_stored(app, client, auth, questionnaire_id) -> None:
    segment = {f"k{i}": "v" * MAX_VALUE_LENGTH for i in range(MAX_ATTRIBUTES)}
    reply = post_raw(client, questionnaire_id, json.dumps(body(segment=segment)), auth)
    assert reply.status_code == 201, reply.json


@pytest.mark.parametrize("answers", [
    {**GOOD, "handle": 10 ** 20},
    {**GOOD, "handle": 1e300},
    {**GOOD, "handle": {"deep": [1]}},
    {**GOOD, "comment": "x" * 10_001},
    {f"unknown_{i}": 1 for i in range(2_001)},
])
def test_answers_are_bounded(app, client, auth, questionnaire_id, answers) -> None:
    reply = post_raw(client, questionnaire_id, json.dumps(body(answers=answers)), auth)
    assert reply.status_code == 422, reply.get_data(as_text=True)
    assert rows(app) == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"client_id": "x" * 121}, "client_id"),
    ({"language": None}, "language"),
    ({"channel": "web"}, "channel"),
    ({"case_ref": "c" * 129}, "case_ref"),
    ({"invitation_token": "t" * 65}, "invitation_token"),
])
def test_field_limits_match_the_openapi_document(app, client, auth, questionnaire_id,
                                                 changes, field) -> None:
    reply = post_raw(client, questionnaire_id, json.dumps(body(**changes)), auth)
    assert reply.status_code == 422 and field in reply.json["error"]["fields"]
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["ResponseSubmission"]
    assert field in schema["properties"]


def test_openapi_states_the_server_limits(client) -> None:
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    submission = schemas["ResponseSubmission"]["properties"]
    segment = submission["segment"]
    assert segment["maxProperties"] == MAX_ATTRIBUTES
    assert segment["propertyNames"]["pattern"] == KEY_PATTERN
    value_types = segment["additionalProperties"]["anyOf"]
    assert {"type": "string", "maxLength": MAX_VALUE_LENGTH, "pattern": r"^[^\u0000]*$"} in value_types
    assert submission["client_id"]["maxLength"] == 120
    assert submission["language"]["enum"] == ["zh_CN", "en"]
    assert submission["answers"]["maxProperties"] == 2_000
    assert submission["case_ref"]["maxLength"] == 128
    assert submission["invitation_token"]["maxLength"] == 64
    case = schemas["ComplaintCase"]["properties"]["segment"]
    assert case["maxProperties"] == MAX_ATTRIBUTES


@pytest.mark.parametrize("value", [10 ** 30, 2 ** 31, 0, -1, True, "1"])
def test_followup_questionnaire_id_is_bounded(app, client, auth, value) -> None:
    reply = client.post("/api/v1/complaint-cases", headers=auth,
                        data=json.dumps({"cases": [], "followup_questionnaire_id": value}))
    assert reply.status_code == 422
    assert "followup_questionnaire_id" in reply.json["error"]["fields"]


@pytest.mark.parametrize("raw", ["null", "[]", "5", '"x"', "true", '{"cases": null}', '{"cases": [null]}'])
def test_odd_json_documents_are_4xx_on_every_route(app, client, auth, questionnaire_id, raw) -> None:
    for path in (f"/api/v1/questionnaires/{questionnaire_id}/responses", "/api/v1/complaint-cases"):
        reply = client.post(path, headers=auth, data=raw)
        assert 400 <= reply.status_code < 500, (path, raw, reply.get_data(as_text=True))
    assert rows(app) == 0 and rows(app, ComplaintCase) == 0


def test_a_complaint_import_with_an_unknown_field_is_refused_by_name(app, client, auth) -> None:
    reply = client.post("/api/v1/complaint-cases", headers=auth,
                        data=json.dumps({"cases": [], "follow_up_questionnaire": 3}))
    assert reply.status_code == 422
    assert list(reply.json["error"]["fields"]) == ["follow_up_questionnaire"]


def test_the_document_states_that_text_holds_no_nul(client) -> None:
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    pattern = re.compile(schemas["ComplaintCase"]["properties"]["case_id"]["pattern"])
    assert pattern.search("K-1") and not pattern.search("K\x001")
    client_id = re.compile(schemas["ResponseSubmission"]["properties"]["client_id"]["pattern"])
    assert client_id.search(" a ") and not client_id.search("   ") and not client_id.search("a\x00")
    assert schemas["ComplaintCaseImport"]["additionalProperties"] is False
