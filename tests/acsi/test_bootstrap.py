"""Bootstrap: resamples as weights, reproducibility, percentile intervals, failed resamples."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from acsi.bootstrap import bootstrap, estimate_batch
from acsi.data import prepare_items
from acsi.errors import AcsiError, EstimationError
from acsi.pls import PLS
from acsi.spec import BUILTIN_MODELS, ModelSpec

ECSI = BUILTIN_MODELS["ecsi"]




@pytest.fixture(scope="module")
def boot(mobi):
    return bootstrap(PLS(ECSI), mobi, resamples=200, seed=42, scale_bounds=(1, 10))


def resample_rows(seed: int, b: int, n: int) -> np.ndarray:
    """The rows resample ``b`` draws, as documented in acsi.bootstrap."""
    child = np.random.SeedSequence(seed).spawn(b + 1)[b]
    return np.random.default_rng(child).integers(0, n, size=n)


def test_a_resample_equals_a_fit_on_the_drawn_rows(mobi, boot):
    for b in (0, 17):
        rows = resample_rows(42, b, len(mobi))
        direct = PLS(ECSI).fit(mobi.iloc[rows].reset_index(drop=True))
        np.testing.assert_allclose(boot.path_draws[b], direct.paths.to_numpy(), atol=1e-9)


@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
@pytest.mark.parametrize("consistent", [False, True])
def test_batch_engine_matches_single_fits(mobi, scheme, consistent):
    estimator = PLS(ECSI, scheme=scheme, consistent=consistent)
    rng = np.random.default_rng(0)
    correlations = np.stack([prepare_items(mobi.iloc[rng.integers(0, 250, 250)], ECSI.items).correlation
                             for _ in range(4)])
    batch = estimate_batch(correlations, estimator.layout, scheme=scheme, consistent=consistent,
                           tol=1e-7, max_iter=300)
    for b in range(4):
        core = estimator.estimate(correlations[b])
        np.testing.assert_allclose(batch["paths"][b], core.paths, atol=1e-12)
        np.testing.assert_allclose(batch["outer_weights"][b], core.weights, atol=1e-12)
        np.testing.assert_allclose(batch["loadings"][b], core.loadings, atol=1e-12)


def test_mode_b_batch_matches_single_fit(mobi):
    spec = ModelSpec.from_lavaan(ECSI.to_lavaan().replace("image =~", "image <~"))
    estimator = PLS(spec)
    correlation = prepare_items(mobi, spec.items).correlation
    batch = estimate_batch(correlation[None], estimator.layout, scheme="path", consistent=False, tol=1e-7,
                           max_iter=300)
    np.testing.assert_allclose(batch["outer_weights"][0], estimator.estimate(correlation).weights, atol=1e-12)


def test_reproducible_whatever_the_number_of_processes(mobi, boot):
    again = bootstrap(PLS(ECSI), mobi, resamples=200, seed=42, scale_bounds=(1, 10), n_jobs=2)
    np.testing.assert_array_equal(again.path_draws, boot.path_draws)
    pd.testing.assert_frame_equal(again.paths, boot.paths, check_exact=True)
    pd.testing.assert_frame_equal(again.indices, boot.indices, check_exact=True)
    pd.testing.assert_frame_equal(again.htmt, boot.htmt, check_exact=True)
    other = bootstrap(PLS(ECSI), mobi, resamples=200, seed=43)
    assert not np.allclose(other.path_draws, boot.path_draws)


def test_first_resamples_do_not_depend_on_how_many_follow(mobi, boot):
    """Resample b's draw depends on (seed, b) only, and chunks are fixed: more resamples extend the draws."""
    more = bootstrap(PLS(ECSI), mobi, resamples=300, seed=42)
    np.testing.assert_array_equal(more.path_draws[:200], boot.path_draws)


