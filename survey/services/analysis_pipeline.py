"""The bridge from collected responses to stored analysis results.

Reads a questionnaire version's responses in bulk (:mod:`survey.services.response_matrix`),
works out from the document which analyses apply (construct-bound items → the ACSI/ECSI/CCSI
model; NPS questions; Kano pairs; the complaint follow-up codes), calls :mod:`acsi` per segment
and returns JSON payloads. Nothing here writes to the database.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from acsi.complaints import summarise_complaints
from acsi.errors import AcsiError
from acsi.report import segment_entry
from acsi.kano import analyse_kano
from acsi.nps import net_promoter_score
from acsi.segment_fit import SkippedSegment, fit_segment
from acsi.segment_tests import segments_against_rest
from acsi.segments import ALL_SEGMENT, split_by_segment
from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.word_of_mouth import calibrated_word_of_mouth, measured_word_of_mouth
from survey.questionnaire.document import Questionnaire, Variable
from survey.services.response_matrix import load_responses
from survey.services.run_weights import (
    WEIGHT_COLUMN, Margins, MarginsError, WeightsError, check_margins, describe_weights, run_weights,
)
from survey.services.segment_attributes import KEY_PATTERN

COMPLAINT_CODES = ("handle", "resolution_satisfaction", "resolution_status", "first_contact",
                   "repurchase", "purchase_change", "people_told", "told_valence")
Checkpoint = Callable[[float, str], None]
#: Bootstrap resamples of a run unless the analyst asks otherwise: enough for a stable 95 % CI.
DEFAULT_BOOTSTRAP = 500
#: Segment-vs-rest permutation tests reshuffle as often as the bootstrap resamples, at least this
#: often (p-values then resolve 1/1000: Holm over up to 50 comparisons can still reach 5 %).
MIN_PERMUTATIONS = 999
#: The construct whose drivers the stored importance–performance map shows.
IPMA_TARGET = "satisfaction"


# Why a run can fail once it is under way (English, as stored on the run; the report pages show
# them in the reader's language, see survey.reports.views.failure_text).
MISSING_ITEMS = "the {model} model needs the items {items}, which no question of this questionnaire is bound to"
NOTHING_TO_ANALYSE = ("this questionnaire has no construct-bound items, NPS, Kano or complaint follow-up "
                      "questions to analyse")
NO_RESPONSES = "no complete responses match the chosen versions and period"


class AnalysisSetupError(ValueError):
    """The requested analysis does not fit the questionnaire; the message says why."""


@dataclass(frozen=True, slots=True)
class AnalysisParameters:
    version_ids: tuple[int, ...]
    model: Literal["acsi", "ecsi", "ccsi"] = "acsi"
    method: Literal["pls", "plsc"] = "pls"
    segment_dimensions: tuple[str, ...] = ()
    bootstrap: int = 0
    seed: int = 1
    # EM for items a respondent skipped: mean replacement biased the index under MAR (+0.97 points
    # in the audit, CI coverage 0.60) where EM was unbiased.
    missing: Literal["em", "mean", "listwise"] = "em"
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    # Respondent weights (survey.services.run_weights): a numeric segment attribute, raking to
    # population margins ((dimension, ((value, share), ...)), ...), or both.
    weight_attribute: str | None = None
    margins: Margins = ()

    def __post_init__(self) -> None:
        if not self.version_ids:
            raise AnalysisSetupError("choose at least one questionnaire version")
        if self.model not in BUILTIN_MODELS:
            raise AnalysisSetupError(f"model {self.model!r} is not one of {', '.join(BUILTIN_MODELS)}")
        if self.method not in ("pls", "plsc"):
            raise AnalysisSetupError(f"method {self.method!r} is not 'pls' or 'plsc'")
        if not 0 <= self.bootstrap <= 5000:
            raise AnalysisSetupError(f"bootstrap {self.bootstrap} must be between 0 and 5000 resamples")
        if self.missing not in ("em", "mean", "listwise"):
            raise AnalysisSetupError(f"missing-item rule {self.missing!r} is not 'em', 'mean' or 'listwise'")
        if self.weight_attribute is not None and not re.match(KEY_PATTERN, self.weight_attribute):
            raise AnalysisSetupError(f"weight attribute {self.weight_attribute!r} must match {KEY_PATTERN}")
        try:
            check_margins(self.margins)
        except MarginsError as error:
            raise AnalysisSetupError(f"population margins: {error}") from error

    @property
    def weighted(self) -> bool:
        return self.weight_attribute is not None or bool(self.margins)

    def to_dict(self) -> dict[str, Any]:
        return {"version_ids": list(self.version_ids), "model": self.model, "method": self.method,
                "segment_dimensions": list(self.segment_dimensions), "bootstrap": self.bootstrap,
                "seed": self.seed, "missing": self.missing,
                "submitted_from": self.submitted_from.isoformat() if self.submitted_from else None,
                "submitted_to": self.submitted_to.isoformat() if self.submitted_to else None,
                "weight_attribute": self.weight_attribute,
                "margins": {dimension: dict(levels) for dimension, levels in self.margins}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnalysisParameters:
        return cls(
            version_ids=tuple(int(v) for v in data["version_ids"]), model=data.get("model", "acsi"),
            method=data.get("method", "pls"), segment_dimensions=tuple(data.get("segment_dimensions", ())),
            bootstrap=int(data.get("bootstrap", 0)), seed=int(data.get("seed", 1)),
            # Runs stored before the missing-item rule was a parameter used mean replacement.
            missing=data.get("missing", "mean"),
            submitted_from=datetime.fromisoformat(data["submitted_from"]) if data.get("submitted_from") else None,
            submitted_to=datetime.fromisoformat(data["submitted_to"]) if data.get("submitted_to") else None,
            weight_attribute=data.get("weight_attribute"),
            margins=tuple((str(d), tuple((str(v), float(share)) for v, share in levels.items()))
                          for d, levels in (data.get("margins") or {}).items()),
        )


@dataclass(frozen=True, slots=True)
class StoredResult:
    kind: str
    segment: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which columns to load and which analyses apply."""

    model_items: Mapping[str, Variable]  # model indicator → answer variable
    spec: ModelSpec | None
    nps: tuple[str, ...]
    kano: tuple[tuple[str, str], ...]  # (question code, attribute label)
    complaints: tuple[str, ...]
    numeric: tuple[str, ...]
    text: tuple[str, ...]


