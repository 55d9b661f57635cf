"""Results named by the longest codes the questionnaire and the segment rules allow are stored
(on PostgreSQL a 64-character NPS code or a 200-character segment value failed the run)."""
from __future__ import annotations

import numpy as np

from models import AnalysisRun
from survey.api.submissions import submit_response
from survey.questionnaire.document import Page, Question, Questionnaire, Texts
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import create_run, execute_run, run_results
from survey.services.followup_tasks import FollowUpRules
from survey.services.questionnaires import create_questionnaire, publish

CODE = "n" + "p" * 63  # 64 characters, the longest code
DIMENSION = "d" * 64  # the longest segment attribute name
VALUES = ("a" * 200, "b" * 200)  # the longest segment values


def test_a_run_with_the_longest_names_stores_its_results(session) -> None:
    document = Questionnaire(title=Texts("推荐", "Recommend"), pages=(Page("p", Texts("页", "Page"), (
        Question(CODE, "nps", Texts("您会推荐吗？", "Would you recommend us?"), required=True),)),))
    version = publish(session, create_questionnaire(session, document))
    session.commit()
    rng = np.random.default_rng(1)
    for row in range(80):
        stored = submit_response(session, version.questionnaire_id, {
            "client_id": f"long-{row}", "answers": {CODE: int(rng.integers(0, 11))}, "language": "en",
            "segment": {DIMENSION: VALUES[row % 2]}}, rules=FollowUpRules())
        assert stored.outcome == "created", stored.errors
    run = create_run(session, AnalysisParameters(version_ids=(version.id,), segment_dimensions=(DIMENSION,)))
    session.commit()
    execute_run(session, run.id)
    assert session.get(AnalysisRun, run.id).status == "succeeded", session.get(AnalysisRun, run.id).error
    results = run_results(session, run.id)
    assert (f"nps:{CODE}", f"{DIMENSION}={VALUES[0]}") in results
    assert results[("segment_tests", "all")]["tests"][0]["metric"] == f"nps:{CODE}"


def test_results_the_database_refuses_fail_the_run_and_keep_nothing(session, monkeypatch) -> None:
    """Storing is part of the run: a refusal (here two results with one name) marks it failed with
    the database's reason instead of leaving it 'running'."""
    import survey.services.analysis_runs as runs
    from models import AnalysisResult
    from survey.services.analysis_pipeline import StoredResult

    document = Questionnaire(title=Texts("推荐", "Recommend"), pages=(Page("p", Texts("页", "Page"), (
        Question("nps", "nps", Texts("您会推荐吗？", "Would you recommend us?"), required=True),)),))
    version = publish(session, create_questionnaire(session, document))
    session.commit()
    twice = [StoredResult("nps:nps", "all", {"n": 1}), StoredResult("nps:nps", "all", {"n": 2})]
    monkeypatch.setattr(runs, "run_analysis", lambda *args, **kwargs: twice)
    run = create_run(session, AnalysisParameters(version_ids=(version.id,)))
    session.commit()
    runs.execute_run(session, run.id)
    stored = session.get(AnalysisRun, run.id)
    session.refresh(stored)
    assert stored.status == "failed" and stored.error.startswith("The results could not be stored:")
    assert session.query(AnalysisResult).filter_by(run_id=run.id).count() == 0
