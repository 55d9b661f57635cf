"""Response inbox pages: ``/responses/<questionnaire>`` (filters, keyset pages) and
``/responses/<questionnaire>/<response>`` (one response, its answers with the questions' texts,
segment snapshot, invitation, complaint case and tasks; flag as test/spam; delete)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import Questionnaire
from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.forms import ConfirmForm
from survey.i18n import normalise_locale
from survey.services import inbox as service
from survey.services import question_results
from survey.services.export_rows import Selection, segment_keys
from survey.services.questionnaires import questionnaire_title, version_document
from survey.timezones import local_midnight
from survey.workspace_access import questionnaire_or_404

bp = Blueprint("inbox", __name__, url_prefix="/responses")

STATUS_LABELS = {"complete": _l("Complete"), "partial": _l("Partial")}
FLAG_LABELS = {"unflagged": _l("Not marked"), "test": _l("Test"), "spam": _l("Spam"), "any": _l("All")}


def _title(questionnaire: Questionnaire) -> str:
    return questionnaire_title(questionnaire, normalise_locale(str(get_locale())) or "zh_CN")


def _day(name: str) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise service.InboxFilterError(_("“%(value)s” is not a date (YYYY-MM-DD).", value=text[:20])) from None


def _filter() -> service.InboxFilter:
    args = request.args
    since, until = _day("from"), _day("to")
    return service.InboxFilter(
        status=args.get("status") or None, version_id=args.get("version", type=int),
        since=local_midnight(since) if since else None,
        until=local_midnight(until + timedelta(days=1)) if until else None,
        segment_key=(args.get("segment_key") or "").strip(), segment_value=(args.get("segment_value") or "").strip(),
        answer_key=(args.get("answer_key") or "").strip(), answer_value=(args.get("answer_value") or "").strip(),
        has_task=args.get("task") == "1", flag=args.get("flag") or "unflagged", search=(args.get("q") or "")[:200],
    ).check()


@bp.route("/<int:questionnaire_id>")
@role_required("designer", "analyst")
def index(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    session = get_session()
    problem = None
    rows, total = [], 0
    try:
        chosen = _filter()
        rows = service.page(session, questionnaire_id, chosen, before=request.args.get("before", type=int))
        total = service.count(session, questionnaire_id, chosen) if request.args.get("count") == "1" else None
    except service.InboxFilterError as error:
        problem = str(error)
    more = len(rows) == service.PAGE_SIZE
    next_args = {k: v for k, v in request.args.items() if k != "before"}
    return render_template(
        "inbox/index.html", questionnaire=questionnaire, title=_title(questionnaire), rows=rows, total=total, problem=problem,
        versions=sorted((v.number, v.id) for v in questionnaire.versions if v.state == "published"),
        args=request.args, status_labels=STATUS_LABELS, flag_labels=FLAG_LABELS,
        next_url=url_for("inbox.index", questionnaire_id=questionnaire_id, before=rows[-1].id, **next_args)
        if more else None), 422 if problem else 200


def _answers(detail: service.ResponseDetail, locale: str) -> list[tuple[str, str, str]]:
    """(variable code, question text, the answer as shown) for every answered variable, in the
    questionnaire's order; answers to codes the version no longer knows come last."""
    document = version_document(detail.version)
    answers = dict(detail.response.answers or {})
    shown: list[tuple[str, str, str]] = []
    questions = {q.code: q for p in document.pages for q in p.questions}
    for variable in document.variables():
        if variable.code not in answers:
            continue
        value = answers.pop(variable.code)
        labels = {c.code: c.label.get(locale) for c in variable.choices}
        if isinstance(value, list):
            text = ", ".join(labels.get(str(v), str(v)) for v in value)
        else:
            text = labels.get(str(value), str(value))
        question = questions.get(variable.question_code)
        title = question.text.get(locale) if question is not None else variable.code
        shown.append((variable.code, title, text))
    shown.extend((code, code, str(value)) for code, value in answers.items())
    return shown


def _breakdown_problem(error: question_results.BreakdownError) -> str:
    params = error.params
    if error.code == "too_many_values":
        return _("A variable with %(count)s values cannot be broken down; at most %(limit)s can be shown.",
                 count=params["count"], limit=params["limit"])
    if error.code == "same_variable":
        return _("Choose two different variables for the cross-tab.")
    if error.code == "unknown_variable":
        return _("“%(name)s” is not a single-choice question or a segment attribute.", name=params["spec"])
    return _("“%(name)s” is not a segment attribute.", name=params.get("key", ""))


