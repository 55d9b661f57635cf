"""Each segment against the rest of the sample, for every metric of a run, with Holm over the run.

A segment's value drawn next to "all respondents" cannot be judged by eye: "all" contains the
segment, and overlapping intervals do not mean "no difference" (a permutation test gave p = 0.028
where the two CIs overlapped). :func:`segments_against_rest` runs the proper test per metric:

* **model indices** (satisfaction, loyalty, …): the permutation test of
  :func:`acsi.segment_differences.compare_segment_indices` (the model is refitted in the segment
  and in the rest for every reshuffle of the labels), run by :func:`acsi.micom.compare_groups`,
  whose same reshuffles also check measurement invariance (MICOM steps 1–3: a comparison whose
  construct is not compositionally invariant is flagged ``comparable: false``) and test each
  path's difference (multigroup analysis, Holm over every path of the run);
* **NPS**: the two-group z test of :func:`acsi.nps.compare_nps` (segment vs rest);
* **complaint and word-of-mouth metrics**: the two-proportion z test of shares and Welch's t of
  means (:func:`acsi.metric_tests.complaint_tests`);
* **Kano attributes**: Better and |Worse| by the two-proportion z test
  (:func:`acsi.metric_tests.kano_tests`).

Unweighted, Welch's ANOVA across the segments of each dimension answers "do they differ at all"
for NPS, the handling score and measured word of mouth (``across``).

Holm's step-down adjustment runs over the **distinct** comparisons of the whole run (every
metric, every dimension): with two segments holding every row of a dimension, "north vs rest"
and "south vs rest" are one comparison and count once (:func:`acsi.multiple_testing.versus_rest_families`).
A segment below the minimum base (or with an empty rest) is not tested and gets no entry.

:func:`compare_waves` tests the change since the previous run the same way, when the two runs
are separate waves (no respondent in both): permutation (with MICOM) for model indices, the z
test for NPS, Holm over the metrics.

Pure: a DataFrame in, frozen dataclasses out.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.data import MissingStrategy
from acsi.indices import ScaleBounds
from acsi.multiple_testing import holm_adjust, versus_rest_families
from acsi.metric_tests import MetricTest, across_groups, complaint_tests, kano_tests
from acsi.nps import compare_nps, net_promoter_score, nps_group
from acsi.results import json_number
from acsi.errors import EstimationError, InputDataError, InsufficientDataError
from acsi.micom import GroupComparison, compare_groups
from acsi.threads import process_map, single_threaded_blas
from acsi.segment_fit import answered_rows, recommended_min_base, usable_rows
from acsi.segments import ALL_SEGMENT, split_by_segment, welch_anova
from acsi.spec import ModelSpec
from acsi.word_of_mouth import WordOfMouthSettings

__all__ = ["ALPHA", "ChangeTests", "SegmentTest", "SegmentTests", "compare_waves", "segments_against_rest"]

#: Level of the marks: a segment is "higher" / "lower" than the rest when Holm's p < ALPHA.
ALPHA = 0.05
#: Above this many rows a model-index comparison is permuted on a random subsample: at most
#: half of it from the segment, the rest from the other rows (each a simple random sample). The
#: test stays exact for the subsample, its cost stays bounded (a permutation of 1,000,000 rows
#: costs as much as 100 of 10,000), and at that size its power is still ample.
MAX_PERMUTATION_ROWS = 20_000

Mark = Literal["higher", "lower", "none"]


@dataclass(frozen=True, slots=True)
class SegmentTest:
    """``metric`` of ``segment`` ("dimension=value") minus the rest of the sample."""

    metric: str  # a construct name ("satisfaction"), "nps:<question code>", "complaints:…", "wom:…"
    segment: str
    test: Literal["permutation", "nps_z", "two_proportion_z", "welch_t"]
    difference: float | None
    p_value: float | None
    p_value_holm: float | None
    n_segment: int
    n_rest: int
    resamples: int | None = None  # permutation: reshuffles asked for / that converged
    successful: int | None = None
    subsample: bool = False  # permuted on a random subsample (MAX_PERMUTATION_ROWS)
    invariance: str | None = None  # model indices: MICOM's "full" / "partial" / "none" (acsi.micom)
    # Model indices: p counted from the reshuffles; ``p_value`` is the normal approximation to
    # the same permutation distribution (acsi.micom: a count cannot go below 1/(1 + R)).
    p_value_permutation: float | None = None
    statistic: float | None = None  # z or t of the tests that have one

    @property
    def mark(self) -> Mark:
        """"higher" / "lower" when Holm's p is below :data:`ALPHA`, else "none"."""
        if self.p_value_holm is None or self.difference is None or self.p_value_holm >= ALPHA:
            return "none"
        return "higher" if self.difference > 0 else "lower"

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "segment": self.segment, "test": self.test,
                "difference": None if self.difference is None else json_number(self.difference),
                "p_value": None if self.p_value is None else json_number(self.p_value),
                "p_value_holm": None if self.p_value_holm is None else json_number(self.p_value_holm),
                "mark": self.mark, "n_segment": self.n_segment, "n_rest": self.n_rest,
                "resamples": self.resamples, "successful": self.successful, "subsample": self.subsample,
                "invariance": self.invariance, "comparable": self.invariance != "none",
                "p_value_permutation": self.p_value_permutation,
                "statistic": None if self.statistic is None else json_number(self.statistic)}


