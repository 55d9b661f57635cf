"""Admissibility rules on hand-made solutions."""
from __future__ import annotations

import numpy as np
import pandas as pd

from acsi.admissibility import admissibility_problems
from acsi.problems import Problem


def _estimates(rows):
    return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "estimate", "std_estimate"])


GOOD_VARIANCES = _estimates([("x1", "~~", "x1", 0.3, 0.3), ("c", "~~", "c", 0.0, 0.0), ("f", "~~", "f", 1.0, 1.0)])
GOOD_CORR = pd.DataFrame([[1.0, 0.6], [0.6, 1.0]], index=["f", "g"], columns=["f", "g"])


def test_a_clean_solution_has_no_problems_and_fixed_single_items_are_exempt():
    assert admissibility_problems({"x1": 0.8, "c": 1.0}, {("f", "g"): 0.6}, GOOD_CORR, GOOD_VARIANCES,
                                  fixed_items={"c"}) == []
    problems = admissibility_problems({"x1": 0.8}, {("f", "g"): 0.6}, GOOD_CORR, GOOD_VARIANCES)
    assert problems == [Problem("heywood_variance", {"variable": "c", "value": 0.0, "share": 0.0})]
    assert problems[0].english() == "variance of 'c' is 0 (0.00% of its total variance): a Heywood case"


def test_each_rule_reports_the_bad_value():
    corr = pd.DataFrame([[1.0, 0.97], [0.97, 1.0]], index=["f", "g"], columns=["f", "g"])
    problems = admissibility_problems({"x1": 1.02}, {("f", "g"): -1.1}, corr,
                                      _estimates([("x1", "~~", "x1", -0.04, -0.04)]))
    assert problems == [
        Problem("loading_beyond_one", {"item": "x1", "value": 1.02}),
        Problem("path_beyond_one", {"source": "f", "target": "g", "value": -1.1}),
        Problem("correlation_too_high", {"first": "f", "second": "g", "value": 0.97, "limit": 0.95}),
        Problem("heywood_variance", {"variable": "x1", "value": -0.04, "share": -0.04}),
    ]
    assert [p.english() for p in problems] == [
        "standardised loading of 'x1' is 1.0200; |loading| must be ≤ 1",
        "standardised path f -> g is -1.1000; |path| must be ≤ 1",
        "constructs 'f' and 'g' correlate 0.9700; |correlation| must be ≤ 0.95",
        "variance of 'x1' is -0.04 (-4.00% of its total variance): a Heywood case",
    ]
    assert admissibility_problems({}, {}, corr, _estimates([]), max_corr=0.98) == []


def test_non_positive_definite_and_undefined_construct_correlations():
    names = ["a", "b", "c"]
    not_pd = pd.DataFrame([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]], index=names, columns=names)
    assert np.linalg.eigvalsh(not_pd.to_numpy()).min() < 0
    problems = admissibility_problems({}, {}, not_pd, _estimates([]))
    assert problems[0].code == "not_positive_definite"
    assert problems[0].params["eigenvalue"] == np.linalg.eigvalsh(not_pd.to_numpy()).min()
    assert problems[0].english().startswith("the construct correlation matrix is not positive definite (smallest")
    undefined = GOOD_CORR.copy()
    undefined.loc["f", "g"] = np.nan
    assert admissibility_problems({}, {}, undefined, _estimates([])) == [Problem("correlations_undefined", {})]
