"""Quotas: the lines designers write, limits that keep what is counted, and exact counting when
many completions arrive at once (a conditional UPDATE plus a CHECK constraint)."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Questionnaire, Quota
from survey.db import begin_write
from survey.questionnaire.templates import acsi_standard
from survey.services import quotas
from survey.services.questionnaires import create_questionnaire, publish


@pytest.fixture
def questionnaire(session) -> Questionnaire:
    version = publish(session, create_questionnaire(session, acsi_standard()))
    session.commit()
    return session.get(Questionnaire, version.questionnaire_id)


def test_quota_lines_are_read_and_bad_lines_named() -> None:
    rules = quotas.parse_quota_lines("# by region\nsegment.region = 华东 : 200\n\nanswer.q_region=north:100\n")
    assert [(r.kind, r.key, r.value, r.limit) for r in rules] == [
        ("segment", "region", "华东", 200), ("answer", "q_region", "north", 100)]
    for text, rule, line in [("region = 华东 : 200", "line_format", 1),
                             ("segment.region = a : 1\nsegment.region = a : 2", "duplicate", 2),
                             ("segment.region = a : 0", "limit_number", 1),
                             ("segment.region = a : 1e9", "limit_number", 1),
                             ("segment.region = " + "x" * 201 + " : 5", "value_too_long", 1)]:
        with pytest.raises(quotas.QuotaError) as caught:
            quotas.parse_quota_lines(text)
        assert (caught.value.rule, caught.value.line) == (rule, line)


def test_matching_by_segment_answer_and_choice_lists() -> None:
    by_region = quotas.QuotaRule("segment", "region", "华东", 10)
    by_answer = quotas.QuotaRule("answer", "features", "b", 10)
    by_score = quotas.QuotaRule("answer", "SATIS", "5", 10)
    assert by_region.matches({"region": "华东"}, {}) and not by_region.matches({"region": "华北"}, {})
    assert by_answer.matches({}, {"features": ["a", "b"]}) and not by_answer.matches({}, {"features": ["a"]})
    assert by_score.matches({}, {"SATIS": 5}) and by_score.matches({}, {"SATIS": 5.0})
    assert not by_score.matches({}, {})


def test_limits_keep_their_counts_and_refuse_a_limit_below_them(session, questionnaire) -> None:
    close = datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    quotas.set_limits(session, questionnaire, close_at=close, limit=50,
                      rules=quotas.parse_quota_lines("segment.region = north : 3"))
    session.commit()
    quotas.fill(session, questionnaire.id, {"region": "north"}, {})
    quotas.fill(session, questionnaire.id, {"region": "north"}, {})
    session.commit()
    # Raising a limit keeps the count; dropping a quota forgets it.
    quotas.set_limits(session, questionnaire, close_at=None, limit=50,
                      rules=quotas.parse_quota_lines("segment.region = north : 5\nsegment.region = south : 5"))
    session.commit()
    held = {(q.kind, q.value): (q.filled, q.limit) for q in quotas.quotas_of(session, questionnaire.id)}
    assert held == {("total", ""): (2, 50), ("segment", "north"): (2, 5), ("segment", "south"): (0, 5)}
    assert questionnaire.close_at is None
    with pytest.raises(quotas.QuotaError) as caught:
        quotas.set_limits(session, questionnaire, close_at=None, limit=1, rules=[])
    assert caught.value.rule == "below_filled" and caught.value.params["filled"] == 2
    session.rollback()


def test_a_full_quota_refuses_and_nothing_is_counted(session, questionnaire) -> None:
    quotas.set_limits(session, questionnaire, close_at=None, limit=10,
                      rules=quotas.parse_quota_lines("segment.region = north : 1"))
    session.commit()
    quotas.fill(session, questionnaire.id, {"region": "north"}, {})
    session.commit()
    with pytest.raises(quotas.QuotaFull) as caught:
        quotas.fill(session, questionnaire.id, {"region": "north"}, {})
    session.rollback()
    assert caught.value.quota.value == "north"
    # The total was not raised by the refused completion (the rollback undid it).
    assert {q.kind: q.filled for q in quotas.quotas_of(session, questionnaire.id)} == {"total": 1, "segment": 1}
    assert quotas.full_at_start(session, questionnaire.id, {"region": "north"}).value == "north"
    assert quotas.full_at_start(session, questionnaire.id, {"region": "south"}) is None


def test_the_database_refuses_a_count_past_the_limit(session, questionnaire) -> None:
    quotas.set_limits(session, questionnaire, close_at=None, limit=1, rules=[])
    session.commit()
    quota = session.scalars(select(Quota)).one()
    quota.filled = 2
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_concurrent_completions_fill_a_quota_exactly(app, session, questionnaire) -> None:
    quotas.set_limits(session, questionnaire, close_at=None, limit=None,
                      rules=quotas.parse_quota_lines("segment.region = north : 5"))
    session.commit()
    factory = app.extensions["sqlalchemy_sessionmaker"]
    barrier = threading.Barrier(12)
    accepted: list[bool] = []
    errors: list[BaseException] = []

    def complete() -> None:
        own = factory()
        try:
            barrier.wait()
            for _attempt in range(20):  # SQLite may answer "locked" while another writer commits
                try:
                    begin_write(own)
                    quotas.fill(own, questionnaire.id, {"region": "north"}, {})
                    own.commit()
                    accepted.append(True)
                    return
                except quotas.QuotaFull:
                    own.rollback()
                    accepted.append(False)
                    return
                except Exception as error:  # retried: a write conflict
                    own.rollback()
                    last = error
            errors.append(last)
        finally:
            own.close()
    threads = [threading.Thread(target=complete) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert accepted.count(True) == 5 and accepted.count(False) == 7
    session.expire_all()
    assert session.scalars(select(Quota.filled)).one() == 5
