"""Construct indices on 0–100 (the ACSI score and its siblings) from PLS outer weights.

With unstandardised outer weights w_i (standardised weight ÷ item sd) normalised to
W_i = w_i / Σw, the construct is ξ = Σ W_i x_i and its index is (methodology §1)::

    index = (E[ξ] − min ξ) / (max ξ − min ξ) · 100
          = 100 · Σ W_i (x̄_i − low_i) / Σ W_i (high_i − low_i)

where low/high are the **instrument's** scale bounds (not the observed range); on a 1–10 scale
this is ``100 · Σ W_i (x̄_i − 1) / 9``. Negative weights make the index meaningless: they are
flagged (default) or the index is refused (NaN). Without a model, :func:`equal_weight_index`
gives the equal-weight index, labelled ``method="equal_weights"``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.data import numeric_column
from acsi.errors import InputDataError
from acsi.results import PLSResults, json_number
from acsi.spec import ModelSpec

__all__ = ["ConstructIndex", "IndexResults", "construct_indices", "equal_weight_index", "index_values",
           "ScaleBounds", "resolve_scale_bounds"]

ScaleBounds = Mapping[str, tuple[float, float]] | tuple[float, float]


@dataclass(frozen=True, slots=True)
class ConstructIndex:
    """The 0–100 index of one construct, its normalised item weights and flags."""

    construct: str
    value: float
    method: Literal["model_weights", "equal_weights"]
    weights: Mapping[str, float]
    negative_weights: tuple[str, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"construct": self.construct, "value": json_number(self.value), "method": self.method,
                "weights": {k: json_number(v) for k, v in self.weights.items()},
                "negative_weights": list(self.negative_weights), "note": self.note}


@dataclass(frozen=True, slots=True)
class IndexResults:
    """Indices of every construct, with the scale bounds and data they were computed from."""

    indices: tuple[ConstructIndex, ...]
    scale_bounds: Mapping[str, tuple[float, float]]
    n: int
    warnings: tuple[str, ...]

    def __getitem__(self, construct: str) -> ConstructIndex:
        for index in self.indices:
            if index.construct == construct:
                return index
        raise KeyError(construct)

    @property
    def values(self) -> pd.Series:
        """Index value per construct."""
        return pd.Series({i.construct: i.value for i in self.indices}, name="index", dtype=float)

    def summary(self) -> str:
        """One line per construct: value, method and flags."""
        lines = [f"{i.construct:<14} {i.value:6.1f}  {i.method}"
                 + (f"  NEGATIVE WEIGHTS: {', '.join(i.negative_weights)}" if i.negative_weights else "")
                 for i in self.indices]
        return "\n".join(lines + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"indices": [i.to_dict() for i in self.indices], "n": self.n, "warnings": list(self.warnings),
                "scale_bounds": {k: [float(lo), float(hi)] for k, (lo, hi) in self.scale_bounds.items()}}


def index_values(unstandardised_weights: np.ndarray, means: np.ndarray, low: np.ndarray, high: np.ndarray,
                 blocks: Sequence[np.ndarray]) -> np.ndarray:
    """Index of each block from raw-item weights, item means and scale bounds (numpy, no checks)."""
    out = np.empty(len(blocks))
    for j, b in enumerate(blocks):
        w = unstandardised_weights[b]
        out[j] = 100.0 * float(w @ (means[b] - low[b])) / float(w @ (high[b] - low[b]))
    return out


def construct_indices(
    results: PLSResults,
    frame: pd.DataFrame | None = None,
    *,
    scale_bounds: ScaleBounds,
    weights: Sequence[float] | np.ndarray | None = None,
    negative_weights: Literal["flag", "refuse"] = "flag",
) -> IndexResults:
    """0–100 index of every construct of ``results``, using its outer weights.

    ``frame`` supplies the responses whose index is wanted (e.g. one segment; item means skip
    missing cells, ``weights`` are respondent weights); by default the fitted data.
    ``scale_bounds`` is one ``(low, high)`` for all items or a mapping item -> (low, high).
    Raises :class:`InputDataError` for missing bounds, low ≥ high, or an answer outside them.
    """
    spec = results.spec
    bounds = resolve_scale_bounds(spec, scale_bounds)
    if frame is None:
        means, n = results.item_means, results.n
        _check_within(spec, means.to_numpy()[None, :], bounds)
    else:
        means, n = _item_means(spec, frame, weights, bounds)
    unstandardised = results.unstandardised_weights
    return _build(spec, unstandardised, means, bounds, n, "model_weights", negative_weights)


def equal_weight_index(
    spec: ModelSpec,
    frame: pd.DataFrame,
    *,
    scale_bounds: ScaleBounds,
    weights: Sequence[float] | np.ndarray | None = None,
) -> IndexResults:
    """Index with equal item weights — a fallback when no model can be fitted, labelled as such."""
    bounds = resolve_scale_bounds(spec, scale_bounds)
    means, n = _item_means(spec, frame, weights, bounds)
    equal = pd.Series(1.0, index=list(spec.items))
    out = _build(spec, equal, means, bounds, n, "equal_weights", "flag")
    return IndexResults(out.indices, out.scale_bounds, out.n,
                        out.warnings + ("equal-weight index: items are not weighted by a fitted model",))


def _build(spec: ModelSpec, raw_weights: pd.Series, means: pd.Series, bounds: dict[str, tuple[float, float]],
           n: int, method: Literal["model_weights", "equal_weights"],
           negative_weights: Literal["flag", "refuse"]) -> IndexResults:
    indices, warnings = [], []
    for construct in spec.constructs:
        items = list(construct.items)
        w = raw_weights[items].to_numpy(dtype=float)
        low = np.array([bounds[i][0] for i in items])
        high = np.array([bounds[i][1] for i in items])
        value = 100.0 * float(w @ (means[items].to_numpy() - low)) / float(w @ (high - low))
        negative = tuple(i for i, wi in zip(items, w) if wi < 0)
        note = "equal-weight index (no model)" if method == "equal_weights" else ""
        if negative:
            warnings.append(f"index of {construct.name!r} has negative weights for {', '.join(negative)}; "
                            "it is not a valid 0–100 index")
            if negative_weights == "refuse":
                value, note = float("nan"), "refused: negative weights"
            else:
                note = "flagged: negative weights make the index meaningless"
        normalised = w / w.sum() if w.sum() != 0 else np.full_like(w, np.nan)
        indices.append(ConstructIndex(construct.name, value, method, dict(zip(items, map(float, normalised))),
                                      negative, note))
    return IndexResults(tuple(indices), bounds, n, tuple(warnings))


def resolve_scale_bounds(spec: ModelSpec, scale_bounds: ScaleBounds) -> dict[str, tuple[float, float]]:
    if isinstance(scale_bounds, tuple):
        bounds = dict.fromkeys(spec.items, scale_bounds)
    else:
        missing = [i for i in spec.items if i not in scale_bounds]
        if missing:
            raise InputDataError(f"scale_bounds has no (low, high) for item {missing[0]!r}")
        bounds = {i: tuple(scale_bounds[i]) for i in spec.items}
    for item, pair in bounds.items():
        if len(pair) != 2 or not float(pair[0]) < float(pair[1]):
            raise InputDataError(f"scale bounds {pair!r} of item {item!r} must be (low, high) with low < high")
    return {item: (float(lo), float(hi)) for item, (lo, hi) in bounds.items()}


def _check_within(spec: ModelSpec, values: np.ndarray, bounds: dict[str, tuple[float, float]]) -> None:
    for j, item in enumerate(spec.items):
        column = values[:, j]
        lo, hi = bounds[item]
        outside = (column < lo) | (column > hi)
        if outside.any():
            raise InputDataError(f"item {item!r} has the answer {column[outside][0]:g}, outside its scale "
                                 f"bounds [{lo:g}, {hi:g}]")


def _item_means(spec: ModelSpec, frame: pd.DataFrame, weights: Sequence[float] | np.ndarray | None,
                bounds: dict[str, tuple[float, float]]) -> tuple[pd.Series, int]:
    items = list(spec.items)
    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(f"data must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [i for i in items if i not in frame.columns]
    if missing:
        raise InputDataError(f"column {missing[0]!r} required by the index is not in the data")
    values = np.column_stack([numeric_column(frame[i], i) for i in items])
    _check_within(spec, values, bounds)
    w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (len(values),) or not (np.isfinite(w).all() and (w >= 0).all()):
        raise InputDataError(f"weights must be one finite weight ≥ 0 per row ({len(values)} rows)")
    observed = ~np.isnan(values)
    totals = w @ observed
    if (totals == 0).any():
        raise InputDataError(f"item {items[int(np.argmax(totals == 0))]!r} has no observed answer")
    return pd.Series((w @ np.where(observed, values, 0.0)) / totals, index=items), len(values)
