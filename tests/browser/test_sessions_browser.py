"""In Chromium: a copy of a kept-signed-in browser's cookies stops working once the owner changes
the password from the header's "Password and sessions" page, and again after logout."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from support import TEST_PASSWORD

pytestmark = pytest.mark.browser
NEW_PASSWORD = "quiet lantern orbit marmalade"


def sign_in(page: Page, live_server: str, password: str) -> None:
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("E-mail").fill("designer@example.com")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Keep me signed in").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Welcome to Xinsheng")


def copy_signs_in(browser: Browser, live_server: str, cookies: list) -> bool:
    context = browser.new_context(locale="en-US")
    try:
        context.add_cookies(cookies)
        copy = context.new_page()
        copy.goto(f"{live_server}/")
        return copy.locator("h1").inner_text() == "Welcome to Xinsheng"
    finally:
        context.close()


def test_password_change_and_logout_end_copied_cookies(page: Page, browser: Browser, live_server: str, make_user) -> None:
    make_user("designer")
    sign_in(page, live_server, TEST_PASSWORD)
    copies = page.context.cookies()
    assert {cookie["name"] for cookie in copies} >= {"session", "remember_token"}
    assert copy_signs_in(browser, live_server, copies)

    page.get_by_role("link", name="Password and sessions").click()
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill("password12")
    page.get_by_label("New password again").fill("password12")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("commonly used password")
    expect(page.get_by_label("New password", exact=True)).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_have_text("Your password is changed. You were signed out everywhere else.")
    assert not copy_signs_in(browser, live_server, copies)

    page.goto(f"{live_server}/")
    expect(page.locator("h1")).to_have_text("Welcome to Xinsheng")  # this browser stays signed in
    copies = page.context.cookies()
    assert copy_signs_in(browser, live_server, copies)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    assert not copy_signs_in(browser, live_server, copies)
