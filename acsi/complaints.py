"""Complaint metrics: rate, handling satisfaction, resolution, first contact, time to resolution,
repurchase intent of complainers vs non-complainers and the expected purchase impact (TARP).

In: a response frame with the documented columns (see docs/acsi-metrics-json.md) —
``complained`` (yes/no, 1/0), ``handle`` (1–10), ``resolution_satisfaction`` (1–5),
``resolution_status`` (fully/partly/not), ``first_contact`` (yes/no), ``repurchase`` (1–10),
``purchase_change`` (more/same/less/stop), and for cases ``opened_at`` / ``resolved_at``.
Every column is optional; a metric whose column is absent is None. Follow-up items are asked of
complainers only: each metric uses the rows that answered it (and, when ``complained`` is
present, said yes). Out: :class:`ComplaintSummary` of :class:`~acsi.segment_cells.CellEstimate`.

The TARP purchase impact (settings): of fully satisfied complainers 10 % bought more; of the
others a third stopped buying and 45 % bought less. Nothing here claims a "recovery paradox":
the repurchase comparison is reported as measured, with its Welch test.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from acsi.errors import InputDataError
from acsi.segment_cells import CellEstimate, estimate_mean, estimate_proportion
from acsi.segments import NCHS_RULE, Comparison, SuppressionRule, compare_means_with_rest

__all__ = ["ComplaintSettings", "TimeToResolution", "PurchaseImpact", "ComplaintSummary",
           "parse_yes_no", "time_to_resolution", "expected_purchase_impact",
           "summarise_complaints", "complained_flags", "complainers", "answered_values"]

_YES = {"yes", "y", "1", "true", "是", "有"}
_NO = {"no", "n", "0", "false", "否", "没有", "无"}
_STATUS = {"fully": "fully", "partly": "partly", "not": "not", "完全解决": "fully",
           "部分解决": "partly", "未解决": "not", "resolved": "fully", "partially": "partly",
           "unresolved": "not"}
_CHANGE = {"more": "more", "same": "same", "less": "less", "stop": "stop", "多买": "more",
           "不变": "same", "少买": "less", "不再购买": "stop"}


@dataclass(frozen=True, slots=True)
class ComplaintSettings:
    """Top boxes of the handling (1–10) and resolution (1–5) items, and TARP's purchase shares."""

    handle_top_box: int = 10
    resolution_top_box: int = 5
    bought_more_if_satisfied: float = 0.10
    stopped_if_not_satisfied: float = 1 / 3
    bought_less_if_not_satisfied: float = 0.45
    suppression: SuppressionRule = field(default=NCHS_RULE)

    def __post_init__(self) -> None:
        shares = (self.bought_more_if_satisfied, self.stopped_if_not_satisfied,
                  self.bought_less_if_not_satisfied)
        if any(not 0 <= s <= 1 for s in shares) or sum(shares[1:]) > 1:
            raise InputDataError(f"TARP purchase shares {shares} must be in [0, 1] and the "
                                 "stopped + bought-less shares must not exceed 1")


@dataclass(frozen=True, slots=True)
class TimeToResolution:
    """Days from opening to resolution, by Kaplan–Meier: open cases are right-censored at
    ``as_of`` instead of dropped (dropping them read 6.1 days where the truth was 10).

    ``median_days`` and ``p90_days`` are the times by which half and 90 % of cases are resolved
    (None while the curve has not got there); the median's CI inverts Brookmeyer–Crowley tests on
    the complementary log-log scale; ``restricted_mean_days`` is the area under the curve up to
    the last observed time. ``resolved_share`` is the plain share of cases resolved by ``as_of``.
    """

    n_cases: int
    n_resolved: int
    n_open: int
    as_of: str | None
    median_days: float | None
    median_ci_low: float | None
    median_ci_high: float | None
    p90_days: float | None
    restricted_mean_days: float | None
    resolved_share: float | None

    def to_dict(self) -> dict[str, object]:
        return {"n_cases": self.n_cases, "n_resolved": self.n_resolved, "n_open": self.n_open,
                "as_of": self.as_of, "median_days": self.median_days,
                "median_ci_low": self.median_ci_low, "median_ci_high": self.median_ci_high,
                "p90_days": self.p90_days, "restricted_mean_days": self.restricted_mean_days,
                "resolved_share": self.resolved_share, "method": "kaplan_meier"}


