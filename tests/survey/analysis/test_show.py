"""``flask analysis show RUN_ID``: a stored run in the schema of ``python -m acsi fit``, with the
same numbers that command computes from the same data."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from acsi.cli import main as acsi_main
from models import AnalysisRun, Questionnaire, QuestionnaireVersion
from survey.services.analysis_pipeline import AnalysisParameters, _model_frame, plan_analysis
from survey.services.demo import seed_demo
from survey.services.questionnaires import version_document
from survey.services.response_matrix import load_responses
from support import same_numbers

@pytest.fixture
def acsi_run(runner, session) -> int:
    seed_demo(session)
    session.commit()
    questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "acsi"))
    result = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--segment", "region",
                                 "--bootstrap", "40", "--seed", "3", "--wait"])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[0])


def test_a_stored_run_prints_the_numbers_python_m_acsi_computes(runner, session, acsi_run, tmp_path,
                                                                   capsys) -> None:
    shown = runner.invoke(args=["analysis", "show", str(acsi_run), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.output)
    assert document["schema_version"] == 1 and document["model"] == "acsi" and document["missing"] == "em"
    assert document["run"]["id"] == acsi_run and document["run"]["segment_dimensions"] == ["region"]
    assert [e["segment"] for e in document["segments"]] == ["all", "region=east", "region=north", "region=south",
                                                            "region=west"]
    assert {c["first"] for c in document["comparisons"]} == {"region=east", "region=north", "region=south",
                                                            "region=west"}
    assert document["metrics"]["segment_tests"]["tests"]

    # The same data, loaded as the web loads it, through `python -m acsi fit` with the run's options.
    run = session.get(AnalysisRun, acsi_run)
    parameters = AnalysisParameters.from_dict(run.parameters)
    version = session.get(QuestionnaireVersion, parameters.version_ids[0])
    plan = plan_analysis(version_document(version), parameters)
    frame = load_responses(session.get_bind(), version_ids=list(parameters.version_ids), numeric=plan.numeric,
                           text=plan.text, segment_keys=("region",))
    items, _bounds = _model_frame(plan, frame)
    csv = tmp_path / "acsi.csv"
    items.assign(region=frame["segment_region"]).to_csv(csv, index=False)
    scale = [f"{item}={low:g},{high:g}" for item, (low, high) in document["scale_bounds"].items()]
    assert acsi_main(["fit", "--model", "acsi", "--data", str(csv), "--missing", "em", "--segment", "region",
                      "--bootstrap", "40", "--seed", "3", "--ipma", "satisfaction",
                      *[a for s in scale for a in ("--scale-item", s)]]) == 0
    computed = json.loads(capsys.readouterr().out)
    assert computed["scale_bounds"] == document["scale_bounds"]
    for stored, fresh in zip(document["segments"], computed["segments"], strict=True):
        assert stored["segment"].removeprefix("region=") == fresh["segment"]
        same_numbers({**stored, "segment": None}, {**fresh, "segment": None}, stored["segment"])
    assert document["segments"][0]["bootstrap"]["resamples"] == 40


def test_runs_that_cannot_be_shown_say_why(runner, session, acsi_run) -> None:
    missing = runner.invoke(args=["analysis", "show", "999999"])
    assert missing.exit_code != 0 and "analysis run 999999 does not exist" in missing.output
    run = session.get(AnalysisRun, acsi_run)
    run.status = "failed"
    session.commit()
    failed = runner.invoke(args=["analysis", "show", str(acsi_run)])
    assert failed.exit_code != 0 and "only a succeeded run can be shown" in failed.output


def test_python_m_acsi_run_prints_what_flask_analysis_show_prints(runner, session, tmp_path, capsys) -> None:
    """One orchestrator: the complaint follow-up demo (NPS, complaints, word of mouth) run in the
    app and through `python -m acsi run` on the same responses gives the same document."""
    seed_demo(session)
    session.commit()
    questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "complaint_followup"))
    started = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--segment", "tier",
                                  "--bootstrap", "0", "--wait"])
    assert started.exit_code == 0, started.output
    run_id = int(started.output.split()[0])
    shown = runner.invoke(args=["analysis", "show", str(run_id)])
    assert shown.exit_code == 0, shown.output
    stored = json.loads(shown.output)

    run = session.get(AnalysisRun, run_id)
    parameters = AnalysisParameters.from_dict(run.parameters)
    plan = plan_analysis(version_document(session.get(QuestionnaireVersion, parameters.version_ids[0])), parameters)
    frame = load_responses(session.get_bind(), version_ids=list(parameters.version_ids), numeric=plan.numeric,
                           text=plan.text, segment_keys=("tier",))
    csv = tmp_path / "complaints.csv"
    frame.rename(columns={"segment_tier": "tier"}).to_csv(csv, index=False)
    assert acsi_main(["run", "--data", str(csv), "--nps", "nps", "--complaints", "--segment", "tier",
                      "--bootstrap", "0", "--seed", str(parameters.seed)]) == 0
    computed = json.loads(capsys.readouterr().out)
    assert stored["metrics"]["nps"]["nps"].keys() == {"all", "tier=bronze", "tier=gold", "tier=silver"}
    assert stored["metrics"]["segment_tests"]["tests"] and stored["metrics"]["complaints"]["all"]
    # Every metric of the run is tested against the rest, complaint handling and word of mouth too.
    tested = {t["metric"] for t in stored["metrics"]["segment_tests"]["tests"]}
    assert {"nps:nps", "complaints:handling_mean", "wom:calibrated"} <= tested, tested
    same_numbers({**stored, "run": None, "metrics": {**stored["metrics"], "names": {}}},
          {**computed, "metrics": {**computed["metrics"], "names": {}}})
