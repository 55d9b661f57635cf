"""The designer's preview of a version: every page as a respondent sees it, in zh and en."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import force_locale
from flask_babel import gettext as _

from models import QuestionnaireVersion
from survey.auth.roles import role_required
from survey.collect.forms import build_page_form, form_data
from survey.collect.page_check import current_limits, posted_values
from survey.collect.rendering import render_survey_page
from survey.design.access import questionnaire_or_404, to_editor, version_or_404
from survey.design.messages import translation_location
from survey.design.views import bp
from survey.questionnaire.document import Questionnaire as Document
from survey.services import questionnaires as store
from survey.services.page_answers import answer_page


# --- preview ----------------------------------------------------------------------------------

PREVIEW_KEY = "design_preview_answers"
PREVIEW_LOCALES = ("zh_CN", "en")


def _preview_url(questionnaire_id: int, version: QuestionnaireVersion, page: int, show: str) -> str:
    return url_for("design.preview", questionnaire_id=questionnaire_id, version=version.number,
                   page=page, show=show)


def _missing_on_page(document: Document, page_index: int, show: str) -> list[str]:
    """Where texts of this page (and the title) are missing in the previewed language."""
    language = "zh" if show == "zh_CN" else "en"
    prefix = f"page:{document.pages[page_index].code}/"
    return [translation_location(m.location) for m in document.missing_translations()
            if language in m.languages
            and (m.location in ("title", "description") or m.location.startswith(prefix))]


@bp.route("/<int:questionnaire_id>/preview", methods=["GET", "POST"])
@role_required("designer")
def preview(questionnaire_id: int):
    """A version's pages exactly as respondents see them (the respondent renderer), in the
    language ``show``, with a designer bar: language and page links, missing translations.
    Answers live in the designer's session only and are never stored."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = version_or_404(questionnaire, request.args.get("version", type=int))
    document = store.version_document(version)
    show = request.args.get("show") if request.args.get("show") in PREVIEW_LOCALES else "zh_CN"
    if not document.pages:
        flash(_("Add a page with questions before previewing."))
        return to_editor(questionnaire_id)
    page_index = min(max(request.args.get("page", 0, type=int), 0), len(document.pages) - 1)
    saved = dict(cookie.get(PREVIEW_KEY, {}))
    key = str(version.id)
    stored = dict(saved.get(key, {})) if request.args.get("restart") is None else {}
    page = document.pages[page_index]
    page_variables = {variable.code for question in page.questions for variable in question.variables()}
    prior = {k: v for k, v in stored.items() if k not in page_variables}
    page_form = build_page_form(document, page_index, locale=show, seed=f"preview-{version.id}")
    here = _preview_url(questionnaire_id, version, page_index, show)
    status, revealed = 200, False
    if request.method == "POST":
        # The respondent's use case; the answers are kept in the designer's cookie, not stored.
        with force_locale(show):
            outcome = answer_page(document, page_index, stored, posted_values(page, request.form),
                                  navigation="back" if request.form.get("nav") == "back" else "next",
                                  locale=show, limits=current_limits(), seen=request.form.get("xs_shown"))
        if outcome.moves:
            saved[key] = outcome.answers  # kept at the end too: the pages show what was answered
            cookie[PREVIEW_KEY] = saved
            if outcome.completes:
                flash(_("End of the preview; nothing was saved."))
                return redirect(_preview_url(questionnaire_id, version, 0, show))
            return redirect(_preview_url(questionnaire_id, version, outcome.target, show))
        if outcome.navigation == "back":  # the first page: nowhere to go back to
            return redirect(here)
        form = page_form(prior_answers=prior)
        form.validate()
        form.forget_errors(outcome.revealed)
        status, revealed = (422 if outcome.errors else 200), bool(outcome.revealed)
    else:
        if request.args.get("restart") is not None:
            saved.pop(key, None)
            cookie[PREVIEW_KEY] = saved
        form = page_form(prior_answers=prior, data=form_data(document, page_index, stored))
    html = render_survey_page(document, page_index, form, locale=show, preview=True,
                              answers=stored, action=here, revealed=revealed)
    bar = render_template(
        "design/_preview_bar.html", questionnaire=questionnaire, version=version,
        document=document, page_index=page_index, show=show,
        missing=_missing_on_page(document, page_index, show),
        page_url=lambda page, language=show: _preview_url(questionnaire_id, version, page, language))
    marker = '<main id="main" tabindex="-1">'
    if marker in html:
        html = html.replace(marker, marker + bar, 1)
    else:
        html = bar + html
    return html, status