@dataclass(frozen=True, slots=True)
class SegmentTests:
    """Every segment-vs-rest test of a run; ``alpha`` is the level of the marks."""

    tests: tuple[SegmentTest, ...]
    notes: tuple[str, ...] = ()  # dimensions whose model tests could not run, and why
    # Per segment (model runs): MICOM steps 1–3 and the path differences against the rest
    # (acsi.micom.GroupComparison.to_dict() with "segment"; path p-values Holm-adjusted over the run).
    multigroup: tuple[Mapping[str, Any], ...] = ()
    alpha: float = ALPHA
    adjustment: str = "holm over the distinct comparisons of the run"
    # Unweighted runs: Welch's ANOVA across the segments of a dimension, {"dimension", "metric",
    # "test": "welch_anova", "difference" (largest − smallest mean), "statistic", "p_value"}.
    across: tuple[Mapping[str, Any], ...] = ()

    def get(self, metric: str, segment: str) -> SegmentTest | None:
        return next((t for t in self.tests if t.metric == metric and t.segment == segment), None)

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "adjustment": self.adjustment, "tests": [t.to_dict() for t in self.tests],
                "notes": list(self.notes), "multigroup": [dict(g) for g in self.multigroup],
                "across": [dict(a) for a in self.across]}


def segments_against_rest(
    frame: pd.DataFrame, dimensions: Mapping[str, str], *, spec: ModelSpec | None = None,
    constructs: Sequence[str] = (), nps: Mapping[str, str] | None = None, consistent: bool = False,
    missing: MissingStrategy = "listwise", min_base: int | None = None, scale_bounds: ScaleBounds = (1, 10),
    resamples: int = 999, seed: int = 0, weights: str | None = None, n_jobs: int = 1,
    complaints: Sequence[str] = (), complaint_parts: Sequence[str] = ("summary", "word_of_mouth"),
    word_of_mouth: WordOfMouthSettings | None = None, kano: Sequence[tuple[str, str, str]] = (),
) -> SegmentTests:
    """Test each segment of each dimension against the rest of ``frame``.

    ``dimensions`` maps a dimension's name (used in segment labels, "region=north") to the
    column holding it. With ``spec`` the ``constructs`` indices (default: satisfaction when the
    model has it) are compared by permutation (``resamples`` reshuffles, ``seed``; the model's
    items are columns of ``frame``; options as in :func:`acsi.segment_fit.fit_segments`; only
    rows that answered the model's items take part, as in the fits);
    ``nps`` maps NPS question codes to 0–10 columns compared with the NPS z test;
    ``complaints`` names the complaint follow-up columns present (``acsi.complaints`` names)
    whose metrics (``complaint_parts``: "summary", "word_of_mouth" with ``word_of_mouth``'s
    reach constants) are compared by :func:`acsi.metric_tests.complaint_tests`; ``kano``
    lists (attribute, functional column, dysfunctional column) whose Better and |Worse| are
    compared by :func:`acsi.metric_tests.kano_tests`; ``weights``
    names a column of respondent weights used by every test; ``n_jobs`` processes share the
    segments' permutation passes (each pass depends only on its data and ``seed``). Raises the errors of
    :func:`acsi.segment_differences.compare_segment_indices` for bad options or cells.
    """
    model_rows = None if spec is None else frame[answered_rows(frame, spec, missing)]
    base = 0 if spec is None else (recommended_min_base(spec, "plsc" if consistent else "pls")
                                   if min_base is None else int(min_base))
    multigroup: list[dict[str, Any]] = []
    found: list[SegmentTest] = []
    families: list[object] = []
    notes: list[str] = []
    across: list[dict[str, Any]] = []
    for dimension, column in dimensions.items():
        groups = [(label, rows) for label, rows in split_by_segment(frame, column) if label != ALL_SEGMENT]
        family = dict(zip((label for label, _ in groups),
                          versus_rest_families([label for label, _ in groups], frame, column)))
        if spec is not None:
            chosen = tuple(constructs) or (("satisfaction",) if "satisfaction" in spec.construct_names
                                           else spec.construct_names)
            tasks = [(label, members, others, sub) for label, members, others, sub
                     in _against_rest(model_rows, column, seed)
                     if min(usable_rows(members, spec, missing, weights)[1],
                            usable_rows(others, spec, missing, weights)[1]) >= base]
            options = {"resamples": resamples, "seed": seed, "weights": weights, "consistent": consistent,
                       "missing": missing, "min_base": min_base, "scale_bounds": scale_bounds}
            for (label, members, others, sub), compared in zip(tasks, process_map(_compare_one, [(spec, label, members, others, options)
                                                         for label, members, others, _sub in tasks], n_jobs)):
                if isinstance(compared, str):
                    notes.append(f"{dimension}={label}: the model's indices were not tested ({compared})")
                    continue
                segment = f"{dimension}={label}"
                multigroup.append({"segment": segment, "subsample": sub, **compared.to_dict()})
                for construct in chosen:
                    difference, p, p_count = compared.index_differences[construct]
                    found.append(SegmentTest(construct, segment, "permutation", difference, p, None, len(members),
                                             len(others), resamples, compared.successful, sub,
                                             compared.invariance_of(construct), p_count))
                    families.append((construct, dimension, family[label]))
        for code, nps_column in (nps or {}).items():
            for label, rows in groups:
                test = _nps_test(code, f"{dimension}={label}", rows, frame.drop(index=rows.index), nps_column, weights)
                if test is not None:
                    found.append(test)
                    families.append((f"nps:{code}", dimension, family[label]))
        if complaints:
            for label, rows in groups:
                for test in _complaint_tests(f"{dimension}={label}", rows, frame.drop(index=rows.index),
                                             complaints, complaint_parts, weights, word_of_mouth):
                    found.append(test)
                    families.append((test.metric, dimension, family[label]))
        if kano:
            for label, rows in groups:
                for test in kano_tests(rows, frame.drop(index=rows.index), pairs=kano, weights=weights):
                    found.append(_as_segment_test(test, f"{dimension}={label}"))
                    families.append((test.metric, dimension, family[label]))
        if weights is None:
            across.extend(_across(dimension, groups, nps or {}, complaints, complaint_parts))
    adjusted = holm_adjust([t.p_value for t in found], families=families)
    # The path differences (MGA) are a family of their own: Holm over every path of every segment.
    path_p = holm_adjust([p["p_value"] for g in multigroup for p in g["paths"]])
    position = 0
    for group in multigroup:
        for path in group["paths"]:
            path["p_value_holm"] = path_p[position]
            position += 1
    return SegmentTests(tuple(replace(t, p_value_holm=p) for t, p in zip(found, adjusted)), notes=tuple(notes),
                        multigroup=tuple(multigroup), across=tuple(across))


