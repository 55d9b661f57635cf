"""The report view model from hand-made run results with known numbers."""
from __future__ import annotations

import dataclasses
import re

import pytest

from reports.view_model import Estimate, build_report, compare, metric_estimate, validity_summary


def card(view, key):
    return next(c for c in view.cards if c.key == key)


def test_cards_carry_value_ci_n_change_and_significance(results, previous) -> None:
    view = build_report(results, run_id=9, previous=previous)
    satisfaction = card(view, "satisfaction")
    assert satisfaction.estimate.value == 70.0
    assert (satisfaction.estimate.ci_low, satisfaction.estimate.ci_high) == (68.0, 72.0)
    assert satisfaction.estimate.n == 400
    assert satisfaction.change == pytest.approx(4.0)
    assert satisfaction.significance == "up"  # 4 > 1.96·√2
    loyalty = card(view, "loyalty")
    assert loyalty.change == pytest.approx(1.0) and loyalty.significance == "none"
    nps = card(view, "nps")
    assert (nps.estimate.value, nps.estimate.ci_low, nps.estimate.ci_high, nps.estimate.n) == (20.0, 14.0, 26.0, 400)
    assert card(view, "word_of_mouth").estimate.value == -5.0
    assert card(view, "complaint_handling").estimate.value == 6.5
    assert [c.key for c in view.cards] == ["satisfaction", "loyalty", "nps", "word_of_mouth", "complaint_handling"]


def test_without_bootstrap_or_previous_run_the_card_says_so(results_factory) -> None:
    view = build_report(results_factory(bootstrap=False), run_id=1)
    satisfaction = card(view, "satisfaction")
    assert satisfaction.estimate.ci_low is None
    assert "no_ci" in satisfaction.notes and "no_previous" in satisfaction.notes
    assert satisfaction.change is None and satisfaction.significance == "unknown"


def test_a_missing_standard_error_makes_significance_unknown() -> None:
    change, mark = compare(Estimate(70.0, se=1.0), Estimate(60.0))
    assert change == 10.0 and mark == "unknown"
    assert compare(Estimate(60.0, se=1.0), Estimate(70.0, se=1.0)) == (-10.0, "down")


def test_unmeasured_cards_are_marked_not_measured() -> None:
    results = {("meta", "all"): {"n": 50, "segments": ["all"], "parameters": {}},
               ("nps:q1", "all"): {"n": 50, "nps": 10.0, "se": 5.0, "ci_low": 0.2, "ci_high": 19.8,
                                   "reliability": "unreliable"}}
    view = build_report(results)
    assert card(view, "satisfaction").notes == ("not_measured",)
    assert card(view, "nps").notes == ("unreliable", "no_previous")
    assert view.path is None and view.ipma == () and view.validity == ()


def test_segments_keep_suppressed_and_skipped_rows_with_their_flags(results) -> None:
    view = build_report(results)
    by_metric = {s.metric: s for s in view.segments}
    rows = {r.segment: r for r in by_metric["satisfaction"].rows}
    assert rows["region=north"].estimate.value == 72.0 and rows["region=north"].estimate.reliability == "reliable"
    assert rows["region=south"].estimate.value is None
    assert rows["region=south"].estimate.reliability == "suppressed"
    assert "PLS needs at least 30" in rows["region=south"].estimate.note
    assert rows["region=south"].dimension == "region" and rows["region=south"].level == "south"
    nps_rows = {r.segment: r for r in by_metric["nps"].rows}
    assert nps_rows["region=south"].estimate.reliability == "suppressed"


def test_trend_runs_oldest_first_and_ends_with_the_current_run(results, previous) -> None:
    view = build_report(results, run_id=3, history=[("#1", previous)], current_label="#3")
    satisfaction = next(s for s in view.trend if s.metric == "satisfaction")
    assert [(p.run_label, p.estimate.value) for p in satisfaction.points] == [("#1", 66.0), ("#3", 70.0)]


