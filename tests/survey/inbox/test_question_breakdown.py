"""Per-question results by segment (each segment against the rest) and cross-tabs, on both
databases, checked against scipy on the raw answers."""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from scipy import stats

from models import QuestionnaireVersion, Response
from survey.db import get_session
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page, Question, Questionnaire as Document, ScaleSettings, Texts,
)
from survey.services import inbox, question_results
from survey.services.questionnaires import create_questionnaire, publish, version_document

T = Texts
CHANNELS = ("web", "shop", "phone")


def document() -> Document:
    return Document(title=T("渠道调查", "Channel survey"), pages=(Page("p1", T("页", "Page"), (
        Question("SATIS", "rating", T("总体满意度", "Overall satisfaction"), settings=ScaleSettings(min=1, max=10)),
        Question("channel", "single_choice", T("购买渠道", "Channel"),
                 choices=tuple(Choice(c, T(f"渠道{c}", c.title())) for c in CHANNELS)),
        Question("features", "multiple_choice", T("用过的功能", "Features used"),
                 choices=(Choice("app", T("应用", "App")), Choice("chat", T("在线客服", "Chat"))),
                 settings=MultipleChoiceSettings()),
    )),))


def answers(n: int) -> tuple[str, dict]:
    """Response ``n``: tier gold for every fourth; gold answers higher and buys in shops more."""
    tier = "gold" if n % 4 == 0 else "silver"
    satis = 6 + n % 5 if tier == "gold" else 3 + n % 6
    channel = CHANNELS[(n // 4) % 3] if tier == "gold" else CHANNELS[0 if n % 3 else 2]
    features = ["app", "chat"] if n % 7 == 0 else ["app"]
    return tier, {"SATIS": satis, "channel": channel, "features": features}


N = 160


@pytest.fixture
def survey(app):
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, document()))
        for n in range(N):
            tier, given = answers(n)
            segment = {"tier": tier} if n != 5 else {}  # one response without the attribute
            db.add(Response(version_id=version.id, resume_token=f"b{n}", status="complete", segment=segment,
                            answers=given, submitted_at=datetime(2026, 6, 1, tzinfo=UTC)))
        db.commit()
        return version.questionnaire_id, version.id


def test_each_segment_is_tested_against_the_rest(app, survey) -> None:
    qid, version_id = survey
    with app.app_context():
        db = get_session()
        split = question_results.breakdown(db, qid, inbox.InboxFilter(), version_document(
            db.get(QuestionnaireVersion, version_id)), "en", "tier")
    assert split.total == N and split.unset == 1 and [s.value for s in split.segments] == ["gold", "silver"]
    rows = {n: answers(n) for n in range(N)}
    gold = [n for n in range(N) if rows[n][0] == "gold" and n != 5]
    rest = [n for n in range(N) if n not in gold]  # the response without a tier is in the rest
    by = {s.value: {r.code: r for r in s.results} for s in split.segments}
    satis = by["gold"]["SATIS"]
    welch = stats.ttest_ind([rows[n][1]["SATIS"] for n in gold], [rows[n][1]["SATIS"] for n in rest], equal_var=False)
    assert satis.n == len(gold) and satis.mean == pytest.approx(np.mean([rows[n][1]["SATIS"] for n in gold]))
    assert satis.test.test == "welch_t" and satis.test.p_value == pytest.approx(welch.pvalue, rel=1e-8)
    assert satis.test.mark == "higher"
    channel = by["gold"]["channel"]
    table = [[sum(rows[n][1]["channel"] == c for n in group) for c in CHANNELS] for group in (gold, rest)]
    reference = stats.chi2_contingency(table, correction=False)
    assert channel.test.test == "chi_square" and channel.test.statistic == pytest.approx(reference.statistic)
    assert channel.test.mark == "differs"
    # Holm over every (question, segment) test of the page: 3 questions × 2 segments, all distinct
    # (a response without a tier makes "silver vs rest" a different comparison from "gold vs rest").
    tests = [r.test for s in split.segments for r in s.results]
    from acsi.multiple_testing import holm_adjust
    assert [t.p_value_holm for t in tests] == pytest.approx(holm_adjust([t.p_value for t in tests]))
    overall = {r.code: r for r in split.overall}
    assert overall["SATIS"].n == N and overall["channel"].n == N


def test_a_cross_tab_counts_two_variables_with_the_chi_square_test(app, survey) -> None:
    qid, version_id = survey
    with app.app_context():
        db = get_session()
        document_ = version_document(db.get(QuestionnaireVersion, version_id))
        table = question_results.crosstab(db, qid, inbox.InboxFilter(), document_, "zh_CN", "s:tier", "q:channel")
        with pytest.raises(question_results.BreakdownError) as same:
            question_results.crosstab(db, qid, inbox.InboxFilter(), document_, "en", "q:channel", "q:channel")
        with pytest.raises(question_results.BreakdownError) as unknown:
            question_results.crosstab(db, qid, inbox.InboxFilter(), document_, "en", "q:features", "s:tier")
    assert same.value.code == "same_variable" and unknown.value.code == "unknown_variable"
    assert [code for code, _label in table.rows] == ["gold", "silver"]
    assert table.columns == (("web", "渠道web"), ("shop", "渠道shop"), ("phone", "渠道phone"))
    expected = [[sum(1 for n in range(N) if n != 5 and answers(n)[0] == tier and answers(n)[1]["channel"] == c)
                 for c in CHANNELS] for tier in ("gold", "silver")]
    assert [list(r) for r in table.counts] == expected and table.test.n == N - 1
    reference = stats.chi2_contingency(expected, correction=False)
    assert table.test.p_value == pytest.approx(reference.pvalue, rel=1e-8)


def test_the_results_page_shows_the_breakdown_and_cross_tab(app, client, login_as, survey) -> None:
    qid, _version_id = survey
    login_as("analyst")
    page = client.get(f"/responses/{qid}/results?lang=en&by=tier&rows=s:tier&cols=q:channel")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Break down by segment" in html and '<option value="tier" selected>' in html
    assert "▲ Higher than the rest" in html and "◆ Answers differ from the rest" in html
    assert "Chi-square test of independence" in html and "tier by Channel" in html
    chinese = client.get(f"/responses/{qid}/results?lang=zh_CN&by=tier").get_data(as_text=True)
    assert "按细分群体拆分" in chinese and "高于其余样本" in chinese
    bad = client.get(f"/responses/{qid}/results?lang=en&rows=q:channel&cols=q:channel")
    assert bad.status_code == 422 and "Choose two different variables" in bad.get_data(as_text=True)
    other = client.get(f"/responses/{qid}/results?lang=zh_CN&rows=q:nope&cols=s:tier")
    assert other.status_code == 422 and "不是单选题或细分属性" in other.get_data(as_text=True)