@dataclass(frozen=True, slots=True)
class PurchaseImpact:
    """Expected shares of complainers buying more / the same / less / stopping (TARP)."""

    more: float | None
    same: float | None
    less: float | None
    stop: float | None

    def to_dict(self) -> dict[str, object]:
        return {"more": self.more, "same": self.same, "less": self.less, "stop": self.stop}


@dataclass(frozen=True, slots=True)
class ComplaintSummary:
    """Complaint metrics of one group; a metric without its input column is None."""

    complaint_rate: CellEstimate | None
    handling_mean: CellEstimate | None
    handling_top_box: CellEstimate | None
    resolution_rate: CellEstimate | None
    first_contact_resolution: CellEstimate | None
    time_to_resolution: TimeToResolution | None
    repurchase_complainers: CellEstimate | None
    repurchase_non_complainers: CellEstimate | None
    repurchase_comparison: Comparison | None
    expected_purchase_impact: PurchaseImpact | None
    purchase_change: dict[str, CellEstimate] | None

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        def cell(value: CellEstimate | None) -> object:
            return None if value is None else value.to_dict(redact_suppressed=redact_suppressed)
        return {
            "complaint_rate": cell(self.complaint_rate),
            "handling_mean": cell(self.handling_mean),
            "handling_top_box": cell(self.handling_top_box),
            "resolution_rate": cell(self.resolution_rate),
            "first_contact_resolution": cell(self.first_contact_resolution),
            "time_to_resolution": None if self.time_to_resolution is None
            else self.time_to_resolution.to_dict(),
            "repurchase_complainers": cell(self.repurchase_complainers),
            "repurchase_non_complainers": cell(self.repurchase_non_complainers),
            "repurchase_comparison": None if self.repurchase_comparison is None
            else self.repurchase_comparison.to_dict(),
            "expected_purchase_impact": None if self.expected_purchase_impact is None
            else self.expected_purchase_impact.to_dict(),
            "purchase_change": None if self.purchase_change is None
            else {k: cell(v) for k, v in self.purchase_change.items()},
        }


def _lookup(value: object, table: dict, what: str, where: str) -> object:
    key = str(value).strip().lower()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        key = str(int(value))
    if key not in table:
        raise InputDataError(f"{where}, {what}: '{value}' is not one of "
                             f"{', '.join(sorted(set(map(str, table.values()))))}")
    return table[key]


def parse_yes_no(value: object, *, where: str = "") -> bool:
    """yes/no, y/n, 1/0, true/false, 是/否 → bool; raises InputDataError naming ``where``."""
    table = {**{k: True for k in _YES}, **{k: False for k in _NO}}
    return bool(_lookup(value, table, "yes/no answer", where or "value"))


def answered_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """The non-empty cells of ``column`` (missing and blank answers left out)."""
    values = frame[column]
    return values[values.notna() & (values.astype(str).str.strip() != "")]


def complained_flags(frame: pd.DataFrame) -> pd.Series | None:
    """The answered ``complained`` cells as booleans (None without the column); raises
    InputDataError naming the row of an answer that is not yes/no."""
    if "complained" not in frame.columns:
        return None
    answered = answered_values(frame, "complained")
    return pd.Series([parse_yes_no(v, where=f"row {i}") for i, v in answered.items()],
                     index=answered.index, dtype=bool)


