"""Respondent pages (public): public links, personal invitations, page by page, save and resume.

URLs: ``/s/<public_token>`` (the questionnaire's public link, always its current version; an earlier version's link leads there: start or continue via a cookie), ``/s/i/<token>``
(personal invitation), ``/s/r/<resume_token>`` (resume where left), ``/s/r/<resume_token>/<n>``
(page n), ``/s/r/<resume_token>/done`` (thank you).

Language: ``?lang=`` first, then the language switcher's cookie, then the invitation's (or the
response's) language, then the browser's. On a page, the switcher's buttons submit the page form
(``LANGUAGE_SWITCH``): what was entered is kept and the page is shown again in the language chosen.
Designers preview a draft with
:func:`survey.collect.rendering.render_survey_page` (no database involved).
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, make_response, redirect, request, session, url_for
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError, OperationalError

from models import Invitation, QuestionnaireVersion, Response
from survey.auth.roles import public
from survey.collect.forms import build_page_form, form_data, posted_submission_id
from survey.collect.page_check import current_limits, posted_values
from survey.collect.rendering import (
    choose_locale, render_message, render_survey_page, render_unsubscribe, render_welcome,
)

__all__ = ["bp", "render_survey_page"]
from survey.db import get_session, read_first
from survey.i18n import remember_language, supported_locale
from survey.public_urls import public_url
from survey.services import collection as service
from survey.services import consent, mailings, quotas
from survey.services.page_answers import PageOutcome, answer_page
from survey.services.questionnaires import state_document, version_document
from survey.services.response_state import ResponseState, response_state
from survey.security_headers import remember_embedding
from survey.services.followup_tasks import FollowUpRules, open_followup_tasks
from survey.observability import metrics

bp = Blueprint("collect", __name__, url_prefix="/s")
COOKIE_PREFIX = "xs_resp_"
#: The name of the language switcher's buttons on a survey page (their value: the language).
LANGUAGE_SWITCH = "xs_language"
COOKIE_AGE = 60 * 24 * 3600
BROWSER_KEY = "xs_browser"


@bp.before_request
def _read_without_the_write_lock() -> None:
    # Every respondent request reads first and writes (if at all) through write_once.
    read_first(get_session())


@bp.errorhandler(OperationalError)
def _database_unavailable(error: OperationalError):
    """The database went away while a page was being read: a polite 503, not the error page.
    (Saving a page handles this itself and shows the page again with the answers kept.)"""
    current_app.logger.warning("database unavailable on %s: %s", request.path, error.orig)
    try:
        get_session().rollback()
    except OperationalError:
        pass
    html, status = render_message("busy", choose_locale(None), 503)
    return html, status, {"Retry-After": "5"}


@bp.errorhandler(413)
def _page_too_large(error):
    """A page whose answers exceed what a response may hold (see survey/body_limits.py):
    nothing of it was saved; what earlier pages saved is kept, and the link leads back. Shown in
    the response's language when the page belongs to one."""
    language = None
    resume_token = (request.view_args or {}).get("resume_token")
    if resume_token:
        db = get_session()
        read_first(db)
        found = response_state(db, resume_token)
        language = found[0].language if found else None
    return render_message("too_large", choose_locale(language), 413, back_url=request.path)


def _cookie_name(version: QuestionnaireVersion) -> str:
    """The resume cookie of the questionnaire's public link (one per questionnaire: the link
    serves whichever version is current, and a response keeps the version it started on)."""
    return f"{COOKIE_PREFIX}q{version.questionnaire_id}"


def _version_cookie_name(version: QuestionnaireVersion) -> str:
    """The per-version resume cookie set before links were stable; still read."""
    return f"{COOKIE_PREFIX}{version.id}"


def _page_url(response: Response | ResponseState, page_index: int) -> str:
    return url_for("collect.page", resume_token=response.resume_token, page_index=page_index)


def _resume_target(document, response: Response | ResponseState) -> int:
    """The page a resume link continues at: the furthest page reached, if still shown."""
    index = min(response.last_page, len(document.pages) - 1)
    if service.page_is_shown(document.pages[index], response.answers):
        return index
    earlier = service.previous_page(document, response.answers, index)
    if earlier is not None:
        return earlier
    first = service.first_page(document, response.answers)
    return first if first is not None else 0


