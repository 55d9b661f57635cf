"""The people pages and the audit log in the web: admins only, erasure after typing the
reference again, downloads audited, the log's CSV safe from formula injection."""
from __future__ import annotations

import re

from sqlalchemy import select

from models import AuditEvent, Invitation
from support import login
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.questionnaires import create_questionnaire, publish

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def invite(app, ref: str = "C-77") -> None:
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, acsi_standard()))
        db.add(Invitation(questionnaire_id=version.questionnaire_id, token="tok-p", customer_ref=ref,
                          email="p@example.com", name="Pat", language="en", status="pending"))
        db.commit()


def actions(app) -> list[str]:
    with app.app_context():
        return get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_only_admins_reach_people_and_the_audit_log(app, client, login_as) -> None:
    login_as("designer")
    for url in ("/people/", "/people/?ref=C-77", "/people/export.json?ref=C-77", "/people/audit", "/people/audit.csv"):
        assert client.get(url).status_code == 403, url
    assert client.post("/people/erase", data={"ref": "C-77", "confirm": "C-77"}).status_code in (400, 403)


def test_an_admin_finds_downloads_and_erases_a_person(app, client, login_as) -> None:
    invite(app)
    login_as("admin")
    page = client.get("/people/?ref=C-77&lang=en").get_data(as_text=True)
    assert "1 invitation" in page and "p@example.com" in page and "Erase this person" in page
    assert "Nothing is held about “C-7”." in client.get("/people/?ref=C-7&lang=en").get_data(as_text=True)
    download = client.get("/people/export.json?ref=C-77")
    assert download.status_code == 200 and download.get_json()["invitations"][0]["email"] == "p@example.com"
    token = CSRF.search(page).group(1)
    wrong = client.post("/people/erase?lang=zh_CN", data={"csrf_token": token, "ref": "C-77", "confirm": "C-78"})
    assert wrong.status_code == 422 and "这不是页面上显示的客户编号。" in wrong.get_data(as_text=True)
    done = client.post("/people/erase?lang=en", data={"csrf_token": token, "ref": "C-77", "confirm": "C-77"},
                       follow_redirects=True)
    assert done.status_code == 200 and "Erased: 1 invitations" in done.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Invitation)).all() == []
    assert actions(app)[-2:] == ["person_export", "person_erase"]


def test_sign_ins_and_failures_are_in_the_log_and_the_csv_is_formula_safe(app, client, make_user) -> None:
    admin = make_user("admin")
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    bad = client.post("/auth/login", data={"csrf_token": token, "email": "=cmd@example.com", "password": "nope"})
    assert bad.status_code == 422
    login(client, admin.email)
    assert actions(app)[-1] == "sign_in"
    page = client.get("/people/audit?lang=zh_CN").get_data(as_text=True)
    assert "审计日志" in page and "sign_in" in page and admin.email in page
    csv_text = client.get("/people/audit.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffid,at_utc,actor,action,target,address,details")
    assert ",sign_in," in csv_text
    # The failed attempt names the e-mail typed; a spreadsheet must not run it as a formula.
    assert ",sign_in_failed,'=cmd@example.com," in csv_text
    assert actions(app)[-1] == "audit_export"
