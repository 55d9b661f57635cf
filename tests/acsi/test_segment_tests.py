"""Segment-vs-rest tests of a run: the proper test per metric, Holm over the run's distinct comparisons."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.multiple_testing import holm_adjust
from acsi.nps import compare_nps, net_promoter_score
from acsi.segment_differences import compare_segment_indices
from acsi.segment_tests import ALPHA, SegmentTest, segments_against_rest
from acsi.spec import BUILTIN_MODELS

ECSI = BUILTIN_MODELS["ecsi"]


@pytest.fixture(scope="module")
def frame(make_segment_frame) -> pd.DataFrame:
    data = make_segment_frame({"a": 160, "b": 160, "c": 160}, {"b": 1.5}, seed=3)
    rng = np.random.default_rng(9)
    # NPS answers: segment c recommends far less; channel splits every row in two.
    data["nps"] = np.where(data["region"] == "c", rng.integers(0, 9, len(data)), rng.integers(5, 11, len(data)))
    data.loc[data.index[::17], "nps"] = np.nan
    data["channel"] = np.where(np.arange(len(data)) % 2 == 0, "web", "app")
    return data


@pytest.fixture(scope="module")
def tested(frame):
    return segments_against_rest(frame, {"region": "region", "channel": "channel"}, spec=ECSI,
                                 constructs=("satisfaction",), nps={"nps": "nps"}, resamples=399, seed=4)


def test_model_indices_use_the_permutation_test_of_the_library(frame, tested):
    library = {d.first: d for d in compare_segment_indices(ECSI, frame, segment="region", resamples=399, seed=4)}
    for label in "abc":
        test = tested.get("satisfaction", f"region={label}")
        assert test is not None and test.test == "permutation"
        assert test.difference == library[label].difference
        assert test.p_value_permutation == library[label].p_value
        assert 0 <= test.p_value <= 1
        assert (test.n_segment, test.n_rest) == (160, 320)
        assert test.resamples == 399 and test.successful == library[label].successful
    assert tested.get("satisfaction", "region=b").mark == "higher"


def test_nps_uses_the_z_test_of_segment_against_rest(frame, tested):
    rows = frame[frame["region"] == "c"]
    expected = compare_nps(net_promoter_score(rows["nps"].dropna()),
                           net_promoter_score(frame.drop(index=rows.index)["nps"].dropna()))
    test = tested.get("nps:nps", "region=c")
    assert test.test == "nps_z"
    assert test.difference == pytest.approx(expected.difference, abs=1e-12)
    assert test.p_value == pytest.approx(expected.p_value, abs=1e-15)
    assert test.n_segment == int(rows["nps"].notna().sum())
    assert test.difference < -30 and test.mark == "lower"


def test_holm_runs_over_the_distinct_comparisons_of_the_whole_run(tested):
    # Two channels holding every row are one comparison per metric: 3 regions + 1 channel, × 2 metrics.
    keys = [(t.metric, t.segment.split("=")[0], "channel" if t.segment.startswith("channel") else t.segment)
            for t in tested.tests]
    assert len(tested.tests) == 10 and len(set(keys)) == 8
    expected = holm_adjust([t.p_value for t in tested.tests], families=keys)
    assert [t.p_value_holm for t in tested.tests] == expected
    web, app = tested.get("satisfaction", "channel=web"), tested.get("satisfaction", "channel=app")
    assert web.p_value_holm == app.p_value_holm
    smallest = min(t.p_value for t in tested.tests)
    assert min(t.p_value_holm for t in tested.tests) == pytest.approx(8 * smallest)


def test_the_mark_follows_holms_p_and_the_sign():
    def mark(difference, holm):
        return SegmentTest("satisfaction", "r=a", "permutation", difference, holm, holm, 60, 60).mark
    assert mark(2.0, ALPHA / 2) == "higher" and mark(-2.0, ALPHA / 2) == "lower"
    assert mark(2.0, ALPHA) == "none" and mark(None, None) == "none"
    assert SegmentTest("nps:q", "r=a", "nps_z", 5.0, 0.01, 0.02, 60, 60).to_dict()["mark"] == "higher"


def test_segments_below_the_base_are_not_tested(make_segment_frame):
    data = make_segment_frame({"a": 150, "b": 150, "c": 20}, {}, seed=11)
    found = segments_against_rest(data, {"region": "region"}, spec=ECSI, resamples=19, seed=1)
    assert sorted(t.segment for t in found.tests) == ["region=a", "region=b"]
    assert found.to_dict()["tests"][0]["metric"] == "satisfaction"


def test_large_data_is_permuted_on_a_bounded_random_subsample(frame, monkeypatch) -> None:
    import acsi.segment_tests as module

    monkeypatch.setattr(module, "MAX_PERMUTATION_ROWS", 240)
    first = segments_against_rest(frame, {"region": "region"}, spec=ECSI, resamples=199, seed=4)
    again = segments_against_rest(frame, {"region": "region"}, spec=ECSI, resamples=199, seed=4)
    assert first == again  # the subsample is drawn from the seed and the label
    by_segment = {t.segment: t for t in first.tests}
    assert set(by_segment) == {"region=a", "region=b", "region=c"}
    for test in by_segment.values():
        assert test.subsample and (test.n_segment, test.n_rest) == (120, 120)
        assert test.to_dict()["subsample"] is True
    assert by_segment["region=b"].difference > 0 and by_segment["region=b"].p_value < 0.01
    monkeypatch.undo()
    full = segments_against_rest(frame, {"region": "region"}, spec=ECSI, resamples=199, seed=4)
    assert not any(t.subsample for t in full.tests)


def test_each_model_comparison_carries_micom_and_path_differences(frame, tested) -> None:
    south = tested.get("satisfaction", "region=b")
    assert south.invariance in ("full", "partial") and south.to_dict()["comparable"] is True
    groups = {g["segment"]: g for g in tested.multigroup}
    assert set(groups) == {"region=a", "region=b", "region=c", "channel=web", "channel=app"}
    assert groups["region=b"]["second"] == "rest" and groups["region=b"]["configural"] is True
    paths = [p for g in tested.multigroup for p in g["paths"]]
    assert len(paths) == 5 * len(ECSI.paths)
    assert [p["p_value_holm"] for p in paths] == holm_adjust([p["p_value"] for p in paths])
    assert tested.to_dict()["multigroup"][0]["constructs"][0]["construct"] == "image"


def test_worker_processes_give_the_same_tests(frame) -> None:
    one = segments_against_rest(frame, {"region": "region"}, spec=ECSI, nps={"nps": "nps"}, resamples=99, seed=4)
    two = segments_against_rest(frame, {"region": "region"}, spec=ECSI, nps={"nps": "nps"}, resamples=99, seed=4,
                                n_jobs=2)
    assert one == two


# --- the change between two waves ------------------------------------------------------------

@pytest.fixture(scope="module")
def waves(make_segment_frame):
    """Two separate waves of 300 respondents; the second's perceived quality is 1.2 higher, and
    it recommends more. Rows are named by respondent: 0–299 and 1000–1299."""
    data = make_segment_frame({"before": 300, "after": 300}, {"after": 1.2}, seed=21)
    rng = np.random.default_rng(4)
    data["nps"] = np.where(data["region"] == "after", rng.integers(4, 11, len(data)), rng.integers(0, 11, len(data)))
    before = data[data["region"] == "before"].drop(columns="region")
    after = data[data["region"] == "after"].drop(columns="region")
    after.index = after.index - 300 + 1000
    return before, after


def test_a_change_between_waves_is_tested_like_a_segment_against_the_rest(waves):
    from acsi.micom import compare_groups
    from acsi.segment_tests import compare_waves

    before, after = waves
    changes = compare_waves(after, before, spec=ECSI, constructs=("satisfaction", "loyalty"), nps={"nps": "nps"},
                            resamples=299, seed=6)
    assert changes.overlap == 0 and changes.notes == ()
    by_metric = {t.metric: t for t in changes.tests}
    library = compare_groups(ECSI, after, before, first_label="current", second_label="previous",
                             resamples=299, seed=6)
    for construct in ("satisfaction", "loyalty"):
        difference, p, p_count = library.index_differences[construct]
        test = by_metric[construct]
        assert test.test == "permutation" and test.p_value_permutation == p_count
        # (the library call here runs with the machine's BLAS threads, the test with one: last bits)
        assert test.difference == pytest.approx(difference, rel=1e-9)
        assert test.p_value == pytest.approx(p, rel=1e-9)
        assert (test.n_segment, test.n_rest) == (300, 300)
    expected = compare_nps(net_promoter_score(after["nps"]), net_promoter_score(before["nps"]))
    assert by_metric["nps:nps"].difference == pytest.approx(expected.difference, abs=1e-12)
    assert by_metric["nps:nps"].p_value == pytest.approx(expected.p_value, abs=1e-15)
    # Holm over the three metrics of the change.
    assert [t.p_value_holm for t in changes.tests] == holm_adjust([t.p_value for t in changes.tests])
    document = changes.to_dict()
    marks = {t["metric"]: t["mark"] for t in document["tests"]}
    assert marks["satisfaction"] == "up" and marks["nps:nps"] == "up"
    assert document["multigroup"]["first"] == "current" and document["multigroup"]["second"] == "previous"


def test_no_change_is_marked_where_there_is_none(make_segment_frame):
    from acsi.segment_tests import compare_waves

    data = make_segment_frame({"x": 250, "y": 250}, {}, seed=40)
    first, second = data[data["region"] == "x"], data[data["region"] == "y"]
    changes = compare_waves(second, first, spec=ECSI, resamples=199, seed=1)
    assert [t.metric for t in changes.tests] == ["satisfaction"]
    assert changes.tests[0].p_value_holm > ALPHA and changes.to_dict()["tests"][0]["mark"] == "none"


def test_waves_that_share_respondents_are_not_tested(waves):
    from acsi.segment_tests import compare_waves

    before, after = waves
    overlapping = pd.concat([before, after])  # an "all" run after the first wave
    changes = compare_waves(overlapping, before, spec=ECSI, nps={"nps": "nps"}, resamples=99, seed=0)
    assert changes.tests == () and changes.overlap == 300
    assert "share 300 respondents" in changes.notes[0]


@pytest.fixture(scope="module")
def complaint_frame() -> pd.DataFrame:
    """Complainers' follow-up answers in three regions: region c handles complaints worse."""
    rng = np.random.default_rng(21)
    n = 600
    region = np.repeat(["a", "b", "c"], n // 3)
    handle = np.where(region == "c", rng.integers(1, 8, n), rng.integers(4, 11, n))
    return pd.DataFrame({
        "region": region, "handle": handle, "resolution_satisfaction": rng.integers(1, 6, n),
        "resolution_status": rng.choice(["fully", "partly", "not"], n),
        "people_told": rng.integers(0, 15, n), "told_valence": rng.choice(["positive", "negative"], n),
        "w": rng.uniform(0.5, 2.0, n)}, index=pd.RangeIndex(10, n + 10))


COMPLAINTS = ("handle", "resolution_satisfaction", "resolution_status", "people_told", "told_valence")


def test_complaint_metrics_are_tested_against_the_rest_with_holm_over_the_run(complaint_frame):
    from acsi.metric_tests import complaint_tests
    from acsi.segments import welch_anova

    tests = segments_against_rest(complaint_frame, {"region": "region"}, nps={}, complaints=COMPLAINTS)
    metrics = {"complaints:handling_mean", "complaints:resolution_rate", "wom:calibrated", "wom:measured_net"}
    assert {(t.metric, t.segment) for t in tests.tests} == {(m, f"region={r}") for m in metrics for r in "abc"}
    c = complaint_frame[complaint_frame["region"] == "c"]
    library = {t.metric: t.comparison for t in complaint_tests(
        c, complaint_frame.drop(index=c.index), columns=COMPLAINTS)}
    for metric in metrics:
        stored = tests.get(metric, "region=c")
        assert stored.difference == library[metric].difference and stored.p_value == library[metric].p_value
        assert stored.statistic == library[metric].statistic
    assert tests.get("complaints:handling_mean", "region=c").mark == "lower"
    # Holm over every comparison of the run: 4 metrics × 3 regions, all distinct.
    assert [t.p_value_holm for t in tests.tests] == holm_adjust([t.p_value for t in tests.tests])
    # Welch's ANOVA across the regions for the handling score and measured word of mouth.
    across = {a["metric"]: a for a in tests.to_dict()["across"]}
    assert set(across) == {"complaints:handling_mean", "wom:measured_net"}
    groups = [complaint_frame.loc[complaint_frame["region"] == r, "handle"].to_numpy(float) for r in "abc"]
    assert across["complaints:handling_mean"]["statistic"] == pytest.approx(welch_anova(groups).statistic, rel=1e-12)
    assert across["complaints:handling_mean"]["dimension"] == "region"
    weighted = segments_against_rest(complaint_frame, {"region": "region"}, complaints=COMPLAINTS, weights="w")
    assert weighted.across == () and len(weighted.tests) == 12  # the ANOVA is unweighted only


def test_complaint_metrics_change_between_waves(complaint_frame):
    from acsi.segment_tests import compare_waves

    before = complaint_frame.iloc[:300]
    after = complaint_frame.iloc[300:]
    changes = compare_waves(after, before, complaints=COMPLAINTS, complaint_parts=("summary",))
    assert {t.metric for t in changes.tests} == {"complaints:handling_mean", "complaints:resolution_rate"}
    assert all(t.segment == "all" for t in changes.tests)
    assert [t.p_value_holm for t in changes.tests] == holm_adjust([t.p_value for t in changes.tests])
