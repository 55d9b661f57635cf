"""Workspaces administered in the web and on the command line: create and rename (names unique
and bounded), members chosen on the invite and user forms, every change audited; a designer in
two workspaces chooses where a questionnaire goes and can move it; a user in none is told why
they cannot create anything."""
from __future__ import annotations

import re

from sqlalchemy import select

from models import AuditEvent, Questionnaire, User, Workspace
from support import csrf_token, login
from survey.db import get_session
from survey.services import workspaces


def _actions(app) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_admin_creates_renames_and_fills_workspaces(app, client, login_as) -> None:
    login_as("admin")
    page = client.get("/admin/workspaces?lang=zh_CN").get_data(as_text=True)
    assert "工作区" in page and workspaces.DEFAULT_NAME in page
    created = client.post("/admin/workspaces", data={"csrf_token": csrf_token(client, "/admin/workspaces"),
                                                     "name": "  华东   区域 "})
    assert created.status_code == 302
    with app.app_context():
        east = get_session().scalars(select(Workspace).where(Workspace.name == "华东 区域")).one()
        east_id, default_id = east.id, workspaces.default_workspace(get_session()).id
    taken = client.post("/admin/workspaces?lang=en", data={"csrf_token": csrf_token(client, "/admin/workspaces"),
                                                           "name": "华东 区域"})
    assert taken.status_code == 422 and "already exists" in taken.get_data(as_text=True)
    too_long = client.post("/admin/workspaces?lang=en", data={"csrf_token": csrf_token(client, "/admin/workspaces"),
                                                              "name": "x" * 121})
    assert too_long.status_code == 422
    url = f"/admin/workspaces/{east_id}"
    assert client.post(url, data={"csrf_token": csrf_token(client, url), "name": "East"}).status_code == 302
    # Invite a designer into East only.
    invited = client.post("/admin/users", data={"csrf_token": csrf_token(client, "/admin/users"),
                                                "email": "east@example.com", "role": "designer",
                                                "workspaces": [str(east_id)]})
    assert invited.status_code == 302
    with app.app_context():
        user = get_session().scalars(select(User).where(User.email == "east@example.com")).one()
        assert workspaces.member_ids(get_session(), user.id) == {east_id}
    assert "east@example.com" in client.get(url).get_data(as_text=True)
    # Both workspaces on the user's page.
    user_url = f"/admin/users/{user.id}"
    assert client.post(user_url, data={"csrf_token": csrf_token(client, user_url), "role": "designer",
                                       "workspaces": [str(east_id), str(default_id)]}).status_code == 302
    with app.app_context():
        assert workspaces.member_ids(get_session(), user.id) == {east_id, default_id}
    assert client.post(user_url, data={"csrf_token": csrf_token(client, user_url), "role": "designer",
                                       "workspaces": ["999"]}).status_code == 422
    actions = [a for a in _actions(app) if a.startswith(("workspace_", "user_"))]
    assert actions == ["workspace_create", "workspace_rename", "user_invite", "user_workspaces"]


def test_a_designer_of_two_workspaces_chooses_and_moves(app, client, make_user) -> None:
    user = make_user("designer")
    with app.app_context():
        session = get_session()
        default_id = workspaces.default_workspace(session).id
        other = workspaces.create_workspace(session, "Other").id
        third = workspaces.create_workspace(session, "Not mine").id
        workspaces.set_memberships(session, session.get(User, user.id), {default_id, other})
        session.commit()
    assert login(client, user.email).status_code == 302
    page = client.get("/design/new?lang=en").get_data(as_text=True)
    assert "Other" in page and "Not mine" not in page and 'name="workspace"' in page
    created = client.post("/design/new", data={"csrf_token": csrf_token(client, "/design/new"), "title_en": "Two",
                                               "workspace": str(other)})
    assert created.status_code == 302
    questionnaire_id = int(re.search(r"/design/(\d+)", created.headers["Location"]).group(1))
    overview = f"/design/{questionnaire_id}"
    assert "Move to another workspace" in client.get(overview + "?lang=en").get_data(as_text=True)
    move = f"/design/{questionnaire_id}/workspace"
    refused = client.post(move, data={"csrf_token": csrf_token(client, overview), "workspace": str(third)})
    assert refused.status_code == 302
    with app.app_context():
        assert get_session().get(Questionnaire, questionnaire_id).workspace_id == other
    assert client.post(move, data={"csrf_token": csrf_token(client, overview),
                                   "workspace": str(default_id)}).status_code == 302
    with app.app_context():
        assert get_session().get(Questionnaire, questionnaire_id).workspace_id == default_id
    assert "questionnaire_move" in _actions(app)


def test_a_user_in_no_workspace_is_told_why(app, client, make_user) -> None:
    user = make_user("designer")
    with app.app_context():
        session = get_session()
        workspaces.set_memberships(session, session.get(User, user.id), set())
        session.commit()
    assert login(client, user.email).status_code == 302
    for path in ("/design/new", "/design/new/template", "/design/import"):
        reply = client.get(path + "?lang=en")
        assert reply.status_code == 403 and "Ask an administrator" in reply.get_data(as_text=True)
    assert client.get("/design/").status_code == 200
    assert client.get("/complaints/import").status_code == 403


def test_workspace_commands(app, runner, make_user) -> None:
    make_user("analyst", "ana@example.com")
    assert runner.invoke(args=["workspaces", "create", "North"]).exit_code == 0
    refused = runner.invoke(args=["workspaces", "create", "north"])
    assert refused.exit_code != 0 and "already exists" in refused.output
    assert runner.invoke(args=["workspaces", "add", "ana@example.com", "North"]).exit_code == 0
    listed = runner.invoke(args=["workspaces", "list"]).output
    assert re.search(r"\tNorth\t1 members\t0 questionnaires", listed)
    assert runner.invoke(args=["workspaces", "remove", "ana@example.com", "North"]).exit_code == 0
    assert runner.invoke(args=["workspaces", "rename", "North", "North China"]).exit_code == 0
    unknown = runner.invoke(args=["workspaces", "add", "ana@example.com", "Nowhere"])
    assert unknown.exit_code != 0 and "no workspace has the id or name 'Nowhere'" in unknown.output
    created = runner.invoke(args=["users", "create", "n@example.com", "--role", "viewer", "--workspace", "North China",
                                  "--password", "correct horse battery staple 9"])
    assert created.exit_code == 0, created.output
    with app.app_context():
        session = get_session()
        north = workspaces.find_workspace(session, "North China").id
        viewer = session.scalars(select(User).where(User.email == "n@example.com")).one()
        assert workspaces.member_ids(session, viewer.id) == {north}
    token = runner.invoke(args=["api-tokens", "create", "feed", "--role", "designer", "--workspace", "North China"])
    assert token.exit_code == 0 and "every workspace" not in runner.invoke(args=["api-tokens", "list"]).output
    assert [a for a in _actions(app) if a.startswith(("workspace_", "user_"))] == [
        "workspace_create", "user_workspaces", "user_workspaces", "workspace_rename", "user_create"]