def test_percentile_intervals(boot):
    draws = boot.path_draws
    assert boot.successful == 200 and boot.failed == 0 and draws.shape == (200, 12)
    np.testing.assert_allclose(boot.paths["lower"], np.quantile(draws, 0.025, axis=0))
    np.testing.assert_allclose(boot.paths["upper"], np.quantile(draws, 0.975, axis=0))
    np.testing.assert_allclose(boot.paths["std_error"], draws.std(axis=0, ddof=1))
    assert boot.paths.loc[("image", "expectation"), "estimate"] == pytest.approx(0.50491393, abs=1e-6)
    assert (boot.paths["lower"] < boot.paths["estimate"]).all() and (boot.paths["estimate"] < boot.paths["upper"]).all()
    for table in (boot.outer_weights, boot.loadings, boot.htmt, boot.indices, boot.total_effects):
        assert (table["lower"] <= table["upper"]).all() and table["std_error"].gt(0).any()
    # the complaints weight is fixed at 1: no uncertainty
    assert boot.outer_weights.loc["CUSCO", "std_error"] == 0.0
    assert 60 < boot.indices.loc["satisfaction", "estimate"] < 90


def test_failed_resamples_are_counted(mobi):
    frame = mobi.head(60).copy()
    frame["CUSCO"] = 5.0
    frame.loc[0, "CUSCO"] = 6.0  # one non-constant answer: many resamples miss it
    result = bootstrap(PLS(ECSI), frame, resamples=50, seed=1)
    assert 0 < result.failed < 50 and result.successful == 50 - result.failed
    assert result.path_draws.shape[0] == result.successful
    assert any(f"{result.failed} of 50 bootstrap resamples failed" in w for w in result.warnings)
    # About 37 % of resamples miss row 0 ((59/60)^60): far below the 90 % rule.
    assert result.successful < 45 and result.intervals_reliable is False
    assert any(w.startswith("unreliable intervals: only") for w in result.warnings)


def test_intervals_are_reliable_from_90_percent_successful_resamples(mobi):
    result = bootstrap(PLS(ECSI), mobi, resamples=20, seed=3)
    assert result.failed == 0 and result.intervals_reliable is True
    assert not any(w.startswith("unreliable intervals") for w in result.warnings)
    assert replace(result, successful=18, failed=2).intervals_reliable is True
    assert replace(result, successful=17, failed=3).intervals_reliable is False


def test_resamples_with_collinear_mode_b_items_fail_and_the_rest_match_single_fits():
    """x2 equals x1 except in row 0: every resample without row 0 has a singular Mode B block."""
    rng = np.random.default_rng(0)
    n = 40
    latent = rng.normal(size=n)
    x1 = np.round(latent + rng.normal(scale=0.5, size=n), 1)
    x2 = x1.copy()
    x2[0] += 3.0
    frame = pd.DataFrame({"x1": x1, "x2": x2, "y1": latent + rng.normal(size=n), "y2": latent + rng.normal(size=n)})
    estimator = PLS(ModelSpec.from_lavaan("f <~ x1 + x2\ng =~ y1 + y2\ng ~ f"), min_rows=10)
    result = bootstrap(estimator, frame, resamples=30, seed=2)
    draws = [resample_rows(2, b, n) for b in range(30)]
    without_row_0 = [b for b in range(30) if 0 not in draws[b]]
    assert result.failed == len(without_row_0) > 0
    first_ok = next(b for b in range(30) if b not in without_row_0)
    direct = estimator.fit(frame.iloc[draws[first_ok]].reset_index(drop=True))
    np.testing.assert_allclose(result.path_draws[0], direct.paths.to_numpy(), atol=1e-9)
    with pytest.raises(EstimationError, match="items of Mode B construct 'f' are perfectly collinear"):
        estimator.fit(frame.iloc[draws[without_row_0[0]]])


def test_serialisation_and_summary(boot):
    payload = json.loads(json.dumps(boot.to_dict()))
    assert payload["paths"][0]["from"] == "image" and payload["failed"] == 0
    assert payload["indices"][0]["name"] == "image"
    assert "200 of 200 resamples" in boot.summary()


def test_respondent_weights_are_kept_in_every_resample(mobi):
    weights = np.where(np.arange(len(mobi)) % 3 == 0, 2.0, 1.0)
    result = bootstrap(PLS(ECSI), mobi, resamples=20, seed=3, weights=weights)
    weighted_fit = PLS(ECSI).fit(mobi, weights=weights)
    np.testing.assert_allclose(result.paths["estimate"], weighted_fit.paths, atol=1e-12)
    rows = resample_rows(3, 0, len(mobi))
    direct = PLS(ECSI).fit(mobi.iloc[rows].reset_index(drop=True), weights=weights[rows])
    np.testing.assert_allclose(result.path_draws[0], direct.paths.to_numpy(), atol=1e-9)


