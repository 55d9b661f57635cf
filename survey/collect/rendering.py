"""Rendering respondent pages, without touching the database.

``render_survey_page(document, page_index, form, locale=..., preview=True)`` returns the HTML of
one page exactly as a respondent sees it; the designer's preview calls it with a form from
``build_page_form`` (``form.validate()`` first to show errors). ``render_message`` renders the
polite pages (thanks, already submitted, closed, expired, unknown link).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from flask import current_app, render_template, request
from flask_babel import force_locale, get_locale
from markupsafe import Markup

from models import QuestionnaireVersion
from survey.collect.forms import SurveyPageForm
from survey.collect.type_views import type_view
from survey.i18n import normalise_locale
from survey.questionnaire import document as doc
from survey.questionnaire.logic import references, to_json
from survey.questionnaire.piping import pipe, piped_values
from survey.questionnaire.sanitize import sanitize_html
from survey.services import collection as service
from survey.services.questionnaires import version_document
from survey.services.response_state import VersionState

MessageKind = Literal["thanks", "already_submitted", "closed", "expired", "unavailable", "unknown", "busy", "too_large", "quota_full"]
RADIO_TYPES = frozenset({"single_choice", "rating", "nps", "yes_no", "matrix", "kano"})


def choose_locale(hint: str | None) -> str:
    """``?lang=`` or the language cookie when the respondent chose; else ``hint`` (the
    invitation's or response's language); else the browser's language."""
    supported = current_app.config["LANGUAGES"]
    for chosen in (request.args.get("lang"),
                   request.cookies.get(current_app.config["LANGUAGE_COOKIE"])):
        locale = normalise_locale(chosen)
        if locale in supported:
            return locale
    if hint in supported:
        return hint
    return normalise_locale(str(get_locale())) or current_app.config["BABEL_DEFAULT_LOCALE"]




def _render(template: str, locale: str, **context) -> str:
    with force_locale(locale):
        return render_template(template, respondent_locale=locale, **context)


def render_message(kind: MessageKind, locale: str, status: int, *,
                   version: QuestionnaireVersion | VersionState | None = None,
                   back_url: str | None = None):
    """A polite page (and its status code) for a link that cannot be answered now; ``back_url``
    adds a link back to the page the respondent came from."""
    title = None
    if version is not None:
        title = doc.Texts(version.title_zh, version.title_en).get(locale)
    return _render("collect/message.html", locale, kind=kind, survey_title=title,
                   back_url=back_url), status


def render_unsubscribe(locale: str, *, done: bool):
    """The opt-out page: a confirmation button, or the confirmation that no more messages come."""
    return _render("collect/unsubscribe.html", locale, done=done), 200


def render_welcome(version: QuestionnaireVersion, locale: str, *, continuing: bool,
                   retry: bool = False, status: int = 200, consent: str | None = None,
                   consent_missing: bool = False):
    """The first page of a link: title, description, the consent statement to accept (when the
    questionnaire requires one and the response is new) and a Start (or Continue) button."""
    document = version_document(version)
    return _render("collect/welcome.html", locale, title=document.title.get(locale),
                   description=Markup(sanitize_html(document.description.get(locale))),
                   continuing=continuing, retry=retry,
                   consent=Markup(sanitize_html(consent)) if consent is not None and not continuing else None,
                   consent_missing=consent_missing), status


def _scale(low: int, high: int) -> list[tuple[str, str]]:
    return [(str(n), str(n)) for n in range(low, high + 1)]


def _choice_options(choices: tuple[doc.Choice, ...], locale: str) -> list[tuple[str, str]]:
    return [(c.code, c.label.get(locale)) for c in choices]


