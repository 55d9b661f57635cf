"""The proper test of each complaint and word-of-mouth metric between two groups of respondents.

Used for a segment against the rest of the sample and for a wave against the previous one
(:mod:`acsi.segment_tests`). Each metric is tested on the rows it is computed from (the
complainers' follow-up answers, as in :func:`acsi.complaints.summarise_complaints`):

* ``complaints:complaint_rate``, ``complaints:resolution_rate``,
  ``complaints:first_contact_resolution``: two-proportion z test on effective counts
  (share × Kish's n_eff, so survey weights widen the test as they widen the intervals);
* ``complaints:handling_mean``: Welch's t (1–10 handling score);
* ``wom:calibrated``: the calibrated word-of-mouth index is an affine function of the share of
  fully satisfied complainers, so its difference (index points) is tested with the two-proportion
  z test of that share;
* ``wom:measured_net``: Welch's t of people told × valence;
* ``kano:<attribute>:better`` / ``kano:<attribute>:worse``: Better = share of A + O and |Worse|
  = share of O + M among the respondents whose pair classifies as A, O, M or I (R and Q left
  out, as in the coefficients), each with the two-proportion z test on effective counts. The
  difference is in coefficient units (Worse: |Worse|, so "higher" means more dissatisfaction
  when the attribute is missing).

:func:`across_groups` gives the values Welch's ANOVA compares across several segments
(``complaints:handling_mean`` and ``wom:measured_net``). Pure: DataFrames in, frozen results out.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from acsi.complaints import ComplaintSettings, answered_values, complainers, summarise_complaints
from acsi.kano import classify
from acsi.segments import Comparison, compare_means_with_rest, compare_proportions_with_rest
from acsi.word_of_mouth import WordOfMouthSettings, calibrated_word_of_mouth, told_and_net

__all__ = ["COMPLAINT_SHARES", "MetricTest", "across_groups", "complaint_tests", "kano_tests"]

#: The complaint shares compared with the two-proportion z test.
COMPLAINT_SHARES = ("complaint_rate", "resolution_rate", "first_contact_resolution")


@dataclass(frozen=True, slots=True)
class MetricTest:
    """``metric`` of the first group minus the second, with the rows each side used."""

    metric: str
    comparison: Comparison
    n_first: int
    n_second: int


def _handling(rows: pd.DataFrame, weights: str | None) -> tuple[np.ndarray, np.ndarray | None]:
    answered = answered_values(complainers(rows), "handle")
    return (pd.to_numeric(answered).to_numpy(dtype=float),
            None if weights is None else rows.loc[answered.index, weights].to_numpy(dtype=float))


def _net(rows: pd.DataFrame, weights: str | None) -> tuple[np.ndarray, np.ndarray | None]:
    follow_up = complainers(rows)
    told = answered_values(follow_up, "people_told")
    valence = answered_values(follow_up, "told_valence")
    both = told.index.intersection(valence.index)
    _told, net = told_and_net(told[both], valence[both])
    return net, None if weights is None else rows.loc[both, weights].to_numpy(dtype=float)


def _share(p1: float | None, n1: float, p2: float | None, n2: float) -> Comparison:
    """Two-proportion z of two shares (``p``) on effective counts (``n``: Kish's n_eff)."""
    if p1 is None or p2 is None:
        return Comparison("two_proportion_z", None, None, None)
    return compare_proportions_with_rest(p1 * n1, n1, p2 * n2, n2)


def complaint_tests(first: pd.DataFrame, second: pd.DataFrame, *, columns: Sequence[str],
                    parts: Sequence[str] = ("summary", "word_of_mouth"), weights: str | None = None,
                    word_of_mouth: WordOfMouthSettings = WordOfMouthSettings()) -> list[MetricTest]:
    """Every complaint (``parts`` "summary") and word-of-mouth ("word_of_mouth") metric whose
    ``columns`` are present, ``first`` against ``second``."""
    present = set(columns)
    found: list[MetricTest] = []
    if "summary" in parts:
        settings = ComplaintSettings()
        a = summarise_complaints(first, weights=weights, settings=settings)
        b = summarise_complaints(second, weights=weights, settings=settings)
        for name in COMPLAINT_SHARES:
            cell_a, cell_b = getattr(a, name), getattr(b, name)
            if cell_a is not None and cell_b is not None:
                found.append(MetricTest(f"complaints:{name}", _share(cell_a.estimate, cell_a.n_effective,
                                                                        cell_b.estimate, cell_b.n_effective),
                                        cell_a.n, cell_b.n))
        if "handle" in present:
            (x, wx), (y, wy) = _handling(first, weights), _handling(second, weights)
            found.append(MetricTest("complaints:handling_mean",
                                    compare_means_with_rest(x, y, segment_weights=wx, rest_weights=wy),
                                    int(x.size), int(y.size)))
    if "word_of_mouth" in parts:
        if "resolution_satisfaction" in present:
            sides = []
            for rows in (first, second):
                answers = answered_values(complainers(rows), "resolution_satisfaction")
                sides.append(calibrated_word_of_mouth(
                    answers, weights=None if weights is None else rows.loc[answers.index, weights],
                    settings=word_of_mouth))
            a_wom, b_wom = sides
            share = _share(a_wom.fully_satisfied_share, a_wom.n_effective,
                           b_wom.fully_satisfied_share, b_wom.n_effective)
            difference = (None if a_wom.index is None or b_wom.index is None
                          else a_wom.index - b_wom.index)
            found.append(MetricTest("wom:calibrated", Comparison(share.test, difference, share.statistic,
                                                                 share.p_value), a_wom.n, b_wom.n))
        if {"people_told", "told_valence"} <= present:
            (x, wx), (y, wy) = _net(first, weights), _net(second, weights)
            found.append(MetricTest("wom:measured_net",
                                    compare_means_with_rest(x, y, segment_weights=wx, rest_weights=wy),
                                    int(x.size), int(y.size)))
    return found


def _coefficients(rows: pd.DataFrame, functional: str, dysfunctional: str, weights: str | None
                  ) -> tuple[float | None, float | None, float, int]:
    """(Better, |Worse|, Kish's n_eff, n) of the rows whose pair classifies as A, O, M or I."""
    answered = rows[[functional, dysfunctional]].dropna()
    categories = np.array([classify(f, d) for f, d in zip(answered[functional], answered[dysfunctional])],
                          dtype=object)
    keep = np.isin(categories, ("A", "O", "M", "I"))
    w = (np.ones(int(keep.sum())) if weights is None
         else rows.loc[answered.index[keep], weights].to_numpy(dtype=float))
    if w.size == 0 or w.sum() <= 0:
        return None, None, 0.0, 0
    kept = categories[keep]
    better = float(w[np.isin(kept, ("A", "O"))].sum() / w.sum())
    worse = float(w[np.isin(kept, ("O", "M"))].sum() / w.sum())
    return better, worse, float(w.sum() ** 2 / (w ** 2).sum()), int(w.size)


def kano_tests(first: pd.DataFrame, second: pd.DataFrame, *, pairs: Sequence[tuple[str, str, str]],
               weights: str | None = None) -> list[MetricTest]:
    """Better and |Worse| of each Kano attribute (``pairs``: attribute, functional column,
    dysfunctional column), ``first`` against ``second``."""
    found = []
    for attribute, functional, dysfunctional in pairs:
        b1, w1, n_eff1, n1 = _coefficients(first, functional, dysfunctional, weights)
        b2, w2, n_eff2, n2 = _coefficients(second, functional, dysfunctional, weights)
        found.append(MetricTest(f"kano:{attribute}:better", _share(b1, n_eff1, b2, n_eff2), n1, n2))
        found.append(MetricTest(f"kano:{attribute}:worse", _share(w1, n_eff1, w2, n_eff2), n1, n2))
    return found


def across_groups(rows: pd.DataFrame, metric: str) -> np.ndarray:
    """The per-respondent values of ``metric`` ("complaints:handling_mean" or
    "wom:measured_net") whose means Welch's ANOVA compares across segments."""
    if metric == "complaints:handling_mean":
        return _handling(rows, None)[0]
    if metric == "wom:measured_net":
        return _net(rows, None)[0]
    raise ValueError(f"no per-respondent values for metric {metric!r}")
