"""0–100 construct indices: formula, scale bounds, negative weights, equal-weight fallback."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from acsi.errors import InputDataError
from acsi.indices import construct_indices, equal_weight_index
from acsi.pls import PLS
from acsi.spec import BUILTIN_MODELS, ModelSpec

ECSI = BUILTIN_MODELS["ecsi"]




@pytest.fixture(scope="module")
def fitted(mobi):
    return PLS(ECSI).fit(mobi)


def test_hand_computed_two_item_index():
    """Items a (1–10) and b (1–5): raw weights 0.2 and 0.6 → W = 0.25, 0.75.
    means 7 and 4: index = 100·(0.25·6 + 0.75·3)/(0.25·9 + 0.75·4) = 100·3.75/5.25 = 71.428571..."""
    spec = ModelSpec.from_lavaan("f =~ a + b\ng =~ c\ng ~ f")
    frame = pd.DataFrame({"a": [6.0, 8.0], "b": [3.0, 5.0], "c": [1.0, 2.0]})

    class Stub:  # the index only needs spec, outer weights and item sds of a fit
        pass

    stub = Stub()
    stub.spec = spec
    stub.unstandardised_weights = pd.Series({"a": 0.2, "b": 0.6, "c": 1.0})
    result = construct_indices(stub, frame, scale_bounds={"a": (1, 10), "b": (1, 5), "c": (0, 2)})
    assert result["f"].value == pytest.approx(100 * 3.75 / 5.25, abs=1e-12)
    assert result["f"].weights == pytest.approx({"a": 0.25, "b": 0.75})
    assert result["g"].value == pytest.approx(75.0)


def test_index_is_mean_of_rescaled_construct(mobi, fitted):
    result = construct_indices(fitted, mobi, scale_bounds=(1, 10))
    items = list(ECSI.construct("satisfaction").items)
    w = fitted.unstandardised_weights[items]
    w = w / w.sum()
    xi = mobi[items] @ w
    expected = ((xi - 1) / 9 * 100).mean()
    assert result["satisfaction"].value == pytest.approx(expected, abs=1e-10)
    assert result["satisfaction"].method == "model_weights" and not result.warnings
    # the fitted data is the default
    default = construct_indices(fitted, scale_bounds=(1, 10))
    np.testing.assert_allclose(default.values, result.values, atol=1e-10)


def test_bounds_are_the_instruments_not_the_data(mobi, fitted):
    all_ten = mobi.assign(**{c: 10.0 for c in ECSI.items})
    all_one = mobi.assign(**{c: 1.0 for c in ECSI.items})
    np.testing.assert_allclose(construct_indices(fitted, all_ten, scale_bounds=(1, 10)).values, 100.0, atol=1e-9)
    np.testing.assert_allclose(construct_indices(fitted, all_one, scale_bounds=(1, 10)).values, 0.0, atol=1e-9)
    wider = construct_indices(fitted, mobi, scale_bounds=(0, 10)).values
    assert (wider > construct_indices(fitted, mobi, scale_bounds=(1, 10)).values).all()


def test_acsi_with_a_binary_complaint_item():
    """COMP is 0/1: with bounds (0, 1) its index is the complaint rate in percent."""
    from acsi.synthetic import simulate_acsi

    data = simulate_acsi(3000, seed=9, discretize=(1, 10), binary_items={"COMP": 0.2})
    spec = data.spec
    results = PLS(spec).fit(data.frame)
    bounds = {item: (1, 10) for item in spec.items} | {"COMP": (0, 1)}
    result = construct_indices(results, data.frame, scale_bounds=bounds)
    assert result["complaints"].value == pytest.approx(100 * data.frame["COMP"].mean(), abs=1e-10)
    assert results.paths["satisfaction", "complaints"] < 0  # more satisfied, fewer complaints
    assert 0 < result["satisfaction"].value < 100


def test_segment_and_weights(mobi, fitted):
    segment = mobi.head(50)
    seg = construct_indices(fitted, segment, scale_bounds=(1, 10))
    assert seg.n == 50
    double_first = np.r_[np.full(25, 2.0), np.ones(25)]
    weighted = construct_indices(fitted, segment, scale_bounds=(1, 10), weights=double_first)
    repeated = construct_indices(fitted, pd.concat([segment.head(25), segment]), scale_bounds=(1, 10))
    np.testing.assert_allclose(weighted.values, repeated.values, atol=1e-10)


def test_negative_weights_are_flagged_or_refused(mobi):
    frame = mobi.assign(PERQ2=11 - mobi["PERQ2"])  # reverse-coded item gets a negative weight
    results = PLS(ECSI).fit(frame)
    assert results.outer_weights["PERQ2"] < 0
    flagged = construct_indices(results, frame, scale_bounds=(1, 10))
    assert flagged["quality"].negative_weights == ("PERQ2",)
    assert "not a valid 0–100 index" in flagged.warnings[0]
    refused = construct_indices(results, frame, scale_bounds=(1, 10), negative_weights="refuse")
    assert np.isnan(refused["quality"].value) and not np.isnan(refused["satisfaction"].value)


def test_equal_weight_fallback_is_labelled(mobi):
    result = equal_weight_index(ECSI, mobi.head(20), scale_bounds=(1, 10))
    items = list(ECSI.construct("value").items)
    expected = ((mobi.head(20)[items].mean().mean()) - 1) / 9 * 100
    assert result["value"].value == pytest.approx(expected)
    assert result["value"].method == "equal_weights"
    assert any("equal-weight" in w for w in result.warnings)
    json.dumps(result.to_dict())


def test_bad_bounds_and_answers(mobi, fitted):
    with pytest.raises(InputDataError, match="no \\(low, high\\) for item 'IMAG1'"):
        construct_indices(fitted, mobi, scale_bounds={"CUEX1": (1, 10)})
    with pytest.raises(InputDataError, match="low < high"):
        construct_indices(fitted, mobi, scale_bounds=(10, 1))
    with pytest.raises(InputDataError, match="item 'IMAG1' has the answer 10, outside its scale bounds \\[1, 7\\]"):
        construct_indices(fitted, mobi, scale_bounds=(1, 7))