def _nps_test(code: str, segment: str, rows: pd.DataFrame, others: pd.DataFrame, column: str,
              weights: str | None) -> SegmentTest | None:
    """The NPS z test of ``rows`` against ``others`` (None when either has no answer)."""
    scores, rest = rows[column].dropna(), others[column].dropna()
    if scores.empty or rest.empty:
        return None
    comparison = compare_nps(
        net_promoter_score(scores, weights=None if weights is None else rows.loc[scores.index, weights]),
        net_promoter_score(rest, weights=None if weights is None else others.loc[rest.index, weights]))
    return SegmentTest(f"nps:{code}", segment, "nps_z", comparison.difference, comparison.p_value, None,
                       int(len(scores)), int(len(rest)), statistic=comparison.statistic)


def _complaint_tests(segment: str, rows: pd.DataFrame, others: pd.DataFrame, columns: Sequence[str],
                     parts: Sequence[str], weights: str | None,
                     word_of_mouth: WordOfMouthSettings | None) -> list[SegmentTest]:
    """The complaint and word-of-mouth tests of ``rows`` against ``others`` (acsi.metric_tests)."""
    found = complaint_tests(rows, others, columns=columns, parts=parts, weights=weights,
                            word_of_mouth=word_of_mouth or WordOfMouthSettings())
    return [_as_segment_test(t, segment) for t in found]


