"""Analysis runs (analyst) and the executive dashboard (viewer, analyst). Thin views: parse, call
:mod:`survey.services.dashboard` / :mod:`survey.services.analysis_runs`, render or redirect."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import date, datetime

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from acsi.segments import NCHS_RULE
from reports.labels import construct_label, labels, segment_label
from reports.render import render_fragments, render_standalone
from reports.summary import render_summary
from reports.view_model import CARD_KEYS, compare
from reports.view_types import KanoPoint
from survey.timezones import local_midnight
from survey.auth.roles import role_required
from survey.db import get_session
from survey.i18n import normalise_locale
from survey.jobs import enqueue
from survey.routing import MAX_ID
from survey.reports import plotly_asset
from survey.reports.problem_text import problem_text
from survey.reports.forms import (METHOD_LABELS, MODEL_LABELS, CancelForm, CompareForm, PdfForm, QuestionnaireChoiceForm,
                                  RunForm)
from survey.services import dashboard as service
from survey.services.analysis_pipeline import AnalysisParameters, AnalysisSetupError
from survey.services.analysis_runs import Failure, cancel_run, create_run, stored_failure
from survey.services import file_jobs
from survey.services.invitations import published_questionnaires
from survey.files.views import start as start_file_job
from survey.workspace_access import current_scope, questionnaire_or_404

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.record_once(lambda state: plotly_asset.init_app(state.app))  # versioned plotly.js URL
logger = logging.getLogger(__name__)
FIGURE_CACHE_SIZE = 64  # dashboards (run × language) whose figures are kept per process
_FIGURE_CACHE_LOCK = threading.Lock()

STATUS_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "succeeded": _l("Succeeded"),
                 "failed": _l("Failed"), "cancelled": _l("Cancelled")}
ACTIVE = ("queued", "running")
CARD_LABELS = {"satisfaction": _l("ACSI satisfaction"), "loyalty": _l("Loyalty"), "nps": _l("Net Promoter Score"),
               "word_of_mouth": _l("Word of mouth"), "complaint_handling": _l("Complaint handling")}
NOTE_LABELS = {"no_ci": _l("No confidence interval: the run had no bootstrap."),
               "not_measured": _l("Not measured in this run."),
               "suppressed": _l("Suppressed: too few answers."),
               "unreliable": _l("Unreliable: small n or large standard error."),
               "no_previous": _l("No previous comparable run."),
               "inadmissible_fit": _l("Inadmissible fit: not comparable and left out of roll-ups."),
               "ci_unreliable": _l("Confidence interval unreliable: fewer than 9 in 10 bootstrap resamples succeeded."),
               "change_overlap": _l("Change not tested: the two runs share respondents. Compare runs of separate "
                                    "periods (waves)."),
               "change_not_comparable": _l("Change not tested: the index is measured differently in the two runs "
                                           "(MICOM).")}
CHANGE_TEST_LABELS = {"permutation": _l("permutation test"), "nps_z": _l("z test"),
                      "two_proportion_z": _l("two-proportion z test"), "welch_t": _l("Welch's t test"),
                      "z_se": _l("z test on the two runs' standard errors")}
MARK_LABELS = {"higher": _l("Higher than the rest"), "lower": _l("Lower than the rest"),
               "none": _l("No significant difference")}
SIGNIFICANCE_LABELS = {"up": _l("Significant increase"), "down": _l("Significant decrease"),
                       "none": _l("No significant change"), "unknown": _l("Significance not testable")}
KANO_LABELS = {"A": _l("Attractive"), "O": _l("One-dimensional"), "M": _l("Must-be"), "I": _l("Indifferent"),
               "R": _l("Reverse"), "Q": _l("Questionable")}
MEASURE_LABELS = {"complaint_rate": _l("Complaint rate"), "handling_top_box": _l("Handling rated top box"),
                  "resolution_rate": _l("Resolved"), "first_contact_resolution": _l("Resolved at first contact"),
                  "purchase_more": _l("Will buy more"), "purchase_same": _l("Will buy the same"),
                  "purchase_less": _l("Will buy less"), "purchase_stop": _l("Will stop buying")}
FOOTNOTE_LABELS = {"model": _l("Model"), "method": _l("Estimation method"), "bootstrap": _l("Bootstrap resamples"),
                   "period": _l("Period"), "suppression_rule": _l("Suppression rule (NCHS)"),
                   "validity_thresholds": _l("Validity thresholds"), "index_weights": _l("Index weights"),
                   "tarp": _l("TARP word-of-mouth constants"), "weights": _l("Respondent weights")}
RELIABILITY_LABELS = {"reliable": _l("Reliable"), "unreliable": _l("Unreliable"), "suppressed": _l("Suppressed")}


def _locale() -> str:
    return normalise_locale(str(get_locale() or "")) or "zh_CN"


def _title(questionnaire) -> str:
    if questionnaire is None:
        return _("(questionnaire removed)")
    zh, en = questionnaire.title_zh, questionnaire.title_en
    return (en if _locale() == "en" else zh) or zh or en


def _stage(stage: str) -> str:
    """The worker's stage text ("segment region=east") in the page's language."""
    known = {"loading responses": _("loading responses"), "storing results": _("storing results"),
             "done": _("done"), "cancelled": _("cancelled"), "": ""}
    if stage in known:
        return known[stage]
    if stage.startswith("segment "):
        return _("segment %(name)s", name=_segment(stage[len("segment "):]))
    return stage


def _segment(label: str, value_names: tuple[str, str] | None = None) -> str:
    return segment_label(label, _locale(), value_names)


#: Why a run failed, by the code stored with it (survey.services.analysis_runs.Failure).
FAILURE_MESSAGES = {
    "missing_items": _l("The %(model)s model needs the items %(items)s, which no question of this "
                        "questionnaire is bound to."),
    "nothing_to_analyse": _l("This questionnaire has no construct-bound items, NPS, Kano or complaint "
                             "follow-up questions to analyse."),
    "no_responses": _l("No complete responses match the chosen versions and period."),
    "internal_error": _l("The analysis stopped because of an internal error; it has been logged."),
    "results_not_stored": _l("The results could not be stored: %(detail)s"),
}

def failure_text(error: str | None, failure: Failure | None = None) -> str:
    """A failed run's reason in the page's language: its stored code and parameters when it has
    them, else its stored text as it is (a run stored before failures had codes; reasons from
    the estimators)."""
    if failure is not None and failure.code in FAILURE_MESSAGES:
        params = {key: ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
                  for key, value in failure.params.items()}
        return str(FAILURE_MESSAGES[failure.code]) % params if params else str(FAILURE_MESSAGES[failure.code])
    if not error:
        return _("No reason was recorded.")
    return error


def run_failure_text(run) -> str:  # noqa: ANN001 - an AnalysisRun
    """:func:`failure_text` of a run (its text and its stored code)."""
    return failure_text(run.error, stored_failure(run))


def _kano_name(point: KanoPoint) -> str:
    return point.label(_locale())


def _page_helpers() -> dict[str, object]:
    return {"status_labels": STATUS_LABELS, "stage_text": _stage, "segment_text": _segment, "kano_name": _kano_name, "failure_text": failure_text, "run_failure_text": run_failure_text, "problem_text": problem_text, "title_of": _title,
            "model_labels": MODEL_LABELS, "method_labels": METHOD_LABELS, "card_labels": CARD_LABELS,
            "note_labels": NOTE_LABELS, "significance_labels": SIGNIFICANCE_LABELS,
            "reliability_labels": RELIABILITY_LABELS, "run_label": service.run_label,
            "kano_labels": KANO_LABELS, "kano_codes": tuple(KANO_LABELS), "measure_labels": MEASURE_LABELS,
            "footnote_labels": FOOTNOTE_LABELS, "construct": _construct, "mark_labels": MARK_LABELS,
            "change_test_labels": CHANGE_TEST_LABELS,
            # The report label table (reports.labels) of the page's language: scales, footnote and
            # validity texts, written the same way as in the standalone report and the PDF.
            "report_text": labels(_locale()), "report_locale": _locale(),
            "suppression_min": NCHS_RULE.min_shown, "reliable_min": NCHS_RULE.min_reliable}


def _construct(name: str) -> str:
    return construct_label(name, _locale())


@bp.route("/")
@role_required("viewer", "analyst")
def index():
    overview = [(questionnaire, run_id, [c for c in view.cards if "not_measured" not in c.notes] if view else [])
                for questionnaire, run_id, view in service.latest_overview(get_session(), current_scope())]
    return render_template("reports/index.html", overview=overview, **_page_helpers())


@bp.route("/runs")
@role_required("analyst")
def runs():
    rows = service.run_rows(get_session(), scope=current_scope())
    compare_form = CompareForm(request.args)
    succeeded = [SelectChoice(r.run.id, f"{service.run_label(r.run)} · {_title(r.questionnaire)}")
                 for r in rows if r.run.status == "succeeded"]
    compare_form.a.choices, compare_form.b.choices = succeeded, succeeded
    if len(succeeded) >= 2 and not request.args.get("a"):  # default: the two newest succeeded runs
        compare_form.a.data, compare_form.b.data = succeeded[1].value, succeeded[0].value
    return render_template("reports/runs.html", rows=rows, compare_form=compare_form,
                           refresh=any(r.run.status in ACTIVE for r in rows), **_page_helpers())


def _start_of(day: date | None) -> datetime | None:
    """Local midnight of ``day`` (survey.timezones), in UTC."""
    return local_midnight(day) if day else None


@bp.route("/runs/new", methods=["GET", "POST"])
@role_required("analyst")
def new_run():
    session = get_session()
    questionnaires = published_questionnaires(session, scope=current_scope())
    chooser = QuestionnaireChoiceForm(request.args)
    chooser.questionnaire.choices = [SelectChoice(q.id, _title(q)) for q in questionnaires]
    chosen = next((q for q in questionnaires if q.id == chooser.questionnaire.data), None)
    if chosen is None and len(questionnaires) == 1:
        chosen = questionnaires[0]
    if chosen is None:
        return render_template("reports/new_run.html", chooser=chooser, questionnaire=None, form=None,
                               questionnaires=questionnaires, **_page_helpers())
    versions = service.published_versions(session, chosen.id)
    form = RunForm()
    form.versions.choices = [SelectChoice(v.id, _("Version %(number)s", number=v.number)) for v in versions]
    dimensions, numbers = service.response_attributes(session, [v.id for v in versions])
    form.segments.choices = [SelectChoice(d, d) for d in dimensions]
    form.weight_attribute.choices = [SelectChoice("", _("No weight attribute"))] + [SelectChoice(n, n) for n in numbers]
    models = service.bound_models(session, [v.id for v in versions])
    if models:  # offer only the models the questionnaire's items are bound to
        form.model.choices = [SelectChoice(m, MODEL_LABELS[m]) for m in models if m in MODEL_LABELS]
        if request.method == "GET":
            form.model.data = models[0]
    if request.method == "GET":
        form.versions.data = [v.id for v in versions]
        form.segments.data = [d for d in dimensions if d in ("region", "tier")]
    status = 200
    if form.validate_on_submit():
        try:
            parameters = AnalysisParameters(
                version_ids=tuple(form.versions.data), model=form.model.data, method=form.method.data,
                segment_dimensions=tuple(form.segments.data or ()), bootstrap=form.bootstrap.data or 0,
                seed=form.seed.data if form.seed.data is not None else 1,
                submitted_from=_start_of(form.submitted_from.data), submitted_to=_start_of(form.submitted_to.data),
                weight_attribute=form.weight_attribute.data or None, margins=form.parsed_margins)
            run = create_run(session, parameters, created_by_id=current_user.id)
        except AnalysisSetupError as error:
            session.rollback()
            form.versions.errors = [*form.versions.errors, str(error)]
            status = 422
        else:
            session.commit()
            enqueue("run_analysis", run.id)
            flash(_("Analysis run %(id)s is queued.", id=run.id))
            return redirect(url_for("reports.run_detail", run_id=run.id))
    elif form.errors:
        status = 422
    return render_template("reports/new_run.html", chooser=chooser, questionnaire=chosen, form=form,
                           questionnaires=questionnaires, has_model=bool(models), **_page_helpers()), status


def _run_or_404(run_id: int) -> service.RunRow:
    rows = service.run_rows(get_session(), run_ids=[run_id], scope=current_scope())
    if not rows:
        abort(404)
    return rows[0]


@bp.route("/runs/<int:run_id>")
@role_required("analyst")
def run_detail(run_id: int):
    row = _run_or_404(run_id)
    get_session().refresh(row.run)  # an inline or concurrent worker may have moved it on
    return render_template("reports/run.html", row=row, run=row.run, cancel_form=CancelForm(),
                           refresh=row.run.status in ACTIVE, **_page_helpers())


@bp.route("/runs/<int:run_id>/cancel", methods=["POST"])
@role_required("analyst")
def cancel(run_id: int):
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    row = _run_or_404(run_id)
    status = cancel_run(get_session(), row.run.id)
    if status == "cancelled":
        flash(_("Run %(id)s was cancelled.", id=run_id))
    elif status == "running":
        flash(_("Run %(id)s will stop at its next step.", id=run_id))
    else:
        flash(_("Run %(id)s has already finished; nothing to cancel.", id=run_id))
    return redirect(url_for("reports.run_detail", run_id=run_id))


@bp.route("/runs/compare")
@role_required("analyst")
def compare_runs():
    form = CompareForm(request.args)
    session = get_session()
    views = []
    for run_id in (form.a.data, form.b.data):
        try:
            if not 0 < int(run_id) <= MAX_ID:  # beyond an Integer column: no such run
                raise ValueError(run_id)
            views.append(service.build_dashboard(session, int(run_id), scope=current_scope()))
        except (service.DashboardUnavailable, TypeError, ValueError):
            flash(_("Choose two succeeded runs to compare."))
            return redirect(url_for("reports.runs"))
    (first_data, first), (second_data, second) = views
    rows = []
    for index, key in enumerate(CARD_KEYS):
        a, b = first.cards[index].estimate, second.cards[index].estimate
        change, mark = compare(b, a) if a.value is not None and b.value is not None else (None, "unknown")
        rows.append((key, a, b, change, mark))
    return render_template("reports/compare.html", first=first_data, second=second_data, rows=rows,
                           first_view=first, second_view=second, **_page_helpers())


def _dashboard(run_id: int, *, latest_of: int | None = None):
    try:
        data, view = service.build_dashboard(get_session(), run_id, scope=current_scope())
    except service.DashboardUnavailable:
        abort(404)
    measured = [card for card in view.cards if "not_measured" not in card.notes]
    unmeasured = [str(CARD_LABELS[card.key]) for card in view.cards if "not_measured" in card.notes]
    return render_template("reports/dashboard.html", data=data, view=view, latest_of=latest_of,
                           measured=measured, unmeasured=unmeasured, summary=render_summary(view, _locale()),
                           figures=_figures(data, view), downloads=_downloads(data.run.id), pdf_form=PdfForm(),
                           pdf_action=url_for("reports.export_pdf", run_id=data.run.id, lang=_locale()),
                           **_page_helpers())


def _downloads(run_id: int) -> list[tuple[str, str]]:
    """(label, url) of the standalone exports in the page's language (the PDF is a file job,
    started by the form beside them)."""
    lang = _locale()
    return [(_("Download the report (HTML, works offline)"), url_for("reports.export_html", run_id=run_id, lang=lang))]


def _standalone(run_id: int) -> tuple[str, str]:
    """The standalone HTML of a run's report and a file name for it."""
    try:
        data, view = service.build_dashboard(get_session(), run_id, scope=current_scope())
    except service.DashboardUnavailable:
        abort(404)
    title = f"{_('Customer satisfaction dashboard')} · {_title(data.questionnaire)}"
    return (render_standalone(view, _locale(), title=title, problem_text=problem_text),
            f"xinsheng-run-{run_id}-{_locale()}")


