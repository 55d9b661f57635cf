"""Per-segment fits under the minimum base, and index differences between segments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.errors import AcsiError, InputDataError, InsufficientDataError
from acsi.indices import construct_indices
from acsi.pls import PLS
from acsi.segment_fit import (SegmentFit, SkippedSegment, _group, _permutation_draws, compare_segment_indices,
                              fit_segments, recommended_min_base)
from acsi.segments import holm_adjust, kish_effective_n
from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.synthetic import simulate_acsi

ECSI = BUILTIN_MODELS["ecsi"]


def segment_frame(sizes: dict[str, int], shifts: dict[str, float], seed: int = 0) -> pd.DataFrame:
    parts = []
    for k, (label, n) in enumerate(sizes.items()):
        frame = simulate_acsi(n, seed=seed + k, spec=ECSI, discretize=(1, 10),
                              latent_shift={"quality": shifts.get(label, 0.0)}).frame
        frame["region"] = label
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return segment_frame({"a": 200, "b": 200, "c": 20}, {"b": 0.8})


def test_recommended_min_base():
    assert recommended_min_base(ECSI) == 50              # satisfaction has 4 predictors: 10 × 4 = 40 < 50
    assert recommended_min_base(ECSI, "cbsem") == 50     # 24 items + 1 = 25
    wide = ModelSpec.from_lavaan("y =~ y1 + y2\n" + "\n".join(f"x{k} =~ a{k} + b{k}" for k in range(6))
                                 + "\ny ~ " + " + ".join(f"x{k}" for k in range(6)))
    assert recommended_min_base(wide) == 60
    formative = ModelSpec.from_lavaan("f <~ " + " + ".join(f"i{k}" for k in range(7)) + "\ny =~ y1 + y2\ny ~ f")
    assert recommended_min_base(formative) == 70
    big = ModelSpec.from_lavaan("f =~ " + " + ".join(f"i{k}" for k in range(60)) + "\ny =~ y1 + y2\ny ~ f")
    assert recommended_min_base(big, "cbsem") == 63


def test_segments_fitted_and_small_one_skipped_with_reason(frame):
    fits = fit_segments(ECSI, frame, segment="region")
    assert [f.segment for f in fits] == ["all", "a", "b", "c"]
    assert [f.status for f in fits] == ["fitted", "fitted", "fitted", "skipped"]
    skipped = fits[3]
    assert isinstance(skipped, SkippedSegment) and skipped.n == 20 and skipped.n_used == 20
    assert "20 usable rows" in skipped.reason and "minimum base of 50" in skipped.reason
    a = fits[1]
    assert isinstance(a, SegmentFit) and a.n == a.n_used == 200 and a.n_effective == 200
    direct = PLS(ECSI).fit(frame[frame["region"] == "a"])
    np.testing.assert_allclose(a.results.paths.to_numpy(), direct.paths.to_numpy(), atol=1e-12)
    expected = construct_indices(direct, scale_bounds=(1, 10)).values
    np.testing.assert_allclose(a.indices.values.to_numpy(), expected.to_numpy(), atol=1e-10)
    assert fits[0].n == 420 and fits[0].validity is not None and fits[0].bootstrap is None


def test_min_base_setting_and_whole_sample_rule(frame):
    fits = fit_segments(ECSI, frame, segment="region", min_base=250)
    assert [f.status for f in fits] == ["fitted", "skipped", "skipped", "skipped"]
    assert "minimum base of 250" in fits[1].reason
    with pytest.raises(InsufficientDataError, match="minimum base of 500"):
        fit_segments(ECSI, frame, min_base=500)
    with pytest.raises(AcsiError, match="min_base"):
        fit_segments(ECSI, frame, min_base=1)


def test_weighted_base_uses_kish_effective_n(frame):
    data = frame.copy()
    weights = np.ones(len(data))
    a_rows = np.flatnonzero(data["region"].to_numpy() == "a")
    weights[a_rows[:3]] = 20.0  # three heavy rows: Kish n_eff of segment a falls to 47.3
    data["w"] = weights
    fits = {f.segment: f for f in fit_segments(ECSI, data, segment="region", weights="w")}
    expected = kish_effective_n(weights[a_rows])
    assert expected < 50
    assert fits["a"].status == "skipped" and f"effective n {expected:.1f}" in fits["a"].reason
    assert fits["b"].status == "fitted" and fits["b"].n_effective == pytest.approx(200)
    assert fits["all"].results.weighted


def test_segment_that_cannot_be_estimated_is_skipped_not_fatal(frame):
    data = frame.copy()
    data.loc[data["region"] == "b", "CUSA1"] = 7.0
    fits = {f.segment: f for f in fit_segments(ECSI, data, segment="region")}
    assert fits["b"].status == "skipped"
    assert fits["b"].reason.startswith("not estimable:") and "'CUSA1' is constant" in fits["b"].reason


def test_bad_input_names_the_column_and_rule(frame):
    with pytest.raises(InputDataError, match="'CUEX2'"):
        fit_segments(ECSI, frame.drop(columns="CUEX2"))
    with pytest.raises(InputDataError, match="segment column 'nope'"):
        fit_segments(ECSI, frame, segment="nope")
    with pytest.raises(AcsiError, match="method='ml'"):
        fit_segments(ECSI, frame, method="ml")  # type: ignore[arg-type]
    with pytest.raises(AcsiError, match="'pls' and 'plsc' only"):
        fit_segments(ECSI, frame, method="cbsem", resamples=10)


def test_bootstrap_per_segment(frame):
    fits = fit_segments(ECSI, frame[frame["region"] != "c"], segment="region", resamples=50, seed=3)
    for fit in fits:
        assert fit.bootstrap is not None and fit.bootstrap.resamples == 50 and fit.bootstrap.seed == 3
        table = fit.bootstrap.indices
        assert (table["lower"] <= table["estimate"]).all() and (table["estimate"] <= table["upper"]).all()


def test_cbsem_segments_use_bartlett_weights():
    data = simulate_acsi(400, seed=11).frame  # continuous ACSI data, well conditioned
    (fit,) = fit_segments(BUILTIN_MODELS["acsi"], data, method="cbsem", scale_bounds=(-10, 10))
    assert fit.results.admissible
    items = ["OVERALLQ", "CUSTOMQ", "WRONGQ"]
    lam = np.array([fit.results.standardized_loadings[i] for i in items])
    w = lam / (1 - lam ** 2)
    corr = data[items].corr().to_numpy()
    w = w / np.sqrt(w @ corr @ w)
    np.testing.assert_allclose(fit.weights[items].to_numpy(), w, atol=1e-10)
    raw = w / data[items].std().to_numpy()
    expected = 100 * raw @ (data[items].mean().to_numpy() + 10) / (raw.sum() * 20)
    assert fit.indices.values["quality"] == pytest.approx(expected, abs=1e-9)
    assert fit.weights["COMP"] == 1.0


def test_permutation_replicate_equals_refit_on_permuted_rows(frame):
    estimator = PLS(ECSI, min_rows=50)
    (dx, bx), (dy, by) = (_group(estimator, frame[frame["region"] == g], None) for g in ("a", "b"))
    low, high = np.ones(len(ECSI.items)), np.full(len(ECSI.items), 10.0)
    draws = _permutation_draws(estimator, dx, bx, dy, by, 3, 5, low, high)
    pooled = pd.DataFrame(np.vstack([dx.values, dy.values]), columns=list(ECSI.items))
    for b, child in enumerate(np.random.SeedSequence(5).spawn(3)):
        order = np.random.default_rng(child).permutation(len(pooled))
        first, second = pooled.iloc[order[:200]], pooled.iloc[order[200:]]
        value = (construct_indices(estimator.fit(first), scale_bounds=(1, 10)).values
                 - construct_indices(estimator.fit(second), scale_bounds=(1, 10)).values)
        np.testing.assert_allclose(draws[b], value.to_numpy(), atol=1e-6)


def test_permutation_difference_detects_shift_and_is_symmetric(frame):
    data = frame[frame["region"] != "c"]
    (forward,) = compare_segment_indices(ECSI, data, segment="region", versus="pairwise", resamples=199, seed=2)
    fits = {f.segment: f for f in fit_segments(ECSI, data, segment="region")}
    observed = fits["a"].indices.values["satisfaction"] - fits["b"].indices.values["satisfaction"]
    assert (forward.first, forward.second, forward.construct) == ("a", "b", "satisfaction")
    assert forward.difference == pytest.approx(observed, abs=1e-10) and observed < -2
    assert forward.p_value == pytest.approx(1 / 200)  # no permutation reaches the observed shift
    swapped = data.assign(region=data["region"].map({"a": "z", "b": "b"}))
    (backward,) = compare_segment_indices(ECSI, swapped, segment="region", versus="pairwise", resamples=199, seed=2)
    assert (backward.first, backward.second) == ("b", "z")
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-10)
    assert backward.p_value == forward.p_value and backward.successful == forward.successful == 199


def test_no_difference_gives_large_p_and_holm_across_comparisons():
    data = segment_frame({"a": 150, "b": 150, "c": 150}, {}, seed=40)
    found = compare_segment_indices(ECSI, data, segment="region", resamples=99, seed=1,
                                    constructs=["satisfaction", "loyalty"])
    assert [(d.first, d.second, d.construct) for d in found] == [
        (s, "rest", c) for s in "abc" for c in ("satisfaction", "loyalty")]
    assert all(d.n_second == 300 for d in found)
    assert min(d.p_value for d in found) > 0.05
    assert [d.p_value_holm for d in found] == holm_adjust([d.p_value for d in found])


def test_bootstrap_difference_interval_and_symmetry(frame):
    data = frame[frame["region"] != "c"]
    (forward,) = compare_segment_indices(ECSI, data, segment="region", versus="pairwise", method="bootstrap",
                                         resamples=199, seed=4)
    assert forward.ci_low < forward.difference < forward.ci_high < 0
    assert forward.p_value == pytest.approx(2 / 200)
    swapped = data.assign(region=data["region"].map({"a": "z", "b": "b"}))
    (backward,) = compare_segment_indices(ECSI, swapped, segment="region", versus="pairwise", method="bootstrap",
                                          resamples=199, seed=4)
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-10)
    assert backward.p_value == forward.p_value
    assert backward.ci_low == pytest.approx(-forward.ci_high) and backward.ci_high == pytest.approx(-forward.ci_low)


def test_comparisons_leave_out_groups_below_the_base_and_check_options(frame):
    found = compare_segment_indices(ECSI, frame, segment="region", resamples=19)
    assert [d.first for d in found] == ["a", "b"]  # c (20 rows) is below the base
    with pytest.raises(AcsiError, match="construct 'joy'"):
        compare_segment_indices(ECSI, frame, segment="region", constructs=["joy"])
    with pytest.raises(AcsiError, match="resamples"):
        compare_segment_indices(ECSI, frame, segment="region", resamples=5)
