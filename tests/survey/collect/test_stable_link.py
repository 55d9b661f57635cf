"""One public link per questionnaire: it serves the current published version, links of earlier
versions lead to it, and a response keeps the version it started on."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Questionnaire, QuestionnaireVersion, Response
from survey.db import get_session
from survey.services.questionnaires import editable_draft, publish

from .conftest import CSRF


def _start(client, link: str) -> str:
    welcome = client.get(link)
    assert welcome.status_code == 200, welcome.status_code
    reply = client.post(link, data={"csrf_token": CSRF.search(welcome.get_data(as_text=True)).group(1)})
    assert reply.status_code == 302
    return reply.headers["Location"]


def _versions(app) -> dict[int, int]:
    with app.app_context():
        rows = get_session().execute(select(QuestionnaireVersion.number, func.count(Response.id))
                                     .join(Response, Response.version_id == QuestionnaireVersion.id)
                                     .group_by(QuestionnaireVersion.number)).all()
        return dict(rows)


def test_the_questionnaires_link_follows_new_versions(app, client, published) -> None:
    with app.app_context():
        db = get_session()
        questionnaire = db.get(Questionnaire, published.questionnaire_id)
        stable = questionnaire.public_token
        assert stable == published.public_token  # the first publication's link is the stable one
    link = f"/s/{stable}?lang=en"
    first_page = _start(client, link)  # this browser starts on version 1 and stops half way

    with app.app_context():
        db = get_session()
        second = publish(db, editable_draft(db, published.questionnaire_id))
        db.commit()
        second_token = second.public_token
        assert db.get(Questionnaire, published.questionnaire_id).public_token == stable
    newcomer = app.test_client()
    _start(newcomer, link)
    assert _versions(app) == {1: 1, 2: 1}  # a new respondent answers version 2 on the same link

    # The first browser comes back through the link: it continues its version-1 response.
    welcome = client.get(link).get_data(as_text=True)
    assert "Continue the survey" in welcome
    reply = client.post(link, data={"csrf_token": CSRF.search(welcome).group(1)})
    assert reply.headers["Location"] == first_page
    assert _versions(app) == {1: 1, 2: 1}

    # Version 2's own link leads to the questionnaire's link, keeping the method and query.
    moved = app.test_client().get(f"/s/{second_token}?lang=en")
    assert moved.status_code == 307 and moved.headers["Location"].endswith(f"/s/{stable}?lang=en")


def test_pages_show_the_stable_link(app, client, login_as, published) -> None:
    with app.app_context():
        stable = get_session().get(Questionnaire, published.questionnaire_id).public_token
    login_as("designer")
    overview = client.get(f"/design/{published.questionnaire_id}?lang=en").get_data(as_text=True)
    assert f"/s/{stable}" in overview and "always the current published version" in overview
    invitations = client.get(f"/invitations/{published.questionnaire_id}?lang=zh_CN").get_data(as_text=True)
    assert f"/s/{stable}" in invitations and "始终提供当前版本" in invitations