@bp.route("/<int:questionnaire_id>/results")
@role_required("designer", "analyst")
def results(questionnaire_id: int):
    """Per-question results (shares with Wilson intervals, means with intervals) of the responses
    the inbox's filters select, read against the chosen version (else the newest published);
    ``by=<segment attribute>`` breaks them down per value, each tested against the rest;
    ``rows=`` and ``cols=`` (``q:<code>`` / ``s:<attribute>``) add a cross-tab."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    session = get_session()
    locale = normalise_locale(str(get_locale())) or "zh_CN"
    problem, total, found, split, table, keys, variables = None, 0, [], None, None, [], []
    by, rows, cols = ((request.args.get(name) or "").strip()[:120] for name in ("by", "rows", "cols"))
    try:
        chosen = _filter()
        versions = [v for v in questionnaire.versions if v.state == "published"]
        version = next((v for v in versions if v.id == chosen.version_id), None) or (versions[-1] if versions else None)
        if version is not None:
            document = version_document(version)
            keys = segment_keys(session.get_bind(), Selection({v.id: v.number for v in versions}, include_partial=True,
                                                             include_flagged=True))
            variables = [*question_results.crosstab_variables(document, locale), *((f"s:{k}", k) for k in keys)]
            if by:
                split = question_results.breakdown(session, questionnaire_id, chosen, document, locale, by)
                total, found = split.total, list(split.overall)
            else:
                total, found = question_results.results(session, questionnaire_id, chosen, document, locale)
            if rows and cols:
                table = question_results.crosstab(session, questionnaire_id, chosen, document, locale, rows, cols)
    except service.InboxFilterError as error:
        problem = str(error)
    except question_results.BreakdownError as error:
        problem = _breakdown_problem(error)
    return render_template("inbox/results.html", questionnaire=questionnaire, title=_title(questionnaire),
                           total=total, results=found, split=split, table=table, keys=keys, variables=variables,
                           by=by, rows=rows, cols=cols, problem=problem, args=request.args,
                           filter_args={k: v for k, v in request.args.items() if k not in ("by", "rows", "cols")},
                           back_url=url_for("inbox.index", questionnaire_id=questionnaire_id,
                                            **{k: v for k, v in request.args.items() if k not in ("by", "rows", "cols")})), \
        422 if problem else 200


@bp.route("/<int:questionnaire_id>/<int:response_id>")
@role_required("designer", "analyst")
def show(questionnaire_id: int, response_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    detail = service.detail(get_session(), questionnaire_id, response_id)
    if detail is None:
        abort(404)
    locale = normalise_locale(str(get_locale())) or "zh_CN"
    return render_template("inbox/show.html", questionnaire=questionnaire, detail=detail,
                           answers=_answers(detail, locale), form=ConfirmForm(), status_labels=STATUS_LABELS,
                           flag_labels=FLAG_LABELS)


def _posted_response(session, questionnaire_id: int, response_id: int) -> service.ResponseDetail:
    """The response a button posts about: 404 outside the user's workspaces or for no such
    response, 400 without a valid form."""
    questionnaire_or_404(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    detail = service.detail(session, questionnaire_id, response_id)
    if detail is None:
        abort(404)
    return detail


@bp.route("/<int:questionnaire_id>/<int:response_id>/flag/<any(test, spam, none):flag>", methods=["POST"])
@role_required("designer", "analyst")
def flag(questionnaire_id: int, response_id: int, flag: str):
    session = get_session()
    detail = _posted_response(session, questionnaire_id, response_id)
    service.set_flag(session, detail.response, "" if flag == "none" else flag)
    audit_event("response_flag", f"response {response_id}", details={"flag": flag})
    session.commit()
    flash(_("The response is marked as %(flag)s.", flag=FLAG_LABELS[flag]) if flag != "none"
          else _("The mark was removed."))
    return redirect(url_for("inbox.show", questionnaire_id=questionnaire_id, response_id=response_id))


@bp.route("/<int:questionnaire_id>/<int:response_id>/delete", methods=["POST"])
@role_required("designer")
def delete(questionnaire_id: int, response_id: int):
    session = get_session()
    detail = _posted_response(session, questionnaire_id, response_id)
    service.delete_response(session, detail.response)
    audit_event("response_delete", f"response {response_id}", details={"questionnaire": questionnaire_id})
    session.commit()
    flash(_("Response %(id)s was deleted.", id=response_id))
    return redirect(url_for("inbox.index", questionnaire_id=questionnaire_id))
