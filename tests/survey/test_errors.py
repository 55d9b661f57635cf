from __future__ import annotations

import logging

import pytest
from flask import abort


@pytest.mark.parametrize(("lang", "text"), [("en", "Page not found"), ("zh_CN", "找不到页面")])
def test_404_page_in_both_languages(client, lang, text) -> None:
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_unexpected_error_shows_a_plain_page_and_logs_the_traceback(app, caplog) -> None:
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    app.view_functions["boom"].public_view = True
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="survey.errors"):
        response = client.get("/boom?lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "secret internal detail" in caplog.text


@pytest.mark.parametrize(("code", "en"), [(403, "You do not have access"), (422, "could not be processed")])
def test_other_error_pages(app, code, en) -> None:
    @app.route(f"/fail{code}")
    def fail():
        abort(code)

    app.view_functions["fail"].public_view = True
    response = app.test_client().get(f"/fail{code}?lang=en")
    assert response.status_code == code and en in response.get_data(as_text=True)
    zh = app.test_client().get(f"/fail{code}?lang=zh_CN").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh and en not in zh


def test_api_errors_are_json(app) -> None:
    response = app.test_client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"status": 404, "message": ""}}


def test_405_pages_carry_the_allow_header(client) -> None:
    response = client.get("/auth/logout?lang=en")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    assert "GET" not in response.headers["Allow"].split(", ")
    assert response.mimetype == "text/html"


def test_api_405_answers_carry_the_allow_header(client) -> None:
    response = client.delete("/api/v1/openapi.json")
    assert response.status_code == 405 and response.get_json()["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_a_failed_write_still_gets_the_error_page_for_a_signed_in_user(app, login_as, client) -> None:
    """The page loads the signed-in user; after a failed flush the request's session must be
    rolled back first, or rendering the 500 page fails too (PendingRollbackError)."""
    from models import User
    from survey.db import get_session

    @app.route("/failed-write")
    def failed_write():
        session = get_session()
        session.expire_all()  # the page will read the user again
        session.add(User(email=None, password_hash="x", role="designer"))  # NOT NULL breaks
        session.flush()
        return "unreachable"

    app.view_functions["failed_write"].public_view = True
    login_as("designer")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/failed-write?lang=en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "designer@example.com" in response.get_data(as_text=True)  # the page knew the user


def test_error_flashes_are_alerts_and_others_status_messages(app) -> None:
    from flask import flash, render_template_string

    with app.test_request_context("/?lang=en"):
        flash("Saved.")
        flash("The e-mail could not be sent.", "error")
        html = render_template_string("{% extends 'base.html' %}")
    assert '<div class="flash flash-error" role="alert"><p>The e-mail could not be sent.</p></div>' in html
    assert '<div class="flash" role="status"><p>Saved.</p></div>' in html
