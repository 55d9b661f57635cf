"""What the show-if builder of the page and question forms offers: the earlier answers a rule may
use (``subjects_*``, pure over the document), the comparisons that suit each kind of answer, and
the translated labels (:func:`builder_data`, read by ``survey/static/js/show_if_builder.js``).

The builder only writes text into the show-if box; the server checks that text as it checks a
typed rule, so without JavaScript the box works as before. References and quoted choice codes
are written here with the logic language's own writer (``logic.serialize``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from survey.questionnaire.document import Question, Questionnaire, Variable
from survey.questionnaire.logic.serialize import format_reference, format_string

#: Comparisons offered for each kind of answer (``Variable.kind``); other kinds: answered or not.
OPERATORS: dict[str, tuple[str, ...]] = {
    "number": ("=", "!=", "<", "<=", ">", ">=", "answered", "empty"),
    "date": ("=", "!=", "<", "<=", ">", ">=", "answered", "empty"),
    "text": ("=", "!=", "answered", "empty"),
    "choice": ("=", "!=", "answered", "empty"),
    "multi": ("selected", "not_selected", "answered", "empty"),
}
FALLBACK_OPERATORS = ("answered", "empty")

OPERATOR_LABELS = {
    "=": _l("is (=)"), "!=": _l("is not (!=)"), "<": _l("is less than (<)"),
    "<=": _l("is at most (<=)"), ">": _l("is more than (>)"), ">=": _l("is at least (>=)"),
    "selected": _l("has ticked"), "not_selected": _l("has not ticked"),
    "answered": _l("is answered"), "empty": _l("is not answered"),
}
MESSAGES = {
    "number": _l("Write a number for the value, such as 18 or 2.5."),
    "date": _l("Pick a date for the value."),
    "added": _l("Added to the rule: %(condition)s"),
}
LABEL_MAX = 60


@dataclass(frozen=True, slots=True)
class ValueOption:
    """A value the builder offers in a select: the literal written into the rule and its label."""

    literal: str
    label: str


@dataclass(frozen=True, slots=True)
class Subject:
    """An earlier answer a show-if may use: ``reference`` as the rule writes it."""

    code: str
    reference: str
    kind: str
    label: str
    operators: tuple[str, ...]
    values: tuple[ValueOption, ...] = ()


def _plain(text: str) -> str:
    plain = " ".join(Markup(text).striptags().split())
    return plain if len(plain) <= LABEL_MAX else plain[:LABEL_MAX - 1] + "…"


def _text(texts, locale: str) -> str:
    return texts.get(locale) or texts.get("zh_CN") or texts.get("en")


def _subject(question: Question, variable: Variable, locale: str) -> Subject:
    rows = {row.code: row for row in question.rows}
    wording = _text(rows[variable.code].text, locale) if variable.code in rows else _text(question.text, locale)
    label = f"{variable.code} – {_plain(wording)}" if wording.strip() else variable.code
    values = tuple(ValueOption(format_string(choice.code), f"{choice.code} – {_plain(_text(choice.label, locale))}")
                   for choice in variable.choices)
    return Subject(variable.code, format_reference(variable.code), variable.kind, label,
                   OPERATORS.get(variable.kind, FALLBACK_OPERATORS), values)


def _subjects(questions, locale: str) -> tuple[Subject, ...]:
    return tuple(_subject(question, variable, locale)
                 for question in questions for variable in question.variables())


def subjects_for_page(document: Questionnaire, index: int, locale: str) -> tuple[Subject, ...]:
    """The answers a show-if of page ``index`` may use: those of the pages before it."""
    return _subjects([q for page in document.pages[:index] for q in page.questions], locale)


def subjects_for_new_question(document: Questionnaire, index: int, locale: str) -> tuple[Subject, ...]:
    """The answers a show-if of a question added at the end of page ``index`` may use: those of
    that page and the pages before it."""
    return _subjects([q for page in document.pages[:index + 1] for q in page.questions], locale)


def subjects_for_question(document: Questionnaire, code: str, locale: str) -> tuple[Subject, ...]:
    """The answers a show-if of the question ``code`` may use: those of the questions before it."""
    earlier = []
    for question in document.questions():
        if question.code == code:
            break
        earlier.append(question)
    return _subjects(earlier, locale)


def builder_data(subjects: tuple[Subject, ...]) -> dict[str, Any]:
    """The JSON the builder's script reads: the subjects and every label, translated."""
    return {
        "subjects": [{"reference": s.reference, "kind": s.kind, "operators": list(s.operators),
                      "values": [{"literal": v.literal, "label": v.label} for v in s.values]}
                     for s in subjects],
        "operators": {key: str(label) for key, label in OPERATOR_LABELS.items()},
        "messages": {key: str(text) for key, text in MESSAGES.items()},
    }
