"""Weighted roll-ups of segment (or company) indices — e.g. revenue-weighted, as theacsi.org does.

ACSI practice (methodology §1): an industry score is the revenue-weighted mean of its companies,
a sector the revenue-weighted mean of its industries, the national score GDP-share-weighted.
:func:`rollup` computes ``Σ v_i I_i / Σ v_i`` over the units with an index, names the source of
the weights (``weight_source``, e.g. "revenue 2025, finance system"), and, when standard errors
are given for independent units, ``SE = √(Σ v_i² s_i²) / Σ v_i``. Roll-ups nest: pass one
level's :class:`Rollup` values as the next level's indices.

Units without an index (a segment skipped under the minimum base) are refused by default
(``missing="error"``); with ``missing="exclude"`` they are left out, the other weights are
renormalised and the excluded units and their weight share are reported.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from acsi.errors import InputDataError
from acsi.results import json_number

__all__ = ["Rollup", "rollup"]


@dataclass(frozen=True, slots=True)
class Rollup:
    """A weighted mean of unit indices; ``shares`` are the normalised weights actually used."""

    value: float
    standard_error: float | None
    weight_source: str
    shares: Mapping[str, float]
    excluded: tuple[str, ...]
    excluded_weight_share: float

    def summary(self) -> str:
        se = "" if self.standard_error is None else f" (SE {self.standard_error:.2f})"
        text = f"roll-up {self.value:.2f}{se}, weighted by {self.weight_source}, {len(self.shares)} units"
        if self.excluded:
            text += f"; excluded {', '.join(self.excluded)} ({self.excluded_weight_share:.1%} of the weight)"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"value": json_number(self.value),
                "standard_error": None if self.standard_error is None else json_number(self.standard_error),
                "weight_source": self.weight_source, "shares": {k: json_number(v) for k, v in self.shares.items()},
                "excluded": list(self.excluded), "excluded_weight_share": json_number(self.excluded_weight_share)}


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def rollup(indices: Mapping[str, float | None], weights: Mapping[str, float], *, weight_source: str,
           standard_errors: Mapping[str, float] | None = None,
           missing: Literal["error", "exclude"] = "error") -> Rollup:
    """Weighted mean of ``indices`` (unit → 0–100 index, None / NaN when not available).

    ``weights`` (unit → weight ≥ 0, e.g. revenue) must cover every unit of ``indices``;
    ``weight_source`` must say where they come from. Raises :class:`InputDataError` naming the
    unit for a missing or invalid weight, a unit without an index (unless ``missing="exclude"``),
    a weight for an unknown unit, or weights that sum to zero.
    """
    if not isinstance(weight_source, str) or not weight_source.strip():
        raise InputDataError("weight_source must name where the roll-up weights come from (e.g. 'revenue 2025')")
    if missing not in ("error", "exclude"):
        raise InputDataError(f"missing={missing!r} is not one of 'error', 'exclude'")
    if not indices:
        raise InputDataError("a roll-up needs at least one unit")
    extra = [u for u in weights if u not in indices]
    if extra:
        raise InputDataError(f"roll-up weight given for unit {extra[0]!r}, which has no index entry")
    for unit in indices:
        if unit not in weights:
            raise InputDataError(f"unit {unit!r} has no roll-up weight ({weight_source})")
        if not _finite(weights[unit]) or float(weights[unit]) < 0:
            raise InputDataError(f"roll-up weight of unit {unit!r} is {weights[unit]!r}; weights must be numbers ≥ 0")
    total_all = sum(float(weights[u]) for u in indices)
    excluded = tuple(u for u, v in indices.items() if not _finite(v))
    if excluded and missing == "error":
        raise InputDataError(f"unit {excluded[0]!r} has no index (e.g. skipped under the minimum base); "
                             "pass missing='exclude' to roll up the others")
    used = [u for u in indices if u not in excluded]
    total = sum(float(weights[u]) for u in used)
    if not total > 0:
        raise InputDataError(f"roll-up weights ({weight_source}) of the units with an index sum to zero")
    shares = {u: float(weights[u]) / total for u in used}
    value = sum(shares[u] * float(indices[u]) for u in used)  # type: ignore[arg-type]
    se = None
    if standard_errors is not None:
        lacking = [u for u in used if not _finite(standard_errors.get(u)) or float(standard_errors[u]) < 0]
        if lacking:
            raise InputDataError(f"unit {lacking[0]!r} has no valid standard error for the roll-up")
        se = math.sqrt(sum((shares[u] * float(standard_errors[u])) ** 2 for u in used))
    excluded_share = 0.0 if total_all == 0 else 1.0 - total / total_all
    return Rollup(value, se, weight_source.strip(), shares, excluded, excluded_share)
