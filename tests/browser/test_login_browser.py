"""A person signs in with Chromium and switches language on the home page."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from support import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_login_and_switch_language(page: Page, live_server: str, make_user) -> None:
    make_user("designer")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(page.locator("h1")).to_have_text("Sign in")  # browser asks for en-US
    page.get_by_label("E-mail").fill("designer@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Welcome to Xinsheng")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("欢迎使用心声")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.reload()  # the choice is remembered
    expect(page.locator("h1")).to_have_text("欢迎使用心声")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Welcome to Xinsheng")


def test_wrong_password_is_announced_next_to_the_field(page: Page, live_server: str, make_user) -> None:
    make_user("viewer")
    page.goto(f"{live_server}/auth/login?lang=zh_CN")
    page.get_by_label("电子邮箱").fill("viewer@example.com")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("邮箱或密码错误。")
    expect(page.get_by_label("密码")).to_have_attribute("aria-invalid", "true")