def _continue_url(version: QuestionnaireVersion, response: Response) -> str:
    """Where Start (or Continue) leads: straight to the page the resume link would open."""
    return _page_url(response, _resume_target(version_document(version), response))


def _start(db, version: QuestionnaireVersion, locale: str, *, already_status: int, **start):
    """Start (or rejoin) a response with ``service.start_response(**start)``: the response, or
    the page to answer with instead — already submitted, or the welcome page again with a
    "try again" message when the database is unavailable (nothing is written then)."""
    try:
        return service.write_once(db, lambda: service.start_response(db, version, language=locale, **start))
    except service.AlreadySubmitted:
        db.rollback()
        return render_message("already_submitted", locale, already_status, version=version)
    except OperationalError:
        db.rollback()
        return render_welcome(version, locale, continuing=False, retry=True, status=503)


# --- public link -------------------------------------------------------------------------------

@bp.route("/<public_token>", methods=["GET", "POST"])
@public
def public_start(public_token: str):
    db = get_session()
    version, stable = service.version_for_public_link(db, public_token)
    if version is None:
        return render_message("unknown", choose_locale(None), 404)
    if stable is not None:  # an earlier version's link: the questionnaire's link serves the current one
        return redirect(url_for("collect.public_start", public_token=stable, **request.args), 307)
    remember_embedding(version.questionnaire.embed_origins)
    locale = choose_locale(None)  # a public link: the respondent's browser language
    if not service.is_open(version):
        return render_message("closed", locale, 410, version=version)
    token = request.cookies.get(_cookie_name(version)) or request.cookies.get(_version_cookie_name(version))
    existing = service.response_by_resume_token(db, token) if token else None
    if existing is not None and not service.same_questionnaire(db, existing, version):
        existing = None
    if existing is not None and existing.status == "complete":
        return render_message("already_submitted", locale, 200, version=version)
    if quotas.full_at_start(db, version.questionnaire_id, {}) is not None:
        return render_message("quota_full", locale, 200, version=version)
    # The browser's own key (in its session cookie, set with the page's CSRF token): two tabs
    # that start before the resume cookie exists share it, and so share one response.
    browser = session.setdefault(BROWSER_KEY, secrets.token_urlsafe(16))
    statement = consent.statement(version.questionnaire, locale)
    if request.method == "GET":
        return render_welcome(version, locale, continuing=existing is not None, consent=statement)
    if existing is not None:
        return redirect(_continue_url(version, existing))
    if statement is not None and request.form.get("consent") != "yes":
        return render_welcome(version, locale, continuing=False, consent=statement, consent_missing=True,
                              status=422)
    response = _start(db, version, locale, already_status=200,
                      start_key=service.browser_start_key(version.id, browser),
                      consent_version=consent.required_version(version.questionnaire))
    if not isinstance(response, Response):
        return response
    reply = redirect(_continue_url(version, response))
    reply.set_cookie(_cookie_name(version), response.resume_token, max_age=COOKIE_AGE,
                     httponly=True, samesite="Lax", path="/s",
                     secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return reply


# --- personal invitation -----------------------------------------------------------------------

@bp.route("/i/<token>", methods=["GET", "POST"])
@public
def invitation_start(token: str):
    db = get_session()
    invitation = service.invitation_by_token(db, token)
    if invitation is None:
        return render_message("unknown", choose_locale(None), 404)
    locale = choose_locale(invitation.language)
    state = service.invitation_state(db, invitation)
    if state == "completed":
        return render_message("already_submitted", locale, 200)
    if state != "open":
        return render_message(state, locale, 410)
    version = service.current_version(db, invitation.questionnaire_id)
    if version is not None:
        remember_embedding(version.questionnaire.embed_origins)
    existing = service.invitation_response(db, invitation)
    if existing is not None and existing.status == "complete":
        return render_message("already_submitted", locale, 200, version=version)
    if quotas.full_at_start(db, invitation.questionnaire_id, invitation.segment or {}) is not None:
        return render_message("quota_full", locale, 200, version=version)
    questionnaire = version.questionnaire
    statement = consent.statement(questionnaire, locale)
    if request.method == "GET":
        if invitation.opened_at is None:
            _record_opened(db, invitation.id)
        return render_welcome(version, locale, continuing=existing is not None, consent=statement)
    if existing is None and statement is not None and request.form.get("consent") != "yes":
        return render_welcome(version, locale, continuing=False, consent=statement, consent_missing=True,
                              status=422)
    response = _start(db, version, locale, already_status=409, invitation=invitation,
                      consent_version=consent.required_version(questionnaire) if existing is None else None)
    if not isinstance(response, Response):
        return response
    return redirect(_continue_url(version, response))


def _record_opened(db, invitation_id: int) -> None:
    """The invitation's "opened the link" status; best effort: the page shows either way."""
    try:
        service.write_once(db, lambda: mailings.mark_opened(db, invitation_id), one_statement=True)
    except OperationalError:
        db.rollback()
        current_app.logger.warning("could not record that invitation %s was opened", invitation_id)


@bp.route("/u/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """Opt out of every later message (all questionnaires). GET asks; POST confirms — from the
    page's button or, with ``List-Unsubscribe=One-Click``, from the mail program (RFC 8058),
    which is why this form carries no CSRF token: the personal token is the credential."""
    db = get_session()
    invitation = service.invitation_by_token(db, token)
    if invitation is None:
        return render_message("unknown", choose_locale(None), 404)
    locale = choose_locale(invitation.language)
    if request.method == "POST":
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        service.write_once(db, lambda: mailings.opt_out(db, invitation, source="one_click" if one_click else "link"))
    done = request.method == "POST" or mailings.is_opted_out(db, invitation)
    return render_unsubscribe(locale, done=done)


# --- resume, pages, done -----------------------------------------------------------------------

@bp.route("/r/<resume_token>")
@public
def resume(resume_token: str):
    db = get_session()
    found = response_state(db, resume_token)
    if found is None:
        return render_message("unknown", choose_locale(None), 404)
    response, version = found
    remember_embedding(version.embed_origins)
    locale = choose_locale(response.language)
    if response.status == "complete":
        return render_message("already_submitted", locale, 200, version=version)
    if not version.is_open:
        return render_message("closed", locale, 410, version=version)
    return redirect(_page_url(response, _resume_target(state_document(db, version), response)))


@bp.route("/r/<resume_token>/done")
@public
def done(resume_token: str):
    found = response_state(get_session(), resume_token)
    if found is None:
        abort(404)
    response, version = found
    remember_embedding(version.embed_origins)
    if response.status != "complete":
        return redirect(url_for("collect.resume", resume_token=resume_token))
    return render_message("thanks", choose_locale(response.language), 200, version=version)


@bp.route("/r/<resume_token>/<int:page_index>", methods=["GET", "POST"])
@public
def page(resume_token: str, page_index: int):
    db = get_session()
    found = response_state(db, resume_token)
    if found is None:
        return render_message("unknown", choose_locale(None), 404)
    response, version = found
    remember_embedding(version.embed_origins)
    locale = choose_locale(response.language)
    if response.status == "complete":
        return render_message("already_submitted", locale,
                              409 if request.method == "POST" else 200, version=version)
    if not version.is_open:
        return render_message("closed", locale, 410, version=version)
    if response.invitation_id is not None:
        state = service.invitation_state(db, db.get(Invitation, response.invitation_id))
        if state in ("closed", "expired"):
            return render_message(state, locale, 410, version=version)
    document = state_document(db, version)
    if page_index >= len(document.pages) or page_index > response.last_page or \
            not service.page_is_shown(document.pages[page_index], response.answers):
        return redirect(_page_url(response, _resume_target(document, response)))

    page = document.pages[page_index]
    page_variables = tuple(v.code for q in page.questions for v in q.variables())
    stored = response.answers
    prior = {k: v for k, v in stored.items() if k not in page_variables}

    def show(status: int = 200, *, data: dict | None = None, revealed: tuple[str, ...] = (),
             retry: bool = False, in_locale: str = locale, checked: bool = True):
        """Build the page's form (posted data or ``data``) and render it in ``in_locale``;
        posted data is checked (its errors shown) unless ``checked`` is False."""
        form = build_page_form(document, page_index, locale=in_locale, seed=resume_token)(
            prior_answers=prior, **({"data": data} if data is not None else {}))
        if data is None and checked:
            form.validate()
            form.forget_errors(revealed)
        elif data is not None:
            form.xs_submission.data = secrets.token_urlsafe(16)
        html = render_survey_page(
            document, page_index, form, locale=in_locale, preview=False, answers=stored,
            resume_url=public_url("collect.resume", resume_token=resume_token),
            retry=retry, revealed=bool(revealed), attributes=response.segment,
            # after a switch, the page's own URL: a ?lang= in this one would override the choice
            action=None if in_locale == locale else _page_url(response, page_index))
        return html, status

    if request.method == "GET":
        return show(data=form_data(document, page_index, stored))

    # A posted page is checked without building its form (the CSRF token was checked before
    # the view ran); the form is built only when the page has to be shown again.
    switching_to = supported_locale(request.form.get(LANGUAGE_SWITCH))
    navigation = "language" if switching_to is not None else \
        "back" if request.form.get("nav") == "back" else "next"
    with force_locale(locale):
        outcome = answer_page(document, page_index, stored, posted_values(page, request.form),
                              navigation=navigation, locale=locale, limits=current_limits(),
                              seen=request.form.get("xs_shown"))
    if switching_to is not None:
        return _switch_language(db, response, page_index, outcome, switching_to, show)
    if not outcome.moves:
        if navigation == "back":  # the first page: nowhere to go back to
            return redirect(_page_url(response, page_index))
        if outcome.revealed:
            return show(422 if outcome.errors else 200, revealed=outcome.revealed)
        return show(422)
    merged, completing = outcome.answers, outcome.completes
    target_url = url_for("collect.done", resume_token=resume_token) if completing \
        else _page_url(response, outcome.target)
    rules = FollowUpRules.from_config(current_app.config)
    quota_rules = quotas.quotas_of(db, version.questionnaire_id) if completing and version.has_quotas else []
    # A page save, or a completion that touches nothing else, is one statement (see write_once).
    one_statement = not completing or (response.invitation_id is None and not rules.reasons(merged)
                                       and not quota_rules)

    def write() -> None:
        if not completing:  # Back keeps where the respondent had reached; Next moves it on
            service.save_page(db, response, page_index, merged,
                              next_index=page_index if navigation == "back" else outcome.target)
            return
        completed = service.complete_response(
            db, response, answers=merged, page_index=page_index,
            submission_id=posted_submission_id(request.form),
            profile=service.profile_answers(document, merged))
        # Quotas are counted in the completion's transaction: a full one undoes it.
        if quota_rules:
            quotas.fill(db, version.questionnaire_id, completed.segment, merged, quota_rules)
        # Closed loop: an unresolved complaint, low resolution satisfaction or a detractor
        # opens a follow-up task in the same transaction as the completion.
        if not one_statement:
            open_followup_tasks(db, completed, rules)

    try:
        service.write_once(db, write, one_statement=one_statement)
    except quotas.QuotaFull:
        db.rollback()  # nothing of the completion is kept; the answers stay as last saved
        return render_message("quota_full", locale, 200, version=version)
    except (service.AlreadySubmitted, IntegrityError):
        db.rollback()
        return render_message("already_submitted", locale, 409, version=version)
    except OperationalError:
        db.rollback()
        current_app.logger.warning("database unavailable while saving response %s", response.id)
        return show(503, retry=True)
    if completing:
        metrics.submission_accepted("web")
    return make_response(redirect(target_url))


def _switch_language(db, response: ResponseState, page_index: int, outcome: PageOutcome, locale: str, show):
    """The language switcher of a page (a submit button of the page form): keep what the
    respondent has entered on the page — the valid answers are saved as Back saves them, without
    requiring anything (``outcome``) — and show the same page, with everything as entered, in
    ``locale``."""
    try:
        service.write_once(db, lambda: service.save_page(db, response, page_index, outcome.answers,
                                                         next_index=page_index), one_statement=True)
    except service.AlreadySubmitted:
        db.rollback()
        return render_message("already_submitted", locale, 409)
    except OperationalError:
        db.rollback()
        current_app.logger.warning("database unavailable while saving response %s", response.id)
        html, status = show(503, retry=True, in_locale=locale, checked=False)
        return remember_language(make_response(html, status), locale)
    html, status = show(in_locale=locale, checked=False)
    return remember_language(make_response(html, status), locale)
