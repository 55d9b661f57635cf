"""MICOM steps 1–3 and permutation MGA from one pass, checked against direct computation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.micom import compare_groups
from acsi.pls import PLS
from acsi.segment_differences import compare_segment_indices
from acsi.spec import BUILTIN_MODELS
from acsi.synthetic import simulate_acsi

ECSI = BUILTIN_MODELS["ecsi"]


def _group(n: int, seed: int, **options) -> pd.DataFrame:
    return simulate_acsi(n, seed=seed, spec=ECSI, discretize=(1, 10), **options).frame[list(ECSI.items)].astype(float)


@pytest.fixture(scope="module")
def same() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _group(250, 1), _group(220, 2)


@pytest.fixture(scope="module")
def compared(same):
    return compare_groups(ECSI, *same, first_label="a", second_label="b", resamples=199, seed=3)


def test_index_differences_are_those_of_compare_segment_indices(same, compared) -> None:
    first, second = same
    frame = pd.concat([first.assign(g="a"), second.assign(g="b")], ignore_index=True)
    library = {d.construct: d for d in compare_segment_indices(
        ECSI, frame, segment="g", versus="pairwise", resamples=199, seed=3, constructs=list(ECSI.construct_names))}
    for construct, (difference, p_normal, p_count) in compared.index_differences.items():
        assert difference == pytest.approx(library[construct].difference, abs=1e-10)
        assert p_count == library[construct].p_value
        if p_count > 0.05:  # away from the floor of the count the two readings of the tail agree
            assert p_normal == pytest.approx(p_count, abs=0.06)


def test_the_normal_reading_goes_below_the_floor_of_the_count() -> None:
    shifted = simulate_acsi(250, seed=9, spec=ECSI, discretize=(1, 10), latent_shift={"quality": 1.5}).frame
    result = compare_groups(ECSI, _group(250, 1), shifted[list(ECSI.items)].astype(float), resamples=99, seed=3)
    difference, p_normal, p_count = result.index_differences["satisfaction"]
    assert difference < -3 and p_count == pytest.approx(1 / 100)
    assert p_normal < 1e-4  # what Holm over many comparisons needs
    quality = next(p for p in result.paths if (p.source, p.target) == ("quality", "satisfaction"))
    assert quality.p_value_permutation >= 1 / 100


def _scores(frame: pd.DataFrame, weights: pd.Series, pooled: pd.DataFrame, block: list[str]) -> np.ndarray:
    z = (frame[block] - pooled[block].mean()) / pooled[block].std(ddof=1)
    return z.to_numpy() @ weights[block].to_numpy()


def test_micom_statistics_equal_their_definitions(same, compared) -> None:
    first, second = same
    pooled = pd.concat([first, second], ignore_index=True)
    estimator = PLS(ECSI, min_rows=50)
    w1, w2, wp = (estimator.fit(data).outer_weights for data in (first, second, pooled))
    for construct in ECSI.constructs:
        block = list(construct.items)
        found = next(c for c in compared.constructs if c.construct == construct.name)
        c = np.corrcoef(_scores(pooled, w1, pooled, block), _scores(pooled, w2, pooled, block))[0, 1]
        assert found.correlation == pytest.approx(c, abs=1e-9)
        scale = _scores(pooled, wp, pooled, block).std(ddof=1)
        s1, s2 = (_scores(g, wp, pooled, block) / scale for g in (first, second))
        assert found.mean_difference == pytest.approx(s1.mean() - s2.mean(), abs=1e-9)
        assert found.log_variance_ratio == pytest.approx(np.log(s1.var(ddof=1)) - np.log(s2.var(ddof=1)), abs=1e-9)
    for path in compared.paths:
        fitted = (estimator.fit(first).paths[(path.source, path.target)],
                  estimator.fit(second).paths[(path.source, path.target)])
        assert (path.first, path.second) == pytest.approx(fitted, abs=1e-9)
        assert path.difference == pytest.approx(fitted[0] - fitted[1], abs=1e-12)


def test_groups_from_one_population_are_invariant(compared) -> None:
    assert compared.configural and compared.successful == 199
    assert all(c.compositional for c in compared.constructs)
    assert min(c.correlation for c in compared.constructs) > 0.98
    assert compared.invariance in ("full", "partial")
    assert compared.to_dict()["constructs"][0]["invariance"] in ("full", "partial")


def test_an_item_that_means_something_else_breaks_compositional_invariance(same) -> None:
    first, second = same
    changed = second.copy()
    rng = np.random.default_rng(5)
    changed["CUSA1"] = rng.integers(1, 11, len(changed)).astype(float)  # unrelated to satisfaction in b
    result = compare_groups(ECSI, first, changed, first_label="a", second_label="b", resamples=199, seed=3)
    satisfaction = next(c for c in result.constructs if c.construct == "satisfaction")
    assert not satisfaction.compositional and satisfaction.invariance == "none"
    assert result.invariance == "none" and result.invariance_of("image") != "none"


def test_a_driver_that_differs_is_found_by_the_path_test() -> None:
    first = _group(400, 1)
    other = _group(400, 7, paths={("quality", "satisfaction"): 0.0, ("value", "satisfaction"): 0.7})
    result = compare_groups(ECSI, first, other, resamples=199, seed=3)
    by_path = {(p.source, p.target): p for p in result.paths}
    assert by_path[("quality", "satisfaction")].difference > 0.1
    assert by_path[("quality", "satisfaction")].p_value < 0.01
    assert by_path[("image", "expectation")].p_value > 0.05
