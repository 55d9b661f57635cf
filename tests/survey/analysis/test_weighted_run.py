"""Weights in web runs: raking to population margins (and a weight attribute) through the real
collection and analysis path give the numbers acsi computes with those weights."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from acsi.nps import net_promoter_score
from acsi.raking import rake
from acsi.segment_fit import fit_segment
from models import AnalysisRun, Questionnaire, QuestionnaireVersion
from survey.services.analysis_pipeline import AnalysisParameters, _model_frame, plan_analysis
from survey.services.analysis_runs import run_results
from survey.services.demo import seed_demo
from survey.services.questionnaires import version_document
from survey.services.response_matrix import load_responses

MARGINS = {"north": 25.0, "south": 25.0, "east": 25.0, "west": 25.0}


def _run(runner, session, kind: str, *args: str) -> int:
    questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == kind))
    result = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--bootstrap", "0",
                                 "--wait", *args])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[0])


@pytest.fixture
def demo(session) -> None:
    seed_demo(session)
    session.commit()


def _frame(session, run_id: int, keys: tuple[str, ...]):
    parameters = AnalysisParameters.from_dict(session.get(AnalysisRun, run_id).parameters)
    version = session.get(QuestionnaireVersion, parameters.version_ids[0])
    plan = plan_analysis(version_document(version), parameters)
    frame = load_responses(session.get_bind(), version_ids=list(parameters.version_ids), numeric=plan.numeric,
                           text=plan.text, segment_keys=keys)
    return plan, parameters, frame


def test_a_raked_run_equals_acsi_with_the_raked_weights(runner, session, demo) -> None:
    run_id = _run(runner, session, "acsi", "--segment", "tier",
                  "--rake", "region: " + ", ".join(f"{k}={v:g}" for k, v in MARGINS.items()))
    results = run_results(session, run_id)
    meta = results[("meta", "all")]
    assert meta["parameters"]["margins"] == {"region": MARGINS}
    assert meta["weights"]["n_effective"] < meta["n"]  # unequal weights cost effective sample size

    plan, parameters, frame = _frame(session, run_id, ("tier", "region"))
    weights = rake(frame[["segment_region"]], {"segment_region": MARGINS})
    items, bounds = _model_frame(plan, frame)
    expected = fit_segment(plan.spec, items.assign(w=weights), "all", missing="em", weights="w",
                           scale_bounds=bounds)
    stored = {i["construct"]: i["value"] for i in results[("acsi", "all")]["indices"]["indices"]}
    for construct, value in expected.indices.values.items():
        assert stored[construct] == pytest.approx(value, abs=1e-9)
    unweighted = fit_segment(plan.spec, items, "all", missing="em", scale_bounds=bounds)
    assert abs(unweighted.indices.values["satisfaction"] - stored["satisfaction"]) > 0.05  # weights matter
    assert results[("acsi", "all")]["entry"]["n_effective"] == pytest.approx(meta["weights"]["n_effective"])


def test_a_weight_attribute_weights_nps_and_complaints(runner, session, demo) -> None:
    run_id = _run(runner, session, "complaint_followup", "--weight-attribute", "current_value",
                  "--rake", "tier: gold=1, silver=1, bronze=1")
    results = run_results(session, run_id)
    _plan, _parameters, frame = _frame(session, run_id, ("current_value", "tier"))
    base = frame["segment_current_value"].astype(float).to_numpy()
    weights = rake(frame[["segment_tier"]], {"segment_tier": {"gold": 1, "silver": 1, "bronze": 1}},
                   base_weights=base)
    scores = frame["nps"].dropna()
    expected = net_promoter_score(scores, weights=weights[scores.index].to_numpy())
    assert results[("nps:nps", "all")]["nps"] == pytest.approx(expected.nps, abs=1e-9)
    assert results[("nps:nps", "all")]["n_effective"] == pytest.approx(expected.n_effective, abs=1e-9)


def test_responses_without_a_weight_fail_the_run_with_the_reason(runner, session, demo) -> None:
    questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "acsi"))
    result = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--bootstrap", "0",
                                 "--weight-attribute", "region", "--wait"])
    assert result.exit_code != 0
    assert "3000 of 3000 responses have no usable weight in attribute 'region'" in result.output
    bad = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--rake", "region north"])
    assert bad.exit_code == 2 and "must read 'dimension: value=share" in bad.output
    assert session.scalar(select(AnalysisRun.id).where(AnalysisRun.status == "queued")) is None
