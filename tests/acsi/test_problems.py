"""Problems as codes and parameters: checked when made, stored as JSON, written in English for the CLI."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from acsi.cli import main
from acsi.problems import PROBLEM_CODES, PROBLEM_PARAMS, Problem, english_text
from acsi.spec import BUILTIN_MODELS
from acsi.synthetic import simulate_acsi

#: One problem of every code, with the English the CLI prints for it.
EXAMPLES = {
    "not_converged": (Problem("not_converged", {}), "the algorithm did not converge"),
    "loading_beyond_one": (Problem("loading_beyond_one", {"item": "CUSA1", "value": 1.0312}),
                           "standardised loading of 'CUSA1' is 1.0312; |loading| must be ≤ 1"),
    "path_beyond_one": (Problem("path_beyond_one", {"source": "quality", "target": "satisfaction", "value": -1.2}),
                        "standardised path quality -> satisfaction is -1.2000; |path| must be ≤ 1"),
    "correlations_undefined": (Problem("correlations_undefined", {}),
                               "the construct correlations are undefined (a construct has zero variance)"),
    "not_positive_definite": (Problem("not_positive_definite", {"eigenvalue": -0.0123}),
                              "the construct correlation matrix is not positive definite (smallest eigenvalue "
                              "-0.0123)"),
    "correlation_too_high": (Problem("correlation_too_high", {"first": "value", "second": "satisfaction",
                                                              "value": 0.9731, "limit": 0.95}),
                             "constructs 'value' and 'satisfaction' correlate 0.9731; |correlation| must be ≤ 0.95"),
    "heywood_variance": (Problem("heywood_variance", {"variable": "x1", "value": -0.04, "share": -0.04}),
                         "variance of 'x1' is -0.04 (-4.00% of its total variance): a Heywood case"),
    "negative_disturbance": (Problem("negative_disturbance", {"construct": "loyalty", "value": 1.08}),
                             "R² of 'loyalty' is 1.080: negative disturbance variance"),
    "below_min_base": (Problem("below_min_base", {"n_used": 23, "n_effective": 19.46, "min_base": 50,
                                                  "method": "cbsem"}),
                       "23 usable rows (effective n 19.5): below the minimum base of 50 (min_base rule: "
                       "max(50, 10 × most arrows into a construct, items + 1), or as set)"),
    "not_estimable": (Problem("not_estimable", {"detail": "item 'CUSA1' is constant (7.0)"}),
                      "not estimable: item 'CUSA1' is constant (7.0)"),
}


def test_every_code_has_an_example_and_reads_as_english() -> None:
    assert sorted(EXAMPLES) == sorted(PROBLEM_CODES) == sorted(PROBLEM_PARAMS)
    for code, (problem, english) in EXAMPLES.items():
        assert problem.code == code and problem.english() == english and english_text(problem) == english


def test_a_problem_round_trips_through_json() -> None:
    for problem, _english in EXAMPLES.values():
        stored = json.loads(json.dumps(problem.to_dict()))
        assert Problem.from_dict(stored) == problem and Problem.from_dict(stored).english() == problem.english()


def test_numpy_numbers_become_plain_json_values() -> None:
    problem = Problem("heywood_variance", {"variable": "x1", "value": np.float64(np.nan), "share": np.float32(0.5)})
    assert problem.params == {"variable": "x1", "value": None, "share": 0.5}
    assert "is undefined" in problem.english()
    count = Problem("below_min_base", {"n_used": np.int64(12), "n_effective": None, "min_base": 50, "method": "pls"})
    assert type(count.params["n_used"]) is int and json.dumps(count.to_dict())
    with pytest.raises(TypeError):
        count.params["n_used"] = 13  # type: ignore[index]


def test_a_stored_text_is_shown_as_it_is() -> None:
    assert english_text("a reason stored before problems had codes") == "a reason stored before problems had codes"


def test_bad_codes_and_parameters_are_refused_with_the_rule() -> None:
    with pytest.raises(ValueError, match="problem code 'heywood' is not one of not_converged, "):
        Problem("heywood", {})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"problem 'loading_beyond_one' takes the parameters \['item', 'value'\], "
                                         r"got \['item'\]"):
        Problem("loading_beyond_one", {"item": "x1"})
    with pytest.raises(ValueError, match=r"problem parameter \[1, 2\] is not a string, number or None"):
        Problem("not_estimable", {"detail": [1, 2]})
    with pytest.raises(ValueError, match="problem code 'gone'"):
        Problem.from_dict({"code": "gone", "params": {}})


def test_the_cli_table_prints_skipped_segments_and_admissibility_in_english(tmp_path, capsys) -> None:
    ecsi = BUILTIN_MODELS["ecsi"]
    parts = []
    for k, (label, n) in enumerate({"north": 150, "tiny": 25}.items()):
        frame = simulate_acsi(n, seed=60 + k, spec=ecsi, discretize=(1, 10)).frame.astype(int)
        frame.insert(0, "region", label)
        parts.append(frame)
    path = tmp_path / "segments.csv"
    pd.concat(parts).to_csv(path, index=False)
    assert main(["fit", "--model", "ecsi", "--data", str(path), "--segment", "region", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert ("== segment tiny (n=25, skipped) ==\nskipped: 25 usable rows: below the minimum base of 50 "
            "(min_base rule: max(50, 10 × most arrows into a construct), or as set)\n") in out
    assert "{'code'" not in out and "below_min_base" not in out