def _question_view(form: SurveyPageForm, question: doc.Question, locale: str,
                   shown: set[str], piped: Mapping[str, str]) -> dict:
    variables = question.variables()
    names = [v.code for v in variables]
    errors = form.question_errors.get(question.code, [])
    settings = question.settings
    described = []
    if not question.help.is_empty():
        described.append(f"help-{question.code}")
    view: dict = {
        "q": question, "code": question.code, "type": question.type,
        "text": pipe(question.text.get(locale), piped), "names": names, "errors": errors,
        "hidden": question.code not in shown,
        "help": Markup(sanitize_html(pipe(question.help.get(locale), piped, as_html=True))) if described else None,
        "values": {name: form[name].data for name in names},
        "numbers": [v.code for v in variables if v.kind == "number"],
    }
    if question.type == "info":
        view["html"] = Markup(sanitize_html(pipe(question.text.get(locale), piped, as_html=True)))
    if question.show_if:
        expr = service.parsed_rule(question.show_if)
        view["show_if"] = json.dumps(to_json(expr)) if expr is not None else None
    options: list[tuple[str, str]] = []
    if question.type in ("single_choice", "multiple_choice"):
        options = _choice_options(form.choice_order[question.code], locale)
        view["other_label"] = doc.OTHER_SPECIFY.get(locale)
    elif question.type in ("rating", "matrix"):
        options = _scale(settings.min, settings.max)
        view["ends"] = (settings.low_label.get(locale), settings.high_label.get(locale))
        if settings.dont_know:
            options.append((doc.DONT_KNOW, doc.DONT_KNOW_LABEL.get(locale)))
    elif question.type == "nps":
        options = _scale(0, 10)
        view["ends"] = (doc.NPS_LOW_LABEL.get(locale), doc.NPS_HIGH_LABEL.get(locale))
    elif question.type == "yes_no":
        options = _choice_options(doc.YES_NO_CHOICES, locale)
    elif question.type == "kano":
        attribute = pipe(settings.attribute.get(locale) or question.text.get(locale), piped)
        options = _choice_options(doc.KANO_ANSWERS, locale)
        view["parts"] = [
            (names[0], doc.KANO_FUNCTIONAL_PROMPT.get(locale).format(attribute=attribute), options),
            (names[1], doc.KANO_DYSFUNCTIONAL_PROMPT.get(locale).format(attribute=attribute), options),
        ]
        if settings.importance:
            view["parts"].append((names[2], doc.KANO_IMPORTANCE_PROMPT.get(locale).format(
                attribute=attribute), _scale(1, 9)))
    elif question.type == "matrix":
        pass
    if question.type == "matrix":
        view["rows"] = [(row.code, pipe(row.text.get(locale), piped)) for row in question.rows]
    view.update(type_view(question, form, locale, lambda text: pipe(text, piped)))
    view["options"] = options
    if view.get("ends") and any(view["ends"]):
        described.append(f"ends-{question.code}")
    if errors:
        described.insert(0, f"error-{question.code}")
    aria = {"aria-describedby": " ".join(described) or None,
            "aria-invalid": "true" if errors else None}
    view["aria"] = {k: v for k, v in aria.items() if v}
    if question.type in RADIO_TYPES or question.type == "multiple_choice":
        if question.type == "single_choice" and settings.display == "dropdown":
            view["first_id"] = f"q-{names[0]}"
        else:
            view["first_id"] = f"q-{names[0]}-0"
    elif "first_id" not in view:
        view["first_id"] = f"q-{names[0]}" if names else f"question-{question.code}"
    return view


def render_survey_page(document: doc.Questionnaire, page_index: int, form: SurveyPageForm, *,
                       locale: str, preview: bool = True, answers: dict | None = None,
                       resume_url: str | None = None, retry: bool = False,
                       revealed: bool = False, action: str | None = None,
                       attributes: Mapping[str, Any] | None = None) -> str:
    """The HTML of page ``page_index`` of ``document`` with ``form`` (from ``build_page_form``).

    ``answers`` are the stored answers of the whole response (for the progress indicator and the
    Back button); ``preview=True`` shows a preview banner and no resume link; ``retry`` shows the
    "could not save, try again" message; ``revealed`` says that new questions appeared;
    ``action`` is the form's URL (default: the current URL); ``attributes`` are the invitation's
    (its segment), which texts may show as ``${invitation.key}`` beside earlier answers
    (``survey.questionnaire.piping``). Reads no database.
    """
    page = document.pages[page_index]
    now = {**(answers or {}), **form.current_answers()}
    shown_now = form.shown()
    shown = {q.code for q in shown_now}
    form.xs_shown.data = " ".join(sorted(shown))
    piped = piped_values(document, now, attributes, locale)
    views = [_question_view(form, q, locale, shown, piped) for q in page.questions]
    referenced: set[str] = set()
    for question in page.questions:
        expr = service.parsed_rule(question.show_if) if question.show_if else None
        if expr is not None:
            referenced |= references(expr)
    prior = {k: v for k, v in form.prior_answers.items() if k in referenced}
    return _render(
        "collect/page.html", locale, document=document, page=page, page_index=page_index,
        form=form, questions=views, title=document.title.get(locale),
        page_title=pipe(page.title.get(locale), piped),
        progress=service.progress(document, now, page_index),
        has_previous=service.previous_page(document, now, page_index) is not None,
        is_last=service.next_page(document, now, page_index) is None,
        preview=preview, resume_url=resume_url, retry=retry, revealed=revealed,
        action=action, prior_json=json.dumps(prior, ensure_ascii=False),
        errors=[v for v in views if v["errors"] and not v["hidden"]],
    )
