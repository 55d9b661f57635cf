"""User administration in the web: invite with a set-password link (e-mailed through a real
SMTP server when sending is on), roles and disabling that end sessions, the last administrator
kept, links that work once and expire."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import AuditEvent, User
from smtp_server import SmtpServer
from support import TEST_PASSWORD, login
from survey.db import get_session
from survey.services import user_admin
from survey.services.workspaces import member_ids

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LINK = re.compile(r"(http://[^\s<\"]+/auth/set-password/[^\s<\"]+)")
STRONG = "violet harbour lantern 2026"


def csrf(client, url: str) -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_an_invited_user_sets_a_password_through_the_emailed_link(app, client, login_as) -> None:
    login_as("admin")
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        page = client.post("/admin/users?lang=en", data={"csrf_token": csrf(client, "/admin/users"),
                                                         "email": "New.Analyst@example.com", "name": "Nia",
                                                         "role": "analyst"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "A set-password link was e-mailed to new.analyst@example.com." in html
    (message,) = server.messages
    link = LINK.search(message.get_body(("plain",)).get_content()).group(1)
    assert link in html  # shown to the admin too
    path = link[len(app.config["PUBLIC_BASE_URL"]):]
    newcomer = app.test_client()
    assert login(newcomer, "new.analyst@example.com", STRONG).status_code != 302  # no password yet
    form = newcomer.get(path + "?lang=zh_CN").get_data(as_text=True)
    assert "设置密码" in form and "new.analyst@example.com" in form
    token = CSRF.search(form).group(1)
    weak = newcomer.post(path, data={"csrf_token": token, "new_password": "password12", "confirm_password": "password12"})
    assert weak.status_code == 422
    done = newcomer.post(path, data={"csrf_token": token, "new_password": STRONG, "confirm_password": STRONG})
    assert done.status_code == 302
    assert newcomer.get(path).status_code == 410  # used up
    assert login(newcomer, "new.analyst@example.com", STRONG).status_code == 302
    assert {"user_invite", "password_set_by_link"} <= set(audit_actions(app))


def test_without_mail_the_link_is_shown_and_an_expired_link_says_so(app, client, login_as, monkeypatch) -> None:
    login_as("admin")
    app.config["MAIL_URL"] = ""
    page = client.post("/admin/users?lang=en", data={"csrf_token": csrf(client, "/admin/users"),
                                                     "email": "v@example.com", "role": "viewer"}, follow_redirects=True)
    link = LINK.search(page.get_data(as_text=True)).group(1)
    monkeypatch.setattr(user_admin, "LINK_DAYS", -1)
    expired = app.test_client().get(link[len(app.config["PUBLIC_BASE_URL"]):] + "?lang=en")
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)
    taken = client.post("/admin/users?lang=en", data={"csrf_token": csrf(client, "/admin/users"),
                                                      "email": "v@example.com", "role": "viewer"})
    assert taken.status_code == 422 and "already exists" in taken.get_data(as_text=True)


def test_role_changes_and_disabling_end_sessions_and_the_last_admin_stays(app, client, login_as, make_user) -> None:
    admin = login_as("admin")
    designer = make_user("designer")
    other = app.test_client()
    assert login(other, designer.email).status_code == 302
    assert other.get("/design/").status_code == 200
    url = f"/admin/users/{designer.id}"
    with app.app_context():
        kept = sorted(member_ids(get_session(), designer.id))
    assert kept  # a new user joins the default workspace
    assert client.post(url, data={"csrf_token": csrf(client, url), "role": "viewer", "workspaces": kept}).status_code == 302
    assert other.get("/design/").status_code in (302, 401)  # signed out: its rights changed
    assert login(other, designer.email).status_code == 302 and other.get("/design/").status_code == 403
    token = csrf(client, url)
    assert client.post(f"{url}/disable", data={"csrf_token": token}).status_code == 302
    assert login(app.test_client(), designer.email).status_code != 302
    assert client.post(f"{url}/enable", data={"csrf_token": token}).status_code == 302
    assert login(app.test_client(), designer.email).status_code == 302
    own = f"/admin/users/{admin.id}"
    refused = client.post(own + "?lang=en", data={"csrf_token": csrf(client, own), "role": "designer"})
    assert refused.status_code == 422 and "last active administrator" in refused.get_data(as_text=True)
    assert [a for a in audit_actions(app) if a.startswith("user_")] == ["user_role", "user_disable", "user_enable"]


def test_only_admins_administer_users(client, login_as) -> None:
    login_as("designer")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/1").status_code == 403


def test_the_service_refuses_an_unknown_role(app, make_user) -> None:
    user = make_user("viewer")
    with app.app_context():
        db = get_session()
        with pytest.raises(user_admin.AccountError, match="not one of"):
            user_admin.set_role(db, db.get(User, user.id), "owner")