def plan_analysis(document: Questionnaire, parameters: AnalysisParameters) -> _Plan:
    variables = document.variables()
    bound = {v.binding.indicator: v for v in variables
             if v.binding is not None and v.binding.model == parameters.model}
    spec = BUILTIN_MODELS[parameters.model]
    missing = [item for item in spec.items if item not in bound]
    if bound and missing:
        raise AnalysisSetupError(MISSING_ITEMS.format(model=parameters.model.upper(), items=", ".join(missing)))
    questions = list(document.questions())
    nps = tuple(q.code for q in questions if q.type == "nps")
    kano = tuple((q.code, q.settings.attribute.en or q.settings.attribute.zh or q.code)
                 for q in questions if q.type == "kano")
    codes = {v.code for v in variables}
    complaints = tuple(c for c in COMPLAINT_CODES if c in codes) if "resolution_satisfaction" in codes else ()
    numeric, text = set(nps), set()
    for variable in bound.values():
        (numeric if variable.kind == "number" else text).add(variable.code)
    for code, _label in kano:
        text.update({f"{code}_f", f"{code}_d"})
        if f"{code}_imp" in codes:
            numeric.add(f"{code}_imp")
    for code in complaints:
        kind = next(v.kind for v in variables if v.code == code)
        (numeric if kind == "number" else text).add(code)
    return _Plan(bound, spec if bound else None, nps, kano, complaints, tuple(sorted(numeric)),
                 tuple(sorted(text - numeric)))


def _model_frame(plan: _Plan, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[float, float]]]:
    columns, bounds = {}, {}
    for indicator, variable in plan.model_items.items():
        values = frame[variable.code]
        if variable.kind != "number":  # yes/no → 1/0 (the complaint indicator)
            values = values.map({"yes": 1.0, "no": 0.0}).astype("float64")
        columns[indicator] = values
        low = variable.minimum if variable.minimum is not None else float(values.min())
        high = variable.maximum if variable.maximum is not None else float(values.max())
        bounds[indicator] = (0.0, 1.0) if variable.kind != "number" else (float(low), float(high))
    return pd.DataFrame(columns), bounds


def _segments(frame: pd.DataFrame, dimensions: tuple[str, ...]) -> Iterator[tuple[str, pd.DataFrame]]:
    yield ALL_SEGMENT, frame
    for dimension in dimensions:
        for label, rows in split_by_segment(frame, f"segment_{dimension}"):
            if label != ALL_SEGMENT:
                yield f"{dimension}={label}", rows


