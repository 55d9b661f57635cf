"""The Kano battery builder (methodology §2): one Kano pair per attribute, plus importance.

Each attribute becomes a ``kano`` question ``kano_<n>`` (n = 1, 2, … in the order given) that
stores ``kano_<n>_f`` (functional), ``kano_<n>_d`` (dysfunctional) and, with ``importance=True``,
``kano_<n>_imp`` (self-stated importance 1–9). The five answers are keyed by meaning
(``KANO_ANSWER_CODES`` in the document model), never by screen position. Pages hold at most
:data:`ATTRIBUTES_PER_PAGE` attributes.
"""
from __future__ import annotations

from collections.abc import Sequence

from survey.questionnaire.document import (
    DocumentError, KanoSettings, Page, Question, Questionnaire, Texts,
)

__all__ = ["kano_battery", "ATTRIBUTES_PER_PAGE", "SAMPLE_ATTRIBUTES"]

#: How many attribute pairs one page shows.
ATTRIBUTES_PER_PAGE = 5

#: Example attributes, used by the designer's preview of the template.
SAMPLE_ATTRIBUTES: tuple[Texts, ...] = (
    Texts("一键下单", "one-click ordering"),
    Texts("订单实时追踪", "real-time order tracking"),
    Texts("7×24 小时在线客服", "24/7 online customer service"),
)


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_attributes(attributes: Sequence[Texts]) -> tuple[Texts, ...]:
    if isinstance(attributes, (str, Texts)) or not isinstance(attributes, Sequence):
        raise DocumentError(f"Kano attributes must be a sequence of Texts(zh, en), got "
                            f"{attributes!r}")
    checked = tuple(attributes)
    if not checked:
        raise DocumentError("a Kano battery needs at least one attribute; none was given")
    seen: dict[tuple[str, str], int] = {}
    for number, attribute in enumerate(checked, start=1):
        if not isinstance(attribute, Texts):
            raise DocumentError(f"Kano attribute {number} must be Texts(zh, en), got "
                                f"{attribute!r}")
        missing = attribute.missing()
        if missing:
            names = {"zh": "Chinese", "en": "English"}
            raise DocumentError(
                f"Kano attribute {number} ({attribute.zh!r} / {attribute.en!r}) has no "
                f"{' or '.join(names[m] for m in missing)} name; every attribute needs a name in "
                "both Chinese and English")
        for language in ("zh", "en"):
            key = (language, _normalised(getattr(attribute, language)))
            if key in seen:
                raise DocumentError(
                    f"Kano attributes {seen[key]} and {number} have the same "
                    f"{'Chinese' if language == 'zh' else 'English'} name "
                    f"{getattr(attribute, language)!r}; attribute names must be unique")
            seen[key] = number
    return checked


def _heading(attribute: Texts) -> Texts:
    """The attribute as a heading: the English name with a capital first letter."""
    english = attribute.en.strip()
    return Texts(attribute.zh.strip(), english[:1].upper() + english[1:])


def _intro(importance: bool) -> Question:
    zh = ("接下来会列出一些功能。对每项功能，请分别回答：如果产品具备这项功能，您的感受如何；"
          "如果不具备，您的感受又如何。")
    en = ("Below is a list of features. For each one, tell us how you would feel if the product "
          "had it, and how you would feel if it did not.")
    if importance:
        zh += "最后请为每项功能的重要程度打分（1 = 完全不重要，9 = 极其重要）。"
        en += (" Then rate how important the feature is to you (1 = not at all important, "
               "9 = extremely important).")
    return Question(code="kano_intro", type="info", text=Texts(zh, en))


def kano_battery(attributes: Sequence[Texts], *, importance: bool = True) -> Questionnaire:
    """Return a Kano questionnaire with one functional/dysfunctional pair per attribute.

    ``attributes`` are the attribute names in both languages, in display order; with
    ``importance`` each pair also asks self-stated importance on 1–9. Raises ``DocumentError``
    when ``attributes`` is empty, an entry is not Texts, a name lacks a language, or two
    attributes share a name in either language (compared ignoring case and extra spaces).
    """
    checked = _check_attributes(attributes)
    if not isinstance(importance, bool):
        raise DocumentError(f"importance must be true or false, got {importance!r}")
    questions = [
        Question(code=f"kano_{number}", type="kano", text=_heading(attribute), required=True,
                 settings=KanoSettings(attribute=attribute, importance=importance))
        for number, attribute in enumerate(checked, start=1)]
    pages = []
    for start in range(0, len(questions), ATTRIBUTES_PER_PAGE):
        number = start // ATTRIBUTES_PER_PAGE + 1
        chunk = tuple(questions[start:start + ATTRIBUTES_PER_PAGE])
        if start == 0:
            chunk = (_intro(importance),) + chunk
        pages.append(Page(f"page_kano_{number}", Texts(f"功能评价（{number}）",
                                                       f"Features ({number})"), chunk))
    return Questionnaire(
        title=Texts("产品功能需求调查（Kano 模型）", "Product feature survey (Kano model)"),
        description=Texts("这份问卷帮助我们了解哪些功能对您最重要，大约需要五分钟。",
                          "This survey helps us learn which features matter most to you. It "
                          "takes about five minutes."),
        pages=tuple(pages), kind="kano")
