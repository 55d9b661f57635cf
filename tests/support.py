"""Helpers shared by tests (importable as ``support``; fixtures live in conftest.py)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

TEST_PASSWORD = "correct horse battery staple"

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """The CSRF token the server puts in a form on ``path`` for this client's session."""
    html = client.get(path).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, email: str, password: str = TEST_PASSWORD):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
    )


