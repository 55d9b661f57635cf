"""TRUSTED_PROXIES: behind N proxies the client's address, scheme and host come from the
X-Forwarded-* headers (werkzeug's ProxyFix); with 0, the default, those headers change nothing —
least of all the address the rate limits count by."""
from __future__ import annotations

import pytest
from flask import Flask, request, url_for

from config import ConfigError, load_environment
from survey.app import create_app
from support import csrf_token

NGINX = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https",
         "X-Forwarded-Host": "survey.example.com"}
PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # the proxy's own address, as the web host sees it


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """An app on the same database as ``app`` behind ``hops`` proxies, with a /_seen probe that
    tells what the request looks like to the views."""
    made: list[Flask] = []

    def make(hops: int) -> Flask:
        other = create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path),
                                        "TRUSTED_PROXIES": str(hops)},
                            "SQLALCHEMY_DATABASE_URL": database_url, "JOB_QUEUE_URL": "memory://",
                            "JOB_QUEUE_IMMEDIATE": True, "RATE_LIMIT_LOGIN_ADDRESS": "2 per 15 minutes"})
        other.add_url_rule("/_seen", "seen", lambda: {
            "address": request.remote_addr, "scheme": request.scheme, "host": request.host,
            "secure": request.is_secure, "external": url_for("auth.login", _external=True)})
        made.append(other)
        return other

    yield make
    for other in made:
        other.extensions["sqlalchemy_engine"].dispose()


def test_behind_one_proxy_the_forwarded_client_scheme_and_host_are_used(make_app) -> None:
    seen = make_app(1).test_client().get("/_seen", headers=NGINX, environ_base=PROXY).get_json()
    assert seen == {"address": "198.51.100.7", "scheme": "https", "host": "survey.example.com",
                    "secure": True, "external": "https://survey.example.com/auth/login"}


def test_only_the_last_hop_is_believed_behind_one_proxy(make_app) -> None:
    # nginx appends the address it saw: what the client wrote before it is not believed.
    spoofed = {**NGINX, "X-Forwarded-For": "203.0.113.66, 198.51.100.7"}
    seen = make_app(1).test_client().get("/_seen", headers=spoofed, environ_base=PROXY).get_json()
    assert seen["address"] == "198.51.100.7"


def test_without_trusted_proxies_the_headers_are_ignored(make_app) -> None:
    seen = make_app(0).test_client().get("/_seen", headers={**NGINX, "Host": "localhost"},
                                         environ_base=PROXY).get_json()
    assert seen == {"address": "10.0.0.2", "scheme": "http", "host": "localhost", "secure": False,
                    "external": "http://localhost/auth/login"}


def _failed_logins(app: Flask, forwarded_for: list[str]) -> list[int]:
    """A wrong password per address in ``forwarded_for`` (each for another e-mail address, so
    only the per-address limit can refuse), all from the proxy's connection."""
    client = app.test_client()
    statuses = []
    for number, address in enumerate(forwarded_for):
        headers = {"X-Forwarded-For": address}
        token = csrf_token(client)
        statuses.append(client.post("/auth/login", headers=headers, environ_base=PROXY, data={
            "email": f"nobody{number}@example.com", "password": "wrong", "csrf_token": token}).status_code)
    return statuses


def test_spoofed_forwarded_for_does_not_change_the_rate_limit_key_without_trusted_proxies(make_app) -> None:
    # Limit: 2 failed sign-ins per address. Three "different clients" are one address here.
    assert _failed_logins(make_app(0), ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [422, 422, 429]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(make_app) -> None:
    app = make_app(1)
    assert _failed_logins(app, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [422, 422, 422]
    assert _failed_logins(app, ["198.51.100.1", "198.51.100.1"]) == [422, 429]  # two failures: its limit


def test_a_respondent_page_posts_over_https_behind_the_proxy(make_app, session) -> None:
    """Behind TLS the CSRF check also compares the Referer with the host (Flask-WTF on https):
    the respondent pages' referrer policy must let the browser send it to our own origin."""
    from survey.services.demo import seed_demo
    from sqlalchemy import select

    from models import QuestionnaireVersion

    seed_demo(session)
    session.commit()
    token = session.scalars(select(QuestionnaireVersion.public_token)
                            .where(QuestionnaireVersion.state == "published")).first()
    session.close()  # the other app writes to this database next
    app = make_app(1)
    client = app.test_client()
    headers = {**NGINX, "Host": "web1.internal:8000"}
    welcome = client.get(f"/s/{token}?lang=en", headers=headers, environ_base=PROXY)
    assert welcome.status_code == 200
    policy = welcome.headers["Referrer-Policy"]
    assert policy == "same-origin"  # sent to our own pages only: the tokens never leave the site
    page_url = f"https://survey.example.com/s/{token}?lang=en"
    start = client.post(f"/s/{token}?lang=en", headers={**headers, "Referer": page_url}, environ_base=PROXY,
                        data={"csrf_token": csrf_token_from(welcome.get_data(as_text=True)), "consent": "yes"})
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    # Without a Referer (what no-referrer made browsers do) Flask-WTF refuses the post on https.
    refused = client.post(f"/s/{token}?lang=en", headers=headers, environ_base=PROXY,
                          data={"csrf_token": csrf_token_from(welcome.get_data(as_text=True))})
    assert refused.status_code == 400


def csrf_token_from(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_trusted_proxies_is_read_from_the_environment_and_checked(tmp_path) -> None:
    environ = {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(tmp_path)}
    assert load_environment(environ)["TRUSTED_PROXIES"] == 0
    assert load_environment({**environ, "TRUSTED_PROXIES": "1"})["TRUSTED_PROXIES"] == 1
    for bad in ("yes", "-1", "9"):
        with pytest.raises(ConfigError, match=rf"TRUSTED_PROXIES='{bad}' must be the number of proxies"):
            load_environment({**environ, "TRUSTED_PROXIES": bad})
