"""One analysis run, computed in one place: every metric of every segment, and the segment tests.

The web pipeline (``survey.services.analysis_pipeline``: it loads responses and stores what this
returns) and ``python -m acsi run`` both call :func:`analyse`; ``flask analysis show`` and
``python -m acsi run`` print :meth:`RunResults.document`, the fit document of
docs/acsi-fit-json.md with the run's other metrics. Pure: a DataFrame and frozen settings in,
a frozen :class:`RunResults` out.

In: one row per respondent with

* the model's items as columns named by the model's indicators (numbers; yes/no items as 1/0),
* NPS answers (0–10), Kano pairs (functional / dysfunctional codes, optional 1–9 importance) and
  complaint follow-up columns (``acsi.complaints`` names: ``resolution_satisfaction``...),
* a text column per segment dimension, and optionally a column of respondent weights.

Out, per segment ("all" first, then ``dimension=value`` per dimension in order): the model fit
(``acsi.segment_fit.fit_segment``: minimum base, bootstrap, indices, validity, and the segment's
entry of the fit document), one NPS per question, the Kano attributes, the complaint metrics
with word of mouth; then each segment against the rest (``acsi.segment_tests``).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.errors import AcsiError
from acsi.report import fit_document, segment_entry
from acsi.segment_fit import SkippedSegment, fit_segment, recommended_min_base
from acsi.segments import ALL_SEGMENT, NCHS_RULE, SuppressionRule, split_by_segment
from acsi.spec import ModelSpec
from acsi.threads import process_map

# NPS, Kano, complaints, word of mouth and the segment tests are imported where they are used:
# they pull in scipy.stats and statsmodels (a second of start-up) that a model-only run, such as
# ``python -m acsi fit``, does not need.

__all__ = ["COMPLAINT_COLUMNS", "COMPLAINT_NUMBERS", "MIN_PERMUTATIONS", "IPMA_TARGET", "KanoPair", "RunOptions", "RunPlan", "RunRecord", "RunResults",
           "analyse", "document_of"]

#: Segment-vs-rest permutation tests reshuffle as often as the bootstrap resamples, at least this
#: often (p-values then resolve 1/1000: Holm over up to 50 comparisons can still reach 5 %).
MIN_PERMUTATIONS = 999
#: The construct whose drivers the stored importance–performance map shows.
IPMA_TARGET = "satisfaction"
#: The complaint follow-up columns the complaint metrics read (acsi.complaints names), and those
#: of them that are numbers.
COMPLAINT_COLUMNS = ("complained", "handle", "resolution_satisfaction", "resolution_status", "first_contact",
                     "repurchase", "purchase_change", "people_told", "told_valence", "opened_at", "resolved_at")
COMPLAINT_NUMBERS = ("resolution_satisfaction", "handle", "repurchase", "people_told")

Checkpoint = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class KanoPair:
    """One Kano attribute: its name and the columns of its functional / dysfunctional answers."""

    attribute: str
    functional: str
    dysfunctional: str
    importance: str | None = None


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a run computes. ``model``: fitted on its indicator columns with ``scale_bounds``
    (item → (low, high)); ``nps``: question code → 0–10 column; ``kano``: attribute pairs;
    ``complaints``: the complaint follow-up columns present (empty: no complaint metrics), of
    which ``complaint_parts`` computes the complaint summary ("summary") and the word-of-mouth
    indices ("word_of_mouth")."""

    model: ModelSpec | None = None
    scale_bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    nps: Mapping[str, str] = field(default_factory=dict)
    kano: tuple[KanoPair, ...] = ()
    complaints: tuple[str, ...] = ()
    complaint_parts: tuple[str, ...] = ("summary", "word_of_mouth")

    def __post_init__(self) -> None:
        if self.model is None and not (self.nps or self.kano or self.complaints):
            raise AcsiError("the run has nothing to analyse: no model, NPS, Kano or complaint columns")
        if self.model is not None:
            missing = [item for item in self.model.items if item not in self.scale_bounds]
            if missing:
                raise AcsiError(f"scale bounds are missing for the items {', '.join(missing)}")
        unknown = [c for c in self.complaints if c not in COMPLAINT_COLUMNS]
        if unknown:
            raise AcsiError(f"{unknown[0]!r} is not a complaint column; they are {', '.join(COMPLAINT_COLUMNS)}")
        parts = [p for p in self.complaint_parts if p not in ("summary", "word_of_mouth")]
        if parts or not self.complaint_parts:
            raise AcsiError(f"complaint_parts {self.complaint_parts!r} must be 'summary' and/or 'word_of_mouth'")
        if ("word_of_mouth",) == tuple(self.complaint_parts) and self.complaints and not (
                "resolution_satisfaction" in self.complaints or {"people_told", "told_valence"} <= set(self.complaints)):
            raise AcsiError("word of mouth needs 'resolution_satisfaction' or both 'people_told' and 'told_valence'")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a run computes. ``dimensions``: segment dimension → its column; ``weights``: a column
    of respondent weights (None: unweighted)."""

    method: Literal["pls", "plsc", "cbsem"] = "pls"
    missing: Literal["em", "mean", "listwise"] = "em"
    dimensions: Mapping[str, str] = field(default_factory=dict)
    weights: str | None = None
    bootstrap: int = 500
    seed: int = 1
    min_permutations: int = MIN_PERMUTATIONS
    n_jobs: int = 1  # worker processes for bootstraps and segment tests; results do not depend on it
    # The model's details (acsi.segment_fit.fit_segment): inner scheme, minimum base (None: the
    # recommended one), bootstrap interval level, the IPMA's target construct (None: no IPMA).
    scheme: Literal["path", "centroid", "factorial"] = "path"
    min_base: int | None = None
    level: float = 0.95
    ipma_target: str | None = IPMA_TARGET
    # Segment tests (each segment against the rest) run when there are dimensions; off: the fits only.
    segment_tests: bool = True
    # The whole sample must fit: below the minimum base or not estimable, the run fails (instead
    # of a skipped "all"), as ``python -m acsi fit`` has always answered.
    strict_all: bool = False
    # NPS, Kano, complaint and word-of-mouth cells: when a cell is shown (``level`` is the level
    # of their intervals too); suppressed cells keep only their n unless ``redact_suppressed``
    # is off; Kano's category-strength threshold and screening of extreme answer patterns; the
    # TARP reach constants (people told by fully satisfied / other complainers).
    suppression: SuppressionRule = NCHS_RULE
    redact_suppressed: bool = True
    kano_threshold: float = 0.06
    kano_screen_extreme: bool = False
    word_of_mouth_reach: tuple[float, float] = (4.5, 9.5)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One stored result: ``kind`` ("acsi" / "ecsi" / "ccsi", "nps:<code>", "kano", "complaints",
    "segment_tests") of ``segment``, a JSON-serialisable payload."""

    kind: str
    segment: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RunResults:
    """Everything a run computed: ``n`` rows, the segment labels in order, the records."""

    n: int
    segments: tuple[str, ...]
    records: tuple[RunRecord, ...]
    model: str | None
    options: RunOptions
    sizes: tuple[int, ...] = ()  # rows per segment, in the order of ``segments``

    def get(self, kind: str, segment: str = ALL_SEGMENT) -> Mapping[str, Any] | None:
        return next((r.payload for r in self.records if r.kind == kind and r.segment == segment), None)

    def document(self, *, run: Mapping[str, Any] | None = None,
                 names: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The fit document (docs/acsi-fit-json.md) of this run; see :func:`document_of`."""
        return document_of({(r.kind, r.segment): r.payload for r in self.records}, segments=self.segments,
                           model=self.model, method=self.options.method, missing=self.options.missing,
                           bootstrap=self.options.bootstrap, seed=self.options.seed, run=run, names=names)


def _segments(frame: pd.DataFrame, dimensions: Mapping[str, str]) -> list[tuple[str, pd.DataFrame]]:
    out = [(ALL_SEGMENT, frame)]
    for dimension, column in dimensions.items():
        out += [(f"{dimension}={label}", rows) for label, rows in split_by_segment(frame, column)
                if label != ALL_SEGMENT]
    return out


def _weights_of(rows: pd.DataFrame, index: pd.Index, weights: str | None) -> np.ndarray | None:
    return None if weights is None else rows.loc[index, weights].to_numpy(float)


def _model(plan: RunPlan, options: RunOptions, label: str, rows: pd.DataFrame) -> dict[str, Any]:
    spec = plan.model
    columns = [*spec.items, *([options.weights] if options.weights else [])]
    fitted = fit_segment(spec, rows[columns], label, method=options.method, scheme=options.scheme,
                         missing=options.missing, weights=options.weights, min_base=options.min_base,
                         scale_bounds=dict(plan.scale_bounds), resamples=options.bootstrap, seed=options.seed,
                         level=options.level, n_jobs=options.n_jobs,
                         strict=options.strict_all and label == ALL_SEGMENT)
    target = options.ipma_target if options.ipma_target in spec.construct_names else None
    entry = segment_entry(fitted, ipma_target=target)
    if isinstance(fitted, SkippedSegment):
        return {"skipped": fitted.reason, "skipped_code": fitted.problem.to_dict(), "n": int(len(rows)), "entry": entry}
    payload: dict[str, Any] = {"fit": fitted.results.to_dict(),
                               "indices": None if fitted.indices is None else fitted.indices.to_dict(),
                               "validity": None if fitted.validity is None else fitted.validity.to_dict(),
                               "entry": entry}
    if entry["ipma"] is not None:
        payload["ipma"] = entry["ipma"]
    if fitted.bootstrap is not None:
        payload["bootstrap"] = {**fitted.bootstrap.to_dict(), "intervals_reliable": fitted.bootstrap.intervals_reliable}
    return payload


def _kano(plan: RunPlan, options: RunOptions, rows: pd.DataFrame) -> dict[str, Any]:
    from acsi.kano import KanoSettings, analyse_kano

    settings = KanoSettings(category_strength_threshold=options.kano_threshold,
                            screen_extreme=options.kano_screen_extreme, confidence=options.level,
                            suppression=options.suppression)
    answered = np.zeros(len(rows), dtype=bool)
    parts = []
    for pair in plan.kano:
        part = pd.DataFrame({"attribute": pair.attribute, "functional": rows[pair.functional],
                             "dysfunctional": rows[pair.dysfunctional], "respondent": rows.index})
        if pair.importance is not None:
            part["importance"] = rows[pair.importance]
        if options.weights:
            part["weight"] = rows[options.weights].to_numpy()
        parts.append(part)
        answered |= (rows[pair.functional].notna() & rows[pair.dysfunctional].notna()).to_numpy()
    attributes = analyse_kano(pd.concat(parts, ignore_index=True), weights="weight" if options.weights else None,
                              settings=settings)
    # n: the respondents who answered at least one attribute (before any screening)
    return {"n": int(answered.sum()),
            "attributes": [a.to_dict(redact_suppressed=options.redact_suppressed) for a in attributes]}


def _word_of_mouth_settings(options: RunOptions) -> Any:
    from acsi.word_of_mouth import WordOfMouthSettings

    return WordOfMouthSettings(*options.word_of_mouth_reach, suppression=options.suppression)


def _complaints(plan: RunPlan, options: RunOptions, rows: pd.DataFrame) -> dict[str, Any]:
    """The complaint summary and the word-of-mouth indices (of complainers' answers) of ``rows``;
    an index whose columns are absent is None."""
    from acsi.complaints import ComplaintSettings, answered_values, complainers, summarise_complaints
    from acsi.word_of_mouth import calibrated_word_of_mouth, measured_word_of_mouth

    redact, level = options.redact_suppressed, options.level
    frame = rows[[*plan.complaints, *([options.weights] if options.weights else [])]]
    payload: dict[str, Any] = {"summary": None, "word_of_mouth_calibrated": None, "word_of_mouth_measured": None}
    if "summary" in plan.complaint_parts:
        payload["summary"] = summarise_complaints(frame, weights=options.weights, confidence=level, settings=(
            ComplaintSettings(suppression=options.suppression))).to_dict(redact_suppressed=redact)
    if "word_of_mouth" not in plan.complaint_parts:
        return payload
    settings = _word_of_mouth_settings(options)
    follow_up = complainers(frame)
    if "resolution_satisfaction" in frame:
        satisfaction = answered_values(follow_up, "resolution_satisfaction")
        payload["word_of_mouth_calibrated"] = calibrated_word_of_mouth(
            satisfaction, weights=_weights_of(rows, satisfaction.index, options.weights), settings=settings,
            confidence=level).to_dict(redact_suppressed=redact)
    if "people_told" in frame and "told_valence" in frame:
        told, valence = answered_values(follow_up, "people_told"), answered_values(follow_up, "told_valence")
        both = told.index.intersection(valence.index)
        payload["word_of_mouth_measured"] = measured_word_of_mouth(
            told[both], valence[both], weights=_weights_of(rows, both, options.weights), settings=settings,
            confidence=level).to_dict(redact_suppressed=redact)
    return payload


def _segment_models(plan: RunPlan, options: RunOptions, segments: list[tuple[str, pd.DataFrame]],
                    step: Checkpoint) -> dict[str, dict[str, Any]]:
    """The model payload of every segment. With ``n_jobs`` > 1, "all" shares its bootstrap among
    the worker processes and the other segments are fitted whole in them, one per process at a
    time (a 20,000-row segment's bootstrap is too short to split); results do not depend on it."""
    if plan.model is None:
        return {}
    models = {}
    for position, (label, rows) in enumerate(segments):
        if options.n_jobs > 1 and label != ALL_SEGMENT:
            continue
        step(0.05 + 0.6 * position / len(segments), f"segment {label}")
        models[label] = _model(plan, options, label, rows)
    rest = [(label, rows) for label, rows in segments if label not in models]
    if rest:
        step(0.1, f"fitting {len(rest)} segments in {options.n_jobs} processes")
        single = replace(options, n_jobs=1)
        fitted = process_map(_model, [(plan, single, label, rows) for label, rows in rest], options.n_jobs)
        models.update(zip((label for label, _rows in rest), fitted))
    return models


def analyse(frame: pd.DataFrame, plan: RunPlan, options: RunOptions = RunOptions(),
            checkpoint: Checkpoint | None = None, *,
            previous: pd.DataFrame | Callable[[], pd.DataFrame | str] | None = None) -> RunResults:
    """Compute ``plan`` on ``frame`` with ``options``; ``checkpoint(fraction, stage)`` is called
    between steps (it may raise to cancel). ``previous`` is the previous comparable run's data
    (same columns, rows named by respondent), or a function returning it (or the reason it cannot
    be compared), called only after the fits so that its memory does not add to their peak: the
    change since then is tested (:func:`acsi.segment_tests.compare_waves`, record
    ``change_tests``). Raises the :class:`~acsi.errors.AcsiError` family with messages naming
    the column, segment or rule."""
    step = checkpoint or (lambda _fraction, _stage: None)
    roles = [*(("segment column", c) for c in options.dimensions.values()),
             *((("weights column", options.weights),) if options.weights else ()),
             *(("NPS column", c) for c in plan.nps.values()), *(("column", c) for c in plan.complaints)]
    unknown = [(role, c) for role, c in roles if c not in frame.columns]
    if unknown:
        role, column = unknown[0]
        names = [str(c) for c in frame.columns]
        raise AcsiError(f"{role} {column!r} is not in the data; columns are {', '.join(names[:20])}"
                        + (f" and {len(names) - 20} more" if len(names) > 20 else ""))
    if plan.nps or options.segment_tests and options.dimensions or previous is not None:
        from acsi.nps import net_promoter_score
        from acsi.segment_tests import ChangeTests, compare_waves, segments_against_rest
    segments = _segments(frame, options.dimensions)
    models = _segment_models(plan, options, segments, step)
    records: list[RunRecord] = []
    for position, (label, rows) in enumerate(segments):
        step(0.05 + 0.85 * position / len(segments), f"segment {label}")
        if plan.model is not None:
            records.append(RunRecord(plan.model.name, label, models[label]))
        for code, column in plan.nps.items():
            scores = rows[column].dropna()
            records.append(RunRecord(f"nps:{code}", label, net_promoter_score(
                scores, weights=_weights_of(rows, scores.index, options.weights), confidence=options.level,
                rule=options.suppression).to_dict(redact_suppressed=options.redact_suppressed)))
        if plan.kano:
            records.append(RunRecord("kano", label, _kano(plan, options, rows)))
        if plan.complaints:
            records.append(RunRecord("complaints", label, _complaints(plan, options, rows)))
    tested = plan.model is not None or plan.nps or plan.complaints or plan.kano
    complaint_options = {"complaints": plan.complaints, "complaint_parts": plan.complaint_parts,
                         "word_of_mouth": _word_of_mouth_settings(options) if plan.complaints else None,
                         "kano": tuple((p.attribute, p.functional, p.dysfunctional) for p in plan.kano)}
    if options.segment_tests and options.dimensions and tested:
        step(0.93, "testing segments against the rest")
        spec = plan.model
        constructs = tuple(c for c in ("satisfaction", "loyalty") if spec and c in spec.construct_names)
        tests = segments_against_rest(
            frame, options.dimensions, spec=spec, constructs=constructs, nps=plan.nps,
            consistent=options.method == "plsc", missing=options.missing,
            scale_bounds=dict(plan.scale_bounds) if spec else (1, 10),
            resamples=max(options.bootstrap, options.min_permutations), seed=options.seed, weights=options.weights,
            n_jobs=options.n_jobs, **complaint_options)
        records.append(RunRecord("segment_tests", ALL_SEGMENT, tests.to_dict()))
    if previous is not None and tested:
        step(0.96, "testing the change since the previous run")
        spec = plan.model
        earlier = previous() if callable(previous) else previous
        changes = ChangeTests((), notes=(earlier,)) if isinstance(earlier, str) else compare_waves(
            frame, earlier, spec=spec,
            constructs=tuple(c for c in ("satisfaction", "loyalty") if spec and c in spec.construct_names),
            nps=plan.nps, consistent=options.method == "plsc", missing=options.missing,
            scale_bounds=dict(plan.scale_bounds) if spec else (1, 10),
            resamples=max(options.bootstrap, options.min_permutations), seed=options.seed, weights=options.weights,
            **complaint_options)
        records.append(RunRecord("change_tests", ALL_SEGMENT, changes.to_dict()))
    return RunResults(len(frame), tuple(label for label, _rows in segments), tuple(records),
                      None if plan.model is None else plan.model.name, options,
                      sizes=tuple(len(rows) for _label, rows in segments))


def _comparisons(tests: Mapping[str, Any] | None, constructs: Sequence[str]) -> list[dict[str, Any]] | None:
    """The run's permutation tests of model indices in the shape of the document's ``comparisons``."""
    if tests is None:
        return None
    return [{"construct": t["metric"], "first": t["segment"], "second": "rest", "method": t["test"],
             "difference": t["difference"], "p_value": t["p_value"], "p_value_holm": t["p_value_holm"],
             "ci_low": None, "ci_high": None, "resamples": t["resamples"], "successful": t["successful"],
             "n_first": t["n_segment"], "n_second": t["n_rest"]}
            for t in tests["tests"] if t["metric"] in constructs]


def document_of(results: Mapping[tuple[str, str], Mapping[str, Any]], *, segments: Sequence[str],
                model: str | None, method: str, missing: str, bootstrap: int, seed: int,
                run: Mapping[str, Any] | None = None, names: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The fit document of a run's ``results`` ({(kind, segment): payload}, as :func:`analyse`
    returns or a database stored them): the model's segment entries, its segment tests as
    ``comparisons``, and every other metric under ``metrics``. Raises :class:`AcsiError` for
    results stored before runs kept their fit entries."""
    from acsi.spec import BUILTIN_MODELS

    spec = BUILTIN_MODELS.get(model) if model else None
    entries: list[Mapping[str, Any]] = []
    bounds: Mapping[str, Any] = {}
    if model:
        payloads = [results[(model, label)] for label in segments if (model, label) in results]
        if any("entry" not in payload for payload in payloads):
            raise AcsiError("these results were stored before runs kept the fit document; start the same "
                            "analysis again to get one")
        entries = [payload["entry"] for payload in payloads]
        bounds = (results.get((model, ALL_SEGMENT), {}).get("indices") or {}).get("scale_bounds", {})
    tests = results.get(("segment_tests", ALL_SEGMENT))
    metrics: dict[str, Any] = {"nps": {}, "kano": {}, "complaints": {}, "segment_tests": tests,
                               "change_tests": results.get(("change_tests", ALL_SEGMENT)), "names": dict(names or {})}
    for (kind, label), payload in sorted(results.items()):
        if kind.startswith("nps:"):
            metrics["nps"].setdefault(kind.removeprefix("nps:"), {})[label] = payload
        elif kind in ("kano", "complaints"):
            metrics[kind][label] = payload
    return fit_document(
        spec, method=method, scheme="path", missing=missing, segment_column=None, weights_column=None,
        min_base=recommended_min_base(spec, method) if spec else None,  # type: ignore[arg-type]
        scale_bounds=bounds, bootstrap={"resamples": bootstrap, "seed": seed, "level": 0.95}
        if bootstrap and spec else None,
        segments=entries, comparisons=_comparisons(tests, spec.construct_names) if spec else None, rollup=None,
        warnings=[], run=run, metrics=metrics)
