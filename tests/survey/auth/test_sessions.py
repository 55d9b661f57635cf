"""Sessions are revocable: logout, a password change and "sign out everywhere" end every copy of
the user's session and remember-me cookies; the CSRF secret changes at login and logout."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from support import TEST_PASSWORD, csrf_token, login

REMEMBER = "remember_token"
NEW_PASSWORD = "quiet lantern orbit marmalade"


def remembered_login(client: FlaskClient, email: str) -> dict[str, str]:
    """Sign in with "Keep me signed in" and return copies of both cookies."""
    response = client.post("/auth/login", data={
        "email": email, "password": TEST_PASSWORD, "remember": "y", "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return {name: client.get_cookie(name).value for name in ("session", REMEMBER)}


def signed_in_with(app, name: str, value: str) -> bool:
    """Whether a fresh browser holding only this cookie reaches the home page."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser.get("/").status_code == 200


def assert_copies_work(app, copies: dict[str, str], expected: bool) -> None:
    for name, value in copies.items():
        assert signed_in_with(app, name, value) is expected, name


def test_copied_cookies_work_while_the_session_lasts(app, client, make_user) -> None:
    """The baseline the revocation tests rely on: each copy alone signs a browser in."""
    make_user("designer")
    assert_copies_work(app, remembered_login(client, "designer@example.com"), True)


def test_logout_ends_every_copy_of_the_session_and_remember_me_cookie(app, client, make_user) -> None:
    make_user("designer")
    copies = remembered_login(client, "designer@example.com")
    other_browser = app.test_client()
    login(other_browser, "designer@example.com")

    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302

    assert_copies_work(app, copies, False)
    assert other_browser.get("/").status_code == 302  # every session of the user ended
    assert client.get("/").status_code == 302
    assert login(client, "designer@example.com").status_code == 302  # signing in again works


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, make_user) -> None:
    make_user("analyst")
    copies = remembered_login(client, "analyst@example.com")
    other_browser = app.test_client()
    login(other_browser, "analyst@example.com")

    response = client.post("/auth/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD, "csrf_token": csrf_token(client, "/auth/password")})
    assert response.status_code == 302

    assert client.get("/").status_code == 200  # this browser continues with the new token
    assert other_browser.get("/").status_code == 302
    assert_copies_work(app, copies, False)
    fresh = app.test_client()
    assert login(fresh, "analyst@example.com").status_code == 422
    assert login(fresh, "analyst@example.com", NEW_PASSWORD).status_code == 302


def test_password_change_renews_this_browsers_remember_me_cookie(app, client, make_user) -> None:
    make_user("viewer")
    old = remembered_login(client, "viewer@example.com")
    client.post("/auth/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD, "csrf_token": csrf_token(client, "/auth/password")})
    renewed = client.get_cookie(REMEMBER).value
    assert renewed != old[REMEMBER]
    assert signed_in_with(app, REMEMBER, renewed)


def test_sign_out_everywhere_else_keeps_only_this_browser(app, client, make_user) -> None:
    make_user("viewer")
    copies = remembered_login(client, "viewer@example.com")
    response = client.post("/auth/sign-out-everywhere", data={"csrf_token": csrf_token(client, "/auth/password")})
    assert response.status_code == 302
    assert_copies_work(app, copies, False)
    assert client.get("/").status_code == 200


def test_sign_out_everywhere_needs_csrf(app, client, make_user) -> None:
    make_user("viewer")
    copies = remembered_login(client, "viewer@example.com")
    assert client.post("/auth/sign-out-everywhere").status_code == 400
    assert_copies_work(app, copies, True)


def test_admin_command_signs_a_user_out_everywhere(app, client, runner, make_user) -> None:
    make_user("designer")
    copies = remembered_login(client, "designer@example.com")
    result = runner.invoke(args=["users", "sign-out-everywhere", "Designer@example.com"])
    assert result.exit_code == 0, result.output
    assert_copies_work(app, copies, False)
    assert client.get("/").status_code == 302
    unknown = runner.invoke(args=["users", "sign-out-everywhere", "nobody@example.com"])
    assert unknown.exit_code != 0 and "nobody@example.com" in unknown.output


def test_admin_password_reset_ends_the_sessions(app, client, runner, make_user) -> None:
    make_user("designer")
    copies = remembered_login(client, "designer@example.com")
    result = runner.invoke(args=["users", "set-password", "designer@example.com", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert_copies_work(app, copies, False)
    assert login(app.test_client(), "designer@example.com", NEW_PASSWORD).status_code == 302


def test_a_disabled_user_is_signed_out(app, client, make_user) -> None:
    from survey.db import get_session

    user = make_user("designer")
    copies = remembered_login(client, user.email)
    with app.app_context():
        db = get_session()
        db.get(type(user), user.id).active = False
        db.commit()
    assert_copies_work(app, copies, False)


@pytest.mark.parametrize("forged_id", ["1", "1:", "1:wrong-token", ":x", "99999999999999999999999:x"])
def test_session_without_the_current_token_is_anonymous(app, make_user, forged_id: str) -> None:
    """A validly signed session naming only the id (as before revocable sessions) or a wrong
    token does not sign anyone in."""
    make_user("admin")
    browser = app.test_client()
    assert login(browser, "admin@example.com").status_code == 302
    with browser.session_transaction() as session:
        assert session["_user_id"].startswith("1:")
        session["_user_id"] = forged_id  # the rest (_id for strong protection) stays valid
    assert browser.get("/").status_code == 302


def test_strong_session_protection_still_drops_a_session_used_by_another_browser(app, client, make_user) -> None:
    make_user("designer")
    response = login(client, "designer@example.com")
    assert response.status_code == 302
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/", headers={"User-Agent": "another browser"}).status_code == 302
    assert client.get("/").status_code == 200


def test_csrf_token_from_before_login_is_not_accepted_after_login(app, client, make_user) -> None:
    make_user("designer")
    before = csrf_token(client)
    with client.session_transaction() as session:
        secret_before = session["csrf_token"]
    assert login(client, "designer@example.com").status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != secret_before
    assert client.post("/auth/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    after = csrf_token(client, "/")
    assert after != before
    assert client.post("/auth/logout", data={"csrf_token": after}).status_code == 302


def test_csrf_token_from_before_logout_is_not_accepted_after_logout(app, client, make_user) -> None:
    make_user("designer")
    login(client, "designer@example.com")
    signed_in_token = csrf_token(client, "/")
    client.post("/auth/logout", data={"csrf_token": signed_in_token})
    response = client.post("/language/en", data={"csrf_token": signed_in_token, "next": "/"})
    assert response.status_code == 400


def test_remember_me_cookie_lasts_30_days(client, make_user) -> None:
    from email.utils import parsedate_to_datetime
    from datetime import UTC, datetime, timedelta

    make_user("designer")
    response = client.post("/auth/login", data={
        "email": "designer@example.com", "password": TEST_PASSWORD, "remember": "y",
        "csrf_token": csrf_token(client)})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
