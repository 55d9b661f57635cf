"""Kano analysis: classify functional/dysfunctional answer pairs and summarise each attribute.

In: answers keyed by meaning — "like", "must_be", "neutral", "live_with", "dislike" — given as
those keys, codes 1–5 (in that order), Chinese (非常喜欢, 理应如此, 无所谓, 勉强接受, 很不喜欢) or
common English wordings. Out: one :class:`KanoAttributeResult` per attribute with counts of
A/O/M/I/R/Q, the category by mode over A/O/M/I/R with the category-strength rule (Q, a
contradictory pair, is a data-quality signal: never the category, flagged by
``questionable_warning`` above a share), total strength, Fong's test, Better/Worse (None on an
empty denominator) and DuMouchel's continuous scores.

With survey weights, ``counts`` stay the raw respondent counts while shares, category, strengths,
Better/Worse and means use the weights; Fong's test then runs on the weighted shares times
Kish's effective n. Raised: :class:`~acsi.errors.InputDataError` naming the row of an answer
that is not one of the five.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from acsi.errors import InputDataError
from acsi.segments import (NCHS_RULE, Reliability, SuppressionRule, kish_effective_n,
                           margin_of_error_proportion, reliability)

__all__ = ["ANSWERS", "CATEGORIES", "EVALUATION_TABLE", "KanoSettings", "KanoAttributeResult",
           "parse_answer", "classify", "analyse_attribute", "analyse_kano",
           "extreme_respondents", "better_worse_quadrant", "check_answers"]

KanoAnswer = Literal["like", "must_be", "neutral", "live_with", "dislike"]
KanoCategory = Literal["A", "O", "M", "I", "R", "Q"]
ANSWERS: tuple[KanoAnswer, ...] = ("like", "must_be", "neutral", "live_with", "dislike")
CATEGORIES: tuple[KanoCategory, ...] = ("A", "O", "M", "I", "R", "Q")

# Rows: functional answer; columns: dysfunctional answer; both in ANSWERS order.
_TABLE_ROWS = (
    "Q A A A O",
    "R I I I M",
    "R I I I M",
    "R I I I M",
    "R R R R Q",
)
EVALUATION_TABLE: Mapping[tuple[str, str], str] = MappingProxyType({
    (functional, dysfunctional): category
    for functional, row in zip(ANSWERS, _TABLE_ROWS)
    for dysfunctional, category in zip(ANSWERS, row.split())
})

# DuMouchel's continuous scores.
FUNCTIONAL_SCORES = MappingProxyType(
    {"like": 4.0, "must_be": 2.0, "neutral": 0.0, "live_with": -1.0, "dislike": -2.0})
DYSFUNCTIONAL_SCORES = MappingProxyType(
    {"like": -2.0, "must_be": -1.0, "neutral": 0.0, "live_with": 2.0, "dislike": 4.0})

_ALIASES: Mapping[str, str] = MappingProxyType({
    **{str(code): answer for code, answer in enumerate(ANSWERS, start=1)},
    **{answer: answer for answer in ANSWERS},
    "非常喜欢": "like", "理应如此": "must_be", "无所谓": "neutral", "勉强接受": "live_with",
    "很不喜欢": "dislike", "喜欢": "like", "不喜欢": "dislike",
    "i like it": "like", "must-be": "must_be", "must be": "must_be", "expect": "must_be",
    "i expect it": "must_be", "expected": "must_be", "i am neutral": "neutral",
    "live-with": "live_with", "live with": "live_with", "tolerate": "live_with",
    "i can live with it": "live_with", "i dislike it": "dislike",
})


def parse_answer(value: object, *, where: str = "") -> KanoAnswer:
    """One answer in any accepted form → its key. Raises InputDataError naming ``where``."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 1 <= number <= 5:
            return ANSWERS[int(number) - 1]
    key = str(value).strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]  # type: ignore[return-value]
    raise InputDataError(f"{where + ': ' if where else ''}Kano answer '{value}' is not a code 1-5 "
                         f"or one of {', '.join(ANSWERS)} / 非常喜欢 理应如此 无所谓 勉强接受 很不喜欢")


def classify(functional: object, dysfunctional: object) -> KanoCategory:
    """The evaluation-table category of one (functional, dysfunctional) pair."""
    return EVALUATION_TABLE[(parse_answer(functional), parse_answer(dysfunctional))]  # type: ignore


