"""The metrics CLI: ``python -m acsi kano|nps|wom|complaints`` through a subprocess and main()."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from acsi.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]


def write_csv(path: Path, header, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"non-JSON constant {constant} in output")
    return json.loads(text, parse_constant=refuse)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "acsi", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def kano_csv(tmp_path):
    groups = [(6, "like", "dislike"), (5, 1, 3), (4, "理应如此", "很不喜欢"), (3, "neutral", "neutral"),
              (1, "dislike", "like"), (1, "like", "like")]
    rows, respondent = [], 0
    for count, functional, dysfunctional in groups:
        for _ in range(count):
            respondent += 1
            rows.append([respondent, "speed", functional, dysfunctional,
                         "a" if respondent % 2 else "b"])
    return write_csv(tmp_path / "kano.csv", ["respondent", "attribute", "functional",
                                             "dysfunctional", "region"], rows)


def test_kano_worked_example_via_subprocess(kano_csv):
    completed = run("kano", "--data", str(kano_csv), "--show-suppressed")
    assert completed.returncode == 0, completed.stderr
    document = strict_json(completed.stdout)
    (segment,) = document["segments"]
    assert segment["segment"] == "all" and segment["n"] == 20
    (speed,) = segment["attributes"]
    assert speed["counts"] == {"A": 5, "O": 6, "M": 4, "I": 3, "R": 1, "Q": 1}
    assert speed["category"] == "O"
    assert speed["category_strength"] == pytest.approx(0.05)
    assert speed["total_strength"] == pytest.approx(0.75)
    assert speed["fong_significant"] is False
    assert speed["better"] == pytest.approx(11 / 18)
    assert speed["worse"] == pytest.approx(-10 / 18)
    assert speed["reliability"] == "suppressed"


def test_kano_suppressed_by_default_and_segments(kano_csv, capsys):
    assert main(["kano", "--data", str(kano_csv), "--segment", "region"]) == 0
    document = strict_json(capsys.readouterr().out)
    assert [s["segment"] for s in document["segments"]] == ["all", "a", "b"]
    assert [s["n"] for s in document["segments"]] == [20, 10, 10]
    speed = document["segments"][0]["attributes"][0]
    assert speed["counts"] is None and speed["category"] is None and speed["n"] == 20
    assert main(["kano", "--data", str(kano_csv), "--min-shown", "5", "--min-reliable", "10"]) == 0
    shown = strict_json(capsys.readouterr().out)["segments"][0]["attributes"][0]
    assert shown["category"] == "O" and shown["reliability"] == "reliable"


def test_kano_threshold_option(kano_csv, capsys):
    assert main(["kano", "--data", str(kano_csv), "--show-suppressed", "--threshold", "0.04"]) == 0
    speed = strict_json(capsys.readouterr().out)["segments"][0]["attributes"][0]
    assert speed["category"] == "O"  # O is also the plain mode


def test_kano_bad_answer_names_row_and_column(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["attribute", "functional", "dysfunctional"],
                     [["speed", "like", "dislike"], ["speed", "like", "sometimes"]])
    completed = run("kano", "--data", str(path))
    assert completed.returncode == 2
    assert "row 3, column 'dysfunctional'" in completed.stderr
    assert "Traceback" not in completed.stderr


def nps_rows():
    rows = []
    for score, count, north in ((10, 90, 60), (7, 60, 20), (3, 50, 10)):
        rows += [[score, "north" if i < north else "south", 2 if score == 7 else 1]
                 for i in range(count)]
    return rows


def test_nps_example_segments_and_holm(tmp_path, capsys):
    path = write_csv(tmp_path / "nps.csv", ["nps", "region", "w"], nps_rows())
    assert main(["nps", "--data", str(path), "--segment", "region"]) == 0
    document = strict_json(capsys.readouterr().out)
    overall, north, south = document["segments"]
    assert overall["segment"] == "all" and overall["comparison_with_rest"] is None
    assert overall["nps"] == pytest.approx(20.0)
    assert overall["se"] == pytest.approx(5.745, abs=5e-4)
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx((8.5007, 30.9120), abs=5e-4)
    assert (overall["promoters"], overall["passives"], overall["detractors"]) == (90, 60, 50)
    # north 60/20/10 vs south 30/40/40
    assert north["nps"] == pytest.approx(100 * 50 / 90)
    test = north["comparison_with_rest"]["nps"]
    assert test["difference"] == pytest.approx(north["nps"] - south["nps"])
    # Two segments: north vs rest is south vs rest, one distinct comparison, so Holm leaves p
    # as it is (it was doubled when the same comparison was counted twice).
    assert test["p_value_holm"] == pytest.approx(test["p_value"])
    assert south["comparison_with_rest"]["nps"]["p_value_holm"] == pytest.approx(test["p_value"])
    assert south["comparison_with_rest"]["nps"]["p_value"] == pytest.approx(test["p_value"])


def test_nps_weights(tmp_path, capsys):
    path = write_csv(tmp_path / "nps.csv", ["nps", "region", "w"], nps_rows())
    assert main(["nps", "--data", str(path), "--weights", "w"]) == 0
    overall = strict_json(capsys.readouterr().out)["segments"][0]
    # weighted shares: promoters 90/260, detractors 50/260
    assert overall["nps"] == pytest.approx(100 * 40 / 260)
    assert overall["n_effective"] == pytest.approx(260 ** 2 / (140 + 4 * 60))
    assert overall["promoters"] == 90


@pytest.mark.parametrize("rows, message", [
    ([[10, 1], [11, 1]], "row 3: NPS answer '11'"),
    ([[10, 1], [9, -1]], "row 3, column 'w'"),
])
def test_nps_bad_input_messages(tmp_path, capsys, rows, message):
    path = write_csv(tmp_path / "bad.csv", ["nps", "w"], rows)
    assert main(["nps", "--data", str(path), "--weights", "w"]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_and_column(tmp_path, capsys):
    assert main(["nps", "--data", str(tmp_path / "none.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    path = write_csv(tmp_path / "x.csv", ["score"], [[1]])
    assert main(["nps", "--data", str(path)]) == 2
    assert "column 'nps' is required" in capsys.readouterr().err
    assert main(["nps", "--data", str(path), "--segment", "tier"]) == 2


def test_wom_calibrated_and_measured(tmp_path, capsys):
    rows = ([["yes", 5, 4, "positive"]] * 60 + [["yes", 2, 10, "negative"]] * 40
            + [["no", "", "", ""]] * 10)
    path = write_csv(tmp_path / "wom.csv",
                     ["complained", "resolution_satisfaction", "people_told", "told_valence"], rows)
    assert main(["wom", "--data", str(path)]) == 0
    overall = strict_json(capsys.readouterr().out)["segments"][0]
    calibrated = overall["calibrated"]
    assert calibrated["index"] == pytest.approx(-1.10)
    assert calibrated["balance"] == pytest.approx(-16.92, abs=5e-3)
    assert calibrated["se"] == pytest.approx(0.686, abs=5e-4)
    assert calibrated["n"] == 100
    measured = overall["measured"]
    assert measured["net"]["estimate"] == pytest.approx((60 * 4 - 40 * 10) / 100)
    assert measured["share_told_many"]["estimate"] == 0
    assert main(["wom", "--data", str(path), "--reach-satisfied", "5",
                 "--reach-dissatisfied", "10"]) == 0
    changed = strict_json(capsys.readouterr().out)["segments"][0]["calibrated"]
    assert changed["index"] == pytest.approx(5 * 0.6 - 10 * 0.4)


def test_complaints_subprocess_table_and_json(tmp_path):
    rows = [["yes", 10, "fully", "yes", 9, "a"], ["yes", 6, "not", "no", 3, "a"],
            ["no", "", "", "", 8, "b"], ["no", "", "", "", 7, "b"]]
    path = write_csv(tmp_path / "c.csv", ["complained", "handle", "resolution_status",
                                          "first_contact", "repurchase", "channel"], rows)
    completed = run("complaints", "--data", str(path), "--segment", "channel",
                    "--show-suppressed")
    assert completed.returncode == 0, completed.stderr
    overall, a, b = strict_json(completed.stdout)["segments"]
    assert overall["complaint_rate"]["estimate"] == pytest.approx(0.5)
    assert overall["handling_mean"]["estimate"] == pytest.approx(8)
    assert overall["resolution_rate"]["estimate"] == pytest.approx(0.5)
    assert overall["repurchase_complainers"]["estimate"] == pytest.approx(6)
    assert a["complaint_rate"]["estimate"] == 1 and b["complaint_rate"]["estimate"] == 0
    tests = a["comparison_with_rest"]
    assert tests["complaint_rate"]["difference"] == pytest.approx(1)
    assert set(tests) == {"complaint_rate", "resolution_rate", "first_contact_resolution",
                          "handling_mean"}
    assert tests["handling_mean"]["difference"] is None  # channel b has no complainers
    table = run("complaints", "--data", str(path), "--format", "table")
    assert table.returncode == 0 and "complaint_rate" in table.stdout
    assert "segment all" in table.stdout


def test_kano_table_format(kano_csv, capsys):
    assert main(["kano", "--data", str(kano_csv), "--format", "table", "--show-suppressed"]) == 0
    out = capsys.readouterr().out
    assert "speed" in out and "suppressed" in out


def test_across_segments_welch_anova(tmp_path, capsys):
    path = write_csv(tmp_path / "nps.csv", ["nps", "region", "w"], nps_rows())
    assert main(["nps", "--data", str(path), "--segment", "region"]) == 0
    document = strict_json(capsys.readouterr().out)
    across = document["across_segments"]
    assert across["metric"] == "nps" and across["test"] == "welch_anova"
    # two segments: Welch F = t² of the ±100 respondent scores
    north = [100] * 60 + [0] * 20 + [-100] * 10
    south = [100] * 30 + [0] * 40 + [-100] * 40
    from acsi.segments import compare_means_with_rest
    t = compare_means_with_rest(north, south).statistic
    assert across["statistic"] == pytest.approx(t ** 2)
    assert main(["nps", "--data", str(path), "--segment", "region", "--weights", "w"]) == 0
    assert strict_json(capsys.readouterr().out)["across_segments"] is None


def test_kano_weights_and_screening(tmp_path, capsys):
    rows = [[1, "speed", "like", "dislike", 3], [2, "speed", "like", "neutral", 1],
            [3, "speed", "like", "like", 1], [3, "price", "非常喜欢", "非常喜欢", 1]]
    path = write_csv(tmp_path / "k.csv", ["respondent", "attribute", "functional",
                                          "dysfunctional", "w"], rows)
    assert main(["kano", "--data", str(path), "--weights", "w", "--show-suppressed"]) == 0
    speed = strict_json(capsys.readouterr().out)["segments"][0]["attributes"][0]
    assert speed["counts"] == {"A": 1, "O": 1, "M": 0, "I": 0, "R": 0, "Q": 1}
    assert speed["shares"]["O"] == pytest.approx(0.6)
    assert speed["n_effective"] == pytest.approx(25 / 11)
    assert main(["kano", "--data", str(path), "--screen-extreme", "--show-suppressed"]) == 0
    segment = strict_json(capsys.readouterr().out)["segments"][0]
    assert segment["attributes"][0]["counts"]["Q"] == 0 and segment["attributes"][0]["n"] == 2
    assert segment["attributes"][1]["n"] == 0


def test_the_cli_prints_what_the_run_orchestrator_computes(tmp_path, capsys):
    """One truth: the metrics commands are a view of acsi.run.analyse, the app's orchestrator."""
    from acsi.cli.tables import read_table
    from acsi.run import RunOptions, RunPlan, analyse

    rows = [[["yes", "no"][i % 3 == 0], 1 + (i * 7) % 10, ["fully", "not"][i % 4 == 0], ["yes", "no"][i % 5 == 0],
             ["north", "south", "east"][i % 3 if i < 150 else 0]] for i in range(240)]
    path = write_csv(tmp_path / "c.csv", ["complained", "handle", "resolution_status", "first_contact", "region"], rows)
    assert main(["complaints", "--data", str(path), "--segment", "region"]) == 0
    printed = strict_json(capsys.readouterr().out)
    results = analyse(read_table(str(path)), RunPlan(complaints=("complained", "handle", "resolution_status",
                                                                 "first_contact"), complaint_parts=("summary",)),
                      RunOptions(dimensions={"region": "region"}))
    stored = results.get("segment_tests")["tests"]
    assert len(stored) == 4 * 3
    for entry in printed["segments"][1:]:
        for name, comparison in entry["comparison_with_rest"].items():
            (test,) = [t for t in stored if t["segment"] == f"region={entry['segment']}"
                       and t["metric"] == f"complaints:{name}"]
            assert comparison["p_value"] == test["p_value"] and comparison["p_value_holm"] == test["p_value_holm"]
            assert comparison["difference"] == test["difference"]
    # Holm runs over the run's distinct comparisons: every metric of every segment.
    from acsi.multiple_testing import holm_adjust
    assert [t["p_value_holm"] for t in stored] == holm_adjust([t["p_value"] for t in stored])
    assert [e["segment"] for e in printed["segments"]] == ["all", "east", "north", "south"]
    for entry, label in zip(printed["segments"], results.segments):
        assert entry["handling_mean"] == results.get("complaints", label)["summary"]["handling_mean"]


