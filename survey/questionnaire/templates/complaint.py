"""The complaint follow-up questionnaire (methodology §3, justice framework).

The analytics read these question / variable codes, so they are stable:

===========================  ==============================================================
code                         answer
===========================  ==============================================================
``resolution_status``        single choice ``fully`` / ``partly`` / ``not``
``first_contact``            yes/no: resolved at the first contact; asked only when the
                             problem is fully or partly resolved (missing means "no")
``justice_outcome`` …        rows of the matrix ``justice``, 1–5 agreement (1 strongly
                             disagree … 5 strongly agree): ``justice_outcome``,
                             ``justice_speed``, ``justice_ease``, ``justice_courtesy``,
                             ``justice_explanation``
``handle``                   how well the complaint was handled, 1–10
``resolution_satisfaction``  overall satisfaction with the resolution, 1–5; the top box (5,
                             "completely satisfied") is the share *p* of the word-of-mouth index
``repurchase``               repurchase likelihood, 1–10
``purchase_change``          single choice ``more`` / ``same`` / ``less`` / ``stop``
``people_told``              whole number ≥ 0
``told_valence``             ``positive`` / ``mixed`` / ``negative``, when ``people_told > 0``
``nps``                      0–10 likelihood to recommend
``comment``                  optional free text
===========================  ==============================================================

The five justice rows are bound to the custom model ``justice`` (constructs ``distributive``,
``procedural``, ``interactional``; Tax, Brown & Chandrashekaran 1998); no other item is bound.
"""
from __future__ import annotations

from survey.questionnaire.document import (
    Binding, Choice, MatrixRow, NumericSettings, Page, Question, Questionnaire, ScaleSettings,
    Texts, nps_text,
)
from survey.questionnaire.templates._common import (
    DEFAULT_SUBJECT, agreement_labels, check_subject, fill, scale_question,
)

__all__ = ["complaint_followup", "COMPLAINT_FOLLOWUP_CODES", "JUSTICE_MODEL"]

#: Name of the custom model the justice rows are bound to.
JUSTICE_MODEL = "justice"

#: Every answer variable of the template, in order (the analytics read these names).
COMPLAINT_FOLLOWUP_CODES: tuple[str, ...] = (
    "resolution_status", "first_contact", "justice_outcome", "justice_speed", "justice_ease",
    "justice_courtesy", "justice_explanation", "handle", "resolution_satisfaction", "repurchase",
    "purchase_change", "people_told", "told_valence", "nps", "comment",
)

# (row code, construct, statement)
_JUSTICE_ROWS: tuple[tuple[str, str, Texts], ...] = (
    ("justice_outcome", "distributive",
     Texts("最终的处理结果是公平的。", "The outcome I received was fair.")),
    ("justice_speed", "procedural",
     Texts("我的投诉得到了及时处理。", "My complaint was dealt with quickly.")),
    ("justice_ease", "procedural",
     Texts("提出投诉并跟进处理的过程很方便。",
           "It was easy to make my complaint and have it dealt with.")),
    ("justice_courtesy", "interactional",
     Texts("工作人员对我礼貌、尊重。", "I was treated with courtesy and respect.")),
    ("justice_explanation", "interactional",
     Texts("工作人员向我解释了原因，并切实努力解决问题。",
           "Staff explained what had happened and made a real effort to solve the problem.")),
)


def _resolution_page() -> Page:
    status = Question(
        code="resolution_status", type="single_choice", required=True,
        text=Texts("您所投诉的问题目前解决得怎么样？", "How far has the problem you complained "
                   "about been resolved?"),
        choices=(Choice("fully", Texts("已完全解决", "Fully resolved")),
                 Choice("partly", Texts("部分解决", "Partly resolved")),
                 Choice("not", Texts("尚未解决", "Not resolved"))))
    first_contact = Question(
        code="first_contact", type="yes_no",
        show_if="selected(resolution_status, 'fully') or selected(resolution_status, 'partly')",
        text=Texts("问题是否在您第一次联系我们时就得到了解决？",
                   "Was the problem resolved the first time you contacted us?"))
    return Page("page_resolution", Texts("问题解决情况", "Resolution"), (status, first_contact))


