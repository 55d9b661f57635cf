"""IPMA: importance = unstandardised total effects between 0–100 rescaled scores, performance = index.

The reference is computed by hand from the definitions: rescale each construct score with its
index formula, run the OLS regressions of the structural model on the rescaled scores (with an
intercept), and chain direct + indirect effects. Tolerance 1e-8 (floating-point only).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.errors import AcsiError
from acsi.indices import construct_indices
from acsi.ipma import ipma
from acsi.pls import PLS
from acsi.spec import ModelSpec
from acsi.synthetic import simulate_acsi

SMALL = ModelSpec.from_lavaan("""
x =~ x1 + x2 + x3
m =~ m1 + m2
y =~ y1 + y2
m ~ x
y ~ x + m
""", name="small")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = simulate_acsi(300, seed=8, spec=SMALL, paths={("x", "m"): 0.6, ("x", "y"): 0.3, ("m", "y"): 0.4},
                          loadings=0.8, discretize=(1, 7)).frame
    frame["x1"] = np.clip(frame["x1"] * 10 / 7, 0, 10).round()  # one item on a 0–10 scale
    return frame


BOUNDS = {"x1": (0.0, 10.0), **{i: (1.0, 7.0) for i in SMALL.items if i != "x1"}}


def ols(target: np.ndarray, *predictors: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones_like(target), *predictors])
    return np.linalg.lstsq(design, target, rcond=None)[0][1:]


def test_importance_is_the_unstandardised_total_effect_on_rescaled_scores(data):
    results = PLS(SMALL).fit(data)
    raw = results.unstandardised_weights
    scores = {}
    for construct in SMALL.constructs:
        items = list(construct.items)
        w = raw[items].to_numpy()
        low = np.array([BOUNDS[i][0] for i in items])
        high = np.array([BOUNDS[i][1] for i in items])
        scores[construct.name] = 100 * (data[items].to_numpy() - low) @ w / (w @ (high - low))
    (a,) = ols(scores["m"], scores["x"])
    direct, b = ols(scores["y"], scores["x"], scores["m"])
    result = ipma(results, target="y", scale_bounds=BOUNDS)
    by_name = {e.construct: e for e in result.entries}
    assert list(by_name) == ["x", "m"]
    assert by_name["x"].importance == pytest.approx(direct + a * b, abs=1e-8)
    assert by_name["m"].importance == pytest.approx(b, abs=1e-8)
    for name in ("x", "m"):
        assert by_name[name].performance == pytest.approx(scores[name].mean(), abs=1e-8)
    assert result.target_performance == pytest.approx(scores["y"].mean(), abs=1e-8)
    indices = construct_indices(results, scale_bounds=BOUNDS).values
    assert result.target_performance == pytest.approx(indices["y"], abs=1e-10)


def test_quadrants_from_cuts(data):
    results = PLS(SMALL).fit(data)
    default = ipma(results, target="y", scale_bounds=BOUNDS)
    importances = [e.importance for e in default.entries]
    performances = [e.performance for e in default.entries]
    assert default.importance_cut == pytest.approx(np.mean(importances))
    assert default.performance_cut == pytest.approx(np.mean(performances))
    x, m = default.entries
    high = max(x.importance, m.importance) + 1
    everything_low = ipma(results, target="y", scale_bounds=BOUNDS, importance_cut=0.0, performance_cut=101)
    assert [e.quadrant for e in everything_low.entries] == ["priority", "priority"]
    assert everything_low.priorities == ("x", "m")
    none_important = ipma(results, target="y", scale_bounds=BOUNDS, importance_cut=high, performance_cut=-1)
    assert [e.quadrant for e in none_important.entries] == ["possible_overkill", "possible_overkill"]
    split = ipma(results, target="y", scale_bounds=BOUNDS, importance_cut=high, performance_cut=101)
    assert [e.quadrant for e in split.entries] == ["low_priority", "low_priority"]
    keep = ipma(results, target="y", scale_bounds=BOUNDS, importance_cut=0.0, performance_cut=-1)
    assert [e.quadrant for e in keep.entries] == ["keep_up", "keep_up"]
    document = default.to_dict()
    assert document["target"] == "y" and [c["construct"] for c in document["constructs"]] == ["x", "m"]
    assert "IPMA of 'y'" in default.summary()


def test_only_constructs_upstream_of_the_target(data):
    result = ipma(PLS(SMALL).fit(data), target="m", scale_bounds=BOUNDS)
    assert [e.construct for e in result.entries] == ["x"]


def test_target_must_be_endogenous(data):
    with pytest.raises(AcsiError, match="IPMA target 'x'"):
        ipma(PLS(SMALL).fit(data), target="x", scale_bounds=BOUNDS)
