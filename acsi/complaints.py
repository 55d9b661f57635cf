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

from acsi.errors import InputDataError
from acsi.segment_cells import CellEstimate, estimate_mean, estimate_proportion
from acsi.segments import NCHS_RULE, Comparison, SuppressionRule, compare_means_with_rest

__all__ = ["ComplaintSettings", "TimeToResolution", "PurchaseImpact", "ComplaintSummary",
           "parse_yes_no", "time_to_resolution", "expected_purchase_impact",
           "summarise_complaints"]

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
    """Days from opening to resolution over resolved cases; open cases are counted apart."""

    n_cases: int
    n_resolved: int
    n_open: int
    mean_days: float | None
    median_days: float | None
    p90_days: float | None

    def to_dict(self) -> dict[str, object]:
        return {"n_cases": self.n_cases, "n_resolved": self.n_resolved, "n_open": self.n_open,
                "mean_days": self.mean_days, "median_days": self.median_days,
                "p90_days": self.p90_days}


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


def _answered(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    return values[values.notna() & (values.astype(str).str.strip() != "")]


def _scale(values: pd.Series, low: int, high: int, column: str) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers < low) | (numbers > high) | (numbers != numbers.round())
    if bad.any():
        index = values.index[bad.to_numpy()][0]
        raise InputDataError(f"row {index}, {column}: '{values[index]}' is not a whole number "
                             f"from {low} to {high}")
    return numbers.to_numpy(dtype=float)


def time_to_resolution(opened_at: pd.Series, resolved_at: pd.Series) -> TimeToResolution:
    """Days between ``opened_at`` and ``resolved_at`` (missing ``resolved_at`` = still open).

    Raises InputDataError naming the row of an unparseable timestamp or a resolution before
    its opening.
    """
    days = []
    for index, opened, resolved in zip(opened_at.index, opened_at, resolved_at):
        if pd.isna(opened) or str(opened).strip() == "":
            raise InputDataError(f"row {index}, opened_at: a case needs its opening time")
        try:
            start = pd.Timestamp(opened)
            end = None if pd.isna(resolved) or str(resolved).strip() == "" else pd.Timestamp(resolved)
        except ValueError as exc:
            raise InputDataError(f"row {index}: cannot read a timestamp ({exc})") from exc
        if end is not None:
            if end < start:
                raise InputDataError(f"row {index}: resolved_at {resolved} is before "
                                     f"opened_at {opened}")
            days.append((end - start).total_seconds() / 86400)
    n_cases = len(opened_at)
    if not days:
        return TimeToResolution(n_cases, 0, n_cases, None, None, None)
    array = np.asarray(days)
    return TimeToResolution(n_cases, len(days), n_cases - len(days), float(array.mean()),
                            float(np.median(array)), float(np.quantile(array, 0.9)))


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

    complained: pd.Series | None = None
    follow_up = frame
    if "complained" in frame.columns:
        answered = _answered(frame, "complained")
        complained = pd.Series([parse_yes_no(v, where=f"row {i}") for i, v in answered.items()],
                               index=answered.index, dtype=bool)
        follow_up = frame.loc[complained.index[complained.to_numpy()]]

    def items(column: str) -> pd.Series | None:
        return _answered(follow_up, column) if column in frame.columns else None

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
        answered = _answered(frame.loc[complained.index], "repurchase")
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