def _acsi_results(plan: _Plan, parameters: AnalysisParameters, label: str, rows: pd.DataFrame) -> dict[str, Any]:
    """The model fit of one segment, by the rules of ``acsi.segment_fit`` (minimum base, bootstrap,
    indices, validity): its payload, or ``{"skipped": why, "n": rows}``."""
    items, bounds = _model_frame(plan, rows)
    weights = None
    if WEIGHT_COLUMN in rows:
        items[WEIGHT_COLUMN], weights = rows[WEIGHT_COLUMN], WEIGHT_COLUMN
    fitted = fit_segment(plan.spec, items, label, method=parameters.method, missing=parameters.missing,
                         weights=weights, scale_bounds=bounds, resamples=parameters.bootstrap, seed=parameters.seed)
    target = IPMA_TARGET if IPMA_TARGET in plan.spec.construct_names else None
    # The segment's entry of the fit document (acsi.report), exactly as `python -m acsi fit` prints it.
    entry = segment_entry(fitted, ipma_target=target)
    if isinstance(fitted, SkippedSegment):
        return {"skipped": fitted.reason, "n": int(len(items)), "entry": entry}
    payload = {"fit": fitted.results.to_dict(), "indices": fitted.indices.to_dict(),
               "validity": fitted.validity.to_dict(), "entry": entry}
    if entry["ipma"] is not None:
        payload["ipma"] = entry["ipma"]
    if fitted.bootstrap is not None:
        payload["bootstrap"] = {**fitted.bootstrap.to_dict(),
                                "intervals_reliable": fitted.bootstrap.intervals_reliable}
    return payload


def _segment_tests(plan: _Plan, parameters: AnalysisParameters, frame: pd.DataFrame) -> dict[str, Any]:
    """Every segment against the rest of the sample (:func:`acsi.segment_tests.segments_against_rest`):
    the model's satisfaction and loyalty indices by permutation, each NPS question by its z test,
    Holm over the run."""
    columns = {dimension: f"segment_{dimension}" for dimension in parameters.segment_dimensions}
    parts = [frame[list(columns.values())]]
    bounds: dict[str, tuple[float, float]] = {}
    if plan.spec is not None:
        items, bounds = _model_frame(plan, frame)
        parts.append(items)
    nps = {code: f"nps {code}" for code in plan.nps}  # a space: never an indicator's name
    parts += [frame[code].rename(column) for code, column in nps.items()]
    weighted = WEIGHT_COLUMN in frame
    if weighted:
        parts.append(frame[WEIGHT_COLUMN])
    constructs = tuple(c for c in ("satisfaction", "loyalty") if plan.spec and c in plan.spec.construct_names)
    tests = segments_against_rest(
        pd.concat(parts, axis=1), columns, spec=plan.spec, constructs=constructs, nps=nps,
        consistent=parameters.method == "plsc", missing=parameters.missing, scale_bounds=bounds or (1, 10),
        resamples=max(parameters.bootstrap, MIN_PERMUTATIONS), seed=parameters.seed,
        weights=WEIGHT_COLUMN if weighted else None)
    return tests.to_dict()


def _weights_of(rows: pd.DataFrame, index: pd.Index) -> np.ndarray | None:
    """The run's weights of the rows ``index`` (None in an unweighted run)."""
    return rows.loc[index, WEIGHT_COLUMN].to_numpy(float) if WEIGHT_COLUMN in rows else None


