"""Fixtures for the respondent pages: a published questionnaire using every question type."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from models import Invitation, QuestionnaireVersion
from survey.db import get_session
from survey.questionnaire.document import (
    Choice, KanoSettings, MatrixRow, MultipleChoiceSettings, NumericSettings, Page, Question,
    Questionnaire, ScaleSettings, SingleChoiceSettings, TextSettings, Texts,
)
from survey.services.questionnaires import create_questionnaire, publish

SUBMISSION = re.compile(r'name="xs_submission" type="hidden" value="([^"]*)"')
SHOWN = re.compile(r'name="xs_shown" type="hidden" value="([^"]*)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def every_type() -> Questionnaire:
    """Three pages: profile + choices; scales, matrix and Kano; free answers (page 3 shown only
    to customers who are not new)."""
    t = Texts
    page1 = Page("about", t("关于您", "About you"), (
        Question("intro", "info", t("<p>欢迎！<script>x()</script></p>", "<p>Welcome!<script>x()</script></p>")),
        Question("region", "single_choice", t("您在哪个地区？", "Which region are you in?"), required=True,
                 choices=(Choice("north", t("北方", "North")), Choice("south", t("南方", "South"))),
                 settings=SingleChoiceSettings(other=True)),
        Question("channel", "single_choice", t("您通过什么渠道购买？", "Where do you buy?"),
                 choices=(Choice("web", t("网店", "Online")), Choice("shop", t("门店", "In a shop"))),
                 settings=SingleChoiceSettings(display="dropdown")),
        Question("features", "multiple_choice", t("您使用哪些功能？", "Which features do you use?"),
                 choices=tuple(Choice(c, t(c.upper(), c.upper())) for c in ("a", "b", "c", "d")),
                 settings=MultipleChoiceSettings(min_selected=1, max_selected=2, randomize=True)),
        Question("new_customer", "yes_no", t("您是新客户吗？", "Are you a new customer?"), required=True),
        Question("since", "numeric", t("您成为客户多少年了？", "For how many years have you been a customer?"),
                 show_if="new_customer = 'no'", required=True,
                 settings=NumericSettings(min=1, max=60, integer=True)),
    ))
    page2 = Page("ratings", t("评价", "Ratings"), (
        Question("satisfaction", "rating", t("总体满意度", "Overall satisfaction"), required=True,
                 settings=ScaleSettings(min=1, max=5, low_label=t("很差", "Very poor"),
                                        high_label=t("很好", "Very good"), dont_know=True)),
        Question("nps", "nps", t("推荐可能性", "Likelihood to recommend"), required=True),
        Question("quality", "matrix", t("质量", "Quality"), required=True,
                 rows=(MatrixRow("q_speed", t("速度", "Speed")), MatrixRow("q_price", t("价格", "Price"))),
                 settings=ScaleSettings(min=1, max=5)),
        Question("wifi", "kano", t("无线网络", "Wi-Fi"), required=True,
                 settings=KanoSettings(attribute=t("免费无线网络", "free Wi-Fi"), importance=True)),
    ))
    page3 = Page("details", t("详情", "Details"), (
        Question("comment", "long_text", t("还有什么想说的？", "Anything else?"),
                 settings=TextSettings(max_length=20)),
        Question("nickname", "text", t("昵称", "Nickname"), validation="length(.) >= 2",
                 validation_message=t("昵称至少两个字", "A nickname has at least two letters")),
        Question("visit", "date", t("上次到店日期", "Date of your last visit")),
    ), show_if="new_customer = 'no'")
    return Questionnaire(title=t("顾客调查", "Customer survey"), pages=(page1, page2, page3),
                         description=t("<p>约三分钟。</p>", "<p>About three minutes.</p>"))


PAGE1 = {"region": "north", "channel": "web", "features": ["a"], "new_customer": "no", "since": "3"}
PAGE2 = {"satisfaction": "4", "nps": "9", "q_speed": "5", "q_price": "3", "wifi_f": "like",
         "wifi_d": "dislike", "wifi_imp": "7"}
PAGE3 = {"comment": "Good", "nickname": "Li", "visit": "2026-01-05"}


@pytest.fixture
def published(app: Flask) -> QuestionnaireVersion:
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, every_type())
        publish(db, version)
        db.commit()
        return version


@pytest.fixture
def make_invitation(app: Flask, published: QuestionnaireVersion) -> Callable[..., Invitation]:
    def make(token: str = "inv-1", **values) -> Invitation:
        with app.app_context():
            db = get_session()
            invitation = Invitation(questionnaire_id=published.questionnaire_id, token=token,
                                    segment=values.pop("segment", {"region": "east", "tier": "gold"}),
                                    **{"language": "en", **values})
            db.add(invitation)
            db.commit()
            return invitation
    return make


def page_tokens(html: str) -> dict[str, str]:
    """The hidden values a browser would post back with a survey page."""
    found = {"csrf_token": CSRF.search(html).group(1)}
    for name, pattern in (("xs_submission", SUBMISSION), ("xs_shown", SHOWN)):
        match = pattern.search(html)
        if match:
            found[name] = match.group(1)
    return found


@pytest.fixture
def start(client, published) -> Callable[[], str]:
    """Start a response on the public link; returns the URL of its first page."""
    def go() -> str:
        html = client.get(f"/s/{published.public_token}?lang=en").get_data(as_text=True)
        reply = client.post(f"/s/{published.public_token}?lang=en",
                            data={"csrf_token": CSRF.search(html).group(1)})
        assert reply.status_code == 302, reply.get_data(as_text=True)
        return reply.headers["Location"]  # straight to the first page
    return go


@pytest.fixture
def kit():
    """The helpers above, for test modules (conftest cannot be imported by name)."""
    from types import SimpleNamespace
    return SimpleNamespace(PAGE1=dict(PAGE1), PAGE2=dict(PAGE2), PAGE3=dict(PAGE3),
                           page_tokens=page_tokens, every_type=every_type, CSRF=CSRF)
