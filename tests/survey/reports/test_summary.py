"""The executive summary of the demo runs: every claim matches the numbers and tests the run stored,
read here straight from the stored results (not through the view model), and every sentence
shows them in both languages on the dashboard and in the standalone report."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from models import QuestionnaireVersion, Questionnaire
from reports.render import render_standalone
from reports.summary import executive_summary, render_claim
from survey.services import dashboard
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import create_run, execute_run, run_results
from survey.services.demo import seed_demo, seed_demo_analysis

MODELS = ("acsi", "ecsi", "ccsi")
TESTED = {"word_of_mouth": "wom:calibrated", "complaint_handling": "complaints:handling_mean"}


def _model(results) -> str | None:
    return next((k for k in MODELS if (k, "all") in results), None)


def _nps_code(results) -> str | None:
    codes = sorted(k for k, s in results if k.startswith("nps:") and s == "all")
    return codes[0] if codes else None


def stored_index(results, metric: str, segment: str = "all") -> tuple[Any, Any, Any, Any]:
    """(value, CI low, CI high, n) of ``metric`` as the run stored it."""
    if metric in ("satisfaction", "loyalty"):
        payload = results[(_model(results), segment)]
        value = next(i["value"] for i in payload["indices"]["indices"] if i["construct"] == metric)
        row = next((r for r in (payload.get("bootstrap") or {}).get("indices") or [] if r["name"] == metric), None)
        return value, row and row["lower"], row and row["upper"], payload["indices"]["n"]
    if metric == "nps":
        payload = results[(_nps_code(results), segment)]
        return payload["nps"], payload["ci_low"], payload["ci_high"], payload["n"]
    complaints = results[("complaints", segment)]
    cell = (complaints["word_of_mouth_calibrated"] if metric == "word_of_mouth"
            else complaints["summary"]["handling_mean"])
    return cell.get("index", cell.get("estimate")), cell["ci_low"], cell["ci_high"], cell["n"]


def stored_tests(results, metric: str) -> list[dict]:
    key = _nps_code(results) if metric == "nps" else TESTED.get(metric, metric)
    return [t for t in (results.get(("segment_tests", "all")) or {}).get("tests", []) if t["metric"] == key]


def check_claim(claim, results, previous) -> None:
    params = claim.params
    if claim.code in ("index", "index_no_ci"):
        value, low, high, n = stored_index(results, params["metric"])
        assert (params["value"], params["low"], params["high"], params["n"]) == (value, low, high, n)
        assert (claim.code == "index") == (low is not None and high is not None)
    elif claim.code.startswith("change_"):
        now = stored_index(results, params["metric"])[0]
        before = stored_index(previous, params["metric"])[0]
        assert params["change"] == pytest.approx(now - before, abs=1e-12)
        stored = results.get(("change_tests", "all"))
        if claim.code == "change_untested" and params["reason"] == "overlap":
            assert stored["overlap"] > 0
    elif claim.code in ("segments_higher", "segments_lower"):
        mark = "higher" if claim.code == "segments_higher" else "lower"
        expected = {t["segment"]: t for t in stored_tests(results, params["metric"])
                    if t["mark"] == mark and t.get("comparable", True)}
        assert {label for label, *_rest in params["segments"]} == set(expected)
        for label, _names, difference, p in params["segments"]:
            assert (difference, p) == (expected[label]["difference"], expected[label]["p_value_holm"])
            assert p < 0.05 and (difference > 0) == (mark == "higher")
    elif claim.code == "segments_none":
        tests = [t for t in stored_tests(results, params["metric"]) if t.get("comparable", True)]
        assert params["tested"] == len(tests) and all(t["mark"] == "none" for t in tests)
    elif claim.code.startswith("drivers_"):
        payload = results[(_model(results), "all")]
        ipma = payload["ipma"]
        paths = {(p["from"], p["to"]): p for p in (payload.get("bootstrap") or {}).get("paths", [])}

        def confirmed(c) -> bool:
            path = paths.get((c["construct"], ipma["target"]))
            return c["importance"] > 0 and (path is None or not path["lower"] <= 0 <= path["upper"])
        ranked = sorted((c for c in ipma["constructs"] if c["importance"] is not None and confirmed(c)),
                        key=lambda c: -c["importance"] * (100 - c["performance"]))
        claimed = [(name, importance, performance, interval)
                   for name, importance, performance, interval in params.get("drivers", ())]
        assert params["target"] == ipma["target"] and len(claimed) == min(2, len(ranked))
        for (name, importance, performance, interval), stored in zip(claimed, ranked):
            assert (name, importance, performance) == (stored["construct"], stored["importance"], stored["performance"])
            path = paths.get((name, ipma["target"]))
            assert interval == (None if path is None else (path["lower"], path["upper"]))
    else:
        assert claim.code in ("index_unreliable", "index_inadmissible"), claim.code


@pytest.fixture
def runs(session):
    seed_demo(session)
    session.commit()
    demo = list(seed_demo_analysis(session))
    version = session.scalar(select(QuestionnaireVersion).join(Questionnaire)
                             .where(Questionnaire.kind == "acsi").order_by(QuestionnaireVersion.id))
    again = create_run(session, AnalysisParameters(version_ids=(version.id,), segment_dimensions=("region",),
                                                   bootstrap=100, seed=7))
    session.commit()
    execute_run(session, again.id)
    return [*demo, again.id]


def test_every_summary_claim_matches_the_stored_results(session, runs) -> None:
    codes = set()
    for run_id in runs:
        data, view = dashboard.build_dashboard(session, run_id)
        results = run_results(session, run_id)
        previous = run_results(session, data.previous.id) if data.previous else None
        claims = executive_summary(view)
        assert claims or ("kano", "all") in results, run_id
        for claim in claims:
            check_claim(claim, results, previous)
            codes.add(claim.code)
    # the demo runs exercise indices, segments above and below the rest, drivers and an untestable change
    assert {"index", "segments_higher", "segments_lower", "drivers_priority", "change_untested"} <= codes, codes


def test_sentences_show_the_numbers_in_both_languages(session, runs) -> None:
    data, view = dashboard.build_dashboard(session, runs[-1])
    claims = executive_summary(view)
    index = next(c for c in claims if c.code == "index" and c.params["metric"] == "satisfaction")
    english, chinese = render_claim(index, "en"), render_claim(index, "zh_CN")
    value = f"{index.params['value']:,.1f}"
    assert english.startswith("ACSI satisfaction is " + value) and "index 0–100" in english
    assert f"n = {index.params['n']:,}" in english and f"{index.params['low']:,.1f}" in english
    assert value in chinese and "指数 0–100" in chinese and "置信区间" in chinese
    untested = next(c for c in claims if c.code == "change_untested")
    assert "the two runs share respondents" in render_claim(untested, "en")
    assert "两次运行包含相同的受访者" in render_claim(untested, "zh_CN")
    html = render_standalone(view, "zh_CN")
    assert "<h2>摘要</h2>" in html and render_claim(index, "zh_CN") in html


def test_the_dashboard_opens_with_the_summary(app, client, login_as, session, runs) -> None:
    from flask_babel import refresh

    login_as("viewer")
    for lang, heading in (("en", "Summary"), ("zh_CN", "摘要")):
        refresh()  # the session fixture's app context is shared with the requests: forget its locale
        page = client.get(f"/reports/runs/{runs[-1]}/dashboard?lang={lang}").get_data(as_text=True)
        assert f'<h2 id="summary-heading">{heading}</h2>' in page
        _data, view = dashboard.build_dashboard(session, runs[-1])
        for claim in executive_summary(view):
            sentence = render_claim(claim, lang).replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
            assert sentence.replace("<", "&lt;").replace(">", "&gt;") in page
