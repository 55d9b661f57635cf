"""Survey page forms, built from the questionnaire document (WTForms dynamic composition).

``build_page_form(document, page_index, locale=..., seed=...)`` returns a FRESH ``FlaskForm``
subclass for one page of one version, with one field per answer variable (``Variable.code`` is
the field name). Validation is done by the form as a whole, because whether a question is shown
(its ``show_if``) depends on earlier answers and on other answers on the same page::

    PageForm = build_page_form(document, 0, locale="en", seed="r1")
    form = PageForm(prior_answers=response.answers)   # posted data read from the request
    if form.validate():
        form.answers        # {variable: value} of the shown, answered questions
        form.page_variables # every variable of the page (hidden ones are removed when saving)

The rules live in :func:`survey.collect.page_check.check_page`, which the API uses too; the form
adds the CSRF check and puts each question's messages on its first field. Errors per question
are in ``form.question_errors`` (question code -> messages).
"""
from __future__ import annotations

import random
import re
from collections.abc import Mapping

from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField

from survey.collect.fields import display_value
from survey.collect.page_check import check_page, known_answers, newly_shown, parse_page
from survey.questionnaire.document import OTHER_CODE, Choice, Page, Question, Questionnaire
from survey.services.page_flow import shown_questions

SUBMISSION_FIELD = "xs_submission"
_SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def posted_submission_id(formdata) -> str | None:
    """The page's one-time submission id as posted (``SUBMISSION_FIELD``), or None when it is
    missing or not one this application issues (URL-safe text of at most 64 characters): it is
    stored as the response's idempotency key, which holds at most 128 characters and no NUL."""
    value = formdata.get(SUBMISSION_FIELD)
    return value if isinstance(value, str) and _SUBMISSION_ID.fullmatch(value) else None


def ordered_choices(question: Question, seed: str) -> tuple[Choice, ...]:
    """The choices of a choice question in display order: shuffled (deterministically per
    ``seed`` and question) when the question says so; "other" always last."""
    variable = question.variables()[0]
    choices = list(question.choices)
    if getattr(question.settings, "randomize", False):
        random.Random(f"{seed}:{question.code}").shuffle(choices)
    if variable.choices and variable.choices[-1].code == OTHER_CODE and \
            getattr(question.settings, "other", False):
        choices.append(variable.choices[-1])
    return tuple(choices)


class SurveyPageForm(FlaskForm):
    """Base class of the generated page forms (see the module docstring)."""

    xs_submission = HiddenField()
    xs_shown = HiddenField()
    questionnaire: Questionnaire
    page: Page
    page_index: int
    locale: str
    seed: str
    choice_order: dict[str, tuple[Choice, ...]]

    def __init__(self, *args, prior_answers: Mapping[str, object] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.prior_answers = dict(prior_answers or {})
        self.question_errors: dict[str, list[str]] = {}
        self.answers: dict[str, object] = {}

    @property
    def page_variables(self) -> tuple[str, ...]:
        return tuple(v.code for q in self.page.questions for v in q.variables())

    def raw_values(self) -> dict[str, object]:
        """What was posted (or given as ``data``) for each variable of the page."""
        return {v.code: self[v.code].data for q in self.page.questions for v in q.variables()}

    def current_answers(self) -> dict[str, object]:
        """Earlier answers plus what parses on this page (for the show-if of this page)."""
        values, _errors = parse_page(self.page, self.raw_values())
        return known_answers(self.prior_answers, values)

    def shown(self) -> tuple[Question, ...]:
        """The questions shown, given the earlier answers and the data in the form now."""
        return shown_questions(self.page, self.current_answers())

    def forget_errors(self, codes) -> None:
        """Drop the errors of questions ``codes`` (e.g. just revealed, not seen yet)."""
        for question in self.page.questions:
            if question.code in codes and self.question_errors.pop(question.code, None):
                for variable in question.variables():
                    self[variable.code].errors = []

    def revealed(self) -> tuple[str, ...]:
        """Conditional questions shown now that were hidden when the page was shown."""
        return newly_shown(self.shown(), self.xs_shown.data)

    def validate(self, extra_validators=None) -> bool:
        """Check the page (and the CSRF token); fills ``answers`` and ``question_errors``.
        Messages are in the form's ``locale``."""
        with force_locale(self.locale):
            return self._validate_page(extra_validators)

    def _validate_page(self, extra_validators) -> bool:
        valid = super().validate(extra_validators)
        checked = check_page(self.page, self.raw_values(), self.prior_answers, locale=self.locale)
        self.question_errors = checked.errors
        self.answers = checked.answers
        for question in self.page.questions:
            errors = checked.errors.get(question.code)
            if errors and question.variables():
                self[question.variables()[0].code].errors = list(errors)
        return valid and checked.ok


def _field_for(question: Question, variable_code: str, kind: str, label: str):
    if kind in ("multi", "ranking"):
        return SelectMultipleField(label, choices=[], validate_choice=False)
    if question.type == "long_text" and variable_code == question.code:
        return TextAreaField(label)
    return StringField(label)


def build_page_form(document: Questionnaire, page_index: int, *, locale: str,
                    seed: str) -> type[SurveyPageForm]:
    """A new form class for page ``page_index`` of ``document``.

    ``locale`` picks the question texts used as field labels and validation messages; ``seed``
    (e.g. the response's resume token) fixes the randomised choice order. Raises ``IndexError``
    for a page that does not exist.
    """
    if not 0 <= page_index < len(document.pages):
        raise IndexError(f"page {page_index} does not exist; the questionnaire has "
                         f"{len(document.pages)} pages")
    page = document.pages[page_index]
    attributes: dict[str, object] = {
        "questionnaire": document, "page": page, "page_index": page_index, "locale": locale,
        "seed": seed,
        "choice_order": {q.code: ordered_choices(q, seed) for q in page.questions
                         if q.type in ("single_choice", "multiple_choice", "ranking")},
    }
    for question in page.questions:
        for variable in question.variables():
            attributes[variable.code] = _field_for(
                question, variable.code, variable.kind, question.text.get(locale))
    return type(f"Page{page_index}Form", (SurveyPageForm,), attributes)


def form_data(document: Questionnaire, page_index: int, answers: Mapping[str, object]) -> dict:
    """The ``data=`` for a page form that shows the stored ``answers`` of that page again."""
    page = document.pages[page_index]
    data = {}
    for question in page.questions:
        for variable in question.variables():
            if variable.code in answers:
                data[variable.code] = display_value(answers[variable.code])
    return data
