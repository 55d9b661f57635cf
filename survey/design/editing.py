"""Pure edits of a questionnaire document, as the draft editor applies them.

Each function takes a :class:`~survey.questionnaire.document.Questionnaire` and returns a new,
validated one (the document values are immutable); ``DocumentError`` is raised when the result
breaks a rule and ``LookupError`` when a page index or question code does not exist. The views
store the result with ``survey.services.questionnaires.replace_draft``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from survey.questionnaire.document import Page, Question, Questionnaire, Texts
from survey.questionnaire.logic.ast import Call, Comparison, Reference, String, references, walk
from survey.questionnaire.logic.errors import LogicError
from survey.questionnaire.logic.parser import parse

Direction = Literal["up", "down"]


def _pages(document: Questionnaire) -> list[Page]:
    return list(document.pages)


def _page_at(document: Questionnaire, index: int) -> Page:
    if not 0 <= index < len(document.pages):
        raise LookupError(f"there is no page {index + 1}; the questionnaire has "
                          f"{len(document.pages)} pages")
    return document.pages[index]


def locate(document: Questionnaire, code: str) -> tuple[int, int]:
    """Return (page index, position on the page) of the question ``code``; LookupError if none."""
    for page_index, page in enumerate(document.pages):
        for position, question in enumerate(page.questions):
            if question.code == code:
                return page_index, position
    raise LookupError(f"there is no question {code!r}")


def free_code(document: Questionnaire, prefix: str) -> str:
    """Return ``prefix_1``, ``prefix_2`` … the first code no page, question or variable uses."""
    used = {page.code for page in document.pages}
    for question in document.questions():
        used.update(question.reserved_codes())
    number = 1
    while f"{prefix}_{number}" in used:
        number += 1
    return f"{prefix}_{number}"


def _swap(items: list, index: int, direction: Direction) -> list:
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


def set_details(document: Questionnaire, *, title: Texts, description: Texts) -> Questionnaire:
    """Return the document with a new title and description."""
    return replace(document, title=title, description=description)


def add_page(document: Questionnaire) -> Questionnaire:
    """Append an empty page with a fresh code and a numbered title."""
    number = len(document.pages) + 1
    page = Page(free_code(document, "page"), Texts(f"第 {number} 页", f"Page {number}"), ())
    return replace(document, pages=document.pages + (page,))


def update_page(document: Questionnaire, index: int, *, code: str, title: Texts,
                show_if: str | None) -> Questionnaire:
    """Return the document with page ``index`` renamed (code, title) and its show-if set."""
    pages = _pages(document)
    pages[index] = replace(_page_at(document, index), code=code, title=title, show_if=show_if)
    return replace(document, pages=tuple(pages))


def move_page(document: Questionnaire, index: int, direction: Direction) -> Questionnaire:
    """Swap page ``index`` with its neighbour; at either end nothing changes."""
    _page_at(document, index)
    return replace(document, pages=tuple(_swap(_pages(document), index, direction)))


def delete_page(document: Questionnaire, index: int) -> Questionnaire:
    """Remove page ``index`` and its questions."""
    _page_at(document, index)
    pages = _pages(document)
    del pages[index]
    return replace(document, pages=tuple(pages))


def put_question(document: Questionnaire, page_index: int, question: Question,
                 *, replacing: str | None = None) -> Questionnaire:
    """Store ``question``: in place of the question ``replacing`` (same position), or appended
    to page ``page_index`` when ``replacing`` is None."""
    pages = _pages(document)
    if replacing is not None:
        page_index, position = locate(document, replacing)
        questions = list(pages[page_index].questions)
        questions[position] = question
    else:
        questions = list(_page_at(document, page_index).questions) + [question]
    pages[page_index] = replace(pages[page_index], questions=tuple(questions))
    return replace(document, pages=tuple(pages))


def move_question(document: Questionnaire, code: str, direction: Direction) -> Questionnaire:
    """Swap the question ``code`` with its neighbour on the same page."""
    page_index, position = locate(document, code)
    pages = _pages(document)
    questions = _swap(list(pages[page_index].questions), position, direction)
    pages[page_index] = replace(pages[page_index], questions=tuple(questions))
    return replace(document, pages=tuple(pages))


def move_question_to_page(document: Questionnaire, code: str, target: int) -> Questionnaire:
    """Move the question ``code`` to the end of page ``target``."""
    _page_at(document, target)
    page_index, position = locate(document, code)
    if page_index == target:
        return document
    pages = _pages(document)
    questions = list(pages[page_index].questions)
    question = questions.pop(position)
    pages[page_index] = replace(pages[page_index], questions=tuple(questions))
    pages[target] = replace(pages[target], questions=pages[target].questions + (question,))
    return replace(document, pages=tuple(pages))


def delete_question(document: Questionnaire, code: str) -> Questionnaire:
    """Remove the question ``code``."""
    page_index, position = locate(document, code)
    pages = _pages(document)
    questions = list(pages[page_index].questions)
    del questions[position]
    pages[page_index] = replace(pages[page_index], questions=tuple(questions))
    return replace(document, pages=tuple(pages))


def dependents(document: Questionnaire, question_codes: frozenset[str] | set[str]) -> list[tuple[str, str]]:
    """(page or question code, answer variable) of every page and question that is not among
    ``question_codes`` (nor a page holding only them) and whose show-if or validation refers to an
    answer of those questions: deleting them would leave that rule pointing at nothing."""
    variables = {v.code for v in document.variables() if v.question_code in question_codes}
    found: list[tuple[str, str]] = []

    def check(code: str, expressions: tuple[str | None, ...]) -> None:
        for text in expressions:
            if not text:
                continue
            try:
                used = references(parse(text))
            except LogicError:
                continue  # a broken rule is reported by the checker, not here
            found.extend((code, name) for name in sorted(used & variables))
    for page in document.pages:
        staying = [q for q in page.questions if q.code not in question_codes]
        if staying or not page.questions:
            check(page.code, (page.show_if,))
        for question in staying:
            check(question.code, (question.show_if, question.validation))
    return found


@dataclass(frozen=True, slots=True)
class Removal:
    """Entries of a question that an edit removed: its choices or its matrix rows (by code)."""

    kind: Literal["choices", "rows"]
    codes: tuple[str, ...]


def removed_entries(old: Question, new: Question) -> Removal | None:
    """The choices of ``old`` whose codes ``new`` no longer has, else its matrix rows that
    ``new`` no longer has (a change of type may drop all of them); None when nothing is removed."""
    for kind, before, after in (("choices", old.choices, new.choices), ("rows", old.rows, new.rows)):
        kept = {entry.code for entry in after}
        gone = tuple(entry.code for entry in before if entry.code not in kept)
        if gone:
            return Removal(kind, gone)
    return None


def _codes_used(expression, variables: set[str]) -> set[str]:
    """The quoted codes ``expression`` compares an answer of ``variables`` with (``q = 'x'``,
    ``'x' != q``) or looks for in it (``selected(q, 'x')``)."""
    used = set()
    for node in walk(expression):
        match node:
            case Comparison(_, Reference(name), String(code)) | Comparison(_, String(code), Reference(name)):
                pass
            case Call("selected", (Reference(name), String(code))):
                pass
            case _:
                continue
        if name in variables:
            used.add(code)
    return used


def removal_dependents(document: Questionnaire, question: Question, removal: Removal) -> list[tuple[str, str]]:
    """(page or question code, choice or row code) of every rule of another page or question that
    uses what ``removal`` takes from ``question`` (as stored in ``document``): a removed choice
    compared with the question's answer or selected in it, or the answer of a removed matrix row.
    Saving the removal would leave that rule pointing at nothing."""
    removed = set(removal.codes)
    variables = {variable.code for variable in question.variables()}
    found: list[tuple[str, str]] = []
    rules = [(page.code, (page.show_if,)) for page in document.pages]
    rules += [(other.code, (other.show_if, other.validation))
              for other in document.questions() if other.code != question.code]
    for code, expressions in rules:
        for text in expressions:
            if not text:
                continue
            try:
                expression = parse(text)
            except LogicError:
                continue  # a broken rule is reported by the checker, not here
            used = references(expression) & removed if removal.kind == "rows" \
                else _codes_used(expression, variables) & removed
            found.extend((code, entry) for entry in sorted(used))
    return found
