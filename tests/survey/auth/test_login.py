from __future__ import annotations

from support import TEST_PASSWORD, csrf_token, login


def test_login_with_the_right_password_reaches_the_home_page(client, make_user) -> None:
    make_user("designer")
    response = login(client, "designer@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/", headers={"Accept-Language": "en"})
    assert "signed in as designer@example.com" in home.get_data(as_text=True)


def test_email_is_case_insensitive(client, make_user) -> None:
    make_user("viewer")
    assert login(client, "  Viewer@Example.COM ").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user) -> None:
    make_user("designer")
    response = client.post(
        "/auth/login?lang=en",
        data={"email": "designer@example.com", "password": "nope", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 422
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous


def test_disabled_user_cannot_sign_in(client, make_user, app) -> None:
    from survey.db import get_session

    user = make_user("analyst")
    with app.app_context():
        db = get_session()
        db.get(type(user), user.id).active = False
        db.commit()
    assert login(client, user.email).status_code == 422


def test_login_form_without_csrf_token_is_rejected(client, make_user) -> None:
    make_user("designer")
    response = client.post("/auth/login", data={"email": "designer@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, make_user) -> None:
    make_user("designer")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/auth/login?next={target}",
            data={"email": "designer@example.com", "password": TEST_PASSWORD, "csrf_token": csrf_token(client)},
        )
        assert response.headers["Location"] == "/", target
        client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})


def test_logout_needs_post_with_csrf(client, login_as) -> None:
    login_as("designer")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_is_stored_as_an_argon2id_hash(session, make_user) -> None:
    user = make_user("admin")
    stored = session.get(type(user), user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert TEST_PASSWORD not in stored


def test_session_cookie_flags(app, client, make_user) -> None:
    make_user("designer")
    response = login(client, "designer@example.com")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Production config marks cookies Secure; tests run over plain http.
    from config import Config

    assert Config.SESSION_COOKIE_SECURE and Config.REMEMBER_COOKIE_SECURE
