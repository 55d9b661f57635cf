"""The frozen dataclasses of a report view (built by :func:`reports.view_model.build_report`).

Pure data: numbers are floats or None (never NaN); reliability flags are "reliable",
"unreliable" or "suppressed"; note and footnote keys are keys of :mod:`reports.labels`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from acsi.problems import Problem
from reports.labels import criterion_label, footnote_text, pick, threshold_text, validity_subject

Results = Mapping[tuple[str, str], Mapping[str, Any]]
Significance = Literal["up", "down", "none", "unknown"]
CardKey = Literal["satisfaction", "loyalty", "nps", "word_of_mouth", "complaint_handling"]
CARD_KEYS: tuple[CardKey, ...] = ("satisfaction", "loyalty", "nps", "word_of_mouth", "complaint_handling")


@dataclass(frozen=True, slots=True)
class Estimate:
    """One number with its CI, SE, n and reliability flag ("reliable"/"unreliable"/"suppressed")."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    se: float | None = None
    n: int | None = None
    reliability: str = "reliable"
    note: str = ""
    flags: tuple[str, ...] = ()  # label keys: "inadmissible_fit", "ci_unreliable"


@dataclass(frozen=True, slots=True)
class IndexCard:
    key: CardKey
    estimate: Estimate
    change: float | None
    significance: Significance
    notes: tuple[str, ...] = ()  # label keys: "no_ci", "not_measured", "no_previous", ...
    # How the change was tested: "permutation" / "nps_z" (stored with the run, acsi.segment_tests
    # .compare_waves; ``change_p`` is Holm's p) or "z_se" (a z test on the two runs' SEs).
    change_test: str | None = None
    change_p: float | None = None


@dataclass(frozen=True, slots=True)
class SegmentMark:
    """The stored test of a segment against the rest of the sample (``acsi.segment_tests``)."""

    test: str  # "permutation" | "nps_z"
    difference: float | None  # segment − rest
    p_value: float | None
    p_value_holm: float | None
    mark: Literal["higher", "lower", "none"]
    comparable: bool = True  # False: MICOM found the construct not compositionally invariant


@dataclass(frozen=True, slots=True)
class DriverDifference:
    """A path that differs between a segment and the rest (permutation MGA, Holm p < 0.05)."""

    segment: str
    source: str
    target: str
    in_segment: float
    in_rest: float
    p_value_holm: float
    value_names: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SegmentRow:
    segment: str  # "region=east"
    dimension: str
    level: str
    estimate: Estimate
    value_names: tuple[str, str] | None = None  # (zh_CN, en) of the level, when the run knows them
    test: SegmentMark | None = None  # None: not tested (no stored test, below the base)


@dataclass(frozen=True, slots=True)
class SegmentComparison:
    metric: CardKey
    overall: Estimate
    rows: tuple[SegmentRow, ...]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One wave of a trend series, with its change from the previous point of the series.

    ``change``/``significance``/``change_test``/``change_p`` as on :class:`IndexCard`: the run's
    stored change test when it was made against the previous point's run, else the z test on the
    two SEs; the first point has no change ("unknown", no test)."""

    run_label: str
    estimate: Estimate
    change: float | None = None
    significance: Significance = "unknown"
    change_test: str | None = None
    change_p: float | None = None
    notes: tuple[str, ...] = ()  # label keys: "change_overlap", "change_not_comparable"
    run_id: int | None = None


@dataclass(frozen=True, slots=True)
class TrendSeries:
    metric: CardKey
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True, slots=True)
class IpmaPoint:
    construct: str
    importance: float  # total effect on the target construct
    performance: float  # index 0–100


@dataclass(frozen=True, slots=True)
class KanoPoint:
    attribute: str
    better: float | None
    worse: float | None
    category: str | None
    shares: Mapping[str, float]
    n: int
    reliability: str
    names: tuple[str, str] | None = None  # (zh_CN, en) of the attribute, when the run knows them

    def label(self, locale: str) -> str:
        return pick(self.names, locale, self.attribute)


@dataclass(frozen=True, slots=True)
class PathEdge:
    source: str
    target: str
    estimate: float
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True, slots=True)
class PathModel:
    model: str
    constructs: tuple[str, ...]
    edges: tuple[PathEdge, ...]
    r_squared: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class ComplaintPanel:
    rates: tuple[tuple[str, Estimate], ...]  # (label key, proportion)
    purchase_change: tuple[tuple[str, Estimate], ...]  # ("purchase_more", ...)
    handling_mean: Estimate | None
    word_of_mouth: Estimate | None


@dataclass(frozen=True, slots=True)
class ValidityRow:
    name: str
    subject: str
    value: float | None
    threshold: str
    passed: bool | None

    def label(self, locale: str) -> str:
        """The criterion's name in ``locale`` ("cronbach_alpha" -> "Cronbach α 系数")."""
        return criterion_label(self.name, locale)

    def subject_label(self, locale: str) -> str:
        return validity_subject(self.subject, locale)

    @property
    def rule(self) -> str:
        return threshold_text(self.threshold)


@dataclass(frozen=True, slots=True)
class ValiditySummaryRow:
    """One criterion over all its subjects: passes, and the failing subjects (the flags)."""

    name: str
    threshold: str
    passed: int
    checked: int
    failed_subjects: tuple[str, ...]
    low: float | None
    high: float | None

    def label(self, locale: str) -> str:
        return criterion_label(self.name, locale)

    def subjects_label(self, locale: str) -> tuple[str, ...]:
        return tuple(validity_subject(s, locale) for s in self.failed_subjects)

    @property
    def rule(self) -> str:
        return threshold_text(self.threshold)


def validity_summary(rows: Sequence[ValidityRow]) -> tuple[ValiditySummaryRow, ...]:
    """Group criterion rows by name (first-seen order): counts, failing subjects, value range."""
    names = list(dict.fromkeys(r.name for r in rows))
    out = []
    for name in names:
        group = [r for r in rows if r.name == name]
        values = [r.value for r in group if r.value is not None]
        out.append(ValiditySummaryRow(
            name, group[0].threshold, sum(r.passed is True for r in group), sum(r.passed is not None for r in group),
            tuple(r.subject for r in group if r.passed is False),
            min(values) if values else None, max(values) if values else None))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Footnote:
    """One setting the report names: a label key and its parameters (numbers, codes, names),
    written in a language by :func:`reports.labels.footnote_text`."""

    key: str
    params: Mapping[str, Any]

    def text(self, locale: str) -> str:
        return footnote_text(self.key, self.params, locale)


@dataclass(frozen=True, slots=True)
class ReportView:
    run_id: int | None
    n: int
    model: str | None
    cards: tuple[IndexCard, ...]
    segments: tuple[SegmentComparison, ...]
    trend: tuple[TrendSeries, ...]
    ipma: tuple[IpmaPoint, ...]
    ipma_target: str
    kano: tuple[KanoPoint, ...]
    path: PathModel | None
    complaints: ComplaintPanel | None
    validity: tuple[ValidityRow, ...]
    # Why the fit is not admissible / the model was not estimated: codes and parameters
    # (acsi.problems.Problem), or the English text a run stored before problems had codes.
    admissibility_problems: tuple[Problem | str, ...]
    model_skipped: Problem | str | None
    footnotes: tuple[Footnote, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    driver_differences: tuple[DriverDifference, ...] = ()
