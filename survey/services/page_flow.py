"""Which questions and pages a respondent sees, and where they are: functions of the
questionnaire document and the answers so far (no database; Flask only for the clock's zone).

Show-if and validation rules are evaluated with the designer's evaluator
(``survey.questionnaire.logic``); a rule that does not parse or cannot be evaluated holds, so a
broken rule never hides a question. ``today()`` and ``now()`` in a rule read the clock in the
organisation's time zone (``survey.timezones``, UTC outside an app), not the server's: a server
on UTC would otherwise still be on yesterday until 08:00 in Shanghai. ``survey.services.collection``
re-exports every name.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from survey.questionnaire.document import Page, Question
from survey.questionnaire.document import Questionnaire as Document
from survey.questionnaire.logic import LogicError, is_true, parse, references
from survey.questionnaire.logic.ast import Call, Expr, walk
from survey.timezones import local_zone


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a respondent is: ``position`` (1-based) of ``total`` pages shown to them."""

    position: int
    total: int

    @property
    def fraction(self) -> float:
        return 0.0 if self.total == 0 else (self.position - 1) / self.total


@functools.lru_cache(maxsize=2048)
def parsed_rule(text: str) -> Expr | None:
    """The syntax tree of a show-if / validation rule; None when it does not parse (a draft)."""
    try:
        return parse(text)
    except LogicError:
        return None


@functools.lru_cache(maxsize=2048)
def _reads_clock(text: str) -> bool:
    """Whether the rule ``text`` (which parses) calls today() or now()."""
    expr = parsed_rule(text)
    return expr is not None and any(
        isinstance(node, Call) and node.function in ("today", "now") for node in walk(expr))


def rule_holds(text: str | None, answers: Mapping[str, object], *, current: object = None) -> bool:
    """True when ``text`` is empty or evaluates to true for ``answers`` (broken rules hold)."""
    if text is None or not text.strip():
        return True
    expr = parsed_rule(text)
    if expr is None:
        return True
    try:
        now = datetime.now(local_zone()) if _reads_clock(text) else None
        return is_true(expr, answers, current=current, now=now)
    except LogicError:
        return True


def page_is_shown(page: Page, answers: Mapping[str, object]) -> bool:
    """Whether ``page``'s show-if holds for the answers given so far."""
    return rule_holds(page.show_if, answers)


def shown_questions(page: Page, answers: Mapping[str, object]) -> tuple[Question, ...]:
    """The questions of ``page`` whose show-if holds, evaluated in page order: an answer to a
    question that turns out hidden counts as unanswered for the questions after it."""
    known = dict(answers)
    shown = []
    for question in page.questions:
        if rule_holds(question.show_if, known):
            shown.append(question)
        else:
            for variable in question.variables():
                known.pop(variable.code, None)
    return tuple(shown)



def first_page(document: Document, answers: Mapping[str, object]) -> int | None:
    return next_page(document, answers, -1)


def next_page(document: Document, answers: Mapping[str, object], current: int) -> int | None:
    """The index of the next page shown after ``current``; None when ``current`` is the last."""
    for index in range(current + 1, len(document.pages)):
        if page_is_shown(document.pages[index], answers):
            return index
    return None


def previous_page(document: Document, answers: Mapping[str, object], current: int) -> int | None:
    """The index of the shown page before ``current``; None on the first page."""
    for index in range(current - 1, -1, -1):
        if page_is_shown(document.pages[index], answers):
            return index
    return None


def _undecided(page: Page, answers: Mapping[str, object]) -> bool:
    """A page whose show-if uses a question not answered yet may still be shown."""
    expr = parsed_rule(page.show_if) if page.show_if else None
    return expr is not None and any(answers.get(name) is None for name in references(expr))


def progress(document: Document, answers: Mapping[str, object], current: int) -> Progress:
    """Page ``current`` as a position among the pages shown for ``answers``."""
    shown = [i for i, page in enumerate(document.pages)
             if i == current or page_is_shown(page, answers) or _undecided(page, answers)]
    return Progress(shown.index(current) + 1 if current in shown else 1, len(shown))


def profile_answers(document: Document, answers: Mapping[str, object]) -> dict[str, object]:
    """The answers that describe the respondent rather than rate anything: single-choice
    questions without a construct binding (region, age band, channel …)."""
    return {question.code: answers[question.code] for question in document.questions()
            if question.type == "single_choice" and question.binding is None
            and question.code in answers}