def _kano_frame(plan: _Plan, rows: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for code, label in plan.kano:
        part = pd.DataFrame({"attribute": label, "functional": rows[f"{code}_f"],
                             "dysfunctional": rows[f"{code}_d"], "respondent": rows.index})
        if f"{code}_imp" in rows:
            part["importance"] = rows[f"{code}_imp"]
        if WEIGHT_COLUMN in rows:
            part["weight"] = rows[WEIGHT_COLUMN].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _complaint_frame(rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows.copy()
    for column in ("resolution_satisfaction", "handle", "repurchase"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column])
    return frame


def display_names(document: Questionnaire, plan: _Plan, segments: list[str]) -> dict[str, list[str]]:
    """Bilingual names the reports show instead of stored codes: ``"dimension=value"`` -> the
    choice label of the questionnaire's profile question ``dimension`` (when there is one), and
    ``"kano:<attribute>"`` -> the attribute's name, each as ``[zh_CN, en]``."""
    names: dict[str, list[str]] = {}
    questions = {q.code: q for q in document.questions()}
    for label in segments:
        dimension, _sep, value = label.partition("=")
        question = questions.get(dimension)
        if question is None:
            continue
        for variable in question.variables()[:1]:
            for choice in variable.choices:
                if choice.code == value:
                    names[label] = [choice.label.zh, choice.label.en]
    for code, stored in plan.kano:
        question = questions[code]
        attribute = question.settings.attribute
        names[f"kano:{stored}"] = [attribute.zh or question.text.zh, attribute.en or question.text.en]
    return names


def run_analysis(engine: Engine, document: Questionnaire, parameters: AnalysisParameters,
                 checkpoint: Checkpoint) -> list[StoredResult]:
    """Every applicable analysis for every segment. ``checkpoint(fraction, stage)`` is called
    between steps (it may raise to cancel). Raises AnalysisSetupError / AcsiError with messages a
    person can act on."""
    plan = plan_analysis(document, parameters)
    if not (plan.spec or plan.nps or plan.kano or plan.complaints):
        raise AnalysisSetupError(NOTHING_TO_ANALYSE)
    checkpoint(0.02, "loading responses")
    keys = tuple(dict.fromkeys((*parameters.segment_dimensions,
                                *((parameters.weight_attribute,) if parameters.weight_attribute else ()),
                                *(dimension for dimension, _levels in parameters.margins))))
    frame = load_responses(engine, version_ids=list(parameters.version_ids), numeric=plan.numeric,
                           text=plan.text, segment_keys=keys,
                           submitted_from=parameters.submitted_from, submitted_to=parameters.submitted_to)
    if frame.empty:
        raise AnalysisSetupError(NO_RESPONSES)
    meta: dict[str, Any] = {}
    if parameters.weighted:
        try:
            weights = run_weights(frame, attribute=parameters.weight_attribute, margins=parameters.margins)
        except WeightsError as error:
            raise AnalysisSetupError(str(error)) from error
        frame[WEIGHT_COLUMN] = weights
        meta["weights"] = describe_weights(weights, attribute=parameters.weight_attribute,
                                           margins=parameters.margins)
    segments = list(_segments(frame, parameters.segment_dimensions))
    stored: list[StoredResult] = [StoredResult("meta", ALL_SEGMENT, {
        "n": int(len(frame)), "segments": [label for label, _ in segments],
        "names": display_names(document, plan, [label for label, _ in segments]),
        "parameters": parameters.to_dict(), **meta})]
    for position, (label, rows) in enumerate(segments):
        checkpoint(0.05 + 0.85 * position / len(segments), f"segment {label}")
        if plan.spec is not None:
            stored.append(StoredResult(parameters.model, label, _acsi_results(plan, parameters, label, rows)))
        for code in plan.nps:
            scores = rows[code].dropna()
            stored.append(StoredResult(f"nps:{code}", label, net_promoter_score(
                scores, weights=_weights_of(rows, scores.index)).to_dict()))
        if plan.kano:
            attributes = analyse_kano(_kano_frame(plan, rows), weights="weight" if parameters.weighted else None)
            stored.append(StoredResult("kano", label, {"attributes": [a.to_dict() for a in attributes]}))
        if plan.complaints:
            complaint_rows = _complaint_frame(rows)
            payload: dict[str, Any] = {"summary": summarise_complaints(
                complaint_rows, weights=WEIGHT_COLUMN if parameters.weighted else None).to_dict()}
            satisfaction = complaint_rows["resolution_satisfaction"].dropna()
            payload["word_of_mouth_calibrated"] = calibrated_word_of_mouth(
                satisfaction, weights=_weights_of(rows, satisfaction.index)).to_dict()
            if "people_told" in complaint_rows and "told_valence" in complaint_rows:
                told = complaint_rows[["people_told", "told_valence"]].dropna()
                payload["word_of_mouth_measured"] = measured_word_of_mouth(
                    pd.to_numeric(told["people_told"]), told["told_valence"],
                    weights=_weights_of(rows, told.index)).to_dict()
            stored.append(StoredResult("complaints", label, payload))
    if parameters.segment_dimensions and (plan.spec is not None or plan.nps):
        checkpoint(0.93, "testing segments against the rest")
        stored.append(StoredResult("segment_tests", ALL_SEGMENT, _segment_tests(plan, parameters, frame)))
    checkpoint(0.97, "storing results")
    return stored


__all__ = ["AcsiError", "AnalysisParameters", "DEFAULT_BOOTSTRAP", "AnalysisSetupError", "StoredResult", "display_names",
           "plan_analysis", "run_analysis"]
