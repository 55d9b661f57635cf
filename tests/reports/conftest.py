"""Hand-made run-result payloads (the shapes of analysis_pipeline) with known numbers."""
from __future__ import annotations

from typing import Any

import pytest


def _acsi(satisfaction: float, loyalty: float, *, n: int = 400, se: tuple[float, float] | None = (1.0, 2.0),
          failing_loading: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "fit": {
            "model": "acsi", "method": "pls", "n": n,
            "paths": [{"from": "quality", "to": "satisfaction", "estimate": 0.6},
                      {"from": "satisfaction", "to": "loyalty", "estimate": 0.5},
                      {"from": "quality", "to": "loyalty", "estimate": -0.1}],
            "total_effects": {"quality": {"quality": 0.0, "satisfaction": 0.0, "loyalty": 0.0},
                              "satisfaction": {"quality": 0.6, "satisfaction": 0.0, "loyalty": 0.0},
                              "loyalty": {"quality": 0.2, "satisfaction": 0.5, "loyalty": 0.0}},
            "r_squared": {"satisfaction": 0.36, "loyalty": 0.25},
            "rho_a": {"quality": 0.9, "satisfaction": 0.88, "loyalty": 1.0},
        },
        "indices": {"n": n, "warnings": [], "indices": [
            {"construct": "quality", "value": 75.0, "weights": {"Q1": 0.5, "Q2": 0.5}, "note": ""},
            {"construct": "satisfaction", "value": satisfaction, "weights": {"S1": 0.6, "S2": 0.4}, "note": ""},
            {"construct": "loyalty", "value": loyalty, "weights": {"L1": 1.0}, "note": ""}]},
        # acsi.ipma's map (unstandardised total effect 0.55; the standardised total effect is 0.6).
        "ipma": {"target": "satisfaction", "target_performance": satisfaction, "importance_cut": 0.55,
                 "performance_cut": 75.0, "priorities": [],
                 "constructs": [{"construct": "quality", "importance": 0.55, "performance": 75.0,
                                 "quadrant": "keep_up"}]},
        "validity": {"admissible": True, "admissibility_problems": [], "criteria": [
            {"name": "loading", "subject": "Q1", "value": 0.8, "threshold": ">= 0.708", "passed": True},
            {"name": "loading", "subject": "Q2", "value": 0.6 if failing_loading else 0.75,
             "threshold": ">= 0.708", "passed": not failing_loading},
            {"name": "AVE", "subject": "quality", "value": 0.55, "threshold": ">= 0.5", "passed": True},
            {"name": "f2", "subject": "quality -> satisfaction", "value": 0.3, "threshold": ">= 0.02",
             "passed": None}]},
    }
    if se is not None:
        payload["bootstrap"] = {
            "indices": [{"name": "satisfaction", "estimate": satisfaction, "std_error": se[0],
                         "lower": satisfaction - 2.0, "upper": satisfaction + 2.0},
                        {"name": "loyalty", "estimate": loyalty, "std_error": se[1],
                         "lower": loyalty - 4.0, "upper": loyalty + 4.0}],
            "paths": [{"from": "quality", "to": "satisfaction", "estimate": 0.6, "lower": 0.5, "upper": 0.7}]}
    return payload


def _nps(value: float, n: int, reliability: str = "reliable") -> dict[str, Any]:
    if reliability == "suppressed":
        return {"n": n, "n_effective": float(n), "nps": None, "se": None, "ci_low": None, "ci_high": None,
                "reliability": "suppressed"}
    return {"n": n, "n_effective": float(n), "nps": value, "se": 3.0, "ci_low": value - 6.0,
            "ci_high": value + 6.0, "reliability": reliability}


def _cell(estimate: float, n: int = 200) -> dict[str, Any]:
    return {"n": n, "n_effective": float(n), "estimate": estimate, "se": 0.02, "ci_low": estimate - 0.04,
            "ci_high": estimate + 0.04, "reliability": "reliable"}


def make_results(satisfaction: float = 70.0, loyalty: float = 65.0, *, bootstrap: bool = True) -> dict:
    """A run with an ACSI model (two region segments, one skipped), NPS, Kano and complaints."""
    return {
        ("meta", "all"): {"n": 400, "segments": ["all", "region=north", "region=south"],
                          "parameters": {"version_ids": [1], "model": "acsi", "method": "pls",
                                         "segment_dimensions": ["region"], "bootstrap": 200 if bootstrap else 0,
                                         "seed": 7, "submitted_from": None, "submitted_to": None}},
        ("acsi", "all"): _acsi(satisfaction, loyalty, se=(1.0, 2.0) if bootstrap else None),
        ("acsi", "region=north"): _acsi(72.0, 66.0, n=388, se=None),
        ("acsi", "region=south"): {"skipped": "12 complete responses; PLS needs at least 30", "n": 12},
        ("nps:nps", "all"): _nps(20.0, 400),
        ("nps:nps", "region=north"): _nps(25.0, 388),
        ("nps:nps", "region=south"): _nps(0.0, 12, "suppressed"),
        ("kano", "all"): {"attributes": [
            {"attribute": "一键下单", "n": 400, "category": "A", "better": 0.7, "worse": -0.2,
             "shares": {"A": 0.5, "O": 0.2, "M": 0.1, "I": 0.2, "R": 0.0, "Q": 0.0}, "reliability": "reliable"},
            {"attribute": "Packaging", "n": 400, "category": "M", "better": 0.3, "worse": -0.8,
             "shares": {"A": 0.05, "O": 0.2, "M": 0.6, "I": 0.1, "R": 0.03, "Q": 0.02}, "reliability": "reliable"}]},
        ("complaints", "all"): {
            "summary": {"complaint_rate": None, "handling_mean": {**_cell(6.5), "se": 0.1, "ci_low": 6.3,
                                                                   "ci_high": 6.7},
                        "handling_top_box": _cell(0.2), "resolution_rate": _cell(0.55),
                        "first_contact_resolution": _cell(0.5), "purchase_change": {
                            "more": _cell(0.1), "same": _cell(0.5), "less": _cell(0.25), "stop": _cell(0.15)}},
            "word_of_mouth_calibrated": {"n": 200, "n_effective": 200.0, "index": -5.0, "se": 0.2,
                                         "ci_low": -5.4, "ci_high": -4.6, "reliability": "reliable"}},
    }


@pytest.fixture
def results() -> dict:
    return make_results()


@pytest.fixture
def previous() -> dict:
    """The previous run: satisfaction 66 (se 1) -> +4 is significant; loyalty 64 (se 2) -> +1 is not."""
    return make_results(66.0, 64.0)


@pytest.fixture
def results_factory():
    """``make_results(satisfaction, loyalty, bootstrap=...)``."""
    return make_results
