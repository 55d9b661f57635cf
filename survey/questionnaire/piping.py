"""Piping: earlier answers and invitation attributes shown inside texts.

A question's text, its help, an information text, a matrix row or a page title may hold
``${code}`` — the answer to the variable ``code`` of a question on an EARLIER page (XLSForm's
spelling, so imported forms keep working) — or ``${invitation.key}``, the invitation attribute
``key`` (the respondent's segment: region, product, tier …). When the page is shown each
reference is replaced by its value in the page's language: a choice by its label, several
choices by their labels in a list, a number as written, a date as YYYY-MM-DD; an unanswered
question or a missing attribute by nothing. Values are text: :func:`pipe` escapes them for HTML
when asked (texts that are HTML), and plain texts are escaped by the page's templates.

:func:`piping_issues` finds, before publishing, references to unknown variables and to answers
not given yet when the text is shown (the same page or a later one). Nothing here touches Flask
or the database.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from survey.questionnaire.document import (
    DONT_KNOW, DONT_KNOW_LABEL, Question, Questionnaire, Texts, Variable,
)

#: ``${name}``: a variable code (letters, digits, '_') or ``invitation.`` and an attribute key.
REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*|invitation\.[^\s{}]{1,64})\s*\}")
INVITATION_PREFIX = "invitation."

PipingRule = Literal["unknown_reference", "not_yet_answered"]


@dataclass(frozen=True, slots=True)
class PipingIssue:
    """A text of ``location`` (a page or question code) whose ``${reference}`` cannot be shown:
    ``unknown_reference`` (no variable has that code) or ``not_yet_answered`` (the question is on
    the same page or a later one)."""

    location: str
    reference: str
    rule: PipingRule

    def message(self) -> str:
        """The English sentence (the designer's page translates by ``rule``)."""
        if self.rule == "unknown_reference":
            return f"{self.location}: the text shows ${{{self.reference}}}, but no question has this code"
        return (f"{self.location}: the text shows ${{{self.reference}}}, which is answered on the same "
                "page or later; only answers of earlier pages can be shown in a text")


def references(text: str) -> list[str]:
    """The names ``text`` refers to, in order (``q1``, ``invitation.region`` …)."""
    return [match.group(1) for match in REFERENCE.finditer(text)]


def _question_texts(question: Question) -> Iterator[Texts]:
    yield question.text
    yield question.help
    for row in question.rows:
        yield row.text


def piping_issues(questionnaire: Questionnaire) -> list[PipingIssue]:
    """Every reference in the questionnaire's texts that cannot be shown (see
    :class:`PipingIssue`), in questionnaire order, each once per location."""
    page_of = {variable.code: index for index, page in enumerate(questionnaire.pages)
               for question in page.questions for variable in question.variables()}
    issues: list[PipingIssue] = []

    def check(location: str, page_index: int, texts: Iterator[Texts]) -> None:
        seen: set[str] = set()
        for value in texts:
            for name in references(value.zh) + references(value.en):
                if name in seen or name.startswith(INVITATION_PREFIX):
                    continue
                seen.add(name)
                if name not in page_of:
                    issues.append(PipingIssue(location, name, "unknown_reference"))
                elif page_of[name] >= page_index:
                    issues.append(PipingIssue(location, name, "not_yet_answered"))

    for index, page in enumerate(questionnaire.pages):
        check(page.code, index, iter((page.title,)))
        for question in page.questions:
            check(question.code, index, _question_texts(question))
    return issues


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(variable: Variable, code: Any, locale: str) -> str:
    for choice in variable.choices:
        if choice.code == code:
            return choice.label.get(locale) or str(code)
    return str(code)


def display_value(variable: Variable, value: Any, locale: str) -> str:
    """``value`` (as a response stores it) of ``variable`` as a respondent reads it."""
    if value is None or value == "" or value == []:
        return ""
    if value == DONT_KNOW:
        return DONT_KNOW_LABEL.get(locale)
    if variable.kind in ("multi", "ranking") and isinstance(value, list):  # a ranking in order
        separator = "、" if locale.lower().startswith("zh") else ", "
        return separator.join(_label(variable, code, locale) for code in value)
    if variable.choices:
        return _label(variable, value, locale)
    if variable.kind == "number":
        return _number(value)
    return str(value)


def piped_values(questionnaire: Questionnaire, answers: Mapping[str, Any],
                 attributes: Mapping[str, Any] | None, locale: str) -> dict[str, str]:
    """Every name a text may refer to, with its value as shown in ``locale``: the variables'
    answers and ``invitation.<key>`` for each invitation attribute."""
    values = {variable.code: display_value(variable, answers.get(variable.code), locale)
              for variable in questionnaire.variables()}
    for key, value in (attributes or {}).items():
        values[INVITATION_PREFIX + str(key)] = "" if value is None else _number(value)
    return values


def pipe(text: str, values: Mapping[str, str], *, as_html: bool = False) -> str:
    """``text`` with each ``${name}`` replaced by ``values[name]`` (nothing when absent),
    HTML-escaped when ``as_html`` (``text`` is HTML). A text without references is returned
    unchanged."""
    if "${" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        found = values.get(match.group(1), "")
        return html.escape(found) if as_html else found

    return REFERENCE.sub(value, text)
