"""Checking the answers to one survey page: the rules every channel shares.

``check_page(page, raw, prior)`` parses the raw posted values of a page (variable code -> text,
or a list of texts for multiple choice), decides which questions are shown (their ``show_if``,
given earlier answers and this page's own answers) and checks each shown question: required
answers, valid choice codes and numbers, multiple choice min/max, "other, please specify",
text length, dates and the question's ``validation`` rule. Hidden questions are neither required
nor kept.

The web page forms (:mod:`survey.collect.forms`) and the API (:mod:`survey.api.submissions`)
both call it, so a response is held to the same rules whichever way it arrives. It reads no
database and builds no form; messages are produced in the active Babel locale (``locale``
picks the designer's own ``validation_message``). Answer sizes are bounded by
:class:`~survey.collect.fields.AnswerLimits` — the app's ``ANSWER_TEXT_MAX_CHARS`` and
``RESPONSE_TEXT_MAX_CHARS`` (10,000 and 200,000 characters by default) unless given.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from survey.collect.fields import AnswerError, AnswerLimits, parse_variable
from survey.collect.type_messages import problem_text
from survey.questionnaire.document import OTHER_CODE, MultipleChoiceSettings, Page, Question
from survey.questionnaire.types import TYPES
from survey.services.page_flow import rule_holds, shown_questions


@dataclass(frozen=True, slots=True)
class PageCheck:
    """The outcome of :func:`check_page` for ``page``.

    ``values``: every variable of the page, parsed (None when empty or invalid); ``answers``:
    the answers to keep (shown, answered and valid questions only); ``errors``: question code ->
    messages; ``shown``: the questions shown.
    """

    page: Page
    values: dict[str, object]
    answers: dict[str, object]
    errors: dict[str, list[str]]
    shown: tuple[Question, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def page_variables(self) -> tuple[str, ...]:
        return tuple(v.code for q in self.page.questions for v in q.variables())

    @property
    def settled_variables(self) -> tuple[str, ...]:
        """The page's variables whose answers are final (their question is hidden or has no
        error); Back saves these and keeps the rest as stored."""
        return tuple(v.code for q in self.page.questions if q.code not in self.errors
                     for v in q.variables())

    def revealed(self, seen: str | None) -> tuple[str, ...]:
        """Conditional questions shown now that were not shown when the page was (``seen``: the
        space-separated codes the page showed; without JavaScript, answers on a page can reveal
        questions the respondent has not seen yet)."""
        return newly_shown(self.shown, seen)


def newly_shown(shown: tuple[Question, ...], seen: str | None) -> tuple[str, ...]:
    """The codes of conditional ``shown`` questions missing from ``seen`` (see ``revealed``)."""
    if seen is None:
        return ()
    before = set(seen.split())
    return tuple(q.code for q in shown if q.show_if and q.code not in before and q.type != "info")


def posted_values(page: Page, formdata) -> dict[str, object]:
    """The raw values of ``page``'s variables in posted form data (a werkzeug ``MultiDict``): a
    list for multiple choice, else the first value, as the page form's fields read them."""
    return {v.code: formdata.getlist(v.code) if v.kind in ("multi", "ranking") else formdata.get(v.code)
            for q in page.questions for v in q.variables()}


def _required_message(question: Question):
    if question.type == "matrix":
        return _l("Please answer every row.")
    if question.type == "kano":
        return _l("Please answer each part of this question.")
    return _l("This question needs an answer.")


def check_question(question: Question, values: Mapping[str, object], answers: Mapping[str, object],
                   locale: str) -> list[str]:
    """Messages for one shown question whose variables parsed into ``values`` (``answers``:
    everything known so far, for the ``validation`` rule)."""
    variables = question.variables()
    main = [v for v in variables if v.code != f"{question.code}_other"]
    missing = [v for v in main if values.get(v.code) is None]
    own = TYPES.get(question.type)
    if own is not None:
        if question.required and not own.answered(question, values):
            return [str(_required_message(question))]
        problem = own.check(question, values)
        if problem is not None:
            return [problem_text(problem)]
        missing = []
    if question.required and missing:
        return [str(_required_message(question))]
    settings = question.settings
    first = values.get(variables[0].code) if variables else None
    if isinstance(settings, MultipleChoiceSettings) and first is not None:
        count = len(first)  # type: ignore[arg-type]
        if settings.min_selected and count < settings.min_selected:
            return [str(_l("Choose at least %(count)s options.", count=settings.min_selected))]
        if settings.max_selected is not None and count > settings.max_selected:
            return [str(_l("Choose at most %(count)s options.", count=settings.max_selected))]
    if getattr(settings, "other", False):
        chosen = first if isinstance(first, list) else [first]
        if OTHER_CODE in chosen and values.get(f"{question.code}_other") is None:
            return [str(_l("Please specify your other answer."))]
    if question.validation and first is not None and \
            not rule_holds(question.validation, answers, current=first):
        message = question.validation_message.get(locale)
        return [message or str(_l("This answer is not valid."))]
    return []