def _handling_page() -> Page:
    disagree, agree = agreement_labels()
    justice = Question(
        code="justice", type="matrix",
        text=Texts("关于您的投诉处理过程，您在多大程度上同意以下说法？",
                   "How much do you agree with each statement about how your complaint was "
                   "handled?"),
        settings=ScaleSettings(min=1, max=5, low_label=disagree, high_label=agree),
        rows=tuple(MatrixRow(code, text, Binding(JUSTICE_MODEL, construct, code.upper()))
                   for code, construct, text in _JUSTICE_ROWS))
    handle = scale_question(
        "handle", Texts("总体而言，您的投诉处理得如何？", "Overall, how well or poorly was your "
                        "complaint handled?"),
        Texts("处理得非常差", "Very poorly"), Texts("处理得非常好", "Very well"),
        subject=DEFAULT_SUBJECT, required=True)
    resolution = scale_question(
        "resolution_satisfaction", Texts("您对问题的最终解决结果满意吗？",
                                         "How satisfied are you with the way the problem was "
                                         "finally resolved?"),
        Texts("非常不满意", "Very dissatisfied"), Texts("完全满意", "Completely satisfied"),
        subject=DEFAULT_SUBJECT, minimum=1, maximum=5, required=True)
    return Page("page_handling", Texts("投诉处理", "How your complaint was handled"),
                (justice, handle, resolution))


def _future_page(subject: Texts) -> Page:
    repurchase = scale_question(
        "repurchase", Texts("经过这次经历，您今后再次购买{subject}的可能性有多大？",
                            "After this experience, how likely are you to buy {subject} again?"),
        Texts("非常不可能", "Very unlikely"), Texts("非常可能", "Very likely"), subject=subject,
        required=True)
    change = Question(
        code="purchase_change", type="single_choice",
        text=fill(Texts("与投诉之前相比，您今后购买{subject}的情况会怎样？",
                        "Compared with before your complaint, how will your buying of {subject} "
                        "change?"), subject),
        choices=(Choice("more", Texts("会买得更多", "I will buy more")),
                 Choice("same", Texts("和以前差不多", "About the same")),
                 Choice("less", Texts("会买得更少", "I will buy less")),
                 Choice("stop", Texts("不再购买", "I will stop buying"))))
    told = Question(
        code="people_told", type="numeric", settings=NumericSettings(min=0, max=10000),
        text=Texts("您向多少人讲述过这次投诉的经历？（包括亲友、同事以及在网上发帖）",
                   "How many people have you told about this complaint experience (family, "
                   "friends, colleagues, or online)?"),
        help=Texts("如果没有告诉任何人，请填 0。", "If you have told no one, enter 0."))
    valence = Question(
        code="told_valence", type="single_choice", show_if="people_told > 0",
        text=Texts("您向他人讲述时，总体上是怎样评价的？",
                   "When you told people about it, what did you mostly say?"),
        choices=(Choice("positive", Texts("以正面评价为主", "Mostly positive")),
                 Choice("mixed", Texts("褒贬参半", "Mixed")),
                 Choice("negative", Texts("以负面评价为主", "Mostly negative"))))
    nps = Question(code="nps", type="nps", text=nps_text(subject), required=True)
    comment = Question(
        code="comment", type="long_text",
        text=Texts("关于这次投诉的处理，您还有什么想告诉我们的吗？",
                   "Is there anything else you would like to tell us about how your complaint "
                   "was handled?"))
    return Page("page_future", Texts("今后的打算", "Looking ahead"),
                (repurchase, change, told, valence, nps, comment))


def complaint_followup(*, subject: Texts = DEFAULT_SUBJECT) -> Questionnaire:
    """Return the complaint follow-up questionnaire about ``subject`` (Texts in both languages).

    The answer variables are :data:`COMPLAINT_FOLLOWUP_CODES`. Raises ``DocumentError`` if
    ``subject`` is not written in both languages.
    """
    check_subject(subject)
    return Questionnaire(
        title=Texts("投诉处理回访", "Complaint follow-up"),
        description=Texts("您最近向我们反映过问题。请花两分钟告诉我们处理得怎么样，"
                          "这将帮助我们改进服务。",
                          "You recently raised a problem with us. Please take two minutes to "
                          "tell us how it was handled; your answers help us improve."),
        pages=(_resolution_page(), _handling_page(), _future_page(subject)),
        kind="complaint_followup")