@dataclass(frozen=True, slots=True)
class KanoSettings:
    """Settings of the Kano summary (methodology §2).

    ``category_strength_threshold``: when share(top) − share(second) is at or below it, the one of
    the top two earlier in ``tie_priority`` wins (R and Q, absent from the published M > O > A > I
    rule, rank after I). ``fong_z``: the z of Fong's test. ``quadrant_split``: Better/|Worse| cut
    for charts. ``screen_extreme``: drop respondents who answer the same extreme to everything.
    ``confidence``: level of the margins of error of the shares, Better and Worse.
    ``questionable_warning_share``: Q (questionable: a contradictory answer pair) is a
    data-quality signal, never the reported category; a Q share above this raises a warning.
    """

    category_strength_threshold: float = 0.06
    tie_priority: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")
    fong_z: float = 1.65
    quadrant_split: float = 0.5
    screen_extreme: bool = False
    confidence: float = 0.95
    suppression: SuppressionRule = field(default=NCHS_RULE)
    questionable_warning_share: float = 0.05

    def __post_init__(self) -> None:
        if not 0 <= self.questionable_warning_share <= 1:
            raise InputDataError("questionable_warning_share must be in [0, 1], got "
                                 f"{self.questionable_warning_share}")
        if not self.category_strength_threshold >= 0:
            raise InputDataError("category_strength_threshold must be >= 0, got "
                                 f"{self.category_strength_threshold}")
        if sorted(self.tie_priority) != sorted(CATEGORIES):
            raise InputDataError(f"tie_priority must order all of {CATEGORIES}, got "
                                 f"{self.tie_priority}")


@dataclass(frozen=True, slots=True)
class KanoAttributeResult:
    """Summary of one attribute (in one segment). Undefined values are None."""

    attribute: str
    n: int
    n_effective: float
    counts: Mapping[str, int]
    shares: Mapping[str, float] | None
    category: str | None
    category_strength: float | None
    total_strength: float | None
    fong_significant: bool | None
    better: float | None
    worse: float | None
    functional_mean: float | None
    functional_sd: float | None
    dysfunctional_mean: float | None
    dysfunctional_sd: float | None
    importance_weighted_functional_mean: float | None
    importance_weighted_dysfunctional_mean: float | None
    reliability: Reliability
    quadrant: str | None = None
    margins: Mapping[str, float | None] | None = None
    questionable_warning: bool = False

    def to_dict(self, *, redact_suppressed: bool = True) -> dict[str, object]:
        """JSON-ready dict (documented in docs/acsi-metrics-json.md)."""
        data: dict[str, object] = {
            "attribute": self.attribute, "n": self.n, "n_effective": self.n_effective,
            "counts": dict(self.counts),
            "shares": None if self.shares is None else dict(self.shares),
            "category": self.category, "category_strength": self.category_strength,
            "total_strength": self.total_strength, "fong_significant": self.fong_significant,
            "better": self.better, "worse": self.worse,
            "functional_mean": self.functional_mean, "functional_sd": self.functional_sd,
            "dysfunctional_mean": self.dysfunctional_mean,
            "dysfunctional_sd": self.dysfunctional_sd,
            "importance_weighted_functional_mean": self.importance_weighted_functional_mean,
            "importance_weighted_dysfunctional_mean": self.importance_weighted_dysfunctional_mean,
            "reliability": self.reliability, "quadrant": self.quadrant,
            "margins": None if self.margins is None else dict(self.margins),
            "questionable_warning": self.questionable_warning,
        }
        if redact_suppressed and self.reliability == "suppressed":
            for key in data:
                if key not in ("attribute", "n", "n_effective", "reliability",
                               "questionable_warning"):
                    data[key] = None
        return data

    def summary(self) -> str:
        if self.category is None:
            return (f"{self.attribute}: no answers" if self.n == 0 else
                    f"{self.attribute}: no classifiable answers (n={self.n})")
        return (f"{self.attribute}: {self.category} (n={self.n}, CS={self.category_strength:.3f}, "
                f"TS={self.total_strength:.3f}, Better={_fmt(self.better)}, "
                f"Worse={_fmt(self.worse)}, {self.reliability}"
                f"{', questionable answers above threshold' if self.questionable_warning else ''})")


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"


def _mean_sd(scores: np.ndarray, weights: np.ndarray) -> tuple[float | None, float | None]:
    if scores.size == 0 or weights.sum() <= 0:
        return None, None
    mean = float(np.average(scores, weights=weights))
    n_eff = kish_effective_n(weights)
    if scores.size < 2 or n_eff <= 1:
        return mean, None
    variance = float(np.average((scores - mean) ** 2, weights=weights)) * n_eff / (n_eff - 1)
    return mean, math.sqrt(variance)


