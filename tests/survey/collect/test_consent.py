"""A required consent statement: shown before the start, accepted with a tick (web) or
``consent: true`` (API), its version kept with each response; changing it starts a new version."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import Invitation, Questionnaire, Response
from survey.db import get_session
from survey.questionnaire.document import Page, Question, Questionnaire as Document, ScaleSettings, Texts
from survey.services import consent
from survey.services.api_tokens import create_token
from survey.services.questionnaires import create_questionnaire, publish

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
STATEMENT_EN = "<p>Your answers improve our service and are kept for two years. Contact: dpo@example.com</p>"


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        db = get_session()
        document = Document(title=Texts("问卷", "Survey"), pages=(Page("p1", Texts("页", "Page"), (
            Question("satis", "rating", Texts("满意度", "Satisfaction"), settings=ScaleSettings(min=1, max=10)),)),))
        version = publish(db, create_questionnaire(db, document))
        questionnaire = db.get(Questionnaire, version.questionnaire_id)
        consent.set_consent(db, questionnaire, required=True, zh="<p>您的回答用于改进服务，保存两年。</p>",
                            en=STATEMENT_EN + "<script>x()</script>")
        db.add(Invitation(questionnaire_id=questionnaire.id, token="tok-c", customer_ref="C1", language="en",
                          status="pending"))
        db.commit()
        return questionnaire.id


def responses(app) -> list[Response]:
    with app.app_context():
        return get_session().scalars(select(Response)).all()


def test_the_public_link_asks_for_consent_and_keeps_its_version(app, client, questionnaire_id) -> None:
    with app.app_context():
        token = get_session().get(Questionnaire, questionnaire_id).public_token
    html = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "kept for two years" in html and "<script>" not in html and 'name="consent"' in html
    csrf = CSRF.search(html).group(1)
    refused = client.post(f"/s/{token}?lang=zh_CN", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "请先勾选同意后再开始。" in refused.get_data(as_text=True)
    assert responses(app) == []
    accepted = client.post(f"/s/{token}?lang=en", data={"csrf_token": csrf, "consent": "yes"})
    assert accepted.status_code == 302
    (stored,) = responses(app)
    assert stored.consent_version == 1 and stored.consented_at is not None


def test_a_personal_link_asks_too(app, client, questionnaire_id) -> None:
    html = client.get("/s/i/tok-c").get_data(as_text=True)
    csrf = CSRF.search(html).group(1)
    assert client.post("/s/i/tok-c", data={"csrf_token": csrf}).status_code == 422
    assert client.post("/s/i/tok-c", data={"csrf_token": csrf, "consent": "yes"}).status_code == 302
    assert responses(app)[0].consent_version == 1


def test_the_api_needs_consent_true(app, client, questionnaire_id) -> None:
    with app.app_context():
        db = get_session()
        _t, secret = create_token(db, "crm", role="designer")
        db.commit()
    url = f"/api/v1/questionnaires/{questionnaire_id}/responses"
    headers = {"Authorization": f"Bearer {secret}"}
    refused = client.post(url, json={"client_id": "a", "answers": {"satis": 8}}, headers=headers)
    assert refused.status_code == 422 and "consent" in refused.get_json()["error"]["fields"]
    assert client.post(url, json={"client_id": "b", "answers": {"satis": 8}, "consent": "yes"},
                       headers=headers).status_code == 422
    created = client.post(url, json={"client_id": "c", "answers": {"satis": 8}, "consent": True}, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert responses(app)[0].consent_version == 1


def test_designers_edit_the_statement_and_changes_raise_its_version(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    url = f"/design/{questionnaire_id}/consent"
    html = client.get(f"{url}?lang=zh_CN").get_data(as_text=True)
    assert "知情同意" in html and "当前版本：1" in html
    csrf = CSRF.search(html).group(1)
    empty = client.post(f"{url}?lang=zh_CN", data={"csrf_token": csrf, "required": "y"})
    assert empty.status_code == 422 and "请至少用一种语言填写声明" in empty.get_data(as_text=True)
    with app.app_context():
        stored = get_session().get(Questionnaire, questionnaire_id)
        zh, en = stored.consent_zh, stored.consent_en
    same = client.post(url, data={"csrf_token": csrf, "required": "y", "statement_zh": zh, "statement_en": en})
    assert same.status_code == 302
    changed = client.post(f"{url}?lang=en", data={"csrf_token": csrf, "required": "y", "statement_zh": zh,
                                                 "statement_en": en + "<p>New: we also call you.</p>"},
                          follow_redirects=True)
    assert "Respondents now accept version 2 of the statement." in changed.get_data(as_text=True)
    off = client.post(url, data={"csrf_token": csrf, "statement_zh": zh, "statement_en": en})
    assert off.status_code == 302
    with app.app_context():
        stored = get_session().get(Questionnaire, questionnaire_id)
        assert (stored.consent_required, stored.consent_version) == (False, 2)
        token = stored.public_token
    assert 'name="consent"' not in app.test_client().get(f"/s/{token}").get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Response)) == 0
