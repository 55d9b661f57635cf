"""The dashboard service: form choices, run lists, and a run's results with its previous
comparable run and trend, loaded in a fixed, small number of queries."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from models import AnalysisResult, AnalysisRun, Questionnaire, QuestionnaireVersion
from survey.db import engine
from survey.services import dashboard
from survey.services.invitations import published_questionnaires
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import create_run, execute_run
from survey.services.demo import seed_demo, seed_demo_analysis


def _version(session, fragment: str) -> QuestionnaireVersion:
    return session.scalar(select(QuestionnaireVersion).join(Questionnaire)
                          .where(Questionnaire.title_en.contains(fragment)))


def test_form_choices_come_from_published_questionnaires_and_their_responses(session) -> None:
    assert published_questionnaires(session) == []
    seed_demo(session)
    session.commit()
    questionnaires = published_questionnaires(session)
    assert len(questionnaires) == 3 and questionnaires[0].id > questionnaires[-1].id  # newest first
    acsi = _version(session, "ACSI")
    assert [v.id for v in dashboard.published_versions(session, acsi.questionnaire_id)] == [acsi.id]
    # Text attributes with few levels; amounts and ratios are not segment dimensions.
    assert dashboard.segment_dimensions(session, [acsi.id]) == ["lifecycle_stage", "region", "tier"]
    assert dashboard.segment_dimensions(session, [acsi.id], max_levels=3) == ["tier"]
    assert dashboard.segment_dimensions(session, []) == []
    assert dashboard.bound_models(session, [acsi.id]) == ["acsi"]
    assert dashboard.bound_models(session, [_version(session, "Kano").id]) == []
    assert dashboard.bound_models(session, []) == []
    assert dashboard.latest_dashboards(session) == [(q, None) for q in questionnaires]


def test_dashboard_uses_the_previous_comparable_run_in_few_queries(session) -> None:
    seed_demo(session)
    session.commit()
    acsi_run, complaint_run, kano_run = seed_demo_analysis(session)
    acsi = _version(session, "ACSI")
    # An ECSI run of the same questionnaire is not comparable (other model): it must be skipped.
    other = AnalysisRun(status="succeeded", progress=1.0, questionnaire_id=acsi.questionnaire_id,
                        parameters=AnalysisParameters(version_ids=(acsi.id,), model="ecsi").to_dict())
    session.add(other)
    session.flush()
    session.add(AnalysisResult(run_id=other.id, kind="meta", segment="all", payload={"n": 1, "segments": ["all"]}))
    run = create_run(session, AnalysisParameters(version_ids=(acsi.id,), segment_dimensions=("region",), seed=7))
    session.commit()
    execute_run(session, run.id)
    session.expunge_all()

    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine(), "before_cursor_execute", listener)
    try:
        data, view = dashboard.build_dashboard(session, run.id)
    finally:
        event.remove(engine(), "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5, selects

    assert data.previous.id == acsi_run and data.questionnaire.id == acsi.questionnaire_id
    assert [r.id for r, _results in data.trend] == [acsi_run, run.id]
    assert set(data.previous_results) == {("meta", "all"), ("acsi", "all")}  # only what the cards need
    satisfaction = next(card for card in view.cards if card.key == "satisfaction")
    assert satisfaction.change is not None and "no_previous" not in satisfaction.notes
    assert [s.metric for s in view.segments] == ["satisfaction"]
    assert {row.segment for row in view.segments[0].rows} == {"region=east", "region=north", "region=south", "region=west"}
    assert [len(series.points) for series in view.trend] == [2, 2]  # satisfaction and loyalty, two runs

    first, first_view = dashboard.build_dashboard(session, acsi_run)
    assert first.previous is None and len(first.trend) == 1
    assert all("no_previous" in card.notes or "not_measured" in card.notes for card in first_view.cards)
    kano = dashboard.build_dashboard(session, kano_run)[0]
    assert kano.previous is None and kano.questionnaire.title_en.endswith("(Kano)")

    assert dashboard.latest_run_id(session, acsi.questionnaire_id) == run.id
    assert dict((q.id, r) for q, r in dashboard.latest_dashboards(session))[acsi.questionnaire_id] == run.id
    overview = {q.id: (run_id, view) for q, run_id, view in dashboard.latest_overview(session)}
    assert overview[acsi.questionnaire_id][0] == run.id and overview[acsi.questionnaire_id][1].run_id == run.id
    assert {run_id for run_id, _view in overview.values()} == {run.id, complaint_run, kano_run}
    rows = dashboard.run_rows(session, limit=3)
    assert [r.run.id for r in rows] == [run.id, other.id, kano_run]
    assert rows[0].questionnaire.id == acsi.questionnaire_id
    assert [r.run.id for r in dashboard.run_rows(session, run_ids=[complaint_run])] == [complaint_run]
    assert dashboard.run_label(rows[0].run).startswith(f"#{run.id} · 20")


def test_unavailable_dashboards_are_named(session) -> None:
    seed_demo(session)
    session.commit()
    acsi = _version(session, "ACSI")
    run = create_run(session, AnalysisParameters(version_ids=(acsi.id,)))
    session.commit()
    with pytest.raises(dashboard.DashboardUnavailable, match=f"analysis run {run.id} is queued"):
        dashboard.load_dashboard(session, run.id)
    with pytest.raises(dashboard.DashboardUnavailable, match="analysis run 999 does not exist"):
        dashboard.load_dashboard(session, 999)
    assert dashboard.latest_run_id(session, acsi.questionnaire_id) is None