def test_ipma_path_kano_complaints_and_validity(results) -> None:
    view = build_report(results)
    assert [(p.construct, p.importance, p.performance) for p in view.ipma] == [("quality", 0.55, 75.0)]  # stored by acsi.ipma, not the standardised 0.6
    edges = {(e.source, e.target): e for e in view.path.edges}
    assert edges[("quality", "satisfaction")].ci_low == 0.5 and edges[("satisfaction", "loyalty")].ci_low is None
    assert view.path.r_squared == {"satisfaction": 0.36, "loyalty": 0.25}
    assert [k.attribute for k in view.kano] == ["一键下单", "Packaging"]
    assert [key for key, _ in view.complaints.rates] == ["handling_top_box", "resolution_rate",
                                                          "first_contact_resolution"]
    summary = {row.name: row for row in validity_summary(view.validity)}
    loading = summary["loading"]
    assert (loading.passed, loading.checked, loading.failed_subjects) == (1, 2, ("Q2",))
    assert summary["f2"].checked == 0


def test_footnotes_name_the_settings_used(results) -> None:
    notes = {note.key: note.text("en") for note in build_report(results).footnotes}
    assert notes["bootstrap"] == "200"
    assert notes["method"] == "PLS, seed 7"
    assert "0.708" in notes["validity_thresholds"]
    assert "S1 0.60" in notes["index_weights"]
    assert "4.5" in notes["tarp"] and "9.5" in notes["tarp"]
    assert "n < 30" in notes["suppression_rule"]


def test_footnotes_are_codes_written_in_each_language(results) -> None:
    """The settings are stored as parameters and written in zh_CN without an English word
    (issue 17: the Chinese report showed "PLS, seed 1")."""
    view = build_report(results)
    zh = {note.key: note.text("zh_CN") for note in view.footnotes}
    assert zh["method"] == "PLS，随机种子 7"
    assert zh["suppression_rule"].startswith("n < 30：隐藏")
    assert zh["validity_thresholds"].startswith("载荷 ≥ 0.708")
    assert "；顾客满意度：S1 0.60, S2 0.40；" in zh["index_weights"]
    assert zh["tarp"].startswith("满意的投诉者告诉 4.5 人")
    english_words = re.compile(r"\b(seed|suppressed|unreliable|loading|reach|told|failed|attribute|raked|effective)\b")
    assert not [text for text in zh.values() if english_words.search(text)]
    weighted = build_report({**results, ("meta", "all"): {**results[("meta", "all")], "weights": {
        "attribute": "current_value", "margins": ["region"], "n_effective": 2345.61, "min": 0.41, "max": 3.07}}})
    weights = next(note for note in weighted.footnotes if note.key == "weights")
    assert weights.text("en") == "attribute current_value; raked to region; effective n 2,345.6 (weights 0.41–3.07)"
    assert weights.text("zh_CN") == "权重属性 current_value；按 region 迭代加权（raking）；有效样本量 2,345.6（权重 0.41–3.07）"


def test_validity_rows_are_named_in_each_language(results) -> None:
    view = build_report(results)
    rows = {row.name: row for row in view.validity}
    assert rows["AVE"].label("zh_CN") == "平均方差提取量 (AVE)" and rows["AVE"].rule == "≥ 0.5"
    assert rows["f2"].subject_label("zh_CN") == "感知质量 → 顾客满意度"
    assert rows["loading"].label("en") == "Outer loading"
    summary = {row.name: row for row in validity_summary(view.validity)}
    assert summary["loading"].subjects_label("zh_CN") == ("Q2",) and summary["loading"].rule == "≥ 0.708"


def test_view_is_frozen_and_requires_meta(results) -> None:
    view = build_report(results)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.n = 1  # type: ignore[misc]
    with pytest.raises(ValueError, match="meta"):
        build_report({("acsi", "all"): results[("acsi", "all")]}, run_id=5)
    with pytest.raises(ValueError, match="not one of"):
        metric_estimate(results, "bogus")  # type: ignore[arg-type]


