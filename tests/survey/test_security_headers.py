"""Security headers on every page: CSP with a per-request nonce, no framing (except respondent
pages of a questionnaire that allows named sites), nosniff, Referrer-Policy, HSTS in production;
the designer's embedding settings."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from models import Questionnaire
from survey.app import create_app
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.security_headers import OriginError, content_security_policy, parse_embed_origins
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


@pytest.fixture
def published(app):
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return version.questionnaire_id, version.public_token


def test_every_page_gets_the_strict_headers(client) -> None:
    response = client.get("/auth/login")
    policy = _directives(response)
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # not in development or tests
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.headers["X-Frame-Options"] == "DENY"


def test_hsts_in_production_only(app, database_url, tmp_path) -> None:
    production = create_app({"ENVIRON": {"XINSHENG_ENV": "production", "SECRET_KEY": "k" * 40,
                                         "XINSHENG_INSTANCE": str(tmp_path)},
                             "SQLALCHEMY_DATABASE_URL": database_url, "JOB_QUEUE_URL": "memory://"})
    response = production.test_client().get("/auth/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    production.extensions["sqlalchemy_engine"].dispose()


def test_a_nonce_is_fresh_per_request_and_named_in_the_policy(app) -> None:
    @app.route("/nonce-probe")
    def probe():
        return render_template_string('<script nonce="{{ csp_nonce() }}">1</script>{{ csp_nonce() }}')

    app.view_functions["probe"].public_view = True
    client = app.test_client()
    nonces = []
    for _ in range(2):
        response = client.get("/nonce-probe")
        body = response.get_data(as_text=True)
        nonce = re.search(r'nonce="([^"]+)"', body).group(1)
        assert body.endswith(nonce) and len(nonce) >= 22  # one nonce per request
        assert _directives(response)["script-src"] == f"'self' 'nonce-{nonce}'"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_respondent_pages_keep_the_referrer_on_the_site_and_forbid_framing_by_default(client, published) -> None:
    _qid, token = published
    response = client.get(f"/s/{token}")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert _directives(response)["frame-ancestors"] == "'none'" and response.headers["X-Frame-Options"] == "DENY"


def test_respondent_pages_of_an_embeddable_questionnaire_name_the_allowed_sites(app, client, published) -> None:
    qid, token = published
    with app.app_context():
        session = get_session()
        session.get(Questionnaire, qid).embed_origins = "https://shop.example.com\nhttps://b.example:8443"
        session.commit()
    start = client.get(f"/s/{token}")
    assert _directives(start)["frame-ancestors"] == "https://shop.example.com https://b.example:8443"
    assert "X-Frame-Options" not in start.headers
    reply = client.post(f"/s/{token}", data={"csrf_token": re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', start.get_data(as_text=True)).group(1)})
    assert reply.status_code == 302 and "/s/r/" in reply.headers["Location"]
    page = client.get(reply.headers["Location"])
    assert page.status_code == 200
    assert _directives(page)["frame-ancestors"] == "https://shop.example.com https://b.example:8443"
    resume_token = re.search(r"/s/r/([^/?]+)", reply.headers["Location"]).group(1)
    resumed = client.get(f"/s/r/{resume_token}")  # the resume link: a redirect, framed alike
    assert resumed.status_code == 302
    assert _directives(resumed)["frame-ancestors"] == "https://shop.example.com https://b.example:8443"
    # the designer's pages stay unframeable
    assert client.get("/auth/login").headers["X-Frame-Options"] == "DENY"


def test_embed_origins_are_https_origins_only() -> None:
    assert parse_embed_origins("https://Shop.Example.com/\n\nhttps://shop.example.com:443\nhttps://a.example:8443") == (
        "https://shop.example.com", "https://a.example:8443")
    for bad in ("http://shop.example.com", "https://*.example.com", "https://a.example/path", "javascript:alert(1)",
                "https://a.example; script-src *", "'self'", "https://user@a.example", "https://a.example?x"):
        with pytest.raises(OriginError):
            parse_embed_origins(bad)
    with pytest.raises(OriginError, match="at most 20"):
        parse_embed_origins("\n".join(f"https://s{n}.example" for n in range(21)))
    assert "frame-ancestors https://a.example" in content_security_policy(None, ("https://a.example",))


@pytest.mark.parametrize(("lang", "message"), [("en", "is not a site address"), ("zh_CN", "不是网站地址")])
def test_the_designer_edits_the_sites_allowed_to_embed(app, client, login_as, published, lang, message) -> None:
    qid, _token = published
    login_as("designer")
    path = f"/design/{qid}/embedding?lang={lang}"
    assert client.get(path).status_code == 200
    refused = client.post(path, data={"csrf_token": csrf_token(client, path),
                                      "origins": "https://shop.example.com\nhttp://plain.example"})
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Questionnaire, qid).embed_origins == ""
    saved = client.post(path, data={"csrf_token": csrf_token(client, path),
                                    "origins": "https://Shop.example.com/\nhttps://shop.example.com\n"})
    assert saved.status_code == 302
    with app.app_context():
        assert get_session().get(Questionnaire, qid).embed_origins == "https://shop.example.com"
    assert "https://shop.example.com</textarea>" in client.get(path).get_data(as_text=True)
