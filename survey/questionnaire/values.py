"""The small bilingual values a questionnaire document is built from: ``Texts`` (zh and en),
``Choice``, ``MatrixRow``, ``Binding``, ``DocumentError``, and the standard wordings (yes/no,
"other", "don't know", the Kano answers and prompts, the NPS question). Nothing here touches
Flask, the database or files; ``survey.questionnaire.document`` re-exports every name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DONT_KNOW = "dont_know"
OTHER_CODE = "other"
CODE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
CHOICE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")
#: Longest questionnaire or page title per language (the title columns are String(300)).
TITLE_MAX = 300
#: Longest model, construct or indicator name of a binding (String(64) columns).
BINDING_PART_MAX = 64


class DocumentError(ValueError):
    """A questionnaire document breaks a rule; the message names the value and the rule."""


@dataclass(frozen=True, slots=True)
class Texts:
    """One text in both interface languages; an empty string means "not written yet"."""

    zh: str = ""
    en: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.zh, str) or not isinstance(self.en, str):
            raise DocumentError(f"texts must be strings, got zh={self.zh!r}, en={self.en!r}")

    def get(self, locale: str) -> str:
        """Return the text for ``locale`` ('zh', 'zh_CN', 'en', 'en_US' …); '' if not written."""
        return self.zh if locale.lower().startswith("zh") else self.en

    def missing(self) -> tuple[str, ...]:
        """Return the languages ('zh', 'en') whose text is empty or only whitespace."""
        return tuple(lang for lang in ("zh", "en") if not getattr(self, lang).strip())

    def is_empty(self) -> bool:
        """True when neither language has text."""
        return len(self.missing()) == 2


NO_TEXT = Texts()


def setting_error(code: str, setting: str, rule: str, value: object) -> DocumentError:
    """The error for question ``code`` whose ``setting`` breaks ``rule`` (``value`` is shown)."""
    return DocumentError(f"question {code!r}: setting {setting!r} {rule}, got {value!r}")


def check_texts(owner: str, **fields: object) -> None:
    """Raise ``DocumentError`` unless every field of ``owner`` is a ``Texts``."""
    for name, value in fields.items():
        if not isinstance(value, Texts):
            raise DocumentError(f"{owner}: {name} must be Texts(zh=..., en=...), got {value!r}")


def check_title(owner: str, title: Texts) -> None:
    """Raise ``DocumentError`` when either language of ``title`` is longer than TITLE_MAX."""
    for lang in ("zh", "en"):
        length = len(getattr(title, lang))
        if length > TITLE_MAX:
            raise DocumentError(f"{owner}: the {lang} title has {length} characters; "
                                f"at most {TITLE_MAX} are allowed")


@dataclass(frozen=True, slots=True)
class Binding:
    """Ties an answer variable to a measurement model's indicator, e.g. ('acsi', 'CS', 'CS1')."""

    model: str
    construct: str
    indicator: str

    def __post_init__(self) -> None:
        for name in ("model", "construct", "indicator"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise DocumentError(f"binding {name} must be a non-empty string, got {value!r}")
            if len(value) > BINDING_PART_MAX:
                raise DocumentError(f"binding {name} {value[:20]!r}... has {len(value)} characters; "
                                    f"at most {BINDING_PART_MAX} are allowed")


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer option: a stable code (the stored value) and its label."""

    code: str
    label: Texts

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not CHOICE_CODE_PATTERN.match(self.code):
            raise DocumentError(
                f"choice code {self.code!r} is invalid: use 1-64 letters, digits, '_', '.', '-'"
            )
        check_texts(f"choice {self.code!r}", label=self.label)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One row of a matrix; its code names the row's answer variable."""

    code: str
    text: Texts
    binding: Binding | None = None


YES_NO_CHOICES: tuple[Choice, ...] = (
    Choice("yes", Texts("是", "Yes")),
    Choice("no", Texts("否", "No")),
)
OTHER_CHOICE = Choice(OTHER_CODE, Texts("其他", "Other"))
OTHER_SPECIFY = Texts("请注明", "Please specify")
DONT_KNOW_LABEL = Texts("不知道", "Don't know")
KANO_ANSWERS: tuple[Choice, ...] = (
    Choice("like", Texts("非常喜欢", "I like it")),
    Choice("must_be", Texts("理应如此", "I expect it")),
    Choice("neutral", Texts("无所谓", "I am neutral")),
    Choice("live_with", Texts("勉强接受", "I can live with it")),
    Choice("dislike", Texts("很不喜欢", "I dislike it")),
)
KANO_ANSWER_CODES: tuple[str, ...] = tuple(choice.code for choice in KANO_ANSWERS)
KANO_FUNCTIONAL_PROMPT = Texts("如果产品具备“{attribute}”，您的感受是？",
                               "If the product has {attribute}, how do you feel?")
KANO_DYSFUNCTIONAL_PROMPT = Texts("如果产品不具备“{attribute}”，您的感受是？",
                                  "If the product does not have {attribute}, how do you feel?")
KANO_IMPORTANCE_PROMPT = Texts("“{attribute}”对您有多重要？（1–9）",
                               "How important is {attribute} to you? (1–9)")
NPS_WORDING = Texts("您向朋友或同事推荐{subject}的可能性有多大？",
                    "How likely are you to recommend {subject} to a friend or colleague?")
NPS_LOW_LABEL = Texts("完全不可能", "Not at all likely")
NPS_HIGH_LABEL = Texts("极有可能", "Extremely likely")


def nps_text(subject: Texts) -> Texts:
    """Return the standard NPS question with ``subject`` filled in, in both languages."""
    return Texts(NPS_WORDING.zh.format(subject=subject.zh),
                 NPS_WORDING.en.format(subject=subject.en))