@bp.route("/runs/<int:run_id>/report.html")
@role_required("viewer", "analyst")
def export_html(run_id: int):
    html, name = _standalone(run_id)
    return Response(html, mimetype="text/html",
                    headers={"Content-Disposition": f'attachment; filename="{name}.html"'})


@bp.route("/runs/<int:run_id>/report.pdf", methods=["GET", "POST"])
@role_required("viewer", "analyst")
def export_pdf(run_id: int):
    """GET: a page with the button that makes the PDF; POST: a file job for the worker (printing
    takes Chromium 10–20 s), and its page."""
    row = _run_or_404(run_id)
    if row.run.status != "succeeded" or row.questionnaire is None:
        abort(404)
    form = PdfForm()
    if form.validate_on_submit():
        lang = _locale()
        job, created = file_jobs.create_job(get_session(), kind="pdf", owner=current_user,
                                            questionnaire=row.questionnaire, run_id=run_id,
                                            file_name=f"xinsheng-run-{run_id}-{lang}.pdf",
                                            parameters={"format": "pdf", "language": lang})
        return start_file_job(job, created)
    return render_template("reports/pdf.html", run=row.run, questionnaire=row.questionnaire, form=form,
                           **_page_helpers()), 400 if form.is_submitted() else 200


@bp.route("/plotly.min.js")
@role_required("viewer", "analyst")
def plotly_js():
    """plotly.js's basic bundle (reports.plotly_bundle), at a versioned URL cached for a year."""
    return plotly_asset.response()


