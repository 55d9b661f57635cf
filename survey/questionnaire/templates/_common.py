"""Small helpers shared by the built-in questionnaire templates.

Every template is written once in simplified Chinese and English. Wording that names what the
respondent is rating contains the placeholder ``{subject}``; :func:`fill` puts the study's subject
(by default "our products and services" / “我们的产品和服务”) into both languages.
"""
from __future__ import annotations

from survey.questionnaire.document import (
    Binding, DocumentError, Question, ScaleSettings, Texts,
)

__all__ = ["DEFAULT_SUBJECT", "fill", "check_subject", "scale_question", "agreement_labels"]

#: What the templates ask about unless the designer names something else.
DEFAULT_SUBJECT = Texts("我们的产品和服务", "our products and services")


def check_subject(subject: Texts) -> Texts:
    """Return ``subject`` unchanged.

    Raises ``DocumentError`` if it is not Texts or lacks a language.
    """
    if not isinstance(subject, Texts):
        raise DocumentError(f"template subject must be Texts(zh, en), got {subject!r}")
    if subject.missing():
        raise DocumentError(f"template subject {subject!r} must be written in both Chinese and "
                            f"English; missing: {', '.join(subject.missing())}")
    return subject


def fill(texts: Texts, subject: Texts) -> Texts:
    """Return ``texts`` with ``{subject}`` replaced by the subject in the same language."""
    return Texts(texts.zh.replace("{subject}", subject.zh),
                 texts.en.replace("{subject}", subject.en))


def scale_question(code: str, text: Texts, low: Texts, high: Texts, *, subject: Texts,
                   minimum: int = 1, maximum: int = 10, binding: Binding | None = None,
                   show_if: str | None = None, dont_know: bool = False,
                   required: bool = False) -> Question:
    """Build a rating question on ``minimum``–``maximum`` with both end labels.

    ``text`` may contain ``{subject}``. Raises ``DocumentError`` (from the document model) for a
    scale the document does not allow.
    """
    return Question(
        code=code, type="rating", text=fill(text, subject), required=required, show_if=show_if,
        binding=binding,
        settings=ScaleSettings(min=minimum, max=maximum,  # type: ignore[arg-type]
                               low_label=low, high_label=high, dont_know=dont_know))


def agreement_labels() -> tuple[Texts, Texts]:
    """Return the end labels of the 5-point agreement scale: strongly disagree, strongly agree."""
    return Texts("非常不同意", "Strongly disagree"), Texts("非常同意", "Strongly agree")
