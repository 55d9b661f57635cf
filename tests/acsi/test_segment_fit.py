"""Per-segment fits under the minimum base, and index differences between segments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.errors import AcsiError, InputDataError, InsufficientDataError
from acsi.indices import construct_indices
from acsi.pls import PLS
from acsi.segment_fit import SegmentFit, SkippedSegment, fit_segments, recommended_min_base
from acsi.segments import kish_effective_n
from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.synthetic import simulate_acsi

ECSI = BUILTIN_MODELS["ecsi"]


@pytest.fixture(scope="module")
def frame(make_segment_frame) -> pd.DataFrame:
    return make_segment_frame({"a": 200, "b": 200, "c": 20}, {"b": 0.8})


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
    assert fits["b"].problem.code == "not_estimable" and "'CUSA1' is constant" in fits["b"].problem.params["detail"]


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


def test_base_counts_respondents_who_answered_not_rows(frame):
    """A 60-row segment where only 18 answered the model's items is below the base of 50, with
    EM as with listwise deletion; rows that left a construct blank are not fitted."""
    rows = frame[frame["region"] == "a"].head(60).copy()
    rows.loc[rows.index[18:], list(ECSI.items)] = np.nan
    rows["region"] = "small"
    data = pd.concat([frame[frame["region"] == "b"], rows])
    for missing in ("em", "mean", "listwise"):
        fits = {f.segment: f for f in fit_segments(ECSI, data, segment="region", missing=missing)}
        small = fits["small"]
        assert small.status == "skipped" and small.n == 60 and small.n_used == 18, missing
        assert "18 usable rows" in small.reason
        assert fits["all"].n == 260 and fits["all"].n_used == 218, missing


def test_a_construct_left_blank_takes_the_row_out_under_em(frame):
    rows = frame[frame["region"] == "a"].copy()
    satisfaction = [c for c in ECSI.constructs if c.name == "satisfaction"][0].items
    rows.loc[rows.index[:30], list(satisfaction)] = np.nan  # 30 rows skipped the whole block
    rows.loc[rows.index[30:60], satisfaction[0]] = np.nan   # 30 rows skipped one item of it
    (fit,) = fit_segments(ECSI, rows, missing="em")
    assert fit.n == 200 and fit.n_used == 170
