"""What the analysis-run pages and the executive dashboard need, in few queries.

* :func:`published_versions`, :func:`segment_dimensions` — the choices of the "new run" form
  (its questionnaires: ``survey.services.invitations.published_questionnaires``);
* :func:`run_rows` — runs with the questionnaire they analyse (one query);
* :func:`load_dashboard` — a run's results, the previous comparable run (same questionnaire and
  model, earlier, succeeded) and the trend across such runs (four queries), turned into the
  report view model of :mod:`reports.view_model`.

Every listing takes the caller's workspace scope (``survey.services.workspaces``): a run is seen
by whoever sees its questionnaire. Session in, plain values out; nothing here knows about Flask
requests.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AnalysisResult, AnalysisRun, MatrixRow, Question, Questionnaire, QuestionnaireVersion, Response
from reports.view_model import ReportView, build_report
from survey.services.analysis_runs import earlier_comparable_runs
from survey.services.invitations import published_questionnaires
from survey.services.workspaces import Scope, allows, in_scope

# How many recent responses are sampled to find the segment keys of a questionnaire, and the
# most distinct values a key may have to be offered as a segment dimension (an id is not one).
SEGMENT_SAMPLE = 5000
MAX_SEGMENT_LEVELS = 50
TREND_RUNS = 12


class DashboardUnavailable(LookupError):
    """The run does not exist, or has no stored results yet."""


@dataclass(frozen=True, slots=True)
class RunRow:
    """A run with the questionnaire it analyses (None when its versions are gone)."""

    run: AnalysisRun
    questionnaire: Questionnaire | None


@dataclass(frozen=True, slots=True)
class DashboardData:
    """Everything the dashboard shows, before it is turned into figures."""

    run: AnalysisRun
    questionnaire: Questionnaire | None
    results: Mapping[tuple[str, str], dict[str, Any]]
    previous: AnalysisRun | None
    previous_results: Mapping[tuple[str, str], dict[str, Any]]
    trend: tuple[tuple[AnalysisRun, Mapping[tuple[str, str], dict[str, Any]]], ...]  # oldest first, this run last




def published_versions(session: Session, questionnaire_id: int) -> list[QuestionnaireVersion]:
    """The published versions of a questionnaire, by number."""
    return list(session.scalars(select(QuestionnaireVersion)
                                .where(QuestionnaireVersion.questionnaire_id == questionnaire_id,
                                       QuestionnaireVersion.state == "published")
                                .order_by(QuestionnaireVersion.number)))


def bound_models(session: Session, version_ids: Sequence[int]) -> list[str]:
    """The satisfaction models ("acsi", "ecsi", "ccsi") that items of ``version_ids`` are bound to."""
    if not version_ids:
        return []
    questions = select(Question.binding_model).where(Question.version_id.in_(list(version_ids)),
                                                     Question.binding_model.is_not(None))
    rows = (select(MatrixRow.binding_model).join(Question, Question.id == MatrixRow.question_id)
            .where(Question.version_id.in_(list(version_ids)), MatrixRow.binding_model.is_not(None)))
    return sorted(set(session.scalars(questions.union(rows))))


def response_attributes(session: Session, version_ids: Sequence[int], *, sample: int = SEGMENT_SAMPLE,
                        max_levels: int = MAX_SEGMENT_LEVELS) -> tuple[list[str], list[str]]:
    """(segment dimensions, numeric attributes) found in the most recent ``sample`` complete
    responses of ``version_ids``, each sorted. Dimensions: keys whose values are text with at
    most ``max_levels`` distinct values (region, tier...; not a customer id or an amount);
    numeric attributes: keys whose every value is a number (an amount, a design weight)."""
    if not version_ids:
        return [], []
    rows = session.scalars(select(Response.segment)
                           .where(Response.version_id.in_(list(version_ids)), Response.status == "complete",
                                  Response.flag == "")
                           .order_by(Response.id.desc()).limit(sample))
    levels: dict[str, set[str]] = {}
    numeric: set[str] = set()
    other: set[str] = set()
    for segment in rows:
        for key, value in (segment or {}).items():
            if isinstance(value, str) and value != "":
                levels.setdefault(key, set()).add(value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                numeric.add(key)
            elif value is not None:
                other.add(key)
    dimensions = sorted(key for key, values in levels.items()
                        if key not in numeric | other and len(values) <= max_levels and key.isidentifier())
    numbers = sorted(key for key in numeric if key not in levels and key not in other and key.isidentifier())
    return dimensions, numbers


def segment_dimensions(session: Session, version_ids: Sequence[int], **options: int) -> list[str]:
    """The segment dimensions of :func:`response_attributes`."""
    return response_attributes(session, version_ids, **options)[0]


def run_rows(session: Session, *, limit: int = 50, run_ids: Sequence[int] | None = None,
             scope: Scope = None) -> list[RunRow]:
    """The newest ``limit`` runs (or the runs ``run_ids``) in ``scope``, newest first, with their
    questionnaire (a run whose questionnaire is gone is seen by admins only)."""
    query = (select(AnalysisRun, Questionnaire)
             .join(Questionnaire, Questionnaire.id == AnalysisRun.questionnaire_id, isouter=True)
             .where(in_scope(Questionnaire.workspace_id, scope)).order_by(AnalysisRun.id.desc()))
    query = query.where(AnalysisRun.id.in_(list(run_ids))) if run_ids is not None else query.limit(limit)
    return [RunRow(run, questionnaire) for run, questionnaire in session.execute(query).all()]


def latest_run_id(session: Session, questionnaire_id: int) -> int | None:
    """The newest succeeded run of a questionnaire, or None."""
    return session.scalar(select(AnalysisRun.id).where(AnalysisRun.questionnaire_id == questionnaire_id,
                                                       AnalysisRun.status == "succeeded")
                          .order_by(AnalysisRun.id.desc()).limit(1))


def latest_dashboards(session: Session, scope: Scope = None) -> list[tuple[Questionnaire, int | None]]:
    """Every analysable questionnaire in ``scope`` with its newest succeeded run id (None: not
    analysed yet)."""
    questionnaires = published_questionnaires(session, scope=scope)
    if not questionnaires:
        return []
    latest = dict(session.execute(
        select(AnalysisRun.questionnaire_id, func.max(AnalysisRun.id))
        .where(AnalysisRun.status == "succeeded", AnalysisRun.questionnaire_id.in_([q.id for q in questionnaires]))
        .group_by(AnalysisRun.questionnaire_id)).all())
    return [(questionnaire, latest.get(questionnaire.id)) for questionnaire in questionnaires]


def _results(session: Session, run_ids: Sequence[int], *, segment: str | None = None
             ) -> dict[int, dict[tuple[str, str], dict[str, Any]]]:
    query = select(AnalysisResult.run_id, AnalysisResult.kind, AnalysisResult.segment, AnalysisResult.payload
                   ).where(AnalysisResult.run_id.in_(list(run_ids)))
    if segment is not None:  # earlier runs: what their cards need, not their segment tests
        query = query.where(AnalysisResult.segment == segment, AnalysisResult.kind != "segment_tests")
    grouped: dict[int, dict[tuple[str, str], dict[str, Any]]] = {run_id: {} for run_id in run_ids}
    for run_id, kind, label, payload in session.execute(query):
        grouped[run_id][(kind, label)] = payload
    return grouped


def load_dashboard(session: Session, run_id: int, *, scope: Scope = None) -> DashboardData:
    """A succeeded run's results with its previous comparable run and the trend across runs.

    "Comparable": a succeeded, earlier run of the same questionnaire with the same model. Four
    queries whatever the number of segments. Raises :class:`DashboardUnavailable` when the run
    does not exist, is outside ``scope`` or has not succeeded.
    """
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise DashboardUnavailable(f"analysis run {run_id} does not exist")
    questionnaire = session.get(Questionnaire, run.questionnaire_id) if run.questionnaire_id is not None else None
    if not allows(scope, questionnaire.workspace_id if questionnaire is not None else None):
        raise DashboardUnavailable(f"analysis run {run_id} does not exist")
    if run.status != "succeeded":
        raise DashboardUnavailable(f"analysis run {run_id} is {run.status}; only a succeeded run has a dashboard")
    earlier = earlier_comparable_runs(session, run, limit=TREND_RUNS - 1)
    results = _results(session, [run.id])[run.id]
    history = _results(session, [r.id for r in earlier], segment="all") if earlier else {}
    previous = earlier[0] if earlier else None
    trend = tuple((r, history[r.id]) for r in reversed(earlier)) + ((run, results),)
    return DashboardData(run=run, questionnaire=questionnaire, results=results, previous=previous,
                         previous_results=history.get(previous.id, {}) if previous else {}, trend=trend)


def run_label(run: AnalysisRun) -> str:
    """"#12 · 2026-11-23": how runs are named on axes and in tables."""
    when = run.finished_at or run.created_at
    return f"#{run.id} · {when:%Y-%m-%d}" if when is not None else f"#{run.id}"


def build_dashboard(session: Session, run_id: int, *, scope: Scope = None) -> tuple[DashboardData, ReportView]:
    """:func:`load_dashboard` and the report view model built from it (see
    :func:`reports.view_model.build_report`; the trend's runs come with their ids, so each
    point's stored change test — loaded with the history's "all" results, no extra query — marks
    it). Raises :class:`DashboardUnavailable`."""
    data = load_dashboard(session, run_id, scope=scope)
    view = build_report(data.results, run_id=data.run.id, previous=data.previous_results if data.previous else None,
                        previous_run_id=data.previous.id if data.previous else None,
                        history=[(run_label(run), results) for run, results in data.trend[:-1]],
                        history_ids=[run.id for run, _results in data.trend[:-1]],
                        current_label=run_label(data.run))
    return data, view


def latest_overview(session: Session, scope: Scope = None) -> list[tuple[Questionnaire, int | None, ReportView | None]]:
    """Every analysable questionnaire in ``scope`` with its newest succeeded run and that run's
    report view (None when not analysed yet): the executive overview across questionnaires."""
    overview = []
    for questionnaire, run_id in latest_dashboards(session, scope):
        overview.append((questionnaire, run_id, build_dashboard(session, run_id)[1] if run_id else None))
    return overview