def analyse_attribute(attribute: str, functional: Sequence[object], dysfunctional: Sequence[object],
                      *, importance: Sequence[float] | None = None,
                      weights: Sequence[float] | None = None,
                      settings: KanoSettings = KanoSettings()) -> KanoAttributeResult:
    """Summarise one attribute from paired answers (missing pairs must be dropped before).

    ``importance``: self-stated importance 1–9 per respondent for the importance-weighted means.
    ``weights``: survey weights. Raises InputDataError on a bad answer, importance or weight.
    """
    if len(functional) != len(dysfunctional):
        raise InputDataError(f"attribute {attribute!r}: {len(functional)} functional answers but "
                             f"{len(dysfunctional)} dysfunctional")
    n = len(functional)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (n,) or not np.all(np.isfinite(w) & (w >= 0)):
        raise InputDataError(f"attribute {attribute!r}: weights must be {n} finite values >= 0")
    pairs = [(parse_answer(f, where=f"attribute {attribute!r} functional answer {i}"),
              parse_answer(d, where=f"attribute {attribute!r} dysfunctional answer {i}"))
             for i, (f, d) in enumerate(zip(functional, dysfunctional))]
    categories = [EVALUATION_TABLE[pair] for pair in pairs]
    counts = {c: sum(1 for x in categories if x == c) for c in CATEGORIES}
    weighted = {c: float(sum(wi for wi, x in zip(w, categories) if x == c)) for c in CATEGORIES}
    total = sum(weighted.values())
    n_eff = kish_effective_n(w) if weights is not None else float(n)
    empty = KanoAttributeResult(attribute, n, n_eff, counts, None, None, None, None, None, None,
                                None, None, None, None, None, None, None, "suppressed")
    if n == 0 or total <= 0:
        return empty
    shares = {c: weighted[c] / total for c in CATEGORIES}
    questionable = shares["Q"] > settings.questionable_warning_share + 1e-12
    rank = {c: i for i, c in enumerate(settings.tie_priority)}
    # Q is never the category: the mode is taken over the five real categories.
    ordered = sorted((c for c in CATEGORIES if c != "Q"), key=lambda c: (-weighted[c], rank[c]))
    top, second = ordered[0], ordered[1]
    strength = (weighted[top] - weighted[second]) / total
    category: str | None = top if weighted[top] > 0 else None
    if category is not None and strength <= settings.category_strength_threshold + 1e-12:
        category = min((top, second), key=lambda c: rank[c])
    a, b = shares[top] * n_eff, shares[second] * n_eff
    fong_bound = settings.fong_z * math.sqrt((a + b) * (2 * n_eff - a - b) / (2 * n_eff))
    classified = weighted["A"] + weighted["O"] + weighted["M"] + weighted["I"]
    better = (weighted["A"] + weighted["O"]) / classified if classified > 0 else None
    worse = -(weighted["O"] + weighted["M"]) / classified if classified > 0 else None
    z_margin = {c: margin_of_error_proportion(shares[c], n_eff, confidence=settings.confidence)
                for c in CATEGORIES}
    classified_n = n_eff * classified / total
    for key, value in (("better", better), ("worse", worse)):
        z_margin[key] = None if value is None else margin_of_error_proportion(
            abs(value), classified_n, confidence=settings.confidence)
    functional_scores = np.array([FUNCTIONAL_SCORES[f] for f, _ in pairs])
    dysfunctional_scores = np.array([DYSFUNCTIONAL_SCORES[d] for _, d in pairs])
    f_mean, f_sd = _mean_sd(functional_scores, w)
    d_mean, d_sd = _mean_sd(dysfunctional_scores, w)
    iw_f = iw_d = None
    if importance is not None:
        imp = np.asarray(importance, dtype=float)
        if imp.shape != (n,):
            raise InputDataError(f"attribute {attribute!r}: {imp.size} importance values for "
                                 f"{n} answer pairs")
        stated = ~np.isnan(imp)
        bad = np.flatnonzero(stated & ~((imp >= 1) & (imp <= 9)))
        if bad.size:
            raise InputDataError(f"attribute {attribute!r}: importance {imp[bad[0]]} at position "
                                 f"{int(bad[0])} must be a number from 1 to 9")
        importance_weights = np.where(stated, imp, 0.0) * w
        if importance_weights.sum() > 0:
            iw_f = float(np.average(functional_scores, weights=importance_weights))
            iw_d = float(np.average(dysfunctional_scores, weights=importance_weights))
    return KanoAttributeResult(
        attribute, n, n_eff, counts, shares, category, strength,
        shares["A"] + shares["O"] + shares["M"], abs(a - b) >= fong_bound, better, worse,
        f_mean, f_sd, d_mean, d_sd, iw_f, iw_d,
        reliability(n_eff, rule=settings.suppression),
        better_worse_quadrant(better, worse, split=settings.quadrant_split), z_margin, questionable)


