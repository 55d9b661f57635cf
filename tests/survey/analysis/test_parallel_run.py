"""ANALYSIS_JOBS worker processes change how long a run takes, never what it stores."""
from __future__ import annotations

from sqlalchemy import select

from models import Questionnaire
from survey.services.analysis_runs import run_results
from survey.services.demo import seed_demo


def test_a_run_with_two_worker_processes_stores_the_same_results(app, runner, session) -> None:
    seed_demo(session)
    session.commit()
    questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "acsi"))
    stored = []
    for jobs in (1, 2):
        app.config["ANALYSIS_JOBS"] = jobs
        result = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--segment", "region",
                                     "--bootstrap", "120", "--seed", "5", "--wait"])
        assert result.exit_code == 0, result.output
        results = run_results(session, int(result.output.split()[0]))
        stored.append({key: value for key, value in results.items() if key[0] != "meta"})
    # The second run's previous comparable run is the first, on the same responses: not tested.
    change = stored[1].pop(("change_tests", "all"))
    assert change["overlap"] == 3000 and change["tests"] == [] and ("change_tests", "all") not in stored[0]
    assert stored[0] == stored[1]
    assert stored[0][("segment_tests", "all")]["multigroup"]  # the parallel part ran