def test_names_stored_with_the_run_name_segments_and_kano_attributes_per_language(results) -> None:
    from reports.figures import kano_category_figure, segment_figure

    meta = dict(results[("meta", "all")])
    meta["names"] = {"region=north": ["北方", "North"], "kano:Packaging": ["包装", "Packaging"]}
    view = build_report({**results, ("meta", "all"): meta}, run_id=3)
    [north] = next(s for s in view.segments if s.metric == "nps").rows[:1]
    assert north.value_names == ("北方", "North")
    assert list(segment_figure(next(s for s in view.segments if s.metric == "nps"), "zh_CN").data[0].y) == \
        ["全部受访者", "地区：北方"]
    assert [p.label("zh_CN") for p in view.kano] == ["一键下单", "包装"]
    assert [p.label("en") for p in view.kano] == ["一键下单", "Packaging"]  # no names stored: as stored
    assert list(kano_category_figure(view.kano, "zh_CN").data[0].y) == ["一键下单", "包装"]
    # A run stored before names existed shows the codes as before.
    old = build_report(results, run_id=2)
    assert old.segments[0].rows[0].value_names is None and old.kano[1].label("zh_CN") == "Packaging"


def _with_segment_tests(results: dict) -> dict:
    return {**results, ("segment_tests", "all"): {"alpha": 0.05, "tests": [
        {"metric": "satisfaction", "segment": "region=north", "test": "permutation", "difference": 3.1,
         "p_value": 0.004, "p_value_holm": 0.012, "mark": "higher", "n_segment": 388, "n_rest": 12},
        {"metric": "nps:nps", "segment": "region=north", "test": "nps_z", "difference": 20.0,
         "p_value": 0.2, "p_value_holm": 0.4, "mark": "none", "n_segment": 388, "n_rest": 12}]}}


def test_segment_rows_carry_the_stored_test_of_the_run(results) -> None:
    view = build_report(_with_segment_tests(results))
    by_metric = {s.metric: {r.segment: r for r in s.rows} for s in view.segments}
    north = by_metric["satisfaction"]["region=north"].test
    assert (north.test, north.difference, north.p_value_holm, north.mark) == ("permutation", 3.1, 0.012, "higher")
    assert by_metric["nps"]["region=north"].test.mark == "none"
    assert by_metric["satisfaction"]["region=south"].test is None  # skipped: never tested
    assert all(row.test is None for s in build_report(results).segments for row in s.rows)


def test_an_inadmissible_fit_and_an_unreliable_bootstrap_are_flagged(results) -> None:
    payload = results[("acsi", "all")]
    changed = {**results, ("acsi", "all"): {
        **payload, "validity": {**payload["validity"], "admissible": False},
        "bootstrap": {**payload["bootstrap"], "resamples": 500, "failed": 446, "intervals_reliable": False}}}
    view = build_report(changed)
    satisfaction = card(view, "satisfaction")
    assert satisfaction.estimate.flags == ("inadmissible_fit", "ci_unreliable")
    assert "inadmissible_fit" in satisfaction.notes and "ci_unreliable" in satisfaction.notes
    bootstrap = next(note for note in view.footnotes if note.key == "bootstrap")
    assert bootstrap.text("en") == "200; failed: All respondents 446/500"
    assert bootstrap.text("zh_CN") == "200；失败：全部受访者 446/500"
    assert card(build_report(results), "satisfaction").estimate.flags == ()


def test_the_model_index_reliability_uses_the_relative_se_rule(results) -> None:
    payload = results[("acsi", "all")]
    boot = payload["bootstrap"]
    wide = [{**row, "std_error": 0.31 * row["estimate"]} for row in boot["indices"]]
    view = build_report({**results, ("acsi", "all"): {**payload, "bootstrap": {**boot, "indices": wide}}})
    assert card(view, "satisfaction").estimate.reliability == "unreliable"  # n = 400, relative SE 31 %
    assert card(build_report(results), "satisfaction").estimate.reliability == "reliable"


def test_micom_flags_and_driver_differences_come_from_the_stored_multigroup_tests(results) -> None:
    stored = _with_segment_tests(results)
    tests = stored[("segment_tests", "all")]
    tests["tests"][0] = {**tests["tests"][0], "invariance": "none", "comparable": False}
    tests["multigroup"] = [
        {"segment": "region=north", "invariance": "partial", "paths": [
            {"from": "quality", "to": "satisfaction", "first": 0.71, "second": 0.42, "difference": 0.29,
             "p_value": 0.001, "p_value_holm": 0.012},
            {"from": "satisfaction", "to": "loyalty", "first": 0.5, "second": 0.48, "difference": 0.02,
             "p_value": 0.6, "p_value_holm": 1.0}]},
        {"segment": "region=south", "invariance": "none", "paths": [
            {"from": "quality", "to": "satisfaction", "first": 0.9, "second": 0.4, "difference": 0.5,
             "p_value": 0.001, "p_value_holm": 0.01}]}]
    view = build_report(stored)
    north = next(r for s in view.segments if s.metric == "satisfaction" for r in s.rows if r.segment == "region=north")
    assert north.test.comparable is False
    (driver,) = view.driver_differences  # south's measurement differs: its paths are not compared
    assert (driver.segment, driver.source, driver.target, driver.in_segment, driver.in_rest, driver.p_value_holm) == (
        "region=north", "quality", "satisfaction", 0.71, 0.42, 0.012)