def better_worse_quadrant(better: float | None, worse: float | None, *,
                          split: float = 0.5) -> str | None:
    """Quadrant of the Better vs |Worse| chart: "O" (both ≥ split), "A" (Better only),
    "M" (|Worse| only), "I" (neither); None when Better/Worse are undefined."""
    if better is None or worse is None:
        return None
    high_better, high_worse = better >= split, abs(worse) >= split
    return ("O" if high_worse else "A") if high_better else ("M" if high_worse else "I")


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        not isinstance(value, str) and bool(pd.isna(value)))


def extreme_respondents(frame: pd.DataFrame, *, respondent: str = "respondent") -> set[object]:
    """Respondents whose every functional and dysfunctional answer is "like", or every one is
    "dislike" (straight-lining at an extreme), over at least two answers. Needs the
    ``respondent`` column."""
    if respondent not in frame.columns:
        raise InputDataError(f"screening extreme answers needs a {respondent!r} column")
    flagged = set()
    for who, rows in frame.groupby(respondent, sort=False):
        answers = [parse_answer(v, where=f"row {i}") for col in ("functional", "dysfunctional")
                   for i, v in rows[col].items() if not _is_missing(v)]
        if len(answers) >= 2 and set(answers) in ({"like"}, {"dislike"}):
            flagged.add(who)
    return flagged


def _importance_column(column: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce")
    bad = (column.notna() & numbers.isna()) | (numbers < 1) | (numbers > 9)
    if bad.any():
        index = column.index[bad.to_numpy()][0]
        raise InputDataError(f"row {index}, column 'importance': '{column[index]}' is not a "
                             "number from 1 to 9")
    return numbers.to_numpy(dtype=float)


def check_answers(frame: pd.DataFrame) -> None:
    """Raise InputDataError naming the row (frame index) and column of the first functional or
    dysfunctional answer that is not a Kano answer, or importance that is not 1–9."""
    for index, functional, dysfunctional in zip(frame.index, frame["functional"], frame["dysfunctional"]):
        for column, value in (("functional", functional), ("dysfunctional", dysfunctional)):
            if not _is_missing(value):
                parse_answer(value, where=f"row {index}, column {column!r}")
    if "importance" in frame.columns:
        _importance_column(frame["importance"])


def analyse_kano(frame: pd.DataFrame, *, weights: str | None = None,
                 settings: KanoSettings = KanoSettings()) -> tuple[KanoAttributeResult, ...]:
    """One result per attribute, in order of first appearance, from long-format data.

    Columns: ``attribute``, ``functional``, ``dysfunctional``; optional ``importance`` (1–9),
    ``respondent`` (needed for ``settings.screen_extreme``) and the ``weights`` column. Rows
    with a missing functional or dysfunctional answer are left out. Errors name the row index.
    """
    for column in ("attribute", "functional", "dysfunctional", *([weights] if weights else [])):
        if column not in frame.columns:
            raise InputDataError(f"Kano data needs a {column!r} column; columns are "
                                 f"{list(frame.columns)}")
    check_answers(frame)
    attributes = pd.unique(frame["attribute"].dropna())
    if settings.screen_extreme:
        flagged = extreme_respondents(frame)
        frame = frame[~frame["respondent"].isin(flagged)]
    complete = frame[[not (_is_missing(f) or _is_missing(d))
                      for f, d in zip(frame["functional"], frame["dysfunctional"])]]
    results = []
    for attribute in attributes:
        rows = complete[complete["attribute"] == attribute]
        importance = None
        if "importance" in rows.columns and rows["importance"].notna().any():
            importance = _importance_column(rows["importance"])
        results.append(analyse_attribute(
            str(attribute), rows["functional"].tolist(), rows["dysfunctional"].tolist(),
            importance=importance,
            weights=None if weights is None else rows[weights].to_numpy(dtype=float),
            settings=settings))
    return tuple(results)
