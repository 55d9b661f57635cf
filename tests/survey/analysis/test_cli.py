from __future__ import annotations

from sqlalchemy import select

from models import AnalysisRun, Questionnaire
from survey.services.analysis_runs import run_results
from survey.services.demo import seed_demo


def _demo_ids(session) -> dict[str, int]:
    seed_demo(session)
    session.commit()
    return {q.kind: q.id for q in session.scalars(select(Questionnaire))}


def test_analysis_run_on_the_demo_acsi_questionnaire(runner, session) -> None:
    ids = _demo_ids(session)
    result = runner.invoke(args=["analysis", "run", "--questionnaire", str(ids["acsi"]), "--segment", "region", "--wait"])
    assert result.exit_code == 0, result.output
    run_id = int(result.output.split()[0])
    run = session.get(AnalysisRun, run_id)
    session.refresh(run)
    assert (run.status, run.progress) == ("succeeded", 1.0)
    results = run_results(session, run_id)
    segments = results[("meta", "all")]["segments"]
    assert segments == ["all", "region=east", "region=north", "region=south", "region=west"]
    overall = results[("acsi", "all")]
    assert overall["fit"]["n"] == 3000
    satisfaction = {s: next(i["value"] for i in results[("acsi", s)]["indices"]["indices"] if i["construct"] == "satisfaction")
                    for s in ("region=south", "region=east")}
    assert satisfaction["region=south"] > satisfaction["region=east"] + 2  # the demo's built-in difference
    assert 0 < satisfaction["region=east"] < 100


def test_kano_and_complaint_runs(runner, session) -> None:
    ids = _demo_ids(session)
    for kind, expected in (("kano", "kano"), ("complaint_followup", "complaints")):
        result = runner.invoke(args=["analysis", "run", "--questionnaire", str(ids[kind]), "--wait"])
        assert result.exit_code == 0, result.output
        results = run_results(session, int(result.output.split()[0]))
        assert (expected, "all") in results
    kano = results = run_results(session, session.scalars(select(AnalysisRun.id).order_by(AnalysisRun.id)).first())
    attributes = kano[("kano", "all")]["attributes"]
    assert [a["category"] for a in attributes][:3] == ["A", "O", "M"]


def test_a_segmented_kano_run_tests_better_and_worse_against_the_rest(runner, session) -> None:
    ids = _demo_ids(session)
    result = runner.invoke(args=["analysis", "run", "--questionnaire", str(ids["kano"]), "--segment", "region",
                                 "--wait"])
    assert result.exit_code == 0, result.output
    results = run_results(session, int(result.output.split()[0]))
    attributes = [a["attribute"] for a in results[("kano", "all")]["attributes"]]
    tests = results[("segment_tests", "all")]["tests"]
    segments = {t["segment"] for t in tests}
    assert segments and all(s.startswith("region=") for s in segments)
    assert {t["metric"] for t in tests} == {f"kano:{a}:{c}" for a in attributes for c in ("better", "worse")}
    assert all(t["test"] == "two_proportion_z" and t["p_value_holm"] >= t["p_value"] for t in tests)


def test_unknown_questionnaire_is_a_clear_error(runner, session) -> None:
    result = runner.invoke(args=["analysis", "run", "--questionnaire", "999", "--wait"])
    assert result.exit_code != 0 and "no published version" in result.output
