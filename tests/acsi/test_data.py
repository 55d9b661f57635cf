"""Input validation, missing data, weights and moments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.data import em_moments, prepare_items, weighted_moments
from acsi.errors import InputDataError, InsufficientDataError


@pytest.fixture
def frame():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 3))
    return pd.DataFrame(x @ np.array([[1, 0.5, 0.2], [0, 1, 0.4], [0, 0, 1]]), columns=["a", "b", "c"])


def test_moments_match_numpy(frame):
    data = prepare_items(frame, ["a", "b", "c"])
    assert data.n == 60 and data.weights is None
    np.testing.assert_allclose(data.cov, np.cov(frame.to_numpy(), rowvar=False), rtol=1e-12)
    np.testing.assert_allclose(data.correlation, np.corrcoef(frame.to_numpy(), rowvar=False), rtol=1e-12)
    assert np.all(np.diag(data.correlation) == 1.0)


def test_frequency_weights_equal_expanded_rows(frame):
    counts = np.random.default_rng(2).integers(0, 4, size=len(frame)).astype(float)
    mean, cov = weighted_moments(frame.to_numpy(), counts)
    expanded = np.repeat(frame.to_numpy(), counts.astype(int), axis=0)
    np.testing.assert_allclose(mean, expanded.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(cov, np.cov(expanded, rowvar=False), rtol=1e-12)


def test_respondent_weights_are_rescaled_and_used(frame):
    w = np.linspace(0.5, 2.0, len(frame))
    a = prepare_items(frame, ["a", "b"], weights=w)
    b = prepare_items(frame, ["a", "b"], weights=pd.Series(10 * w, index=frame.index))
    np.testing.assert_allclose(a.weights.sum(), len(frame))
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-12)
    expected_mean = (w @ frame[["a", "b"]].to_numpy()) / w.sum()
    np.testing.assert_allclose(a.mean, expected_mean, rtol=1e-12)


@pytest.mark.parametrize(("weights", "message"), [
    (np.ones(3), r"shape \(3,\); expected one weight per row \(60\)"),
    (np.r_[np.ones(59), -1.0], "row 59.*negative"),
    (np.r_[np.ones(59), np.nan], "row 59.*missing"),
])
def test_bad_weights(frame, weights, message):
    with pytest.raises(InputDataError, match=message):
        prepare_items(frame, ["a"], weights=weights)


def test_validation_errors_name_column_and_rule(frame):
    with pytest.raises(InputDataError, match="column 'zz' required by the model is not in the data"):
        prepare_items(frame, ["a", "zz"])
    text = frame.astype(object)
    text.loc[7, "b"] = "seven"
    with pytest.raises(InputDataError, match="column 'b' row 7 holds 'seven', which is not a number"):
        prepare_items(text, ["a", "b"])
    constant = frame.assign(c=3.0)
    with pytest.raises(InputDataError, match="item 'c' is constant"):
        prepare_items(constant, ["a", "c"])
    with pytest.raises(InsufficientDataError, match="20 usable rows; the model needs at least 30"):
        prepare_items(frame.head(20), ["a"])


def test_numeric_strings_are_accepted(frame):
    text = frame.astype(str)
    data = prepare_items(text, ["a", "b"])
    np.testing.assert_allclose(data.mean, frame[["a", "b"]].mean().to_numpy(), rtol=1e-12)


def test_listwise_deletion_drops_incomplete_rows(frame):
    holed = frame.copy()
    holed.loc[[3, 9], "a"] = np.nan
    data = prepare_items(holed, ["a", "b"])
    assert data.n == 58 and 3 not in data.index
    assert "dropped 2 of 60 rows" in data.warnings[0]
    # column c is not in the model, so its holes do not matter
    holed.loc[5, "c"] = np.nan
    assert prepare_items(holed, ["a", "b"]).n == 58


def test_mean_replacement_and_its_warning(frame):
    holed = frame.copy()
    holed.loc[[1], "a"] = np.nan                      # 1.7 % missing: no warning
    holed.loc[list(range(10)), "b"] = np.nan          # 16.7 % missing: warning
    data = prepare_items(holed, ["a", "b"], missing="mean")
    assert data.n == 60
    assert data.values[1, 0] == pytest.approx(holed["a"].mean())
    assert len(data.warnings) == 1 and "'b' has 16.7% missing" in data.warnings[0]


def test_em_matches_the_closed_form_for_monotone_missingness():
    """Bivariate normal, y missing for some rows: the ML estimates are (Anderson 1957)
    mu_y = ybar_c + b (xbar - xbar_c), s_yy = s_yy_c + b^2 (s_xx - s_xx_c), s_xy = b s_xx."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    y = 0.6 * x + rng.normal(scale=0.8, size=200)
    y_obs = y.copy()
    y_obs[x > 0.7] = np.nan
    complete = ~np.isnan(y_obs)
    xc, yc = x[complete], y_obs[complete]
    b = np.cov(xc, yc, bias=True)[0, 1] / np.var(xc)
    mu_y = yc.mean() + b * (x.mean() - xc.mean())
    s_yy = np.var(yc) + b ** 2 * (np.var(x) - np.var(xc))
    s_xy = b * np.var(x)
    filled, mean, cov, _ = em_moments(np.column_stack([x, y_obs]))
    n = 200
    np.testing.assert_allclose(mean, [x.mean(), mu_y], atol=1e-7)
    np.testing.assert_allclose(cov * (n - 1) / n, [[np.var(x), s_xy], [s_xy, s_yy]], atol=1e-7)
    expected_fill = mu_y + b * (x[~complete] - x.mean())
    np.testing.assert_allclose(filled[~complete, 1], expected_fill, atol=1e-6)


def test_em_with_frequency_weights_equals_repeated_rows(frame):
    values = frame.to_numpy().copy()
    values[::5, 1] = np.nan
    values[2::7, 2] = np.nan
    counts = np.random.default_rng(8).integers(1, 4, size=len(values)).astype(float)
    _, mean_w, cov_w, _ = em_moments(values, counts)
    _, mean_r, cov_r, _ = em_moments(np.repeat(values, counts.astype(int), axis=0))
    np.testing.assert_allclose(mean_w, mean_r, atol=1e-8)
    np.testing.assert_allclose(cov_w, cov_r, atol=1e-8)


def test_em_through_prepare_items(frame):
    holed = frame.copy()
    holed.loc[list(range(0, 60, 6)), "b"] = np.nan
    data = prepare_items(holed, ["a", "b", "c"], missing="em")
    assert data.n == 60 and not np.isnan(data.values).any()
    assert "EM estimated" in data.warnings[0]
    # complete data: EM is not needed and gives the plain moments
    plain = prepare_items(frame, ["a", "b", "c"], missing="em")
    np.testing.assert_allclose(plain.cov, np.cov(frame.to_numpy(), rowvar=False), rtol=1e-12)
