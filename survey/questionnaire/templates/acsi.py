"""The ACSI standard questionnaire (methodology §1): 16 questions on six pages.

Question codes are the lower-case ACSI 2015 variable names; each item that the built-in ``acsi``
model measures (see :mod:`acsi.spec`) is bound to ``("acsi", construct, VARIABLE_NAME)``, so the
template is complete for that model (13 indicators). Three items are asked but deliberately not
bound, because :mod:`acsi.spec` keeps them out of the model blocks and the complaint / loyalty
metrics read them by question code:

* ``handle`` — how well the complaint was handled (1–10), shown only when ``comp = 'yes'``;
* ``highptol`` — % price increase before switching, asked when ``repur >= 6``;
* ``lowptol`` — % price decrease needed to win the customer back, asked when ``repur <= 5``.
"""
from __future__ import annotations

from survey.questionnaire.document import (
    Binding, NumericSettings, Page, Question, Questionnaire, Texts,
)
from survey.questionnaire.templates._common import (
    DEFAULT_SUBJECT, check_subject, fill, scale_question,
)

__all__ = ["acsi_standard", "ACSI_UNBOUND_CODES"]

#: Questions of the ACSI template that are asked but bound to no model (see the module docstring).
ACSI_UNBOUND_CODES: tuple[str, ...] = ("handle", "highptol", "lowptol")

_VERY_LOW = Texts("非常低", "Very low")
_VERY_HIGH = Texts("非常高", "Very high")
_NOT_WELL = Texts("几乎不能满足", "Not very well")
_VERY_WELL = Texts("完全能够满足", "Very well")
_VERY_OFTEN = Texts("经常出问题", "Very often")
_ALMOST_NEVER = Texts("几乎从不出问题", "Almost never")

# (code, construct, text, low label, high label); code.upper() is the ACSI variable name.
_SCALE_ITEMS: dict[str, tuple[tuple[str, str, Texts, Texts, Texts], ...]] = {
    "expectation": (
        ("overallx", "expectation", Texts(
            "在购买或使用{subject}之前，您对其总体质量的预期如何？",
            "Before you bought or used {subject}, what did you expect their overall quality "
            "to be?"), _VERY_LOW, _VERY_HIGH),
        ("customx", "expectation", Texts(
            "在购买或使用之前，您预期{subject}能在多大程度上满足您的个人需求？",
            "Before you bought or used them, how well did you expect {subject} to meet your "
            "personal requirements?"), _NOT_WELL, _VERY_WELL),
        ("wrongx", "expectation", Texts(
            "在购买或使用之前，您预期{subject}出现问题的频率如何？",
            "Before you bought or used them, how often did you expect things to go wrong with "
            "{subject}?"), _VERY_OFTEN, _ALMOST_NEVER),
    ),
    "quality": (
        ("overallq", "quality", Texts(
            "综合您迄今为止的全部体验，您如何评价{subject}的总体质量？",
            "Considering all your experiences to date, how would you rate the overall quality "
            "of {subject}?"), _VERY_LOW, _VERY_HIGH),
        ("customq", "quality", Texts(
            "{subject}在多大程度上满足了您的个人需求？",
            "How well did {subject} meet your personal requirements?"), _NOT_WELL, _VERY_WELL),
        ("wrongq", "quality", Texts(
            "{subject}实际出现问题的频率如何？",
            "How often have things gone wrong with {subject}?"), _VERY_OFTEN, _ALMOST_NEVER),
    ),
    "value": (
        ("pq", "value", Texts(
            "考虑到{subject}的质量，您如何评价您所支付的价格？",
            "Given the quality of {subject}, how would you rate the price you paid?"),
         Texts("就质量而言，价格非常不合理", "Very poor price given the quality"),
         Texts("就质量而言，价格非常合理", "Very good price given the quality")),
        ("qp", "value", Texts(
            "考虑到您所支付的价格，您如何评价{subject}的质量？",
            "Given the price you paid, how would you rate the quality of {subject}?"),
         Texts("就价格而言，质量非常差", "Very poor quality given the price"),
         Texts("就价格而言，质量非常好", "Very good quality given the price")),
    ),
    "satisfaction": (
        ("satis", "satisfaction", Texts(
            "综合考虑您的全部体验，您对{subject}的总体满意程度如何？",
            "Considering all your experiences, how satisfied or dissatisfied are you overall "
            "with {subject}?"),
         Texts("非常不满意", "Very dissatisfied"), Texts("非常满意", "Very satisfied")),
        ("confirm", "satisfaction", Texts(
            "{subject}在多大程度上未达到或超出了您的预期？",
            "To what extent did your experience of {subject} fall short of or exceed your "
            "expectations?"),
         Texts("远未达到预期", "Falls short of expectations"),
         Texts("远超预期", "Exceeds expectations")),
        ("ideal", "satisfaction", Texts(
            "请设想一种理想的同类产品或服务。与之相比，{subject}有多接近这一理想？",
            "Imagine an ideal product or service of this kind. How close to that ideal is your "
            "experience of {subject}?"),
         Texts("与理想相差很远", "Not very close to the ideal"),
         Texts("非常接近理想", "Very close to the ideal")),
    ),
}

