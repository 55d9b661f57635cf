"""The response inbox on both databases: filters (status, version, period, segment, answer,
list answers, tasks, flags, text search in Chinese), keyset pages, one response's page, and
marks that keep responses out of analyses and exports."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import AuditEvent, FollowUpTask, Response
from survey.db import get_session
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page, Question, Questionnaire as Document, ScaleSettings, Texts,
)
from survey.services import inbox
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.response_matrix import load_responses

T = Texts
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def document() -> Document:
    return Document(title=T("满意度调查", "Satisfaction survey"), pages=(Page("p1", T("页", "Page"), (
        Question("SATIS", "rating", T("总体满意度", "Overall satisfaction"), settings=ScaleSettings(min=1, max=5)),
        Question("features", "multiple_choice", T("用过的功能", "Features used"),
                 choices=(Choice("app", T("应用", "App")), Choice("shop", T("门店", "Shop"))),
                 settings=MultipleChoiceSettings()),
        Question("comment", "long_text", T("意见", "Comment")),
    )),))


@pytest.fixture
def filled(app):
    """60 responses: every third in region south, every fifth partial, one with a task."""
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, document()))
        for n in range(60):
            complete = n % 5 != 0
            db.add(Response(
                version_id=version.id, resume_token=f"r{n}", status="complete" if complete else "partial",
                segment={"region": "south" if n % 3 == 0 else "north"},
                answers={"SATIS": 1 + n % 5, "features": ["app", "shop"] if n % 2 else ["shop"],
                         "comment": "排队时间太长了" if n == 7 else "fine"},
                started_at=datetime(2026, 6, 1 + n % 20, 9, tzinfo=UTC),
                submitted_at=datetime(2026, 6, 1 + n % 20, 10, tzinfo=UTC) if complete else None))
        db.flush()
        first = db.scalars(select(Response).order_by(Response.id)).first()
        db.add(FollowUpTask(response_id=first.id, reasons=["detractor"], due_at=datetime(2026, 7, 1, tzinfo=UTC)))
        db.commit()
        return version.questionnaire_id, version.id


def ids(app, qid, **filters) -> list[int]:
    with app.app_context():
        db = get_session()
        rows, before = [], None
        while True:  # every page, to check keyset paging too
            chunk = inbox.page(db, qid, inbox.InboxFilter(**filters), before=before, size=7)
            rows += [r.id for r in chunk]
            if len(chunk) < 7:
                return rows
            before = chunk[-1].id


@pytest.mark.parametrize("window", [4096, 2], ids=["one-window", "many-small-windows"])
def test_filters_and_pages(app, filled, monkeypatch, window) -> None:
    monkeypatch.setattr(inbox, "FIRST_WINDOW", window)
    qid, version_id = filled
    everything = ids(app, qid)
    assert len(everything) == 60 and everything == sorted(everything, reverse=True)
    assert len(ids(app, qid, status="partial")) == 12
    assert len(ids(app, qid, segment_key="region", segment_value="south")) == 20
    assert len(ids(app, qid, answer_key="SATIS", answer_value="5")) == 12
    assert len(ids(app, qid, answer_key="features", answer_value="app")) == 30   # a list answer
    assert len(ids(app, qid, has_task=True)) == 1
    assert len(ids(app, qid, search="排队")) == 1 and ids(app, qid, search="FINE") != []
    assert ids(app, qid, search="100%") == []                                  # % is a character, not a wildcard
    june_5 = ids(app, qid, since=datetime(2026, 6, 5, tzinfo=UTC), until=datetime(2026, 6, 6, tzinfo=UTC))
    assert len(june_5) == 3
    assert len(ids(app, qid, version_id=version_id, status="complete", segment_key="region",
                   segment_value="north")) == 32
    with pytest.raises(inbox.InboxFilterError, match="must start with a letter"):
        ids(app, qid, segment_key="x'; drop", segment_value="1")


def test_flagged_responses_leave_analyses_and_exports(app, filled) -> None:
    qid, version_id = filled
    with app.app_context():
        db = get_session()
        target = db.scalars(select(Response).where(Response.status == "complete").order_by(Response.id)).first()
        inbox.set_flag(db, target, "test")
        db.commit()
        frame = load_responses(db.get_bind(), version_ids=[version_id], numeric=["SATIS"])
        assert target.id not in frame.index and len(frame) == 47
    assert target.id not in ids(app, qid) and ids(app, qid, flag="test") == [target.id]
    assert len(ids(app, qid, flag="any")) == 60


def test_the_pages_show_filter_flag_and_delete(app, client, login_as, filled, monkeypatch) -> None:
    qid, _version_id = filled
    login_as("designer")
    page = client.get(f"/responses/{qid}?lang=zh_CN&segment_key=region&segment_value=south&count=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "20 个回答符合条件。" in html
    assert "更早的回答" not in html  # 20 rows: one page of 50
    monkeypatch.setattr(inbox, "PAGE_SIZE", 10)
    first = client.get(f"/responses/{qid}?lang=zh_CN").get_data(as_text=True)
    older = re.search(r'href="([^"]+)">更早的回答', first)
    assert older and "before=" in older.group(1)
    bad = client.get(f"/responses/{qid}?lang=en&from=June")
    assert bad.status_code == 422 and "is not a date (YYYY-MM-DD)" in bad.get_data(as_text=True)
    with app.app_context():
        commented = get_session().scalars(select(Response.id).where(Response.resume_token == "r7")).one()
    shown = client.get(f"/responses/{qid}/{commented}?lang=en").get_data(as_text=True)
    assert "Overall satisfaction" in shown and "排队时间太长了" in shown and "App, Shop" in shown
    token = CSRF.search(shown).group(1)
    assert client.post(f"/responses/{qid}/{commented}/flag/spam", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/responses/{qid}/{commented}/delete", data={"csrf_token": token}).status_code == 302
    assert client.get(f"/responses/{qid}/{commented}").status_code == 404
    with app.app_context():
        assert get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()[-2:] == [
            "response_flag", "response_delete"]
    assert client.get(f"/responses/{qid + 1000}").status_code == 404


def test_analysts_read_and_mark_but_do_not_delete_and_viewers_see_nothing(app, client, make_user, filled) -> None:
    from support import login

    qid, _version_id = filled
    with app.app_context():
        rid = get_session().scalars(select(Response.id)).first()
    viewer = make_user("viewer")
    login(client, viewer.email)
    assert client.get(f"/responses/{qid}").status_code == 403
    analyst_client = app.test_client()
    analyst = make_user("analyst")
    login(analyst_client, analyst.email)
    html = analyst_client.get(f"/responses/{qid}/{rid}").get_data(as_text=True)
    assert "Delete this response" not in html and "删除此回答" not in html
    token = CSRF.search(html).group(1)
    assert analyst_client.post(f"/responses/{qid}/{rid}/delete", data={"csrf_token": token}).status_code == 403
    assert analyst_client.post(f"/responses/{qid}/{rid}/flag/test", data={"csrf_token": token}).status_code == 302


def test_exports_leave_marked_responses_out_unless_asked() -> None:
    from survey.services.export_rows import Selection

    assert "flag = ''" in Selection({1: 1}).where_sql()
    assert "flag" not in Selection({1: 1}, include_flagged=True).where_sql()


def test_per_question_results_of_the_filtered_responses(app, client, login_as, filled) -> None:
    import math

    from acsi.intervals import wilson_interval
    from survey.services import question_results
    from survey.services.questionnaires import version_document
    from models import QuestionnaireVersion

    qid, version_id = filled
    with app.app_context():
        db = get_session()
        document = version_document(db.get(QuestionnaireVersion, version_id))
        total, found = question_results.results(db, qid, inbox.InboxFilter(status="complete"), document, "en")
    assert total == 48
    by_code = {r.code: r for r in found}
    satis = by_code["SATIS"]  # 2, 3, 4, 5 twelve times each
    variance = sum((v - 3.5) ** 2 for v in (2, 3, 4, 5)) * 12 / 47
    half = 1.959963984540054 * math.sqrt(variance / 48)
    assert (satis.kind, satis.n) == ("number", 48)
    assert satis.mean == pytest.approx(3.5, abs=1e-12)
    assert (satis.low, satis.high) == pytest.approx((3.5 - half, 3.5 + half), abs=1e-9)
    features = by_code["features"]  # odd responses chose app and shop, even ones shop only
    shares = {s.code: s for s in features.shares}
    assert (features.kind, features.n, shares["app"].count, shares["shop"].count) == ("multi", 48, 24, 48)
    assert (shares["app"].low, shares["app"].high) == pytest.approx(wilson_interval(0.5, 48), abs=1e-12)
    assert shares["app"].label == "App"
    login_as("analyst")
    page = client.get(f"/responses/{qid}/results?lang=zh_CN&status=complete").get_data(as_text=True)
    assert "各题结果" in page and "48 个回答符合筛选条件。" in page and "平均值 3.50" in page