def _as_segment_test(test: MetricTest, segment: str) -> SegmentTest:
    c = test.comparison
    return SegmentTest(test.metric, segment, c.test, c.difference, c.p_value, None,  # type: ignore[arg-type]
                       test.n_first, test.n_second, statistic=c.statistic)


def _across(dimension: str, groups: Sequence[tuple[str, pd.DataFrame]], nps: Mapping[str, str],
            complaints: Sequence[str], parts: Sequence[str]) -> list[dict[str, Any]]:
    """Welch's ANOVA across the segments of ``dimension`` for each metric with per-respondent
    values: NPS (+100 / 0 / −100), the handling score, measured word of mouth. A metric is left
    out when fewer than two segments hold at least two values each."""
    metrics: list[tuple[str, str | None]] = [(f"nps:{code}", column) for code, column in nps.items()]
    if "handle" in complaints and "summary" in parts:
        metrics.append(("complaints:handling_mean", None))
    if {"people_told", "told_valence"} <= set(complaints) and "word_of_mouth" in parts:
        metrics.append(("wom:measured_net", None))
    out = []
    for metric, nps_column in metrics:
        arrays = [_nps_scores(rows[nps_column].dropna()) if nps_column else across_groups(rows, metric)
                  for _label, rows in groups]
        if len(arrays) >= 2 and all(a.size >= 2 for a in arrays):
            out.append({"dimension": dimension, "metric": metric, **welch_anova(arrays).to_dict()})
    return out


def _nps_scores(scores: pd.Series) -> np.ndarray:
    """+100 for a promoter, 0 for a passive, −100 for a detractor: the respondent scores whose
    mean is the NPS."""
    points = {"promoter": 100.0, "passive": 0.0, "detractor": -100.0}
    return np.array([points[nps_group(v)] for v in scores], dtype=float)


def _compare_one(spec: ModelSpec, label: str, members: pd.DataFrame, others: pd.DataFrame,
                 options: Mapping[str, Any], second_label: str = "rest") -> GroupComparison | str:
    """:func:`acsi.micom.compare_groups` of one segment against the rest (or of two waves), in
    one BLAS thread (as in any process, so results do not depend on ``n_jobs``); a failure comes
    back as its text."""
    with single_threaded_blas():
        try:
            return compare_groups(spec, members, others, first_label=label, second_label=second_label, **options)
        except (EstimationError, InputDataError, InsufficientDataError) as error:
            return str(error)


def _capped(first: pd.DataFrame, second: pd.DataFrame, seed: int, key: str
            ) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """The two groups of a permutation test, each a simple random sample of at most half of
    :data:`MAX_PERMUTATION_ROWS` when together they hold more, drawn from ``seed`` and ``key``
    (the same on every run of the same data); and whether they were subsampled."""
    half = MAX_PERMUTATION_ROWS // 2
    if len(first) + len(second) <= MAX_PERMUTATION_ROWS:
        return first, second, False
    rng = np.random.default_rng([seed, *key.encode("utf-8")])
    if len(first) > half:
        first = first.iloc[np.sort(rng.choice(len(first), half, replace=False))]
    if len(second) > half:
        second = second.iloc[np.sort(rng.choice(len(second), half, replace=False))]
    return first, second, True


def _against_rest(rows: pd.DataFrame, column: str, seed: int
                  ) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame, bool]]:
    """(label, the segment's rows, the other rows, subsampled?) per segment of ``column``
    (:func:`_capped` above :data:`MAX_PERMUTATION_ROWS` rows)."""
    for label, members in split_by_segment(rows, column):
        if label == ALL_SEGMENT:
            continue
        yield label, *_capped(members, rows.drop(index=members.index), seed, label)


