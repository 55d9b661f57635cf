"""Links we hand out start with the configured public address, whatever Host a request names;
with the address configured, a request naming another host is refused (400)."""
from __future__ import annotations

import io

import pytest

from config import DEFAULT_BASE_URL, ConfigError, load_environment, public_address
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token

BASE = "https://survey.example.com"


def test_the_public_address_comes_from_the_environment() -> None:
    assert public_address({}) == {"PUBLIC_BASE_URL": DEFAULT_BASE_URL}
    assert public_address({"XINSHENG_BASE_URL": "https://survey.example.com/",
                           "XINSHENG_TRUSTED_HOSTS": " internal.lan , 10.0.0.5"}) == {
        "PUBLIC_BASE_URL": BASE, "TRUSTED_HOSTS": ["survey.example.com", "internal.lan", "10.0.0.5"]}
    settings = load_environment({"XINSHENG_ENV": "testing", "XINSHENG_BASE_URL": "http://127.0.0.1:8000"})
    assert settings["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000" and settings["TRUSTED_HOSTS"] == ["127.0.0.1"]


@pytest.mark.parametrize("bad", ["survey.example.com", "ftp://survey.example.com", "https://x.example/app",
                                 "https://user:pw@x.example", "https://x.example/?a=1"])
def test_a_malformed_public_address_stops_the_start(bad) -> None:
    with pytest.raises(ConfigError, match="XINSHENG_BASE_URL"):
        public_address({"XINSHENG_BASE_URL": bad})


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return version.questionnaire_id


def _host_client(app, host: str = "evil.example"):
    """A client whose every request reaches the app naming ``host`` (as a forged Host would)."""
    inner = app.wsgi_app

    def forged(environ, start_response):
        environ["HTTP_HOST"] = host
        return inner(environ, start_response)

    app.wsgi_app = forged
    return app.test_client()


def test_links_csv_and_pages_use_the_configured_address_not_the_host_header(app, make_user, questionnaire_id) -> None:
    app.config["PUBLIC_BASE_URL"] = BASE
    client = _host_client(app)
    make_user("designer")
    token = csrf_token(client)
    assert client.post("/auth/login", data={"csrf_token": token, "email": "designer@example.com",
                                            "password": __import__("support").TEST_PASSWORD}).status_code == 302
    path = f"/invitations/{questionnaire_id}"
    reply = client.post(path, data={"csrf_token": csrf_token(client, path), "file": (
        io.BytesIO(b"customer_ref,language\nC1,en\nC2,zh_CN\n"), "list.csv")}, content_type="multipart/form-data")
    assert reply.status_code == 302
    links = client.get(f"/invitations/{questionnaire_id}/links.csv").get_data(as_text=True)
    rows = [line.rsplit(",", 1)[1] for line in links.strip().splitlines()[1:]]
    assert len(rows) == 2 and all(link.startswith(f"{BASE}/s/i/") for link in rows), rows
    assert "evil.example" not in links
    page = client.get(path).get_data(as_text=True)
    assert f"{BASE}/s/i/" in page and f"{BASE}/s/" in page and "evil.example" not in page
    overview = client.get(f"/design/{questionnaire_id}").get_data(as_text=True)
    assert f'href="{BASE}/s/' in overview and "evil.example" not in overview


def test_resume_links_use_the_configured_address(app, questionnaire_id) -> None:
    app.config["PUBLIC_BASE_URL"] = BASE
    client = _host_client(app)
    with app.app_context():
        from survey.services.invitations import published_version
        public_token = published_version(get_session(), questionnaire_id).public_token
    page = f"/s/{public_token}?lang=en"
    reply = client.post(page, data={"csrf_token": csrf_token(client, page)})
    assert reply.status_code == 302
    html = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert f">{BASE}/s/r/" in html and "evil.example" not in html


def test_a_foreign_host_is_refused_when_the_address_is_configured(app) -> None:
    app.config.update(PUBLIC_BASE_URL=BASE, TRUSTED_HOSTS=["survey.example.com"])
    refused = app.test_client().get("/auth/login", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "请求无法处理" in refused.get_data(as_text=True)
    assert app.test_client().get("/auth/login", headers={"Host": "survey.example.com"}).status_code == 200
