"""A response is recorded exactly once and never lost: double click, back-button resubmit, two
tabs, concurrent POSTs, and a database outage in the middle of a save."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import Response
from survey.db import get_session
from survey.services import collection as service
from survey.services.response_state import ResponseState
from support import WriteOutage


def _responses(app) -> list[Response]:
    with app.app_context():
        return list(get_session().scalars(select(Response).order_by(Response.id)))


def _to_last_page(client, kit, url) -> str:
    """Answer pages 1 and 2; returns the URL of the last page."""
    html = client.get(url).get_data(as_text=True)
    tokens = kit.page_tokens(html) | {"xs_shown": "intro region channel features new_customer since"}
    page2 = client.post(url, data={**tokens, **kit.PAGE1}).headers["Location"]
    html = client.get(page2).get_data(as_text=True)
    return client.post(page2, data={**kit.page_tokens(html), **kit.PAGE2}).headers["Location"]


def test_double_clicked_submit_records_one_response(app, client, start, kit) -> None:
    last = _to_last_page(client, kit, start())
    form = {**kit.page_tokens(client.get(last).get_data(as_text=True)), **kit.PAGE3}
    first = client.post(last, data=form)
    second = client.post(last, data=form)
    assert first.status_code == 302 and first.headers["Location"].endswith("/done")
    assert second.status_code == 409
    assert "Your answers were already received" in second.get_data(as_text=True)
    [response] = _responses(app)
    assert response.status == "complete" and response.idempotency_key == form["xs_submission"]


def test_back_button_resubmit_of_an_earlier_page_changes_nothing(app, client, start, kit) -> None:
    first_page = start()
    page1_form = {**kit.page_tokens(client.get(first_page).get_data(as_text=True)), **kit.PAGE1,
                  "xs_shown": "intro region channel features new_customer since"}
    last = _to_last_page(client, kit, first_page)
    client.post(last, data={**kit.page_tokens(client.get(last).get_data(as_text=True)), **kit.PAGE3})
    before = _responses(app)[0]
    # The browser's back button shows the cached first page; the respondent changes and sends it.
    reply = client.post(first_page, data=page1_form | {"region": "south"})
    assert reply.status_code == 409 and "already received" in reply.get_data(as_text=True)
    assert client.get(first_page).status_code == 200  # GET after completion: the polite page
    [after] = _responses(app)
    assert after.answers == before.answers and after.answers["region"] == "north"
    assert after.submitted_at == before.submitted_at


def test_two_tabs_one_response(app, client, published, start, kit) -> None:
    tab_a = start()
    last = _to_last_page(client, kit, tab_a)
    # Tab B opens the public link in the same browser: it continues the same response.
    welcome = client.get(f"/s/{published.public_token}").get_data(as_text=True)
    reply = client.post(f"/s/{published.public_token}",
                        data={"csrf_token": kit.CSRF.search(welcome).group(1)})
    assert reply.headers["Location"] == last
    tab_a_form = {**kit.page_tokens(client.get(last).get_data(as_text=True)), **kit.PAGE3}
    tab_b_form = {**kit.page_tokens(client.get(last).get_data(as_text=True)), **kit.PAGE3,
                  "comment": "From tab B"}
    assert tab_a_form["xs_submission"] != tab_b_form["xs_submission"]
    assert client.post(last, data=tab_b_form).status_code == 302
    reply = client.post(last, data=tab_a_form)
    assert reply.status_code == 409 and "already received" in reply.get_data(as_text=True)
    [response] = _responses(app)
    assert response.answers["comment"] == "From tab B"
    assert client.get(f"/s/{published.public_token}").status_code == 200  # "already received"
    assert "already received" in client.get(f"/s/{published.public_token}?lang=en").get_data(as_text=True)


def test_two_tabs_starting_at_once_before_the_cookie_exists_share_one_response(app, client, published, kit) -> None:
    """Both tabs show the welcome page, then Start is pressed in both at the same moment: the
    browser has its session cookie but no resume cookie yet."""
    url = f"/s/{published.public_token}?lang=en"
    tabs = [client.get(url).get_data(as_text=True) for _ in range(2)]
    session_cookie = client.get_cookie("session")
    browsers = [app.test_client() for _ in tabs]
    for browser in browsers:  # the same browser: the same session cookie, nothing else
        browser.set_cookie("session", session_cookie.value)
    barrier = threading.Barrier(len(browsers), timeout=30)
    replies: list = []

    def press_start(browser, html) -> None:
        barrier.wait()
        replies.append(browser.post(url, data={"csrf_token": kit.CSRF.search(html).group(1)}))

    threads = [threading.Thread(target=press_start, args=pair) for pair in zip(browsers, tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in replies] == [302, 302]
    assert replies[0].headers["Location"] == replies[1].headers["Location"]
    [response] = _responses(app)
    assert response.status == "partial" and response.start_key
    # Another browser (its own session) starts its own response.
    other = app.test_client()
    html = other.get(url).get_data(as_text=True)
    assert other.post(url, data={"csrf_token": kit.CSRF.search(html).group(1)}).status_code == 302
    assert len(_responses(app)) == 2


def test_concurrent_posts_with_one_token_complete_once(app, start, client, kit) -> None:
    last = _to_last_page(client, kit, start())
    clients = [app.test_client() for _ in range(6)]
    forms = [{**kit.page_tokens(c.get(last).get_data(as_text=True)), **kit.PAGE3} for c in clients]
    barrier = threading.Barrier(len(clients), timeout=30)
    statuses: list[int] = []

    def submit(c, form) -> None:
        barrier.wait()
        statuses.append(c.post(last, data=form).status_code)

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(clients, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302] + [409] * 5
    [response] = _responses(app)
    assert response.status == "complete"
    assert response.idempotency_key in {form["xs_submission"] for form in forms}


def test_concurrent_completions_in_the_service_yield_exactly_one(app, published) -> None:
    with app.app_context():
        db = get_session()
        response = service.start_response(db, published, language="zh_CN")
        db.commit()
        state = ResponseState.of(response)
        engine = db.get_bind()
    outcomes: list[str] = []
    barrier = threading.Barrier(5, timeout=30)

    def complete(number: int) -> None:
        with Session(engine) as own:
            barrier.wait()
            try:
                service.write_once(own, lambda: service.complete_response(
                    own, state, answers={"n": number}, page_index=0,
                    submission_id=f"sub-{number}"))
                outcomes.append(f"won-{number}")
            except service.AlreadySubmitted:
                outcomes.append("already")

    threads = [threading.Thread(target=complete, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1 and outcomes.count("already") == 4
    [stored] = _responses(app)
    assert stored.answers == {"n": int(winners[0].split("-")[1])}
    assert stored.idempotency_key == f"sub-{winners[0].split('-')[1]}"


def test_a_late_page_save_cannot_reopen_a_complete_response(app, published) -> None:
    with app.app_context():
        db = get_session()
        response = service.start_response(db, published, language="en")
        service.complete_response(db, ResponseState.of(response), answers={"a": 1}, page_index=0)
        db.commit()
        with pytest.raises(service.AlreadySubmitted):
            service.save_page(db, ResponseState.of(response), 0, {"a": 2})
        db.rollback()
        assert db.get(Response, response.id).answers == {"a": 1}


@pytest.mark.parametrize("final", [False, True])
def test_database_outage_shows_retry_and_writes_nothing(app, client, start, kit, monkeypatch, final) -> None:
    url = start()
    if final:
        url = _to_last_page(client, kit, url)
        data = kit.PAGE3 | {"comment": "typed text"}
    else:
        data = kit.PAGE1 | {"region": "other", "region_other": "typed text"}
    form = {**kit.page_tokens(client.get(url).get_data(as_text=True)), **data,
            "xs_shown": "intro region channel features new_customer since"}
    before = _responses(app)[0]
    with WriteOutage(monkeypatch) as outage:  # the server goes away as the answers are written
        reply = client.post(url + "?lang=en", data=form)
    html = reply.get_data(as_text=True)
    assert outage.failures == 1 and reply.status_code == 503
    assert "could not save your answers just now" in html and 'role="alert"' in html
    assert 'value="typed text"' in html or ">typed text</textarea>" in html
    [after] = _responses(app)
    assert (after.status, after.answers, after.last_page) == (before.status, before.answers, before.last_page)
    # Trying again works and records the response once.
    reply = client.post(url, data=form)
    assert reply.status_code == 302
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Response)) == 1
    assert _responses(app)[0].status == ("complete" if final else "partial")


@pytest.mark.parametrize("lang, words", [("en", "cannot be reached just now"), ("zh_CN", None)])
def test_database_outage_while_viewing_a_page_gives_a_retry_page(app, client, published, start, monkeypatch,
                                                                  lang, words) -> None:
    page = start()

    def down(self, *args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("could not connect to server"))

    monkeypatch.setattr(Connection, "execute", down)
    for url in (f"/s/{published.public_token}?lang={lang}", f"{page}?lang={lang}"):
        reply = client.get(url)
        html = reply.get_data(as_text=True)
        assert reply.status_code == 503 and reply.headers["Retry-After"] == "5", url
        assert (words in html) if words else ("稍后" in html and "lang=\"zh" in html), html[:400]
    monkeypatch.undo()
    assert client.get(page).status_code == 200  # back when the database is