@dataclass(frozen=True, slots=True)
class ChangeTests:
    """The change of each metric since the previous comparable run, tested (current − previous).

    Each entry is a :class:`SegmentTest` whose ``segment`` is "all" and whose ``difference`` is
    current − previous (``n_segment``: current rows, ``n_rest``: previous rows); Holm runs over
    the metrics. Two runs that share respondents are not two samples: nothing is tested and
    ``overlap`` says how many rows they share."""

    tests: tuple[SegmentTest, ...]
    overlap: int = 0
    notes: tuple[str, ...] = ()
    multigroup: Mapping[str, Any] | None = None  # MICOM and path differences of current vs previous
    alpha: float = ALPHA

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "overlap": self.overlap, "notes": list(self.notes),
                "tests": [{**t.to_dict(), "mark": _change_mark(t)} for t in self.tests],
                "multigroup": None if self.multigroup is None else dict(self.multigroup)}


def _change_mark(test: SegmentTest) -> str:
    """"up" / "down" when Holm's p is below :data:`ALPHA`, else "none"."""
    return {"higher": "up", "lower": "down"}.get(test.mark, "none")


def compare_waves(
    current: pd.DataFrame, previous: pd.DataFrame, *, spec: ModelSpec | None = None, constructs: Sequence[str] = (),
    nps: Mapping[str, str] | None = None, consistent: bool = False, missing: MissingStrategy = "listwise",
    min_base: int | None = None, scale_bounds: ScaleBounds = (1, 10), resamples: int = 999, seed: int = 0,
    weights: str | None = None, complaints: Sequence[str] = (),
    complaint_parts: Sequence[str] = ("summary", "word_of_mouth"), word_of_mouth: WordOfMouthSettings | None = None,
    kano: Sequence[tuple[str, str, str]] = (),
) -> ChangeTests:
    """Test the change between two waves (two runs' responses; rows are named by respondent, so
    an index shared by both frames is a respondent in both). Model indices: the permutation test
    of :func:`acsi.micom.compare_groups` (with MICOM: a change whose construct is not
    compositionally invariant is flagged not comparable); NPS: the two-group z test; complaint
    and word-of-mouth metrics: :func:`acsi.metric_tests.complaint_tests`. Options as in
    :func:`segments_against_rest`. Waves that share respondents are not tested."""
    shared = int(current.index.isin(previous.index).sum())
    if shared:
        return ChangeTests((), overlap=shared, notes=(f"the two runs share {shared} respondents; "
                                                      "only runs of separate waves (periods) are tested",))
    found: list[SegmentTest] = []
    notes: list[str] = []
    multigroup = None
    if spec is not None:
        chosen = tuple(constructs) or (("satisfaction",) if "satisfaction" in spec.construct_names
                                       else spec.construct_names)
        now, before, sub = _capped(current[answered_rows(current, spec, missing)],
                                   previous[answered_rows(previous, spec, missing)], seed, "waves")
        base = recommended_min_base(spec, "plsc" if consistent else "pls") if min_base is None else int(min_base)
        if min(usable_rows(now, spec, missing, weights)[1], usable_rows(before, spec, missing, weights)[1]) < base:
            notes.append(f"the model's indices were not tested (a wave has fewer than {base} usable rows)")
        else:
            compared = _compare_one(spec, "current", now, before, {
                "resamples": resamples, "seed": seed, "weights": weights, "consistent": consistent,
                "missing": missing, "min_base": min_base, "scale_bounds": scale_bounds}, second_label="previous")
            if isinstance(compared, str):
                notes.append(f"the model's indices were not tested ({compared})")
            else:
                multigroup = {"subsample": sub, **compared.to_dict()}
                for construct in chosen:
                    difference, p, p_count = compared.index_differences[construct]
                    found.append(SegmentTest(construct, ALL_SEGMENT, "permutation", difference, p, None, len(now),
                                             len(before), resamples, compared.successful, sub,
                                             compared.invariance_of(construct), p_count))
    for code, column in (nps or {}).items():
        test = _nps_test(code, ALL_SEGMENT, current, previous, column, weights)
        if test is not None:
            found.append(test)
    if complaints:
        found += _complaint_tests(ALL_SEGMENT, current, previous, complaints, complaint_parts, weights, word_of_mouth)
    found += [_as_segment_test(t, ALL_SEGMENT) for t in kano_tests(current, previous, pairs=kano, weights=weights)]
    adjusted = holm_adjust([t.p_value for t in found])
    return ChangeTests(tuple(replace(t, p_value_holm=p) for t, p in zip(found, adjusted)), notes=tuple(notes),
                       multigroup=multigroup)
