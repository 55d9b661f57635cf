"""Property: JSON that is legal on the wire but hostile (NaN and Infinity, numbers of thousands
of digits, lone surrogates and NUL in strings, deep nesting, huge segments) sent to the API gets
a 4xx with a JSON error, never a 5xx, and a refused request stores nothing."""
from __future__ import annotations

import json

import pytest
from hypothesis import example, given, strategies as st

from models import ComplaintCase, Response
from survey.db import get_session
from survey.questionnaire.templates import complaint_followup
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish
from fuzz.hostile import bounded, count_rows, text_strings

#: A valid follow-up response without its "nps" answer (the fuzzed one).
GOOD = {"resolution_status": "fully", "first_contact": True, "handle": 9,
        "resolution_satisfaction": 5, "repurchase": 8, "people_told": 0}


@pytest.fixture
def target(app) -> tuple[int, dict[str, str]]:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, complaint_followup()))
        _token, secret = create_token(session, "fuzz", role="designer")
        session.commit()
        return version.questionnaire_id, {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


#: Raw JSON literals the standard library reads but a store or an export cannot hold.
HOSTILE_LITERALS = ("NaN", "Infinity", "-Infinity", "1e400", "9" * 5000, "1" + "0" * 4000,
                    '"\\ud800"', '"a\\u0000b"', '"\\udfff\\ud800"')

json_scalars = st.one_of(st.sampled_from(HOSTILE_LITERALS), st.integers().map(str),
                         text_strings().map(lambda s: json.dumps(s)))
segments = st.one_of(
    st.dictionaries(st.text(max_size=8).map(json.dumps), json_scalars, max_size=5).map(
        lambda d: "{" + ",".join(f"{k}:{v}" for k, v in d.items()) + "}"),
    st.integers(1, 25_000).map(lambda n: "{" + ",".join(f'"k{i}":1' for i in range(n)) + "}"),
    st.integers(100, 10_000).map(lambda n: json.dumps({"k" * n: "v"})),
    st.integers(1, 2_000_000).map(lambda n: json.dumps({"region": "x" * n})),
)


def submission(client_id: str, answer: str, segment: str, depth: int) -> str:
    answers = json.dumps(GOOD)[:-1] + f', "nps": {answer}' + "}"
    body = f'{{"client_id": {json.dumps(client_id)}, "answers": {answers}, "segment": {segment}'
    if depth:
        body += f', "case_ref": {nested(depth)}'
    return body + "}"


# 40 examples: each is one request; the hostile literals and sizes are drawn from short lists,
# so 40 draws cover them (about 10 s per database).
@bounded(40)
@given(answer=json_scalars, segment=segments, depth=st.sampled_from([0, 0, 50, 5_000, 200_000]))
@example(answer="9", segment='{"region": NaN}', depth=0)
@example(answer="9", segment='{"region": "\\ud800"}', depth=0)
@example(answer="9", segment="{}", depth=100_000)
def test_hostile_submissions_are_refused_with_a_json_error(app, client, target, answer, segment, depth) -> None:
    questionnaire_id, headers = target
    before = count_rows(app, Response)
    body = submission(f"fuzz-{before}", answer, segment, depth)
    reply = client.post(f"/api/v1/questionnaires/{questionnaire_id}/responses", data=body.encode("utf-8", "surrogatepass"),
                        headers=headers)
    assert reply.status_code < 500, (reply.status_code, body[:200])
    assert reply.is_json, reply.get_data(as_text=True)[:200]
    if reply.status_code >= 400:
        assert "error" in reply.json
        assert count_rows(app, Response) == before


# 25 examples of one request each (about 5 s per database).
@bounded(25)
@given(value=json_scalars, segment=segments, depth=st.sampled_from([0, 50, 100_000]))
@example(value='"\\ud800"', segment="{}", depth=0)
def test_hostile_complaint_cases_are_refused_with_a_json_error(app, client, target, value, segment, depth) -> None:
    _questionnaire_id, headers = target
    case = (f'{{"case_id": "K1", "customer_ref": {value}, "resolution_status": "open", '
            f'"opened_at": "2026-01-01", "segment": {segment}, "note": {nested(depth) if depth else value}}}')
    reply = client.post("/api/v1/complaint-cases", data=f'{{"cases": [{case}]}}'.encode("utf-8", "surrogatepass"),
                        headers=headers)
    assert reply.status_code < 500, (reply.status_code, case[:200])
    assert reply.is_json, reply.get_data(as_text=True)[:200]
    if reply.status_code >= 400:
        assert count_rows(app, ComplaintCase) == 0