def _change_tests(previous_run: int, *, mark: str = "up", p: float = 0.03, overlap: int = 0,
                  comparable: bool = True) -> dict:
    return {"previous_run": previous_run, "overlap": overlap, "tests": [] if overlap else [
        {"metric": "satisfaction", "test": "permutation", "difference": 1.0, "p_value": p / 2, "p_value_holm": p,
         "mark": mark, "comparable": comparable}]}


def test_trend_points_carry_their_change_with_the_stored_test_else_the_z_test(results_factory) -> None:
    """Three waves: #2's stored permutation test (made against run 1) marks it although the SEs
    alone would not; #3 has no stored test, so the z test on the SEs decides (66.5 → 70 with SEs
    1 and 1: 3.5 > 1.96·√2 = 2.77, significant)."""
    make_results = results_factory
    first, second, third = make_results(65.5), make_results(66.5), make_results(70.0)
    second = {**second, ("change_tests", "all"): _change_tests(11)}
    view = build_report(third, run_id=13, history=[("#11", first), ("#12", second)], history_ids=[11, 12],
                        current_label="#13")
    points = next(s for s in view.trend if s.metric == "satisfaction").points
    assert [p.run_id for p in points] == [11, 12, 13]
    assert (points[0].change, points[0].significance, points[0].change_test) == (None, "unknown", None)
    assert (points[1].change, points[1].significance, points[1].change_test, points[1].change_p) == \
        (1.0, "up", "permutation", 0.03)
    assert compare(points[1].estimate, points[0].estimate)[1] == "none"  # the SEs alone: not significant
    assert (points[2].change, points[2].significance, points[2].change_test, points[2].change_p) == \
        (3.5, "up", "z_se", None)
    # The last point is what the card says when the previous comparable run is the point before.
    card_view = build_report(third, run_id=13, previous=second, previous_run_id=12,
                             history=[("#11", first), ("#12", second)], history_ids=[11, 12])
    satisfaction = next(c for c in card_view.cards if c.key == "satisfaction")
    last = next(s for s in card_view.trend if s.metric == "satisfaction").points[-1]
    assert (satisfaction.change, satisfaction.significance, satisfaction.change_test) == \
        (last.change, last.significance, last.change_test)


def test_a_stored_trend_test_against_another_run_overlap_or_micom_is_not_used(results_factory) -> None:
    make_results = results_factory
    first = make_results(65.5)
    against_other = {**make_results(66.5), ("change_tests", "all"): _change_tests(99)}
    view = build_report(against_other, run_id=12, history=[("#11", first)], history_ids=[11])
    point = next(s for s in view.trend if s.metric == "satisfaction").points[1]
    assert (point.significance, point.change_test) == ("none", "z_se")  # stored against run 99: z test instead
    overlap = build_report({**against_other, ("change_tests", "all"): _change_tests(11, overlap=5)}, run_id=12,
                           history=[("#11", first)], history_ids=[11])
    point = next(s for s in overlap.trend if s.metric == "satisfaction").points[1]
    assert (point.significance, point.change_test, point.notes) == ("unknown", None, ("change_overlap",))
    micom = build_report({**against_other, ("change_tests", "all"): _change_tests(11, comparable=False)}, run_id=12,
                         history=[("#11", first)], history_ids=[11])
    point = next(s for s in micom.trend if s.metric == "satisfaction").points[1]
    assert (point.significance, point.change_test, point.notes) == ("unknown", "permutation", ("change_not_comparable",))
    with pytest.raises(ValueError, match="history_ids"):
        build_report(against_other, history=[("#11", first)], history_ids=[11, 12])