def complainers(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the follow-up items are about: those that said they complained, or every row
    when there is no ``complained`` column (a complaint follow-up survey)."""
    flags = complained_flags(frame)
    return frame if flags is None else frame.loc[flags.index[flags.to_numpy()]]


def _scale(values: pd.Series, low: int, high: int, column: str) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers < low) | (numbers > high) | (numbers != numbers.round())
    if bad.any():
        index = values.index[bad.to_numpy()][0]
        raise InputDataError(f"row {index}, {column}: '{values[index]}' is not a whole number "
                             f"from {low} to {high}")
    return numbers.to_numpy(dtype=float)


def _timestamp(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def time_to_resolution(opened_at: pd.Series, resolved_at: pd.Series, *,
                       as_of: object | None = None, confidence: float = 0.95) -> TimeToResolution:
    """Kaplan–Meier time to resolution; a missing ``resolved_at`` is a case still open at
    ``as_of`` (default: the latest opening or resolution time in the data).

    Raises InputDataError naming the row of an unparseable timestamp, a resolution before its
    opening, or an opening after ``as_of``.
    """
    starts, ends = [], []
    for index, opened, resolved in zip(opened_at.index, opened_at, resolved_at):
        if pd.isna(opened) or str(opened).strip() == "":
            raise InputDataError(f"row {index}, opened_at: a case needs its opening time")
        try:
            start = _timestamp(opened)
            end = None if pd.isna(resolved) or str(resolved).strip() == "" else _timestamp(resolved)
        except ValueError as exc:
            raise InputDataError(f"row {index}: cannot read a timestamp ({exc})") from exc
        if end is not None and end < start:
            raise InputDataError(f"row {index}: resolved_at {resolved} is before opened_at {opened}")
        starts.append((index, start))
        ends.append(end)
    n_cases = len(starts)
    if not n_cases:
        return TimeToResolution(0, 0, 0, None, None, None, None, None, None, None)
    seen = [t for _, t in starts] + [t for t in ends if t is not None]
    cutoff = max(seen) if as_of is None else _timestamp(as_of)
    durations, resolved_flags = [], []
    for (index, start), end in zip(starts, ends):
        if start > cutoff:
            raise InputDataError(f"row {index}: opened_at {start} is after the as-of time {cutoff}")
        done = end is not None and end <= cutoff
        durations.append(((end if done else cutoff) - start).total_seconds() / 86400)
        resolved_flags.append(1 if done else 0)
    n_resolved = sum(resolved_flags)
    as_of_text = cutoff.isoformat()
    if not n_resolved:
        return TimeToResolution(n_cases, 0, n_cases, as_of_text, None, None, None, None, None, 0.0)
    curve = SurvfuncRight(np.asarray(durations, dtype=float), np.asarray(resolved_flags))
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = curve.quantile_ci(0.5, alpha=1 - confidence, method="cloglog")
    return TimeToResolution(
        n_cases, n_resolved, n_cases - n_resolved, as_of_text,
        _finite(curve.quantile(0.5)), _finite(low), _finite(high), _finite(curve.quantile(0.9)),
        _restricted_mean(curve.surv_times, curve.surv_prob, max(durations)),
        n_resolved / n_cases)


def _finite(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None


def _restricted_mean(times: np.ndarray, survival: np.ndarray, horizon: float) -> float:
    """Area under the Kaplan–Meier step curve from 0 to ``horizon``."""
    edges = np.concatenate(([0.0], times[times <= horizon], [horizon]))
    heights = np.concatenate(([1.0], survival[times <= horizon]))
    return float(np.sum(np.diff(edges) * heights))


def expected_purchase_impact(fully_satisfied_share: float | None, *,
                             settings: ComplaintSettings = ComplaintSettings()) -> PurchaseImpact:
    """TARP-expected purchase shares for a fully-satisfied share p among complainers."""
    if fully_satisfied_share is None:
        return PurchaseImpact(None, None, None, None)
    p = fully_satisfied_share
    if not 0 <= p <= 1:
        raise InputDataError(f"fully satisfied share must be in [0, 1], got {p}")
    more = settings.bought_more_if_satisfied * p
    stop = settings.stopped_if_not_satisfied * (1 - p)
    less = settings.bought_less_if_not_satisfied * (1 - p)
    return PurchaseImpact(more, 1 - more - stop - less, less, stop)


def summarise_complaints(frame: pd.DataFrame, *, weights: str | None = None,
                         settings: ComplaintSettings = ComplaintSettings(),
                         confidence: float = 0.95) -> ComplaintSummary:
    """Every complaint metric whose columns are present in ``frame`` (see the module docstring).

    Raises InputDataError naming the row and column of a value outside its documented codes.
    """
    if weights is not None and weights not in frame.columns:
        raise InputDataError(f"weights column {weights!r} is not in the data")
    rule = settings.suppression
    options = {"confidence": confidence, "rule": rule}

    def w(rows: pd.Index) -> np.ndarray | None:
        return None if weights is None else frame.loc[rows, weights].to_numpy(dtype=float)

    complained = complained_flags(frame)
    follow_up = frame if complained is None else frame.loc[complained.index[complained.to_numpy()]]

    def items(column: str) -> pd.Series | None:
        return answered_values(follow_up, column) if column in frame.columns else None

    rate = None if complained is None else estimate_proportion(
        complained.to_numpy(), weights=w(complained.index), **options)
    handling_mean = handling_top = resolution = first_contact = fully_share = None
    if (handle := items("handle")) is not None:
        scores = _scale(handle, 1, 10, "handle")
        handling_mean = estimate_mean(scores, weights=w(handle.index), **options)
        handling_top = estimate_proportion(scores >= settings.handle_top_box,
                                           weights=w(handle.index), **options)
    if (status := items("resolution_status")) is not None:
        codes = [_lookup(v, _STATUS, "resolution_status", f"row {i}") for i, v in status.items()]
        resolution = estimate_proportion(np.array([c == "fully" for c in codes]),
                                         weights=w(status.index), **options)
    if (contact := items("first_contact")) is not None:
        flags = [parse_yes_no(v, where=f"row {i}, first_contact") for i, v in contact.items()]
        first_contact = estimate_proportion(np.array(flags), weights=w(contact.index), **options)
    if (satisfaction := items("resolution_satisfaction")) is not None:
        scores = _scale(satisfaction, 1, 5, "resolution_satisfaction")
        fully = estimate_proportion(scores >= settings.resolution_top_box,
                                    weights=w(satisfaction.index), **options)
        fully_share = fully.estimate
    cases = None
    if "opened_at" in frame.columns:
        resolved = frame["resolved_at"] if "resolved_at" in frame.columns else pd.Series(
            [None] * len(frame), index=frame.index)
        cases = time_to_resolution(frame["opened_at"], resolved)
    repurchase_yes = repurchase_no = comparison = None
    if "repurchase" in frame.columns and complained is not None:
        answered = answered_values(frame.loc[complained.index], "repurchase")
        scores = pd.Series(_scale(answered, 1, 10, "repurchase"), index=answered.index)
        mask = complained[answered.index].to_numpy()
        yes, no = scores[mask], scores[~mask]
        repurchase_yes = estimate_mean(yes.to_numpy(), weights=w(yes.index), **options)
        repurchase_no = estimate_mean(no.to_numpy(), weights=w(no.index), **options)
        comparison = compare_means_with_rest(yes.to_numpy(), no.to_numpy(),
                                             segment_weights=w(yes.index),
                                             rest_weights=w(no.index))
    change = None
    if (answers := items("purchase_change")) is not None:
        codes = [_lookup(v, _CHANGE, "purchase_change", f"row {i}") for i, v in answers.items()]
        change = {key: estimate_proportion(np.array([c == key for c in codes]),
                                           weights=w(answers.index), **options)
                  for key in ("more", "same", "less", "stop")}
    impact = (None if "resolution_satisfaction" not in frame.columns
              else expected_purchase_impact(fully_share, settings=settings))
    return ComplaintSummary(rate, handling_mean, handling_top, resolution, first_contact, cases,
                            repurchase_yes, repurchase_no, comparison, impact, change)
