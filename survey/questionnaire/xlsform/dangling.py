"""Rules that point at nothing: after an import leaves questions out (a calculate, an external
select, a photo), the show-if and constraint expressions that use their answers are dropped with a
warning, instead of blocking publication later with "unknown reference"."""
from __future__ import annotations

import dataclasses

from survey.questionnaire import logic
from survey.questionnaire.document import Page, Question

#: What an expression is dropped from, in a warning, and what dropping it means.
DROPPED_EXPRESSION = {"relevant": "the show-if (relevant)", "constraint": "the constraint"}
DROPPED_CONSEQUENCE = {"relevant": "it is always shown", "constraint": "answers are not checked by it"}


def drop_unknown_references(pages: tuple[Page, ...], warnings: list[str]) -> tuple[Page, ...]:
    """``pages`` with every show-if or validation that uses a code no question answers dropped,
    each drop warned about (naming the page or question, the expression and the codes)."""
    known = {variable.code for page in pages for question in page.questions
             for variable in question.variables()}
    known |= {question.code for page in pages for question in page.questions}

    def kept(code: str, expression: str | None, column: str) -> str | None:
        if expression is None:
            return None
        try:
            missing = sorted(logic.references(logic.parse(expression)) - known)
        except logic.LogicError:
            return expression  # the design-time check names it; nothing is dropped silently
        if not missing:
            return expression
        warnings.append(
            f"'{code}': {DROPPED_EXPRESSION[column]} expression {expression!r} uses "
            f"{', '.join(repr(name) for name in missing)}, which the import left out; it was "
            f"dropped, so {DROPPED_CONSEQUENCE[column]}.")
        return None

    def question(item: Question) -> Question:
        show_if = kept(item.code, item.show_if, "relevant")
        validation = kept(item.code, item.validation, "constraint")
        if (show_if, validation) == (item.show_if, item.validation):
            return item
        return dataclasses.replace(item, show_if=show_if, validation=validation)

    return tuple(dataclasses.replace(page, show_if=kept(page.code, page.show_if, "relevant"),
                                     questions=tuple(question(q) for q in page.questions))
                 for page in pages)
