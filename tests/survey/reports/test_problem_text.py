"""Admissibility problems and the reasons a model was not estimated, written from their codes in
zh_CN and en (issue 17 item 4: nothing in the wrong language, nothing parsed back)."""
from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale

from acsi.problems import PROBLEM_CODES, Problem
from acsi.run import RunOptions, RunPlan, analyse
from acsi.spec import BUILTIN_MODELS
from acsi.synthetic import simulate_acsi
from reports.render import render_standalone
from reports.view_model import build_report, stored_problems
from survey.reports.problem_text import PROBLEM_MESSAGES, problem_text, problem_text_in

CJK = re.compile("[\u4e00-\u9fff]")

#: A problem of every code (and the weighted minimum base), with its English on the page.
EXAMPLES = (
    (Problem("not_converged", {}), "The estimation did not converge."),
    (Problem("loading_beyond_one", {"item": "CUSA1", "value": 1.0312}),
     "The standardised loading of CUSA1 is 1.031; it must lie between −1 and 1."),
    (Problem("path_beyond_one", {"source": "quality", "target": "satisfaction", "value": -1.2}),
     "The standardised path perceived quality → customer satisfaction is −1.200; it must lie between −1 and 1."),
    (Problem("correlations_undefined", {}), "The construct correlations are undefined: a construct has no variance."),
    (Problem("not_positive_definite", {"eigenvalue": -0.0123}),
     "The construct correlation matrix is not positive definite (smallest eigenvalue −0.0123)."),
    (Problem("correlation_too_high", {"first": "value", "second": "satisfaction", "value": 0.9731, "limit": 0.95}),
     "The correlation of perceived value and customer satisfaction is 0.973; its absolute value must not exceed 0.95."),
    (Problem("heywood_variance", {"variable": "x1", "value": -0.04, "share": -0.04}),
     "The variance of x1 is −0.040 (−4.0% of its total variance): a Heywood case."),
    (Problem("negative_disturbance", {"construct": "loyalty", "value": 1.08}),
     "R² of customer loyalty is 1.080: its unexplained variance is negative."),
    (Problem("below_min_base", {"n_used": 23, "n_effective": None, "min_base": 50, "method": "pls"}),
     "23 usable responses: fewer than the minimum base of 50."),
    (Problem("below_min_base", {"n_used": 1230, "n_effective": 41.26, "min_base": 50, "method": "pls"}),
     "1,230 usable responses (effective n 41.3): fewer than the minimum base of 50."),
    (Problem("not_estimable", {"detail": "item 'CUSA1' is constant"}),
     "The model cannot be estimated on these responses: item 'CUSA1' is constant"),
)


def test_every_code_has_a_message_and_an_example() -> None:
    assert set(PROBLEM_CODES) <= set(PROBLEM_MESSAGES)
    assert {problem.code for problem, _english in EXAMPLES} == set(PROBLEM_CODES)


@pytest.mark.parametrize(("problem", "english"), EXAMPLES, ids=[f"{p.code}-{i}" for i, (p, _e) in enumerate(EXAMPLES)])
def test_each_problem_reads_in_english_and_in_chinese_without_the_fallback(app, problem, english) -> None:
    with app.test_request_context(), force_locale("en"):
        assert problem_text(problem) == english
    with app.test_request_context(), force_locale("zh_CN"):
        chinese = problem_text(problem)
    # The catalogue has the message: gettext's fallback would give back the English sentence.
    assert chinese != english and CJK.search(chinese), chinese
    words = chinese
    for name in ("item", "variable", "detail"):  # names, and the estimator's own detail, are shown as they are
        if name in problem.params:
            assert str(problem.params[name]) in chinese
            words = words.replace(str(problem.params[name]), "")
    assert not re.search(r"\b(the|is|of|must|usable|responses)\b", words), chinese


def test_names_of_constructs_and_numbers_in_chinese(app) -> None:
    with app.test_request_context():
        text = problem_text_in("zh_CN")
        assert text(EXAMPLES[5][0]) == "感知价值与顾客满意度的相关系数为 0.973，其绝对值不得超过 0.95。"
        assert text(EXAMPLES[8][0]) == "可用答卷 23 份，少于最低样本量 50 份。"
        assert text(EXAMPLES[9][0]) == "可用答卷 1,230 份（有效样本量 41.3），少于最低样本量 50 份。"
        assert problem_text_in("en")(EXAMPLES[8][0]) == EXAMPLES[8][1]


def test_a_stored_english_text_is_shown_as_it_is(app) -> None:
    old = "inadmissible: correlation of 'value' and 'satisfaction' is 0.973, above 0.95"
    with app.test_request_context(), force_locale("zh_CN"):
        assert problem_text(old) == old
    assert stored_problems(None, [old]) == (old,)
    coded = EXAMPLES[5][0]
    assert stored_problems([coded.to_dict()], [coded.english()]) == (coded,)
    # a code this version does not know: its stored English, not an error page
    assert stored_problems([{"code": "retired_code", "params": {}}], ["as stored"]) == ("as stored",)


def test_the_offline_report_of_an_inadmissible_fit_and_a_skipped_model_reads_in_chinese(app) -> None:
    """Consistent PLS on data whose value and satisfaction correlate almost perfectly is not
    admissible; a run of 30 rows is below the minimum base: both reasons come out in Chinese in
    the standalone report (the one the PDF is printed from) and in English in the English one."""
    spec = BUILTIN_MODELS["acsi"]
    data = simulate_acsi(400, seed=5, spec=spec).frame
    data["PQ"] = data["SATIS"] + 0.05 * data["PQ"]  # value's items all but equal satisfaction's
    data["QP"] = data["CONFIRM"] + 0.05 * data["QP"]
    bounds = {item: (float(data[item].min()) - 1, float(data[item].max()) + 1) for item in spec.items}
    plan = RunPlan(model=spec, scale_bounds=bounds)
    fitted = analyse(data, plan, RunOptions(method="plsc", bootstrap=0, segment_tests=False, missing="listwise"))
    skipped = analyse(data.head(30), plan, RunOptions(bootstrap=0, segment_tests=False, missing="listwise"))
    for results, expected in ((fitted, "admissibility_codes"), (skipped, "skipped_code")):
        payload = json.loads(json.dumps(results.get("acsi"), allow_nan=False))  # as a database gives it back
        assert expected in (payload.get("validity") or payload), payload.keys()
        view = build_report({("meta", "all"): {"n": results.n, "parameters": {}}, ("acsi", "all"): payload}, run_id=1)
        with app.test_request_context():
            chinese = render_standalone(view, "zh_CN", problem_text=problem_text_in("zh_CN"))
            english = render_standalone(view, "en", problem_text=problem_text_in("en"))
        problems = view.admissibility_problems if results is fitted else (view.model_skipped,)
        assert problems and all(isinstance(p, Problem) for p in problems)
        assert {p.code for p in problems} >= ({"correlation_too_high"} if results is fitted else {"below_min_base"})
        for problem in problems:
            with app.test_request_context():
                assert problem_text_in("zh_CN")(problem) in chinese
                assert problem_text_in("en")(problem) in english
            assert problem.english() not in chinese
