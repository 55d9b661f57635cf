"""Public link, multi-page flow with progress, save and resume, partial responses."""
from __future__ import annotations

from sqlalchemy import select

from models import Response
from survey.db import get_session


def _only_response(app) -> Response:
    with app.app_context():
        responses = get_session().scalars(select(Response)).all()
        assert len(responses) == 1
        return responses[0]


def _post(client, kit, url, data, *, shown=None):
    html = client.get(url).get_data(as_text=True)
    tokens = kit.page_tokens(html)
    if shown is not None:
        tokens["xs_shown"] = shown  # what survey.js keeps up to date in a browser
    return client.post(url, data={**tokens, **data})


ALL_SHOWN_1 = "intro region channel features new_customer since"


def test_welcome_page_then_three_pages_to_the_thank_you_page(app, client, published, start, kit) -> None:
    welcome = client.get(f"/s/{published.public_token}?lang=en").get_data(as_text=True)
    assert "Customer survey" in welcome and "About three minutes." in welcome
    assert "Start the survey" in welcome
    url = start()
    assert url.endswith("/0")
    html = client.get(url).get_data(as_text=True)
    assert "Page 1 of 3" in html and '<progress aria-labelledby="progress-label" max="3" value="0">' in html
    assert "<script>x()</script>" not in html and "Welcome!" in html  # info text is sanitised
    assert 'hidden' in html.split('id="question-since"')[1].split(">")[0]  # server-side show-if
    reply = _post(client, kit, url, kit.PAGE1, shown=ALL_SHOWN_1)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/1")
    stored = _only_response(app)
    assert stored.status == "partial" and stored.last_page == 1
    assert stored.answers == {"region": "north", "channel": "web", "features": ["a"],
                              "new_customer": "no", "since": 3}
    page2 = reply.headers["Location"]
    assert "Page 2 of 3" in client.get(page2).get_data(as_text=True)
    reply = _post(client, kit, page2, kit.PAGE2)
    assert reply.headers["Location"].endswith("/2")
    page3 = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Page 3 of 3" in page3 and ">Submit<" in page3
    reply = _post(client, kit, reply.headers["Location"], kit.PAGE3)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/done")
    thanks = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Thank you!" in thanks
    stored = _only_response(app)
    assert stored.status == "complete" and stored.submitted_at is not None
    assert stored.answers["visit"] == "2026-01-05" and stored.answers["wifi_imp"] == 7
    assert stored.segment == {"region": "north", "channel": "web"}  # profile answers
    assert stored.language == "en" and stored.channel == "web"


def test_a_page_hidden_by_its_show_if_is_skipped_and_progress_counts_shown_pages(app, client, start, kit) -> None:
    url = start()
    reply = _post(client, kit, url, kit.PAGE1 | {"new_customer": "yes", "since": ""})
    page2 = reply.headers["Location"]
    html = client.get(page2).get_data(as_text=True)
    assert "Page 2 of 2" in html and ">Submit<" in html
    reply = _post(client, kit, page2, kit.PAGE2)
    assert reply.headers["Location"].endswith("/done")
    assert client.get(page2.rsplit("/", 1)[0] + "/2").status_code == 200  # polite page, not an error
    assert _only_response(app).last_page == 1


def test_without_javascript_a_revealed_question_is_shown_before_moving_on(app, client, start, kit) -> None:
    url = start()
    reply = _post(client, kit, url, kit.PAGE1 | {"since": ""})  # browser without JS: since was hidden
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and 'role="status"' in html
    assert 'id="question-since"' in html and 'hidden' not in html.split('id="question-since"')[1].split(">")[0]
    assert "This question needs an answer." not in html  # not blamed for an unseen question
    assert _only_response(app).answers == {}
    reply = client.post(url, data={**kit.page_tokens(html), **kit.PAGE1})
    assert reply.status_code == 302


def test_errors_are_inline_tied_to_fields_and_summarised_in_an_alert(client, start, kit) -> None:
    url = start()
    reply = _post(client, kit, url, kit.PAGE1 | {"region": "", "since": "abc"}, shown=ALL_SHOWN_1)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert 'role="alert"' in html and 'href="#q-region-0"' in html and 'href="#q-since"' in html
    assert '<p class="error" id="error-region">This question needs an answer.</p>' in html
    since_input = html.split('id="q-since"')[1].split(">")[0]
    assert 'aria-invalid="true"' in since_input and 'aria-describedby="error-since"' in since_input
    assert 'value="abc"' in since_input  # what was typed stays


def test_back_keeps_answers_and_pages_cannot_be_skipped(app, client, start, kit) -> None:
    url = start()
    assert client.get(url.rsplit("/", 1)[0] + "/2").headers["Location"].endswith("/0")  # not reached yet
    page2 = _post(client, kit, url, kit.PAGE1, shown=ALL_SHOWN_1).headers["Location"]
    reply = _post(client, kit, page2, {"satisfaction": "2", "nav": "back"})
    assert reply.headers["Location"].endswith("/0")
    stored = _only_response(app)
    assert stored.answers["satisfaction"] == 2 and stored.last_page == 1
    html = client.get(url).get_data(as_text=True)
    assert 'value="north"\n               checked' in html or 'value="north" checked' in html.replace("\n", " ").replace("               ", " ")
    assert "Back" in client.get(page2).get_data(as_text=True)


def test_resume_link_continues_where_the_respondent_left(app, client, published, start, kit) -> None:
    url = start()
    page2 = _post(client, kit, url, kit.PAGE1, shown=ALL_SHOWN_1).headers["Location"]
    html = client.get(page2).get_data(as_text=True)
    stored = _only_response(app)
    resume = f"/s/r/{stored.resume_token}"
    assert f"http://127.0.0.1:5000{resume}</a>" in html  # shown to bookmark, at the configured address
    other_device = app.test_client()
    reply = other_device.get(resume)
    assert reply.status_code == 302 and reply.headers["Location"] == page2
    # Same browser, public link again: the cookie continues the same response.
    welcome = client.get(f"/s/{published.public_token}").get_data(as_text=True)
    assert "Continue the survey" in welcome or "继续" in welcome
    token = kit.CSRF.search(welcome).group(1)
    reply = client.post(f"/s/{published.public_token}", data={"csrf_token": token})
    assert reply.headers["Location"] == page2  # straight back to where the respondent left
    assert _only_response(app).status == "partial"  # the partial response is kept


def test_unknown_links_get_polite_pages(client, published) -> None:
    reply = client.get("/s/no-such-token?lang=en")
    assert reply.status_code == 404 and "We could not find this survey" in reply.get_data(as_text=True)
    assert client.get("/s/r/nope/0?lang=en").status_code == 404
    assert client.get("/s/r/nope?lang=en").status_code == 404
    assert client.get("/s/i/nope?lang=en").status_code == 404


def test_archived_questionnaire_is_closed(app, client, published) -> None:
    from models import Questionnaire
    with app.app_context():
        db = get_session()
        db.get(Questionnaire, published.questionnaire_id).status = "archived"
        db.commit()
    reply = client.get(f"/s/{published.public_token}?lang=en")
    assert reply.status_code == 410 and "This survey is closed" in reply.get_data(as_text=True)
