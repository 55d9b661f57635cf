"""Property: whatever a respondent types into a free-answer page, the answer is a page (never a
5xx), and a page that is refused leaves the stored response exactly as it was (nothing of the
refused page is half-written)."""
from __future__ import annotations

from hypothesis import example, given, strategies as st
from sqlalchemy import select

from models import Response
from survey.db import get_session
from fuzz.hostile import FREE_FIELDS, bounded, form_tokens, number_strings, text_strings, urlencoded

FORM = "application/x-www-form-urlencoded"


def start_response(client, public_token: str) -> str:
    """A new response with page 1 answered; returns the URL of page 2 (the fuzzed page)."""
    html = client.get(f"/s/{public_token}?lang=en").get_data(as_text=True)
    started = client.post(f"/s/{public_token}?lang=en", data={"csrf_token": form_tokens(html)["csrf_token"]})
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    first = started.headers["Location"]
    tokens = form_tokens(client.get(first).get_data(as_text=True))
    saved = client.post(first, data={**tokens, "sat": "4"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    return saved.headers["Location"]


def stored(app, resume_url: str) -> tuple[str, dict]:
    resume_token = resume_url.split("/r/")[1].split("/")[0]
    with app.app_context():
        response = get_session().scalars(select(Response).where(Response.resume_token == resume_token)).one()
        return response.status, dict(response.answers)


answers = st.fixed_dictionaries({
    "count": number_strings(), "amount": number_strings(), "name": text_strings(),
    "note": text_strings(), "visit": st.one_of(text_strings(), st.dates().map(str)),
})


# 30 examples: each starts a fresh response (four requests); with the explicit hostile examples
# below this covers every strategy branch in about 20 s per database.
@bounded(30)
@given(posted=answers)
@example(posted={"count": "1e1000000", "amount": "1", "name": "a", "note": "b", "visit": ""})
@example(posted={"count": "9" * 5000, "amount": "1e100000", "name": "", "note": "", "visit": ""})
@example(posted={"count": "1", "amount": "2", "name": "nul\x00here", "note": "\ud800", "visit": "2026-01-01"})
@example(posted={"count": "1", "amount": "2", "name": "ok", "note": "x" * (15 * 1024 * 1024), "visit": ""})
def test_any_answer_gets_a_page_and_a_refused_page_writes_nothing(app, published, posted) -> None:
    client = app.test_client()  # a new respondent (no cookies) for each example
    page = start_response(client, published.public_token)
    before = stored(app, page)
    tokens = form_tokens(client.get(page).get_data(as_text=True))
    tokens["xs_shown"] = " ".join(FREE_FIELDS)
    reply = client.post(page, data=urlencoded({**tokens, **posted}), content_type=FORM)
    assert reply.status_code < 500, (reply.status_code, {k: v[:80] for k, v in posted.items()})
    after = stored(app, page)
    if reply.status_code != 302:
        assert reply.status_code in (400, 413, 422), reply.status_code
        assert after == before, "a refused page changed the stored response"
    else:
        assert after[0] == "complete" and after[1]["sat"] == 4
