from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from survey.i18n import normalise_locale
from support import csrf_token

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh-CN", "zh_CN"), ("zh", "zh_CN"), ("zh_Hans", "zh_CN"), ("en-US", "en"), ("EN", "en"), ("fr", None), ("", None)],
)
def test_normalise_locale(given, expected) -> None:
    assert normalise_locale(given) == expected


def test_default_is_chinese(client) -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "登录" in html


def test_accept_language_picks_english(client) -> None:
    html = client.get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html


def test_link_beats_cookie_beats_accept_language(client) -> None:
    client.set_cookie("xs_lang", "en")
    assert "Sign in" in client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "登录" in client.get("/auth/login?lang=zh_CN").get_data(as_text=True)


def test_switcher_sets_the_cookie_and_returns(client) -> None:
    token = csrf_token(client)
    response = client.post("/language/en", data={"csrf_token": token, "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "xs_lang=en" in response.headers["Set-Cookie"]
    assert "Sign in" in client.get("/auth/login").get_data(as_text=True)


def test_switcher_rejects_unknown_language_and_missing_csrf(client) -> None:
    assert client.post("/language/fr", data={"csrf_token": csrf_token(client)}).status_code == 404
    assert client.post("/language/en").status_code == 400


def test_every_message_is_translated_into_chinese(tmp_path) -> None:
    """Extract the messages from the code and templates now, and require a zh_CN translation
    for each one: a new English string without a Chinese one fails here."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (ROOT / "translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else m.string[0]) and not m.fuzzy
    }
    assert sorted(wanted - translated) == []
