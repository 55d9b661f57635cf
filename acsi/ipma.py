"""Importance–performance map analysis (IPMA; Ringle & Sarstedt 2016, methodology §1).

For a fitted PLS model and a target construct:

* every construct's score is rescaled to 0–100 with its index formula,
  ``ξ̃ = 100 · Σ w_i (x_i − low_i) / Σ w_i (high_i − low_i)`` (w = unstandardised outer weights,
  low/high the instrument's scale bounds), so the mean of ξ̃ **is** the construct's index;
* **importance** of a construct = its unstandardised total effect (direct + indirect) on the
  target between these rescaled scores: the standardised total effect × sd(ξ̃_target) / sd(ξ̃_cause).
  For PLS this equals the OLS coefficients of the rescaled scores chained along the paths; for
  PLSc it rescales the disattenuated paths. Since the scores have unit variance,
  ``sd(ξ̃) = 100 / |Σ w_i (high_i − low_i)|``;
* **performance** = the construct's 0–100 index (:func:`acsi.indices.construct_indices`);
* **quadrant**: importance at/above the cut (default: the mean importance of the constructs
  shown) is "high", performance below its cut (default: the mean performance) is "low";
  high importance with low performance is the **priority** ("concentrate here").

Only constructs with a directed path (direct or indirect) to the target are shown.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.errors import AcsiError
from acsi.indices import ScaleBounds, construct_indices, resolve_scale_bounds
from acsi.results import PLSResults, json_number

__all__ = ["IPMAEntry", "IPMAResults", "ipma", "Quadrant"]

Quadrant = Literal["priority", "keep_up", "low_priority", "possible_overkill"]


@dataclass(frozen=True, slots=True)
class IPMAEntry:
    """One construct on the map: importance (points of target per point of it), performance (0–100)."""

    construct: str
    importance: float
    performance: float
    quadrant: Quadrant

    def to_dict(self) -> dict[str, Any]:
        return {"construct": self.construct, "importance": json_number(self.importance),
                "performance": json_number(self.performance), "quadrant": self.quadrant}


@dataclass(frozen=True, slots=True)
class IPMAResults:
    """The map for ``target``: entries in construct order, the cuts used, and the target's index."""

    target: str
    target_performance: float
    entries: tuple[IPMAEntry, ...]
    importance_cut: float
    performance_cut: float

    @property
    def priorities(self) -> tuple[str, ...]:
        """Constructs in the priority quadrant (high importance, low performance)."""
        return tuple(e.construct for e in self.entries if e.quadrant == "priority")

    def summary(self) -> str:
        lines = [f"IPMA of {self.target!r} (index {self.target_performance:.1f}); cuts: importance "
                 f"{self.importance_cut:.3f}, performance {self.performance_cut:.1f}"]
        lines += [f"  {e.construct:<14} importance {e.importance:7.3f}  performance {e.performance:6.1f}  {e.quadrant}"
                  for e in self.entries]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "target_performance": json_number(self.target_performance),
                "importance_cut": json_number(self.importance_cut),
                "performance_cut": json_number(self.performance_cut),
                "constructs": [e.to_dict() for e in self.entries], "priorities": list(self.priorities)}


def rescaled_score_sd(results: PLSResults, bounds: dict[str, tuple[float, float]]) -> pd.Series:
    """sd of each construct's 0–100 rescaled score (the PLS scores have unit variance)."""
    raw = results.unstandardised_weights
    out = {}
    for construct in results.spec.constructs:
        items = list(construct.items)
        span = float(sum(raw[i] * (bounds[i][1] - bounds[i][0]) for i in items))
        out[construct.name] = 100.0 / abs(span) if span != 0 else np.nan
    return pd.Series(out, name="sd")


def ipma(results: PLSResults, *, target: str, scale_bounds: ScaleBounds,
         importance_cut: float | None = None, performance_cut: float | None = None,
         frame: pd.DataFrame | None = None, weights: Sequence[float] | np.ndarray | None = None) -> IPMAResults:
    """Importance–performance map of the constructs that act on ``target``.

    ``scale_bounds`` as in :func:`acsi.indices.construct_indices` (one pair or per item);
    ``frame`` / ``weights`` give the responses whose performance is shown (default: the fitted
    data). ``importance_cut`` / ``performance_cut`` default to the means over the constructs
    shown. Raises :class:`AcsiError` when ``target`` is not an endogenous construct of the model.
    """
    spec = results.spec
    if target not in spec.endogenous:
        raise AcsiError(f"IPMA target {target!r} must be an endogenous construct of model {spec.name!r}; "
                        f"those are {list(spec.endogenous)}")
    bounds = resolve_scale_bounds(spec, scale_bounds)
    performance = construct_indices(results, frame, scale_bounds=bounds, weights=weights).values
    sd = rescaled_score_sd(results, bounds)
    total = results.total_effects[target]
    causes = [c for c in spec.construct_names if c != target and abs(total[c]) > 0]
    importance = {c: float(total[c] * sd[target] / sd[c]) for c in causes}
    i_cut = float(np.mean(list(importance.values()))) if importance_cut is None else float(importance_cut)
    p_cut = float(np.mean([performance[c] for c in causes])) if performance_cut is None else float(performance_cut)
    entries = []
    for c in causes:
        high = importance[c] >= i_cut
        low = performance[c] < p_cut
        quadrant: Quadrant = ("priority" if high and low else "keep_up" if high
                              else "low_priority" if low else "possible_overkill")
        entries.append(IPMAEntry(c, importance[c], float(performance[c]), quadrant))
    return IPMAResults(target, float(performance[target]), tuple(entries), i_cut, p_cut)