_PAGE_TITLES: dict[str, Texts] = {
    "expectation": Texts("购买前的预期", "Your expectations"),
    "quality": Texts("感知质量", "Quality"),
    "value": Texts("价格与价值", "Price and value"),
    "satisfaction": Texts("满意度", "Satisfaction"),
    "complaints": Texts("投诉", "Complaints"),
    "loyalty": Texts("再次购买", "Buying again"),
}


def _bound(code: str, construct: str) -> Binding:
    return Binding("acsi", construct, code.upper())


def _complaint_questions(subject: Texts) -> tuple[Question, ...]:
    comp = Question(
        code="comp", type="yes_no", required=True, binding=_bound("comp", "complaints"),
        text=fill(Texts("在过去 12 个月里，您是否就{subject}正式或非正式地投诉过（例如向客服、"
                        "门店或工作人员反映不满）？",
                        "In the past 12 months, have you complained, formally or informally "
                        "(for example to customer service, a shop or a member of staff), "
                        "about {subject}?"), subject))
    handle = scale_question(
        "handle", Texts("您最近一次投诉的处理情况如何？", "How well or poorly was your most recent "
                        "complaint handled?"),
        Texts("处理得非常差", "Very poorly"), Texts("处理得非常好", "Very well"),
        subject=subject, show_if="comp = 'yes'")
    return comp, handle


def _loyalty_questions(subject: Texts) -> tuple[Question, ...]:
    repur = scale_question(
        "repur", Texts("您再次购买{subject}的可能性有多大？",
                       "How likely are you to buy {subject} again?"),
        Texts("非常不可能", "Very unlikely"), Texts("非常可能", "Very likely"),
        subject=subject, binding=_bound("repur", "loyalty"), required=True)
    percent = NumericSettings(min=0, max=100, integer=True)
    highptol = Question(
        code="highptol", type="numeric", show_if="repur >= 6",
        settings=percent,
        text=fill(Texts("如果{subject}涨价，价格上涨百分之多少时您就肯定不会再购买？（填写 0–100）",
                        "If the price of {subject} went up, by what percentage could it rise "
                        "before you would definitely not buy again? (0–100 %)"), subject),
        help=Texts("请填写百分比数字，例如 10 表示上涨 10%。",
                   "Enter a percentage, e.g. 10 for a 10 % increase."))
    lowptol = Question(
        code="lowptol", type="numeric", show_if="repur <= 5",
        settings=percent,
        text=fill(Texts("{subject}的价格需要降低百分之多少，您才会肯定再次购买？（填写 0–100）",
                        "By what percentage would the price of {subject} have to come down "
                        "before you would definitely buy again? (0–100 %)"), subject),
        help=Texts("请填写百分比数字，例如 10 表示降价 10%。",
                   "Enter a percentage, e.g. 10 for a 10 % decrease."))
    return repur, highptol, lowptol


def acsi_standard(*, subject: Texts = DEFAULT_SUBJECT) -> Questionnaire:
    """Return the ACSI standard questionnaire about ``subject`` (Texts in both languages).

    Items are on 1–10 with the end labels of methodology §1; ``comp`` is yes/no, ``handle`` is
    shown only to complainers, ``highptol`` / ``lowptol`` are percentages. Raises
    ``DocumentError`` if ``subject`` is not written in both languages.
    """
    check_subject(subject)
    pages: list[Page] = []
    for construct, items in _SCALE_ITEMS.items():
        questions = tuple(
            scale_question(code, text, low, high, subject=subject, required=True,
                           binding=_bound(code, block))
            for code, block, text, low, high in items)
        pages.append(Page(f"page_{construct}", _PAGE_TITLES[construct], questions))
    pages.append(Page("page_complaints", _PAGE_TITLES["complaints"], _complaint_questions(subject)))
    pages.append(Page("page_loyalty", _PAGE_TITLES["loyalty"], _loyalty_questions(subject)))
    return Questionnaire(
        title=Texts("顾客满意度调查（ACSI 标准问卷）", "Customer satisfaction survey (ACSI standard)"),
        description=fill(Texts(
            "感谢您抽出几分钟时间，告诉我们您对{subject}的看法。大多数问题采用 1–10 分评分，"
            "分数越高表示评价越好。",
            "Thank you for taking a few minutes to tell us what you think of {subject}. Most "
            "questions use a scale from 1 to 10, where a higher number means a better rating."),
            subject),
        pages=tuple(pages), kind="acsi")