def test_wom_compares_the_calibrated_index_in_index_points(tmp_path, capsys):
    rows = ([["yes", 5, "north"]] * 45 + [["yes", 2, "north"]] * 15
            + [["yes", 5, "south"]] * 30 + [["yes", 2, "south"]] * 30)
    path = write_csv(tmp_path / "wom.csv", ["complained", "resolution_satisfaction", "region"], rows)
    assert main(["wom", "--data", str(path), "--segment", "region"]) == 0
    north = strict_json(capsys.readouterr().out)["segments"][1]
    test = north["comparison_with_rest"]["calibrated"]
    # fully satisfied 0.75 vs 0.5: the index 4.5·p − 9.5·(1 − p) differs by 14 · 0.25
    assert test["test"] == "two_proportion_z" and test["difference"] == pytest.approx(3.5)


@pytest.mark.parametrize("rows, message", [
    ([[1, "speed", "like", "dislike", "a"], [1, "price", "like", "dislike", "b"]],
     "respondent '1' has different 'region' values in rows 2 and 3"),
    ([[1, "speed", "like", "dislike", "a"], [1, "speed", "neutral", "dislike", "a"]],
     "row 3: respondent '1' answers attribute 'speed' a second time"),
])
def test_kano_respondents_are_one_person_each(tmp_path, capsys, rows, message):
    path = write_csv(tmp_path / "k.csv", ["respondent", "attribute", "functional", "dysfunctional", "region"], rows)
    assert main(["kano", "--data", str(path), "--segment", "region"]) == 2
    assert message in capsys.readouterr().err


def test_kano_segments_compare_better_and_worse_with_the_rest(kano_csv, capsys):
    assert main(["kano", "--data", str(kano_csv), "--segment", "region"]) == 0
    document = strict_json(capsys.readouterr().out)
    a = document["segments"][1]
    assert set(a["comparison_with_rest"]) == {"speed:better", "speed:worse"}
    assert a["comparison_with_rest"]["speed:better"]["test"] == "two_proportion_z"
    b = document["segments"][2]["comparison_with_rest"]["speed:better"]
    assert b["difference"] == pytest.approx(-a["comparison_with_rest"]["speed:better"]["difference"])
