"""Run-over-run change, tested: a run of a later wave stores the permutation test of its model
indices against the previous comparable run's responses (NPS: the z test, tests/acsi); the
dashboard's change marks come from it and name the test; ``python -m acsi run --previous`` gives
the same numbers from the same two waves; runs that share respondents are marked "not testable"."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from acsi.cli import main as acsi_main
from models import AnalysisRun, Questionnaire, QuestionnaireVersion
from survey.services import dashboard
from survey.services.analysis_pipeline import AnalysisParameters, _model_frame, plan_analysis
from survey.services.demo import seed_demo
from survey.services.questionnaires import version_document
from survey.services.response_matrix import load_responses
from support import same_numbers

BOOTSTRAP, SEED = 30, 4


def _run(runner, questionnaire: int, *period: str) -> int:
    result = runner.invoke(args=["analysis", "run", "--questionnaire", str(questionnaire), "--segment", "region",
                                 "--bootstrap", str(BOOTSTRAP), "--seed", str(SEED), *period, "--wait"])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[0])


@pytest.fixture
def waves(runner, session):
    seed_demo(session)
    session.commit()
    questionnaire = session.scalar(select(Questionnaire.id).where(Questionnaire.kind == "acsi"))
    cutoff = (datetime.now(UTC) - timedelta(days=90)).strftime("%Y-%m-%d")
    first = _run(runner, questionnaire, "--to", cutoff)
    second = _run(runner, questionnaire, "--from", cutoff)
    return questionnaire, cutoff, first, second


def test_a_later_wave_stores_the_tested_change_and_the_dashboard_shows_it(runner, session, waves, tmp_path) -> None:
    _questionnaire, _cutoff, first, second = waves
    results = dashboard.load_dashboard(session, second).results
    stored = results[("change_tests", "all")]
    assert stored["previous_run"] == first and stored["overlap"] == 0
    tests = {t["metric"]: t for t in stored["tests"]}
    assert tests["satisfaction"]["test"] == "permutation" and tests["loyalty"]["test"] == "permutation"
    assert tests["satisfaction"]["resamples"] == 999  # at least 999 reshuffles, as for segments
    assert set(tests) == {"satisfaction", "loyalty"}  # the demo ACSI survey asks no NPS question
    assert stored["multigroup"]["constructs"]  # MICOM of the two waves
    _data, view = dashboard.build_dashboard(session, second)
    cards = {card.key: card for card in view.cards}
    for key, metric in (("satisfaction", "satisfaction"), ("loyalty", "loyalty")):
        card = cards[key]
        assert card.change_test == tests[metric]["test"]
        assert card.change_p == pytest.approx(tests[metric]["p_value_holm"])
        assert card.significance == (tests[metric]["mark"] if tests[metric]["comparable"] else "unknown")
    # The standalone report the command line writes names the same test (one way to build a report).
    target = tmp_path / "report.html"
    assert runner.invoke(args=["report", "export", str(second), "-o", str(target), "--lang", "en"]).exit_code == 0
    p_text = f"{tests['satisfaction']['p_value_holm']:.3f}"
    assert f"(permutation test, p (Holm) = {p_text})" in target.read_text(encoding="utf-8")
    # The first wave has nothing before it.
    assert ("change_tests", "all") not in dashboard.load_dashboard(session, first).results


def test_python_m_acsi_run_with_previous_gives_the_stored_change(runner, session, waves, tmp_path, capsys) -> None:
    _questionnaire, cutoff, first, second = waves
    shown = json.loads(runner.invoke(args=["analysis", "show", str(second), "--format", "json"]).output)
    stored = shown["metrics"]["change_tests"]
    files = []
    for run_id in (first, second):
        parameters = AnalysisParameters.from_dict(session.get(AnalysisRun, run_id).parameters)
        version = session.get(QuestionnaireVersion, parameters.version_ids[0])
        plan = plan_analysis(version_document(version), parameters)
        frame = load_responses(session.get_bind(), version_ids=list(parameters.version_ids), numeric=plan.numeric,
                               text=plan.text, segment_keys=("region",), submitted_from=parameters.submitted_from,
                               submitted_to=parameters.submitted_to)
        items, _bounds = _model_frame(plan, frame)
        path = tmp_path / f"run{run_id}.csv"
        items.assign(region=frame["segment_region"], respondent=frame.index,
                     **{code: frame[code] for code in plan.nps}).to_csv(path, index=False)
        files.append(path)
        codes = list(plan.nps)
    scale = [f"{item}={low:g},{high:g}" for item, (low, high) in shown["scale_bounds"].items()]
    assert acsi_main(["run", "--model", "acsi", "--data", str(files[1]), "--previous", str(files[0]),
                      "--respondent", "respondent", "--segment", "region", "--bootstrap", str(BOOTSTRAP),
                      "--seed", str(SEED), *[a for c in codes for a in ("--nps", c)],
                      *[a for s in scale for a in ("--scale-item", s)]]) == 0
    computed = json.loads(capsys.readouterr().out)["metrics"]["change_tests"]
    same_numbers({**stored, "previous_run": None}, {**computed, "previous_run": None})


def test_an_overlapping_run_is_not_tested(runner, session, waves) -> None:
    questionnaire, _cutoff, _first, second = waves
    everything = _run(runner, questionnaire)  # all responses: contains the second wave
    data, view = dashboard.build_dashboard(session, everything)
    assert data.previous.id == second
    stored = data.results[("change_tests", "all")]
    assert stored["overlap"] > 0 and stored["tests"] == []
    card = next(c for c in view.cards if c.key == "satisfaction")
    assert card.significance == "unknown" and "change_overlap" in card.notes and card.change is not None


def test_a_previous_wave_that_is_gone_is_named_not_tested(runner, session, waves) -> None:
    """The previous run's responses were all marked as test answers since: the change cannot be
    tested, and the run says why instead of failing."""
    from sqlalchemy import update

    from models import Response

    questionnaire, cutoff, _first, _second = waves
    session.execute(update(Response).where(Response.submitted_at >= datetime.fromisoformat(cutoff).replace(tzinfo=UTC))
                    .values(flag="test"))  # the second wave's answers
    session.commit()
    later = _run(runner, questionnaire, "--to", cutoff)  # its previous run is the second wave's
    stored = dashboard.load_dashboard(session, later).results[("change_tests", "all")]
    assert stored["tests"] == [] and stored["notes"] == ["the previous run's responses are no longer there"]
