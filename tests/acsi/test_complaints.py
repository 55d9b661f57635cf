"""Complaint metrics on hand-computed vectors."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from acsi.complaints import (ComplaintSettings, expected_purchase_impact, parse_yes_no,
                             summarise_complaints, time_to_resolution)
from acsi.errors import InputDataError


def responses():
    """6 respondents: 4 complainers (rows 2–5), 2 non-complainers (rows 6–7)."""
    return pd.DataFrame({
        "complained": ["yes", "1", "是", "Y", "no", "0"],
        "handle": [10, 8, 6, "", None, None],
        "resolution_status": ["fully", "partly", "not", "fully", None, None],
        "first_contact": ["yes", "no", "no", "yes", None, None],
        "resolution_satisfaction": [5, 4, 2, 5, None, None],
        "repurchase": [9, 7, 3, 8, 6, 8],
        "purchase_change": ["more", "same", "stop", "same", None, None],
    }).set_axis(range(2, 8))


def test_rates_and_handling_by_hand():
    summary = summarise_complaints(responses())
    assert summary.complaint_rate.estimate == pytest.approx(4 / 6)
    assert summary.complaint_rate.n == 6
    assert summary.handling_mean.estimate == pytest.approx(8)  # (10 + 8 + 6) / 3
    assert summary.handling_mean.se == pytest.approx(2 / math.sqrt(3))
    assert summary.handling_top_box.estimate == pytest.approx(1 / 3)
    assert summary.resolution_rate.estimate == pytest.approx(0.5)
    assert summary.first_contact_resolution.estimate == pytest.approx(0.5)
    assert summary.complaint_rate.reliability == "suppressed"


def test_top_box_is_a_setting():
    summary = summarise_complaints(responses(), settings=ComplaintSettings(handle_top_box=8))
    assert summary.handling_top_box.estimate == pytest.approx(2 / 3)


def test_repurchase_complainers_vs_non_complainers_welch():
    summary = summarise_complaints(responses())
    yes, no = [9, 7, 3, 8], [6, 8]
    assert summary.repurchase_complainers.estimate == pytest.approx(6.75)
    assert summary.repurchase_non_complainers.estimate == pytest.approx(7)
    v1, v2 = stats.tvar(yes) / 4, stats.tvar(no) / 2
    t = (6.75 - 7) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 ** 2 / 3 + v2 ** 2 / 1)
    assert summary.repurchase_comparison.statistic == pytest.approx(t)
    assert summary.repurchase_comparison.p_value == pytest.approx(2 * stats.t.sf(abs(t), df))


def test_purchase_change_and_expected_impact():
    summary = summarise_complaints(responses())
    assert summary.purchase_change["same"].estimate == pytest.approx(0.5)
    assert summary.purchase_change["less"].estimate == 0
    impact = summary.expected_purchase_impact  # fully satisfied share 2/4
    assert impact.more == pytest.approx(0.05)
    assert impact.stop == pytest.approx(0.5 / 3)
    assert impact.less == pytest.approx(0.225)
    assert impact.same == pytest.approx(1 - 0.05 - 0.5 / 3 - 0.225)


def test_expected_impact_tarp_vectors():
    impact = expected_purchase_impact(0.6)
    assert (impact.more, impact.stop, impact.less) == pytest.approx((0.06, 0.4 / 3, 0.18))
    none_satisfied = expected_purchase_impact(0.0)
    assert none_satisfied.more == 0 and none_satisfied.same == pytest.approx(1 - 1 / 3 - 0.45)
    assert expected_purchase_impact(None).more is None
    with pytest.raises(InputDataError, match="TARP purchase shares"):
        ComplaintSettings(stopped_if_not_satisfied=0.6, bought_less_if_not_satisfied=0.6)


def test_follow_up_file_without_complained_column():
    frame = responses().drop(columns="complained").iloc[:4]
    summary = summarise_complaints(frame)
    assert summary.complaint_rate is None
    assert summary.repurchase_comparison is None
    assert summary.resolution_rate.n == 4
    assert summary.time_to_resolution is None


def test_weights():
    frame = responses().assign(w=[3, 1, 1, 1, 1, 1])
    summary = summarise_complaints(frame, weights="w")
    assert summary.complaint_rate.estimate == pytest.approx(6 / 8)
    assert summary.handling_mean.estimate == pytest.approx((30 + 8 + 6) / 5)
    assert summary.resolution_rate.estimate == pytest.approx(4 / 6)


def test_time_to_resolution_by_hand():
    # Durations 2.0 and 0.5 days resolved, one case open for 1.0 day at as_of (censored).
    # Kaplan–Meier: S(0.5) = 2/3, then the open case leaves at 1.0, S(2.0) = 0: median 2.0;
    # area under the curve to 2.0 = 0.5·1 + 1.5·(2/3) = 1.5. Dropping the open case gave 1.25.
    opened = pd.Series(["2024-01-01 00:00", "2024-01-01 12:00", "2024-01-05"])
    resolved = pd.Series(["2024-01-03 00:00", "2024-01-02 00:00", None])
    result = time_to_resolution(opened, resolved, as_of="2024-01-06")
    assert (result.n_cases, result.n_resolved, result.n_open) == (3, 2, 1)
    assert result.median_days == pytest.approx(2.0)
    assert result.p90_days == pytest.approx(2.0)
    assert result.restricted_mean_days == pytest.approx(1.5)
    assert result.resolved_share == pytest.approx(2 / 3)
    assert result.as_of == "2024-01-06T00:00:00"
    assert result.median_ci_low == pytest.approx(0.5) and result.median_ci_high == pytest.approx(2.0)
    only_open = time_to_resolution(pd.Series(["2024-01-01"]), pd.Series([None]))
    assert only_open.median_days is None and only_open.n_open == 1


def test_open_cases_are_censored_not_dropped():
    """Resolution times exponential with median 10 days; cases open on a rolling basis and the
    long ones are still open at the cut-off. Dropping open cases reads far too short."""
    rng = np.random.default_rng(7)
    n = 4000
    opened = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.uniform(0, 60, n), unit="D")
    days = rng.exponential(10 / np.log(2), n)
    as_of = pd.Timestamp("2024-03-01")
    resolved_at = opened + pd.to_timedelta(days, unit="D")
    resolved = pd.Series([t if t <= as_of else None for t in resolved_at], dtype=object)
    result = time_to_resolution(pd.Series(opened), resolved, as_of=as_of)
    assert result.n_open > 500
    assert result.median_days == pytest.approx(10, abs=0.8)
    assert result.median_ci_low <= 10 <= result.median_ci_high
    finished = (resolved_at[resolved.notna().to_numpy()] - opened[resolved.notna().to_numpy()])
    assert finished.median().total_seconds() / 86400 < 8  # what dropping open cases reads


def test_resolutions_after_as_of_count_as_open():
    result = time_to_resolution(pd.Series(["2024-01-01"]), pd.Series(["2024-01-10"]),
                                as_of="2024-01-05")
    assert (result.n_resolved, result.n_open) == (0, 1)


def test_time_to_resolution_errors_name_the_row():
    with pytest.raises(InputDataError, match="row 1: resolved_at"):
        time_to_resolution(pd.Series(["2024-01-05", "2024-01-05"]),
                           pd.Series(["2024-01-06", "2024-01-04"]))
    with pytest.raises(InputDataError, match="row 0: cannot read"):
        time_to_resolution(pd.Series(["soon"]), pd.Series([None]))


def test_cases_in_the_response_file():
    frame = responses().assign(opened_at=["2024-01-01"] * 6, resolved_at=["2024-01-02"] * 6)
    assert summarise_complaints(frame).time_to_resolution.median_days == pytest.approx(1)


@pytest.mark.parametrize("column, value, message", [
    ("handle", 11, "row 3, handle"), ("resolution_status", "maybe", "row 3, resolution_status"),
    ("complained", "perhaps", "row 3"), ("purchase_change", "double", "row 3, purchase_change"),
    ("first_contact", "2", "row 3, first_contact")])
def test_bad_codes_name_row_and_column(column, value, message):
    frame = responses().astype(object)
    frame.loc[3, column] = value
    with pytest.raises(InputDataError, match=message):
        summarise_complaints(frame)


@pytest.mark.parametrize("value, flag", [("yes", True), ("No", False), (1, True), (0.0, False),
                                         ("否", False), ("true", True)])
def test_yes_no(value, flag):
    assert parse_yes_no(value) is flag


def test_to_dict_is_json_ready_and_redacts():
    data = summarise_complaints(responses()).to_dict()
    assert data["complaint_rate"]["estimate"] is None  # n = 6 is suppressed
    assert data["complaint_rate"]["n"] == 6
    shown = summarise_complaints(responses()).to_dict(redact_suppressed=False)
    assert shown["complaint_rate"]["estimate"] == pytest.approx(4 / 6)
    assert shown["repurchase_comparison"]["test"] == "welch_t"
