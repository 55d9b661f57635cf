"""Answering one page of a questionnaire: the one use case behind the respondent pages, the
designer's preview and the API.

``answer_page(document, page_index, stored, posted, navigation=..., locale=..., limits=...)``
checks the posted values of page ``page_index`` against the answers already stored and returns a
:class:`PageOutcome`: the page's errors, the questions shown, the answers to keep and the page
that follows. Each caller keeps only its own input and output: the respondent pages store the
outcome exactly once (``survey.services.collection.write_once``), the preview keeps it in the
designer's cookie, the API walks every page of a JSON body and stores one complete response.

The posted values are the page's variables, each as it arrives: a JSON value from the API (a
number stays a number) or the text a browser posted (read once, by the page check). The rules
themselves are :func:`survey.collect.page_check.check_page`'s; the order of pages is
:mod:`survey.services.page_flow`'s. No request, no database: messages come out in the active
Babel locale, so callers wrap the call in ``force_locale``.

Navigation, the same in every channel:

``next``
    Every shown question must be valid and no conditional question may have appeared that the
    page did not show (``seen``); then the page's answers replace its stored ones (a question
    now hidden or left empty loses its old answer) and ``target`` is the next page shown, or
    None at the end.
``back``
    Nothing is required: the page's valid answers replace its stored ones, the others stay as
    stored, and ``target`` is the previous page shown (None on the first page: nothing moves).
``language``
    Kept as Back keeps them, and ``target`` is the same page (shown again in the new language).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from survey.collect.fields import AnswerLimits
from survey.collect.page_check import check_page
from survey.questionnaire.document import Questionnaire as Document
from survey.services.page_flow import next_page, previous_page

Navigation = Literal["next", "back", "language"]
NAVIGATIONS: tuple[str, ...] = get_args(Navigation)


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What answering page ``page_index`` with ``navigation`` came to.

    ``answers``: the response's answers with this page's taken in (what to store when
    ``moves``); ``errors``: question code -> messages to show (questions that have just appeared
    are not blamed); ``shown``: the codes of the page's questions shown; ``revealed``: the codes
    of conditional questions shown now that the page did not show; ``moves``: whether the
    answers are taken and the respondent goes to ``target``; ``target``: the page that follows
    — for ``next`` the next page shown given ``answers`` (None: the end; given even when the page
    has errors, so a whole response can be checked page by page), for ``back`` the previous page
    (None: there is none), for ``language`` this page.
    """

    page_index: int
    navigation: Navigation
    answers: dict[str, object]
    errors: dict[str, list[str]]
    shown: tuple[str, ...]
    revealed: tuple[str, ...]
    moves: bool
    target: int | None

    @property
    def completes(self) -> bool:
        """Whether this answer finishes the questionnaire (Next on its last shown page)."""
        return self.navigation == "next" and self.moves and self.target is None


def merge_page_answers(stored: Mapping[str, object], page_variables: tuple[str, ...],
                       page_answers: Mapping[str, object]) -> dict[str, object]:
    """Stored answers with this page's variables replaced by ``page_answers`` (a question now
    hidden or left empty loses its old answer)."""
    merged = {k: v for k, v in stored.items() if k not in page_variables}
    merged.update(page_answers)
    return merged


def answer_page(document: Document, page_index: int, stored: Mapping[str, object],
                posted: Mapping[str, object], *, navigation: Navigation, locale: str,
                limits: AnswerLimits, seen: str | None = None) -> PageOutcome:
    """Check ``posted`` (variable code -> value) as the answers to page ``page_index`` of
    ``document`` given the ``stored`` answers, and say where ``navigation`` leads (see the module
    docstring). ``locale`` picks the designer's own validation messages; ``limits`` are the answer
    size limits; ``seen`` is the space-separated codes of the questions the page showed (None:
    not known, as for the API, so nothing counts as just revealed).

    Raises ``ValueError`` for a ``navigation`` that is not one of :data:`NAVIGATIONS` and
    ``IndexError`` for a page the document does not have.
    """
    if navigation not in NAVIGATIONS:
        raise ValueError(f"navigation {navigation!r} is not one of {', '.join(NAVIGATIONS)}")
    if not 0 <= page_index < len(document.pages):
        raise IndexError(f"page {page_index} does not exist; the questionnaire has "
                         f"{len(document.pages)} pages")
    page = document.pages[page_index]
    page_variables = tuple(v.code for q in page.questions for v in q.variables())
    prior = {k: v for k, v in stored.items() if k not in page_variables}
    checked = check_page(page, posted, prior, locale=locale, limits=limits)
    shown = tuple(q.code for q in checked.shown)
    if navigation != "next":
        answers = merge_page_answers(stored, checked.settled_variables, checked.answers)
        target = page_index if navigation == "language" else previous_page(document, stored, page_index)
        return PageOutcome(page_index, navigation, answers, dict(checked.errors), shown, (),
                           moves=target is not None, target=target)
    revealed = checked.revealed(seen)
    errors = {code: messages for code, messages in checked.errors.items() if code not in revealed} \
        if revealed else checked.errors
    answers = merge_page_answers(stored, page_variables, checked.answers)
    return PageOutcome(page_index, navigation, answers, errors, shown, revealed,
                       moves=checked.ok and not revealed, target=next_page(document, answers, page_index))
