"""PLS path modelling: reference values (SmartPLS, seminr), sign rule, PLSc, weights, missing data."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from acsi.errors import AcsiError, EstimationError
from acsi.pls import PLS
from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.synthetic import simulate_acsi

REFERENCE = Path(__file__).parent / "reference"
ECSI = BUILTIN_MODELS["ecsi"]




def reference(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text())


def path_dict(results) -> dict[str, float]:
    return {f"{s}->{t}": v for (s, t), v in results.paths.items()}


def test_ecsi_on_mobi_matches_smartpls(mobi):
    ref = reference("smartpls_mobi.json")
    results = PLS(ECSI).fit(mobi)
    assert results.converged and results.n == 250
    paths = path_dict(results)
    for key, value in ref["paths"].items():
        assert paths[key] == pytest.approx(value, abs=1e-6), key
    for item, value in ref["outer_weights"].items():
        assert results.outer_weights[item] == pytest.approx(value, abs=1e-6), item
    for construct, value in ref["r_squared"].items():
        assert round(results.r_squared[construct], 4) == pytest.approx(value, abs=1e-12), construct


@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
def test_schemes_match_seminr(mobi, scheme):
    ref = reference("seminr_mobi.json")[scheme]
    results = PLS(ECSI, scheme=scheme).fit(mobi)
    paths = path_dict(results)
    for key, value in ref["paths"].items():
        assert paths[key] == pytest.approx(value, abs=1e-6), key
    for item in ECSI.items:
        assert results.outer_weights[item] == pytest.approx(ref["outer_weights"][item], abs=1e-6), item
        assert results.loadings[item] == pytest.approx(ref["loadings"][item], abs=1e-6), item
    for construct, value in ref["r_squared"].items():
        assert results.r_squared[construct] == pytest.approx(value, abs=1e-6)


def test_schemes_differ(mobi):
    """The scheme option is really used: the three schemes give different estimates."""
    a, b, c = (PLS(ECSI, scheme=s).fit(mobi).paths for s in ("path", "centroid", "factorial"))
    assert abs(a - b).max() > 1e-4 and abs(b - c).max() > 1e-4


def test_mode_b_matches_seminr(mobi):
    ref = reference("seminr_mobi.json")["mode_b"]
    text = ECSI.to_lavaan().replace("image =~", "image <~").replace("value =~", "value <~")
    spec = ModelSpec.from_lavaan(text, name="ecsi_b")
    results = PLS(spec).fit(mobi)
    for item in ECSI.items:
        assert results.outer_weights[item] == pytest.approx(ref["outer_weights"][item], abs=1e-6), item
    paths = path_dict(results)
    for key, value in ref["paths"].items():
        assert paths[key] == pytest.approx(value, abs=1e-6), key


def test_plsc_on_mobi_matches_seminr_and_is_flagged(mobi):
    ref = reference("seminr_mobi.json")["plsc"]
    results = PLS(ECSI, consistent=True).fit(mobi)
    paths = path_dict(results)
    for key, value in ref["paths"].items():
        assert paths[key] == pytest.approx(value, abs=1e-6), key
    for item in ECSI.items:
        assert results.loadings[item] == pytest.approx(ref["loadings"][item], abs=1e-6), item
    # latent correlations up to 0.95: the consistent solution must be flagged, not reported as fine
    assert any("quality' and 'satisfaction'" in w for w in results.warnings)


def test_single_item_constructs_have_unit_weight_and_loading(mobi):
    results = PLS(ECSI).fit(mobi)
    assert results.outer_weights["CUSCO"] == 1.0 and results.loadings["CUSCO"] == 1.0


def test_scores_are_standardised_composites(mobi):
    results = PLS(ECSI).fit(mobi)
    z = (mobi[list(ECSI.items)] - mobi[list(ECSI.items)].mean()) / mobi[list(ECSI.items)].std()
    expected = z[["CUSA1", "CUSA2", "CUSA3"]] @ results.outer_weights[["CUSA1", "CUSA2", "CUSA3"]]
    np.testing.assert_allclose(results.scores["satisfaction"], expected, atol=1e-10)
    np.testing.assert_allclose(results.scores.std(), 1.0, atol=1e-10)
    np.testing.assert_allclose(results.scores.corr(), results.construct_correlations, atol=1e-10)


def test_invariant_to_item_rescaling_and_column_order(mobi):
    """Items are standardised per column: a positive affine change of any item, or another
    column order, leaves every standardised estimate unchanged."""
    base = PLS(ECSI).fit(mobi)
    rng = np.random.default_rng(12)
    changed = mobi.astype(float)
    for column in changed.columns:
        changed[column] = rng.uniform(0.1, 10) * changed[column] + rng.uniform(-50, 50)
    changed = changed[list(reversed(changed.columns))]
    again = PLS(ECSI).fit(changed)
    np.testing.assert_allclose(again.paths, base.paths, atol=1e-10)
    np.testing.assert_allclose(again.outer_weights, base.outer_weights, atol=1e-10)
    np.testing.assert_allclose(again.scores, base.scores, atol=1e-9)


def test_total_effects_add_indirect_paths(mobi):
    results = PLS(ECSI).fit(mobi)
    p = results.paths
    indirect = p["satisfaction", "complaints"] * p["complaints", "loyalty"]
    assert results.total_effects.loc["satisfaction", "loyalty"] == pytest.approx(
        p["satisfaction", "loyalty"] + indirect, abs=1e-12)
    assert results.total_effects.loc["loyalty", "image"] == 0.0


def test_sign_rule_keeps_negative_complaint_path_and_is_deterministic():
    data = simulate_acsi(2000, seed=3)
    results = PLS(BUILTIN_MODELS["acsi"]).fit(data.frame)
    assert results.paths["satisfaction", "complaints"] < -0.2
    assert (results.outer_weights > 0).all()
    # reverse-coding a whole block flips its paths, never the weights' dominant sign
    flipped = data.frame.assign(**{c: -data.frame[c] for c in ("SATIS", "CONFIRM", "IDEAL")})
    again = PLS(BUILTIN_MODELS["acsi"]).fit(flipped)
    assert (again.outer_weights > 0).all()
    assert again.paths["satisfaction", "complaints"] == pytest.approx(-results.paths["satisfaction", "complaints"])
    assert again.paths["quality", "value"] == pytest.approx(results.paths["quality", "value"])


@pytest.mark.parametrize(("model", "loadings"), [("acsi", 0.75), ("ecsi", 0.85)])
def test_plsc_recovers_true_paths_where_pls_is_attenuated(model, loadings):
    data = simulate_acsi(100_000, seed=11, spec=BUILTIN_MODELS[model], loadings=loadings)
    plsc = PLS(data.spec, consistent=True).fit(data.frame)
    pls = PLS(data.spec).fit(data.frame)
    errors = {key: abs(plsc.paths[key] - truth) for key, truth in data.true_paths.items()}
    assert max(errors.values()) < 0.02, errors
    assert abs(pls.paths["expectation", "quality"] - data.true_paths["expectation", "quality"]) > 0.03
    assert not plsc.warnings


def test_frequency_weights_equal_repeated_rows(mobi):
    counts = np.random.default_rng(4).integers(1, 4, size=len(mobi))
    weighted = PLS(ECSI).fit(mobi, weights=counts)
    repeated = PLS(ECSI).fit(mobi.loc[mobi.index.repeat(counts)].reset_index(drop=True))
    np.testing.assert_allclose(weighted.paths, repeated.paths, atol=1e-9)
    np.testing.assert_allclose(weighted.outer_weights, repeated.outer_weights, atol=1e-9)
    assert weighted.weighted and not repeated.weighted
    assert not np.allclose(weighted.paths, PLS(ECSI).fit(mobi).paths, atol=1e-4)


@pytest.mark.parametrize("missing", ["listwise", "mean", "em"])
def test_missing_strategies(mobi, missing):
    holed = mobi.copy()
    holed.loc[::10, "CUSA2"] = np.nan
    results = PLS(ECSI, missing=missing).fit(holed)
    assert results.n == (225 if missing == "listwise" else 250)
    assert len(results.scores) == results.n
    complete = PLS(ECSI).fit(mobi)
    assert abs(results.paths - complete.paths).max() < 0.05
    assert results.warnings


def test_mean_replacement_matches_seminr(mobi):
    ref = reference("seminr_mobi.json")["mean_replacement"]
    holed = mobi.astype(float)
    holed.loc[::10, "CUSA2"] = np.nan
    holed.loc[3::7, "PERQ3"] = np.nan
    results = PLS(ECSI, missing="mean").fit(holed)
    paths = path_dict(results)
    for key, value in ref["paths"].items():
        assert paths[key] == pytest.approx(value, abs=1e-6), key
    for item in ECSI.items:
        assert results.outer_weights[item] == pytest.approx(ref["outer_weights"][item], abs=1e-6), item
    assert any("'CUSA2' has 10.0% missing" in w for w in results.warnings)


def test_non_convergence_is_reported(mobi):
    results = PLS(ECSI, max_iter=2).fit(mobi)
    assert not results.converged and results.iterations == 2
    assert any("did not converge" in w for w in results.warnings)


def test_bad_options():
    with pytest.raises(AcsiError, match="scheme='nope'"):
        PLS(ECSI, scheme="nope")  # type: ignore[arg-type]
    with pytest.raises(AcsiError, match="missing='drop'"):
        PLS(ECSI, missing="drop")  # type: ignore[arg-type]


def test_collinear_predictors_raise(mobi):
    spec = ModelSpec.from_lavaan("a =~ CUSA1\nb =~ CUSA1x\nc =~ CUSL1\nc ~ a + b")
    frame = mobi.assign(CUSA1x=mobi["CUSA1"])
    with pytest.raises(EstimationError, match="perfectly collinear"):
        PLS(spec).fit(frame)


def test_results_serialise_and_summarise(mobi):
    results = PLS(ECSI).fit(mobi)
    payload = json.loads(json.dumps(results.to_dict(include_scores=True)))
    assert payload["paths"][0] == {"from": "image", "to": "expectation", "estimate": pytest.approx(0.50491393)}
    assert len(payload["scores"]["loyalty"]) == 250
    line = next(line for line in results.summary().splitlines() if "-> expectation" in line)
    assert line.split() == ["image", "->", "expectation", "0.5049"]
