"""Index differences between segments: permutation and bootstrap tests, Holm's correction."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.errors import AcsiError
from acsi.indices import construct_indices
from acsi.pls import PLS
from acsi.segment_differences import _group, _permutation_draws, compare_segment_indices
from acsi.segment_fit import fit_segments
from acsi.multiple_testing import holm_adjust
from acsi.spec import BUILTIN_MODELS

ECSI = BUILTIN_MODELS["ecsi"]


@pytest.fixture(scope="module")
def frame(make_segment_frame) -> pd.DataFrame:
    return make_segment_frame({"a": 200, "b": 200, "c": 20}, {"b": 0.8})


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


def test_no_difference_gives_large_p_and_holm_across_comparisons(make_segment_frame):
    data = make_segment_frame({"a": 150, "b": 150, "c": 150}, {}, seed=40)
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


def test_two_segments_versus_rest_are_one_comparison_for_holm(make_segment_frame):
    data = make_segment_frame({"a": 150, "b": 150}, {}, seed=41)
    found = compare_segment_indices(ECSI, data, segment="region", resamples=49, seed=1,
                                    constructs=["satisfaction", "loyalty"])
    assert [(d.first, d.construct) for d in found] == [
        ("a", "satisfaction"), ("a", "loyalty"), ("b", "satisfaction"), ("b", "loyalty")]
    # a vs rest is b vs rest: Holm counts two distinct tests (one per construct), not four.
    distinct = holm_adjust([found[0].p_value, found[1].p_value])
    assert [d.p_value_holm for d in found] == pytest.approx(distinct * 2)
