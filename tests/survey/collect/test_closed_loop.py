"""Completing a survey on the web runs the follow-up rules in the same transaction."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import FollowUpTask, Response
from survey.db import get_session


def _complete(client, kit, start, nps: str) -> None:
    url = start()
    for page in (kit.PAGE1, {**kit.PAGE2, "nps": nps}, kit.PAGE3):
        html = client.get(url).get_data(as_text=True)
        tokens = kit.page_tokens(html)
        tokens["xs_shown"] = " ".join(tokens.get("xs_shown", "").split() + list(page))
        reply = client.post(url, data={**tokens, **page})
        assert reply.status_code == 302, reply.get_data(as_text=True)
        url = reply.headers["Location"]
    assert url.endswith("/done")


@pytest.mark.parametrize(("nps", "tasks"), [("3", 1), ("9", 0)])
def test_a_detractor_opens_a_follow_up_task(app, client, start, kit, nps, tasks) -> None:
    _complete(client, kit, start, nps)
    with app.app_context():
        db = get_session()
        response = db.scalars(select(Response)).one()
        assert response.status == "complete"
        found = db.scalars(select(FollowUpTask)).all()
        assert len(found) == tasks
        if tasks:
            assert found[0].response_id == response.id and found[0].status == "open"
