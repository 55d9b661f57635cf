"""Switching language in the middle of a page keeps what the respondent entered there (without
JavaScript: the switcher's buttons are submit buttons of the page form)."""
from __future__ import annotations

import re

from sqlalchemy import select

from models import Response
from survey.db import get_session


def _only_response(app) -> Response:
    with app.app_context():
        responses = get_session().scalars(select(Response)).all()
        assert len(responses) == 1
        return responses[0]


def _checked(html: str, name: str) -> set[str]:
    """The values of the inputs called ``name`` that are checked in ``html``."""
    found = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked", tag):
            found.add(re.search(r'value="([^"]*)"', tag).group(1))
    return found


def test_the_switcher_is_part_of_the_page_form(client, start) -> None:
    html = client.get(start()).get_data(as_text=True)
    assert '<form method="post" class="survey-form" id="survey-page"' in html
    buttons = re.findall(r'<button type="submit" form="survey-page" name="xs_language" value="([^"]+)"', html)
    assert buttons == ["zh_CN", "en"]
    assert "/language/" not in html  # not the site-wide switcher, which would drop the answers


def test_switching_language_keeps_the_ticked_answers_and_saves_the_valid_ones(app, client, start, kit) -> None:
    url = start()
    html = client.get(url).get_data(as_text=True)
    assert "Which region are you in?" in html
    # Half a page: region and features ticked, a required question left empty, a bad number.
    entered = {"region": "south", "features": ["a", "c"], "new_customer": "no", "since": "abc"}
    reply = client.post(url, data={**kit.page_tokens(html), **entered, "xs_language": "zh_CN"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "您在哪个地区？" in page and "Which region are you in?" not in page
    assert '<html lang="zh-CN">' in page
    assert _checked(page, "region") == {"south"}
    assert _checked(page, "features") == {"a", "c"}
    assert _checked(page, "new_customer") == {"no"}
    assert 'value="abc"' in page  # what was typed stays, even when it is not a valid answer
    assert 'role="alert"' not in page and 'aria-invalid' not in page  # nothing was required
    assert "xs_lang=zh_CN" in reply.headers["Set-Cookie"]
    # The valid answers are saved (as Back saves them); the page is not marked as done.
    stored = _only_response(app)
    assert stored.answers == {"region": "south", "features": ["a", "c"], "new_customer": "no"}
    assert stored.last_page == 0
    # Coming back to the page (the cookie now says Chinese) shows the saved answers in Chinese.
    again = client.get(url).get_data(as_text=True)
    assert "您在哪个地区？" in again and _checked(again, "region") == {"south"}
    assert _checked(again, "features") == {"a", "c"}


def test_switching_back_and_then_continuing_in_the_new_language(app, client, start, kit) -> None:
    url = start()
    html = client.get(url).get_data(as_text=True)
    reply = client.post(url, data={**kit.page_tokens(html), "region": "north", "xs_language": "zh_CN"})
    chinese = reply.get_data(as_text=True)
    reply = client.post(url, data={**kit.page_tokens(chinese), "region": "north", "channel": "shop",
                                   "xs_language": "en"})
    english = reply.get_data(as_text=True)
    assert "Which region are you in?" in english and _checked(english, "region") == {"north"}
    assert '<option selected value="shop">' in english or 'value="shop" selected' in english
    tokens = kit.page_tokens(english)
    tokens["xs_shown"] = "intro region channel features new_customer since"
    reply = client.post(url, data={**tokens, **kit.PAGE1})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/1")
    assert "Overall satisfaction" in client.get(reply.headers["Location"]).get_data(as_text=True)


def test_a_page_opened_with_lang_in_its_link_posts_to_its_plain_url_after_a_switch(client, start, kit) -> None:
    url = start() + "?lang=en"  # ?lang= would win over the switcher's cookie on the next post
    html = client.get(url).get_data(as_text=True)
    reply = client.post(url, data={**kit.page_tokens(html), "region": "north", "xs_language": "zh_CN"})
    page = reply.get_data(as_text=True)
    assert "您在哪个地区？" in page
    action = re.search(r'id="survey-page" novalidate action="([^"]+)"', page).group(1)
    assert "lang=" not in action and action.endswith(url.split("?")[0].rsplit("/s/", 1)[1])


def test_an_unknown_language_is_an_ordinary_next(app, client, start, kit) -> None:
    url = start()
    html = client.get(url).get_data(as_text=True)
    reply = client.post(url, data={**kit.page_tokens(html), "region": "north", "xs_language": "fr"})
    assert reply.status_code == 422  # checked as a Next would be: required answers are missing
    assert _only_response(app).answers == {}


def test_when_the_save_fails_the_page_still_switches_with_the_answers_and_says_to_try_again(
        app, client, start, kit, monkeypatch) -> None:
    from support import WriteOutage

    url = start()
    html = client.get(url).get_data(as_text=True)
    with WriteOutage(monkeypatch) as outage:
        reply = client.post(url, data={**kit.page_tokens(html), "region": "south", "xs_language": "zh_CN"})
    page = reply.get_data(as_text=True)
    assert outage.failures == 1 and reply.status_code == 503
    assert 'id="retry-notice"' in page and "您在哪个地区？" in page
    assert _checked(page, "region") == {"south"}
    assert _only_response(app).answers == {}
