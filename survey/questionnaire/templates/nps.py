"""The NPS pulse: the standard 0–10 recommendation question and two short follow-ups.

Codes: ``nps`` (0–10), ``nps_reason`` (free text, everyone), ``nps_improve`` (free text, shown
when ``nps <= 8``, i.e. to passives and detractors), ``contact_ok`` (yes/no).
"""
from __future__ import annotations

from survey.questionnaire.document import Page, Question, Questionnaire, Texts, nps_text
from survey.questionnaire.templates._common import DEFAULT_SUBJECT, check_subject, fill

__all__ = ["nps_pulse"]


def nps_pulse(*, subject: Texts = DEFAULT_SUBJECT) -> Questionnaire:
    """Return a one-page NPS pulse survey about ``subject`` (Texts in both languages).

    Raises ``DocumentError`` if ``subject`` is not written in both languages.
    """
    check_subject(subject)
    questions = (
        Question(code="nps", type="nps", text=nps_text(subject), required=True),
        Question(code="nps_reason", type="long_text",
                 text=Texts("您给出这个分数的主要原因是什么？",
                            "What is the main reason for your score?")),
        Question(code="nps_improve", type="long_text", show_if="nps <= 8",
                 text=fill(Texts("我们怎样改进，才能让您更愿意推荐{subject}？",
                                 "What could we do to make you more likely to recommend "
                                 "{subject}?"), subject)),
        Question(code="contact_ok", type="yes_no",
                 text=Texts("我们可以就您的反馈与您联系吗？",
                            "May we contact you about your feedback?")),
    )
    return Questionnaire(
        title=Texts("推荐意愿快速调查（NPS）", "Quick recommendation survey (NPS)"),
        description=Texts("只需一分钟，感谢您的反馈。",
                          "This takes about a minute. Thank you for your feedback."),
        pages=(Page("page_nps", Texts("推荐意愿", "Recommendation"), questions),),
        kind="nps")
