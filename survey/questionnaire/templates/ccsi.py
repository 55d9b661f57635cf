"""The CCSI (China customer satisfaction index) questionnaire: 16 items on 1–10, six pages.

Each question code is the lower-case item name of the built-in ``ccsi`` model in
:mod:`acsi.spec` (``image1`` → ``IMAGE1`` …) and is bound to ``("ccsi", construct, ITEM)``, so
the template is complete for that model. CCSI has no complaints construct.
"""
from __future__ import annotations

from survey.questionnaire.document import Binding, Page, Questionnaire, Texts
from survey.questionnaire.templates._common import (
    DEFAULT_SUBJECT, check_subject, fill, scale_question,
)

__all__ = ["ccsi_standard", "DEFAULT_BRAND"]

#: The brand the image items ask about unless the designer names it.
DEFAULT_BRAND = Texts("我们的品牌", "our brand")

_LOW = Texts("非常低", "Very low")
_HIGH = Texts("非常高", "Very high")
_DISAGREE = Texts("非常不同意", "Strongly disagree")
_AGREE = Texts("非常同意", "Strongly agree")
_NOT_WELL = Texts("几乎不能满足", "Not very well")
_VERY_WELL = Texts("完全能够满足", "Very well")
_OFTEN = Texts("经常出问题", "Very often")
_NEVER = Texts("几乎从不出问题", "Almost never")
_UNLIKELY = Texts("非常不可能", "Very unlikely")
_LIKELY = Texts("非常可能", "Very likely")
_DISSATISFIED = Texts("非常不满意", "Very dissatisfied")
_SATISFIED = Texts("非常满意", "Very satisfied")

# construct → (page title, ((item, text, low, high), ...)); item.lower() is the question code.
_BLOCKS: dict[str, tuple[Texts, tuple[tuple[str, Texts, Texts, Texts], ...]]] = {
    "image": (Texts("品牌形象", "Brand image"), (
        ("IMAGE1", Texts("您对{brand}的总体印象如何？",
                         "What is your overall impression of {brand}?"),
         Texts("非常差", "Very poor"), Texts("非常好", "Very good")),
        ("IMAGE2", Texts("与同类品牌相比，{brand}的特色鲜明程度如何？",
                         "Compared with similar brands, how distinctive is {brand}?"),
         Texts("毫无特色", "Not at all distinctive"), Texts("特色非常鲜明", "Highly distinctive")),
        ("IMAGE3", Texts("我认为{brand}值得信赖。", "I feel that {brand} can be trusted."),
         _DISAGREE, _AGREE),
    )),
    "expectation": (Texts("购买前的预期", "Your expectations"), (
        ("EXPECT1", Texts("在购买或使用{subject}之前，您对其总体质量的预期如何？",
                          "Before you bought or used {subject}, what did you expect their "
                          "overall quality to be?"), _LOW, _HIGH),
        ("EXPECT2", Texts("在购买或使用之前，您预期{subject}能在多大程度上满足您的个人需求？",
                          "Before you bought or used them, how well did you expect {subject} to "
                          "meet your personal requirements?"), _NOT_WELL, _VERY_WELL),
        ("EXPECT3", Texts("在购买或使用之前，您预期{subject}出现问题的频率如何？",
                          "Before you bought or used them, how often did you expect things to go "
                          "wrong with {subject}?"), _OFTEN, _NEVER),
    )),
    "quality": (Texts("感知质量", "Quality"), (
        ("QUALITY1", Texts("综合您迄今为止的全部体验，您如何评价{subject}的总体质量？",
                           "Considering all your experiences to date, how would you rate the "
                           "overall quality of {subject}?"), _LOW, _HIGH),
        ("QUALITY2", Texts("{subject}在多大程度上满足了您的个人需求？",
                           "How well did {subject} meet your personal requirements?"),
         _NOT_WELL, _VERY_WELL),
        ("QUALITY3", Texts("{subject}实际出现问题的频率如何？",
                           "How often have things gone wrong with {subject}?"), _OFTEN, _NEVER),
    )),
    "value": (Texts("价格与价值", "Price and value"), (
        ("VALUE1", Texts("考虑到{subject}的质量，您如何评价其价格？",
                         "Given the quality of {subject}, how would you rate the price?"),
         Texts("就质量而言，价格非常不合理", "Very poor price given the quality"),
         Texts("就质量而言，价格非常合理", "Very good price given the quality")),
        ("VALUE2", Texts("考虑到价格，您如何评价{subject}的质量？",
                         "Given the price, how would you rate the quality of {subject}?"),
         Texts("就价格而言，质量非常差", "Very poor quality given the price"),
         Texts("就价格而言，质量非常好", "Very good quality given the price")),
    )),
    "satisfaction": (Texts("满意度", "Satisfaction"), (
        ("SATIS1", Texts("总体而言，您对{subject}的满意程度如何？",
                         "Overall, how satisfied are you with {subject}?"),
         _DISSATISFIED, _SATISFIED),
        ("SATIS2", Texts("与您购买前的预期相比，您对{subject}的满意程度如何？",
                         "Compared with what you expected before buying, how satisfied are you "
                         "with {subject}?"), Texts("远低于预期", "Far below expectations"),
         Texts("远超预期", "Far above expectations")),
        ("SATIS3", Texts("与同类其他品牌相比，您对{subject}的满意程度如何？",
                         "Compared with other brands of the same kind, how satisfied are you "
                         "with {subject}?"), Texts("满意程度低得多", "Much less satisfied"),
         Texts("满意程度高得多", "Much more satisfied")),
    )),
    "loyalty": (Texts("忠诚度", "Loyalty"), (
        ("LOYAL1", Texts("您再次购买{subject}的可能性有多大？",
                         "How likely are you to buy {subject} again?"), _UNLIKELY, _LIKELY),
        ("LOYAL2", Texts("您向亲友推荐{subject}的可能性有多大？",
                         "How likely are you to recommend {subject} to family and friends?"),
         _UNLIKELY, _LIKELY),
    )),
}


def _with_brand(texts: Texts, brand: Texts) -> Texts:
    return Texts(texts.zh.replace("{brand}", brand.zh), texts.en.replace("{brand}", brand.en))


def ccsi_standard(*, subject: Texts = DEFAULT_SUBJECT,
                  brand: Texts = DEFAULT_BRAND) -> Questionnaire:
    """Return the CCSI questionnaire about ``subject`` and ``brand`` (Texts in both languages).

    Every item is a required 1–10 rating bound to the built-in ``ccsi`` model; the brand image
    items name ``brand``, the others ``subject``. Raises ``DocumentError`` if ``subject`` or
    ``brand`` is not written in both languages.
    """
    check_subject(subject)
    check_subject(brand)
    pages = tuple(
        Page(f"page_{construct}", title, tuple(
            scale_question(item.lower(), _with_brand(text, brand), low, high, subject=subject,
                           required=True,
                           binding=Binding("ccsi", construct, item))
            for item, text, low, high in items))
        for construct, (title, items) in _BLOCKS.items())
    return Questionnaire(
        title=Texts("顾客满意度调查（CCSI 中国顾客满意指数）",
                    "Customer satisfaction survey (CCSI, China customer satisfaction index)"),
        description=fill(Texts(
            "感谢您抽出几分钟时间，告诉我们您对{subject}的看法。所有问题均采用 1–10 分评分，"
            "分数越高表示评价越好。",
            "Thank you for taking a few minutes to tell us what you think of {subject}. Every "
            "question uses a scale from 1 to 10, where a higher number means a better rating."),
            subject),
        pages=pages, kind="acsi")
