"""The bridge from collected responses to stored analysis results.

Reads a questionnaire version's responses in bulk (:mod:`survey.services.response_matrix`),
works out from the document which analyses apply (construct-bound items → the ACSI/ECSI/CCSI
model; NPS questions; Kano pairs; the complaint follow-up codes), computes the run's weights and
hands the rest to the one orchestrator, :func:`acsi.run.analyse`; it returns what that computed
as JSON payloads (plus the run's "meta"). Nothing here writes to the database.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine

from acsi.errors import AcsiError
from acsi.run import COMPLAINT_COLUMNS, KanoPair, RunOptions, RunPlan, analyse
from acsi.segments import ALL_SEGMENT
from acsi.spec import BUILTIN_MODELS, ModelSpec
from survey.questionnaire.document import Questionnaire, Variable
from survey.services.response_matrix import load_responses
from survey.services.run_weights import (
    WEIGHT_COLUMN, Margins, MarginsError, WeightsError, check_margins, describe_weights, run_weights,
)
from survey.services.segment_attributes import KEY_PATTERN

Checkpoint = Callable[[float, str], None]
#: Bootstrap resamples of a run unless the analyst asks otherwise: enough for a stable 95 % CI.
DEFAULT_BOOTSTRAP = 500


# Why a run can fail once it is under way: English text stored in the run's ``error`` (logs, the
# command line), and a code with parameters stored beside it (``parameters["failure"]``) that the
# report pages translate (survey.reports.views.failure_text).
MISSING_ITEMS = "the {model} model needs the items {items}, which no question of this questionnaire is bound to"
NOTHING_TO_ANALYSE = ("this questionnaire has no construct-bound items, NPS, Kano or complaint follow-up "
                      "questions to analyse")
NO_RESPONSES = "no complete responses match the chosen versions and period"


class AnalysisSetupError(ValueError):
    """The requested analysis does not fit the questionnaire; the message says why. ``code`` and
    ``params`` name the reason for translation ("missing_items", "nothing_to_analyse",
    "no_responses"; None: only the message)."""

    def __init__(self, message: str, *, code: str | None = None, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


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
        raise AnalysisSetupError(MISSING_ITEMS.format(model=parameters.model.upper(), items=", ".join(missing)),
                                 code="missing_items", params={"model": parameters.model.upper(), "items": missing})
    questions = list(document.questions())
    nps = tuple(q.code for q in questions if q.type == "nps")
    kano = tuple((q.code, q.settings.attribute.en or q.settings.attribute.zh or q.code)
                 for q in questions if q.type == "kano")
    codes = {v.code for v in variables}
    complaints = tuple(c for c in COMPLAINT_COLUMNS if c in codes) if "resolution_satisfaction" in codes else ()
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


def _analysis_input(plan: _Plan, frame: pd.DataFrame) -> tuple[pd.DataFrame, RunPlan]:
    """The loaded responses as the orchestrator reads them (:mod:`acsi.run`): model items under
    their indicator names (yes/no as 1/0), NPS and Kano columns under names no code can take
    (they hold a space), complaint columns under their own names, segment and weight columns."""
    parts: list[pd.Series | pd.DataFrame] = [frame[[c for c in frame.columns
                                                    if c.startswith("segment_") or c == WEIGHT_COLUMN]]]
    bounds: dict[str, tuple[float, float]] = {}
    if plan.spec is not None:
        items, bounds = _model_frame(plan, frame)
        parts.append(items)
    nps = {code: f"nps {code}" for code in plan.nps}
    parts += [frame[code].rename(column) for code, column in nps.items()]
    kano = []
    for code, label in plan.kano:
        importance = f"kano {code}_imp" if f"{code}_imp" in frame else None
        kano.append(KanoPair(label, f"kano {code}_f", f"kano {code}_d", importance))
        parts += [frame[f"{code}_f"].rename(f"kano {code}_f"), frame[f"{code}_d"].rename(f"kano {code}_d")]
        if importance:
            parts.append(frame[f"{code}_imp"].rename(importance))
    parts += [frame[code] for code in plan.complaints]
    return pd.concat(parts, axis=1), RunPlan(model=plan.spec, scale_bounds=bounds, nps=nps, kano=tuple(kano),
                                             complaints=plan.complaints)


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


def _load(engine: Engine, plan: _Plan, parameters: AnalysisParameters, *, weighting: AnalysisParameters
          ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The responses ``parameters`` select (versions, period), indexed by response id, with the
    weights of ``weighting`` (the run's own rule, also applied to the previous wave) and their
    description. Raises AnalysisSetupError when a weight cannot be made."""
    keys = tuple(dict.fromkeys((*weighting.segment_dimensions,
                                *((weighting.weight_attribute,) if weighting.weight_attribute else ()),
                                *(dimension for dimension, _levels in weighting.margins))))
    frame = load_responses(engine, version_ids=list(parameters.version_ids), numeric=plan.numeric,
                           text=plan.text, segment_keys=keys,
                           submitted_from=parameters.submitted_from, submitted_to=parameters.submitted_to)
    meta: dict[str, Any] = {}
    if weighting.weighted and not frame.empty:
        try:
            weights = run_weights(frame, attribute=weighting.weight_attribute, margins=weighting.margins)
        except WeightsError as error:
            raise AnalysisSetupError(str(error)) from error
        frame[WEIGHT_COLUMN] = weights
        meta["weights"] = describe_weights(weights, attribute=weighting.weight_attribute,
                                           margins=weighting.margins)
    return frame, meta


