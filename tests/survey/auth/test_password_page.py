"""The page where a signed-in user changes their own password (bilingual, CSRF, password rule)."""
from __future__ import annotations

import pytest

from support import TEST_PASSWORD, csrf_token, login

NEW_PASSWORD = "quiet lantern orbit marmalade"


def change(client, current: str, new: str, again: str | None = None, lang: str = "en"):
    return client.post(f"/auth/password?lang={lang}", data={
        "current_password": current, "new_password": new,
        "confirm_password": new if again is None else again,
        "csrf_token": csrf_token(client, "/auth/password")})


def test_every_role_reaches_the_page_from_the_header(client, make_user) -> None:
    for role in ("admin", "designer", "analyst", "viewer"):
        user = make_user(role)
        login(client, user.email)
        home = client.get("/?lang=en").get_data(as_text=True)
        assert 'href="/auth/password"' in home and "Password and sessions" in home
        page = client.get("/auth/password?lang=en")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Change your password" in html and 'autocomplete="new-password"' in html
        client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    response = client.get("/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_page_is_in_chinese(client, login_as) -> None:
    login_as("viewer")
    html = client.get("/auth/password?lang=zh_CN").get_data(as_text=True)
    assert "修改密码" in html and "退出其他所有地方的登录" in html and "当前密码" in html


@pytest.mark.parametrize(
    ("weak", "lang", "reason"),
    [
        ("aaaaaaaaaa", "en", "This password is too easy to guess: repeated characters"),
        ("password12", "en", "it is (or is close to) a commonly used password"),
        ("password12", "zh_CN", "密码太容易被猜到：它是（或接近）一个常用密码。"),
        ("short", "zh_CN", "密码至少需要 10 个字符（现在是 5 个）。"),
        ("designer@example.com", "en", "it contains your e-mail address or name"),
    ],
)
def test_weak_new_password_is_refused_with_the_reason(client, login_as, weak, lang, reason) -> None:
    login_as("designer")
    response = change(client, TEST_PASSWORD, weak, lang=lang)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert reason in html
    assert 'id="new_password-error" role="alert"' in html
    assert login(client.application.test_client(), "designer@example.com").status_code == 302  # unchanged


def test_wrong_current_password_and_mismatch_are_refused(client, login_as) -> None:
    login_as("analyst")
    wrong = change(client, "not my password at all", NEW_PASSWORD)
    assert wrong.status_code == 422 and "The current password is wrong." in wrong.get_data(as_text=True)
    differ = change(client, TEST_PASSWORD, NEW_PASSWORD, again=NEW_PASSWORD + "x", lang="zh_CN")
    assert differ.status_code == 422 and "两次输入的新密码不一致。" in differ.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still signed in
    assert login(client.application.test_client(), "analyst@example.com").status_code == 302


def test_change_needs_csrf(client, login_as) -> None:
    login_as("viewer")
    response = client.post("/auth/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert login(client.application.test_client(), "viewer@example.com").status_code == 302


def test_successful_change_says_so_and_the_new_password_works(client, login_as) -> None:
    login_as("viewer")
    response = change(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/password"
    page = client.get("/auth/password?lang=en").get_data(as_text=True)
    assert "Your password is changed. You were signed out everywhere else." in page
    other = client.application.test_client()
    assert login(other, "viewer@example.com").status_code == 422
    assert login(other, "viewer@example.com", NEW_PASSWORD).status_code == 302