def test_without_bounds_there_are_no_index_intervals(mobi):
    assert bootstrap(PLS(ECSI), mobi, resamples=5, seed=0).indices is None


def test_bad_options(mobi):
    with pytest.raises(AcsiError, match="resamples=1"):
        bootstrap(PLS(ECSI), mobi, resamples=1, seed=0)
    with pytest.raises(AcsiError, match="level=1.5"):
        bootstrap(PLS(ECSI), mobi, resamples=10, seed=0, level=1.5)


def test_large_data_builds_resample_weights_a_few_at_a_time_with_the_same_results(mobi, monkeypatch):
    import acsi.bootstrap as module

    estimator = PLS(ECSI)
    whole = bootstrap(estimator, mobi, resamples=30, seed=4)
    monkeypatch.setattr(module, "_ROW_BUDGET", 3 * len(mobi))  # three resamples per matrix product
    split = bootstrap(estimator, mobi, resamples=30, seed=4)
    assert split.successful == whole.successful
    np.testing.assert_allclose(split.path_draws, whole.path_draws, rtol=0, atol=1e-12)
    np.testing.assert_allclose(split.paths["std_error"], whole.paths["std_error"], rtol=0, atol=1e-12)


def test_cross_products_of_large_data_equal_the_direct_sums():
    from acsi.bootstrap import weighted_cross_products

    rng = np.random.default_rng(3)
    values = rng.normal(size=(2_345, 5))
    weights = rng.poisson(1.0, size=(4, 2_345)).astype(float)
    direct = np.stack([(values * w[:, None]).T @ values for w in weights])
    np.testing.assert_allclose(weighted_cross_products(values, weights, rows=500), direct, rtol=1e-12, atol=1e-9)


def _holed(mobi: pd.DataFrame) -> pd.DataFrame:
    """mobi with about 12% of rows missing one or two items, more often among low satisfaction."""
    rng = np.random.default_rng(5)
    holed = mobi.copy()
    low = (mobi["CUSA1"] <= mobi["CUSA1"].median()).to_numpy()
    drop = rng.random(len(mobi)) < np.where(low, 0.2, 0.04)
    holed.loc[drop, "CUSA2"] = np.nan
    holed.loc[drop & (rng.random(len(mobi)) < 0.5), "CUSA3"] = np.nan
    holed.loc[rng.random(len(mobi)) < 0.03, "PERQ1"] = np.nan
    return holed


def test_em_is_repeated_in_every_resample(mobi):
    """A resample's paths equal an EM fit on the rows it drew (EM run on those rows, not the
    full sample's filled cells), and differ from resampling the once-filled data."""
    holed = _holed(mobi)
    assert holed.isna().any(axis=1).mean() > 0.08
    result = bootstrap(PLS(ECSI, missing="em"), holed, resamples=6, seed=9)
    assert result.failed == 0
    filled = holed.copy()
    filled[list(ECSI.items)] = prepare_items(holed, ECSI.items, missing="em").values
    for b in range(6):
        rows = resample_rows(9, b, len(holed))
        direct = PLS(ECSI, missing="em").fit(holed.iloc[rows].reset_index(drop=True))
        np.testing.assert_allclose(result.path_draws[b], direct.paths.to_numpy(), atol=1e-6)
        once = PLS(ECSI).fit(filled.iloc[rows].reset_index(drop=True))
        assert np.abs(result.path_draws[b] - once.paths.to_numpy()).max() > 1e-5


def test_em_from_sums_of_complete_rows_equals_em_on_all_rows(mobi):
    from acsi.data import em_moments, em_moments_with

    values = _holed(mobi)[list(ECSI.items)].to_numpy(float)
    weights = np.random.default_rng(2).integers(0, 4, size=len(values)).astype(float)
    _filled, mean, cov, _ = em_moments(values, weights)
    complete = ~np.isnan(values).any(axis=1)
    c, w = values[complete], weights[complete]
    fixed = (w.sum(), w @ c, (c * w[:, None]).T @ c)
    start_mean = np.nanmean(values, axis=0)
    start_cov = np.diag(np.nanvar(values, axis=0))
    mean_with, cov_with, _ = em_moments_with(values[~complete], weights[~complete], fixed, start_mean, start_cov)
    np.testing.assert_allclose(mean_with, mean, atol=1e-7)
    np.testing.assert_allclose(cov_with, cov, atol=1e-7)