def _figures(data: service.DashboardData, view) -> dict[str, str]:
    """HTML of each figure of the dashboard by name ("trend", "segments_nps", "path"...).

    A succeeded run's results never change (they are written once, at the end of the run), so
    the figures are cached per process by the runs they draw and the language; building plotly
    figures is most of a dashboard's server time."""
    cache: OrderedDict = current_app.extensions.setdefault("reports_figure_cache", OrderedDict())
    key = (tuple(run.id for run, _results in data.trend), data.previous.id if data.previous else None, _locale())
    with _FIGURE_CACHE_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    fragments = render_fragments(view, _locale(), embed="data")  # drawn by static/js/figures.js (CSP)
    with _FIGURE_CACHE_LOCK:
        cache[key] = fragments
        while len(cache) > FIGURE_CACHE_SIZE:
            cache.popitem(last=False)
    return fragments


@bp.route("/runs/<int:run_id>/dashboard")
@role_required("viewer", "analyst")
def dashboard(run_id: int):
    return _dashboard(run_id)


@bp.route("/questionnaires/<int:questionnaire_id>/latest")
@role_required("viewer", "analyst")
def latest(questionnaire_id: int):
    questionnaire_or_404(questionnaire_id)
    run_id = service.latest_run_id(get_session(), questionnaire_id)
    if run_id is None:
        abort(404)
    return _dashboard(run_id, latest_of=questionnaire_id)
