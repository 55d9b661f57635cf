"""Allow-list sanitiser for designer-authored rich text (information texts, help, descriptions).

Rich text is cleaned when a questionnaire is saved and when one is imported (JSON or XLSForm),
so what is stored is already safe to render with ``|safe``. Plain labels are not rich text; the
templates escape them.
"""

from __future__ import annotations

import dataclasses

import nh3

from survey.questionnaire.document import Question, Questionnaire, Texts

ALLOWED_TAGS: frozenset[str] = frozenset({"p", "br", "strong", "em", "b", "i", "u", "ul", "ol",
                                          "li", "a"})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# Tags whose content is dropped along with the tag (never shown as text).
DROPPED_CONTENT_TAGS: frozenset[str] = frozenset({"script", "style"})


def sanitize_html(text: str) -> str:
    """Return ``text`` with only the allowed tags and safe links kept.

    Links keep ``href`` only when it is http, https or mailto (relative URLs are dropped) and get
    ``rel="noopener noreferrer"``; comments, scripts, styles and every other tag or attribute
    are removed. The result is stable: cleaning it again returns it unchanged.
    Raises ``TypeError`` if ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"rich text must be a string, got {type(text).__name__}")
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def sanitize_texts(texts: Texts) -> Texts:
    """Return ``texts`` with both languages sanitised (see ``sanitize_html``)."""
    return Texts(sanitize_html(texts.zh), sanitize_html(texts.en))


def sanitize_question(question: Question) -> Question:
    """Return ``question`` with its rich-text fields (help; the text of an info) sanitised."""
    text = sanitize_texts(question.text) if question.type == "info" else question.text
    return dataclasses.replace(question, text=text, help=sanitize_texts(question.help))


def sanitize_questionnaire(questionnaire: Questionnaire) -> Questionnaire:
    """Return ``questionnaire`` with every rich-text field sanitised.

    Rich-text fields are the questionnaire description, every question's help and the text of
    every information (``info``) question; all other texts are plain and escaped on display.
    """
    pages = tuple(dataclasses.replace(page, questions=tuple(sanitize_question(question)
                                                            for question in page.questions))
                  for page in questionnaire.pages)
    return dataclasses.replace(questionnaire, description=sanitize_texts(questionnaire.description),
                               pages=pages)
