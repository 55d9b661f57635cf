"""Every registered route is either deliberately public or guarded by a role check, and the
guard really refuses anonymous and wrong-role requests."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from models import ROLES
from survey.auth.roles import PUBLIC_ATTRIBUTE
from support import csrf_token


def _fill(rule: str) -> str:
    """A concrete URL for a rule: every converter gets a plausible value (``any``: its first)."""
    def value(match: re.Match[str]) -> str:
        converter, arguments = match.group(1), match.group(2)
        if converter == "int":
            return "1"
        if converter == "any" and arguments:
            return arguments.split(",")[0].strip().strip("'\"")
        return "x"
    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", value, rule)


def guarded_routes(app: Flask) -> list[tuple[str, str, frozenset[str]]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, PUBLIC_ATTRIBUTE, False):
            continue
        roles = getattr(view, "required_roles", None)
        assert roles, f"{rule.rule} ({rule.endpoint}) is neither @public nor @role_required"
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        routes.append((_fill(rule.rule), method, roles))
    return routes


def test_every_route_is_public_or_role_guarded(app: Flask) -> None:
    guarded_routes(app)  # asserts inside


def test_anonymous_requests_to_guarded_routes_go_to_login(app: Flask, client) -> None:
    for url, method, _roles in guarded_routes(app):
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
        assert response.status_code in (302, 401), (url, method, response.status_code)
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_wrong_role_is_forbidden(app: Flask, client, login_as, role: str) -> None:
    login_as(role)
    token = csrf_token(client, "/")
    for url, method, roles in guarded_routes(app):
        if role in roles:
            continue
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 403, (role, url, method, response.status_code)


def test_a_guarded_view_is_detected(app: Flask) -> None:
    """The walker itself notices an unguarded route (so the tests above can fail)."""
    app.add_url_rule("/unguarded-probe", "unguarded_probe", lambda: "open")
    with pytest.raises(AssertionError, match="unguarded-probe"):
        guarded_routes(app)