def current_limits() -> AnswerLimits:
    """The answer size limits of the running app's configuration (the defaults outside one)."""
    return AnswerLimits.from_config(current_app.config) if has_app_context() else AnswerLimits()


def text_size(answers: Mapping[str, object]) -> int:
    """The characters of the text in ``answers`` (strings, and strings inside lists)."""
    return sum(len(value) if isinstance(value, str) else
               sum(len(item) for item in value if isinstance(item, str)) if isinstance(value, list)
               else 0 for value in answers.values())


def parse_page(page: Page, raw: Mapping[str, object], *, limits: AnswerLimits | None = None,
               ) -> tuple[dict[str, object], dict[str, list[str]]]:
    """Every variable of ``page`` parsed from ``raw`` (None when empty or invalid), and the
    parse errors per question code (``limits``: the answer size limits; the app's by default)."""
    limits = limits or current_limits()
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    for question in page.questions:
        for variable in question.variables():
            try:
                values[variable.code] = parse_variable(question, variable, raw.get(variable.code),
                                                       limits=limits)
            except AnswerError as error:
                values[variable.code] = None
                errors.setdefault(question.code, []).append(str(error))
    return values, errors


def known_answers(prior: Mapping[str, object], values: Mapping[str, object]) -> dict[str, object]:
    """Earlier answers overlaid with what parsed on this page (the show-if context of a page)."""
    merged = {k: v for k, v in prior.items() if k not in values}
    merged.update({k: v for k, v in values.items() if v is not None})
    return merged


def check_page(page: Page, raw: Mapping[str, object], prior: Mapping[str, object], *,
               locale: str, limits: AnswerLimits | None = None) -> PageCheck:
    """Parse and check one page; see the module docstring. ``limits``: the answer size limits
    (the app's configuration by default); text answers that would take the response past
    ``limits.response_chars`` altogether get a message on this page."""
    limits = limits or current_limits()
    values, parse_errors = parse_page(page, raw, limits=limits)
    known = known_answers(prior, values)
    shown = shown_questions(page, known)
    errors: dict[str, list[str]] = {}
    answers: dict[str, object] = {}
    for question in shown:
        messages = parse_errors.get(question.code) or check_question(question, values, known, locale)
        if messages:
            errors[question.code] = messages
            continue
        completed = getattr(TYPES.get(question.type), "completed", None)
        kept = {**values, **completed(question, values)} if completed else values
        for variable in question.variables():
            value = kept.get(variable.code)
            if variable.code == f"{question.code}_other" and OTHER_CODE not in (
                    values.get(question.code) or ()):
                value = None  # "please specify" only counts when "other" is chosen
            if value is not None:
                answers[variable.code] = value
    _check_response_size(page, prior, answers, errors, limits)
    return PageCheck(page, values, answers, errors, shown)


def _check_response_size(page: Page, prior: Mapping[str, object], answers: dict[str, object],
                         errors: dict[str, list[str]], limits: AnswerLimits) -> None:
    """Move this page's text answers to ``errors`` when the response's text would grow past
    ``limits.response_chars`` altogether."""
    page_codes = {v.code for q in page.questions for v in q.variables()}
    before = text_size({k: v for k, v in prior.items() if k not in page_codes})
    if before + text_size(answers) <= limits.response_chars:
        return
    message = str(_l("Your answers are too long altogether: please shorten this answer."))
    for question in page.questions:
        codes = [v.code for v in question.variables() if v.kind == "text" and v.code in answers]
        if codes:
            errors.setdefault(question.code, []).append(message)
            for code in codes:
                del answers[code]
