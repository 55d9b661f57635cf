"""A respondent sees earlier answers and the invitation's attributes inside later texts, in the
page's language and escaped; the designer's preview pipes the same way."""
from __future__ import annotations

from models import Invitation
from survey.db import get_session
from survey.questionnaire.document import Choice, Page, Question, Questionnaire, Texts
from survey.services.questionnaires import create_questionnaire, publish

t = Texts
HOSTILE = "<script>alert(1)</script>"


def _piping_survey() -> Questionnaire:
    return Questionnaire(title=t("问卷", "Survey"), pages=(
        Page("p1", t("一", "One"), (
            Question("name", "text", t("您的名字", "Your name"), required=True),
            Question("colour", "single_choice", t("颜色", "Colour"), required=True,
                     choices=(Choice("red", t("红色", "Red")), Choice("blue", t("蓝色", "Blue")))),
        )),
        Page("p2", t("关于${name}", "About ${name}"), (
            Question("note", "info", t("<p>${name}，您好</p>", "<p>Hello ${name} in ${invitation.city}</p>")),
            Question("why", "long_text", t("为什么选${colour}？", "Why ${colour}, ${name}?")),
        )),
    ))


def test_answers_and_attributes_are_piped_escaped_in_the_page_language(app, client, kit) -> None:
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, _piping_survey())
        publish(db, version)
        db.add(Invitation(questionnaire_id=version.questionnaire_id, token="pipe-1", language="en",
                          segment={"city": "Xi'an <b>", "tier": "gold"}))
        db.commit()
    html = client.get("/s/i/pipe-1").get_data(as_text=True)
    reply = client.post("/s/i/pipe-1", data={"csrf_token": kit.CSRF.search(html).group(1)})
    first = reply.headers["Location"]
    html = client.get(first).get_data(as_text=True)
    reply = client.post(first, data={**kit.page_tokens(html), "name": HOSTILE, "colour": "blue"})
    assert reply.status_code == 302
    second = reply.headers["Location"]
    html = client.get(second).get_data(as_text=True)
    assert HOSTILE not in html and "${" not in html
    assert "Why Blue, &lt;script&gt;alert(1)&lt;/script&gt;?" in html
    assert "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; in Xi'an &lt;b&gt;</p>" in html  # nh3 keeps ' as text
    assert "<h2>About &lt;script&gt;alert(1)&lt;/script&gt;</h2>" in html
    html = client.get(second + "?lang=zh_CN").get_data(as_text=True)
    assert "为什么选蓝色？" in html


def test_the_preview_pipes_the_answers_of_earlier_pages(app, client, login_as, kit) -> None:
    login_as("designer")
    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, _piping_survey())
        db.commit()
        qid, number = version.questionnaire_id, version.number
    first = f"/design/{qid}/preview?version={number}&page=0&show=en&lang=en"
    html = client.get(first).get_data(as_text=True)
    reply = client.post(first, data={"csrf_token": kit.CSRF.search(html).group(1), "name": "Mei", "colour": "red"})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    html = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Why Red, Mei?" in html and "Hello Mei in </p>" in html  # no invitation in a preview
