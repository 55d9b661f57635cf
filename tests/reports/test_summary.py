"""The executive summary's claims and sentences on hand-made results with known numbers."""
from __future__ import annotations

from dataclasses import replace

import pytest

from reports.summary import Claim, executive_summary, render_claim, render_summary
from reports.view_model import build_report
from reports.view_types import IpmaPoint, PathEdge, SegmentMark


def claims_of(view, code):
    return [c for c in executive_summary(view) if c.code == code]


def test_indices_with_scale_ci_and_n(results):
    view = build_report(results, run_id=2)
    index = {c.params["metric"]: c for c in claims_of(view, "index")}
    assert set(index) == {"satisfaction", "loyalty", "nps", "word_of_mouth", "complaint_handling"}
    assert index["satisfaction"].params == {"metric": "satisfaction", "value": 70.0, "low": 68.0, "high": 72.0, "n": 400}
    assert render_claim(index["satisfaction"], "en") == (
        "ACSI satisfaction is 70.0 (index 0–100; 95% CI 68.0 to 72.0, n = 400).")
    assert render_claim(index["word_of_mouth"], "en") == (
        "Word of mouth is −5.0 (net people told per complainant, TARP-calibrated; 95% CI −5.4 to −4.6, n = 200).")
    assert render_claim(index["nps"], "zh_CN") == (
        "净推荐值 (NPS)为 20.0（−100 至 +100，推荐者减贬损者；95% 置信区间 14.0 至 26.0，n = 400）。")


def test_an_index_without_bootstrap_says_it_has_no_interval(results_factory):
    view = build_report(results_factory(bootstrap=False), run_id=2)
    (satisfaction, *_rest) = claims_of(view, "index_no_ci")
    assert satisfaction.evidence == "no_ci"
    assert "no confidence interval: the run had no bootstrap" in render_claim(satisfaction, "en")


def test_change_claims_name_the_test_and_direction(results, previous):
    view = build_report(results, run_id=2, previous=previous)
    changes = {c.params["metric"]: c for c in executive_summary(view) if c.code.startswith("change_")}
    # satisfaction +4 with SEs 1 and 1: z = 2.83, significant; loyalty +1 with SEs 2 and 2: not
    assert changes["satisfaction"].code == "change_up" and changes["satisfaction"].evidence == "z_se"
    assert render_claim(changes["satisfaction"], "en") == (
        "It rose by 4.0 points since the previous comparable run (z test on the two runs' standard errors).")
    assert changes["loyalty"].code == "change_none"
    assert "No significant change since the previous comparable run (+1.0 points;" in render_claim(changes["loyalty"], "en")
    fell = build_report(previous, run_id=3, previous=results)
    down = next(c for c in executive_summary(fell) if c.code == "change_down")
    assert render_claim(down, "zh_CN").startswith("较上一次可比运行下降 4.0 分")


def _with_marks(view, marks):
    """``view`` whose first segment table's rows carry ``marks`` (mark, difference, Holm p)."""
    comparison = view.segments[0]
    rows = tuple(replace(row, test=SegmentMark("permutation", d, p, p, m)) for row, (m, d, p) in zip(comparison.rows, marks))
    return replace(view, segments=(replace(comparison, rows=rows), *view.segments[1:]))


def test_segments_above_and_below_the_rest_come_from_their_tests(results):
    view = build_report(results, run_id=2)
    marked = _with_marks(view, [("higher", 3.2, 0.004)])
    (higher,) = claims_of(marked, "segments_higher")
    assert higher.params["segments"] == (("region=north", None, 3.2, 0.004),)
    assert render_claim(higher, "en") == "ACSI satisfaction is significantly above the rest in Region: North (+3.2, p = 0.004)."
    assert render_claim(higher, "zh_CN") == "ACSI 顾客满意度显著高于其余样本的细分群体：地区：北区（+3.2，p = 0.004）。"
    quiet = _with_marks(view, [("none", 0.4, 0.61)])
    (none,) = claims_of(quiet, "segments_none")
    assert render_claim(none, "en") == "No segment differs significantly from the rest on ACSI satisfaction (1 tested, Holm-adjusted)."
    not_comparable = replace(quiet, segments=(replace(quiet.segments[0], rows=tuple(
        replace(r, test=replace(r.test, comparable=False, mark="higher", p_value_holm=0.001)) for r in quiet.segments[0].rows)),))
    assert claims_of(not_comparable, "segments_higher") == [] and claims_of(not_comparable, "segments_none") == []


def test_many_segments_are_named_three_at_a_time():
    claim = Claim("segments_lower", {"metric": "nps", "segments": tuple(
        (f"region=r{i}", None, -float(i), 0.0001) for i in range(1, 6))}, "nps_z")
    text = render_claim(claim, "en")
    assert "Region: r1 (−1.0, p < 0.001), Region: r2 (−2.0, p < 0.001), Region: r3 (−3.0, p < 0.001) and 2 more" in text


def test_drivers_rank_by_possible_gain_and_need_a_confirmed_effect(results):
    view = build_report(results, run_id=2)
    ipma = (IpmaPoint("quality", 0.55, 75.0), IpmaPoint("value", 0.30, 40.0), IpmaPoint("expectation", 0.9, 90.0),
            IpmaPoint("complaint", -0.1, 20.0))
    edges = (PathEdge("quality", "satisfaction", 0.6, 0.5, 0.7), PathEdge("value", "satisfaction", 0.3, 0.1, 0.4),
             PathEdge("expectation", "satisfaction", 0.1, -0.05, 0.2))
    view = replace(view, ipma=ipma, path=replace(view.path, edges=edges))
    (claim,) = claims_of(view, "drivers_priority")
    # gains: value 0.30 × 60 = 18, quality 0.55 × 25 = 13.75, expectation 0.9 × 10 = 9 (its CI holds 0),
    # complaint has a negative effect
    assert [d[0] for d in claim.params["drivers"]] == ["value", "quality"]
    assert claim.evidence == "bootstrap_ci"
    text = render_claim(claim, "en")
    assert text.startswith("Improve first: perceived value (importance 0.30, performance 40.0; path 95% CI 0.10 to 0.40), "
                           "perceived quality (importance 0.55, performance 75.0; path 95% CI 0.50 to 0.70).")
    none = replace(view, ipma=(IpmaPoint("expectation", 0.9, 90.0),))
    assert [c.code for c in executive_summary(none) if c.code.startswith("drivers")] == ["drivers_none"]


def test_every_claim_renders_in_both_languages(results, previous):
    view = build_report(results, run_id=2, previous=previous)
    english, chinese = render_summary(view, "en"), render_summary(view, "zh_CN")
    assert len(english) == len(chinese) == len(executive_summary(view)) > 5
    assert all("{" not in s for s in english + chinese)
    with pytest.raises(ValueError):
        render_summary(view, "fr")
