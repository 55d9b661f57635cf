"""Synthetic ACSI data: the truth it claims is the truth the data carries."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from acsi.errors import ModelSpecError
from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.synthetic import DEFAULT_PATHS, implied_latent_correlation, simulate_acsi

TRIANGLE = ModelSpec.from_lavaan("a =~ a1 + a2\nb =~ b1 + b2\nc =~ c1 + c2\nb ~ a\nc ~ a + b", name="triangle")
TRIANGLE_PATHS = {("a", "b"): 0.5, ("a", "c"): 0.3, ("b", "c"): 0.4}


def test_same_seed_same_data_and_other_seed_other_data():
    first = simulate_acsi(500, seed=11)
    assert first.frame.equals(simulate_acsi(500, seed=11).frame)
    assert not first.frame.equals(simulate_acsi(500, seed=12).frame)
    assert list(first.frame.columns) == list(BUILTIN_MODELS["acsi"].items)


def test_implied_latent_correlation_matches_hand_computation():
    corr, disturbance = implied_latent_correlation(TRIANGLE, TRIANGLE_PATHS)
    # corr(b, c) = 0.4 + 0.3·0.5; corr(a, c) = 0.3 + 0.4·0.5; Var(ζ_c) = 1 − (0.09 + 0.16 + 2·0.3·0.4·0.5)
    assert corr.loc["a", "b"] == pytest.approx(0.5, abs=1e-12)
    assert corr.loc["b", "c"] == pytest.approx(0.55, abs=1e-12)
    assert corr.loc["a", "c"] == pytest.approx(0.5, abs=1e-12)
    assert disturbance == pytest.approx({"b": 0.75, "c": 0.63}, abs=1e-12)


def test_item_correlations_carry_the_stated_loadings_and_paths():
    data = simulate_acsi(200_000, seed=5, spec=TRIANGLE, paths=TRIANGLE_PATHS, loadings={"a1": 0.9, "c2": 0.6})
    corr = data.frame.corr()  # sampling sd of a correlation at N = 200k is about 0.002: allow 0.01
    assert data.true_loadings == {"a1": 0.9, "a2": 0.85, "b1": 0.85, "b2": 0.85, "c1": 0.85, "c2": 0.6}
    assert corr.loc["a1", "a2"] == pytest.approx(0.9 * 0.85, abs=0.01)
    assert corr.loc["b1", "c2"] == pytest.approx(0.85 * 0.6 * 0.55, abs=0.01)
    assert corr.loc["a1", "c1"] == pytest.approx(0.9 * 0.85 * 0.5, abs=0.01)
    assert data.frame.std().to_numpy() == pytest.approx(np.ones(6), abs=0.01)
    assert data.frame.mean().abs().max() < 0.01


def test_single_item_constructs_are_their_item_and_defaults_have_the_acsi_signs():
    data = simulate_acsi(200_000, seed=8)
    assert data.true_loadings["COMP"] == 1.0 and data.true_loadings["REPUR"] == 1.0
    assert data.true_paths[("satisfaction", "complaints")] < 0
    assert all(value > 0 for key, value in data.true_paths.items() if key != ("satisfaction", "complaints"))
    assert set(data.true_paths) == set(BUILTIN_MODELS["acsi"].paths)
    # COMP and REPUR are the complaints and loyalty constructs themselves
    expected = data.latent_correlation.loc["complaints", "loyalty"]
    assert data.frame["COMP"].corr(data.frame["REPUR"]) == pytest.approx(expected, abs=0.01)
    # hand value: corr(complaints, loyalty) = β(complaints→loyalty) + β(satisfaction→loyalty)·corr(s, c)
    assert expected == pytest.approx(0.05 + 0.55 * -0.35, abs=1e-12)


@pytest.mark.parametrize("model", ["acsi", "ecsi", "ccsi"])
def test_default_paths_give_positive_disturbances_for_every_builtin_model(model):
    spec = BUILTIN_MODELS[model]
    _, disturbance = implied_latent_correlation(spec, {p: DEFAULT_PATHS[p] for p in spec.paths})
    assert set(disturbance) == set(spec.endogenous)
    assert all(0 < v < 1 for v in disturbance.values())


def test_discretised_items_are_integers_on_the_scale_with_acsi_like_spread():
    frame = simulate_acsi(20_000, seed=3, discretize=(1, 10)).frame
    values = frame.to_numpy()
    assert np.array_equal(values, np.rint(values))
    assert values.min() >= 1 and values.max() <= 10
    assert 7.2 < frame["SATIS"].mean() < 7.7
    assert 1.5 < frame["SATIS"].std() < 2.0


def test_binary_items_have_the_requested_share_of_ones():
    frame = simulate_acsi(100_000, seed=4, discretize=(1, 10), binary_items={"COMP": 0.15}).frame
    assert set(np.unique(frame["COMP"])) == {0.0, 1.0}
    assert frame["COMP"].mean() == pytest.approx(0.15, abs=0.005)
    # more satisfied respondents complain less
    assert frame.groupby("COMP")["SATIS"].mean()[1.0] < frame.groupby("COMP")["SATIS"].mean()[0.0]


def test_latent_shift_flows_downstream_by_the_total_effect():
    base = simulate_acsi(100_000, seed=9).frame.mean()
    shifted = simulate_acsi(100_000, seed=9, latent_shift={"quality": 0.5}).frame.mean()
    difference = shifted - base
    # same seed, same noise: the difference is exact. quality → satisfaction total = 0.50 + 0.55·0.25
    assert difference["OVERALLX"] == pytest.approx(0.0, abs=1e-12)
    assert difference["OVERALLQ"] == pytest.approx(0.85 * 0.5, abs=1e-9)
    assert difference["SATIS"] == pytest.approx(0.85 * 0.5 * (0.50 + 0.55 * 0.25), abs=1e-9)


def test_result_is_frozen_and_summarises_the_truth():
    data = simulate_acsi(50, seed=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.spec = BUILTIN_MODELS["ecsi"]  # type: ignore[misc]
    assert "satisfaction -> complaints: -0.350" in data.summary()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"paths": {("quality", "expectation"): 0.3}}, "not in model"),
    ({"paths": {("expectation", "quality"): 1.2}}, "must be a finite number in"),
    ({"loadings": 1.3}, "must lie in"),
    ({"loadings": {"NOPE": 0.7}}, "not in model"),
    ({"binary_items": {"NOPE": 0.2}}, "not in model"),
    ({"binary_items": {"COMP": 1.0}}, "must lie in"),
    ({"latent_shift": {"nothing": 1.0}}, "unknown constructs"),
    ({"discretize": (10, 1)}, "high > low"),
])
def test_bad_parameters_raise_model_spec_error_naming_the_value(kwargs, message):
    with pytest.raises(ModelSpecError, match=message):
        simulate_acsi(10, seed=1, **kwargs)


def test_paths_that_would_need_a_variance_above_one_are_refused():
    with pytest.raises(ModelSpecError, match="positive disturbance variance"):
        simulate_acsi(10, seed=1, spec=TRIANGLE, paths={("a", "b"): 0.5, ("a", "c"): 0.8, ("b", "c"): 0.8})


def test_custom_path_without_a_default_must_be_given_and_n_must_be_positive():
    spec = ModelSpec.from_lavaan("x =~ x1 + x2\ny =~ y1 + y2\ny ~ x", name="custom")
    with pytest.raises(ModelSpecError, match="no default coefficient"):
        simulate_acsi(10, seed=1, spec=spec)
    with pytest.raises(ModelSpecError, match="positive integer"):
        simulate_acsi(0, seed=1)