def _previous_wave(engine: Engine, plan: _Plan, parameters: AnalysisParameters, previous: PreviousRun
                   ) -> pd.DataFrame | str:
    """The previous comparable run's responses as the orchestrator reads them (weighted by this
    run's rule), or the reason they cannot be compared."""
    try:
        frame, _meta = _load(engine, plan, previous.parameters, weighting=parameters)
    except AnalysisSetupError as error:
        return f"the previous run's responses could not be weighted: {error}"
    if frame.empty:
        return "the previous run's responses are no longer there"
    return _analysis_input(plan, frame)[0]


@dataclass(frozen=True, slots=True)
class PreviousRun:
    """The previous comparable run (same questionnaire and model, earlier, succeeded)."""

    run_id: int
    parameters: AnalysisParameters


def run_analysis(engine: Engine, document: Questionnaire, parameters: AnalysisParameters,
                 checkpoint: Checkpoint, *, n_jobs: int = 1, previous: PreviousRun | None = None) -> list[StoredResult]:
    """Every applicable analysis for every segment, and, with ``previous``, the change since
    that run tested on its responses (when the two runs are separate waves). ``checkpoint(fraction,
    stage)`` is called between steps (it may raise to cancel). Raises AnalysisSetupError /
    AcsiError with messages a person can act on."""
    plan = plan_analysis(document, parameters)
    if not (plan.spec or plan.nps or plan.kano or plan.complaints):
        raise AnalysisSetupError(NOTHING_TO_ANALYSE, code="nothing_to_analyse")
    checkpoint(0.02, "loading responses")
    frame, meta = _load(engine, plan, parameters, weighting=parameters)
    if frame.empty:
        raise AnalysisSetupError(NO_RESPONSES, code="no_responses")
    data, run_plan = _analysis_input(plan, frame)
    del frame
    options = RunOptions(method=parameters.method, missing=parameters.missing,
                         dimensions={d: f"segment_{d}" for d in parameters.segment_dimensions},
                         weights=WEIGHT_COLUMN if parameters.weighted else None, bootstrap=parameters.bootstrap,
                         seed=parameters.seed, n_jobs=n_jobs)
    results = analyse(data, run_plan, options, checkpoint, previous=None if previous is None else
                      (lambda: _previous_wave(engine, plan, parameters, previous)))
    stored: list[StoredResult] = [StoredResult("meta", ALL_SEGMENT, {
        "n": results.n, "segments": list(results.segments),
        "names": display_names(document, plan, list(results.segments)),
        "parameters": parameters.to_dict(), **meta})]
    for record in results.records:
        payload = dict(record.payload)
        if record.kind == "change_tests":
            payload["previous_run"] = previous.run_id if previous else None
        stored.append(StoredResult(record.kind, record.segment, payload))
    checkpoint(0.97, "storing results")
    return stored


__all__ = ["AcsiError", "AnalysisParameters", "DEFAULT_BOOTSTRAP", "AnalysisSetupError", "PreviousRun", "StoredResult",
           "display_names", "plan_analysis", "run_analysis"]
