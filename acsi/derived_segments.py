"""Derived segments from invitation attributes: :func:`lifecycle_stage` (normalises a stage
attribute, zh or en), :func:`relationship_stage` (derives 考察期/形成期/稳定期/退化期 from tenure
and value trend) and :func:`customer_value_quadrant` (current value × growth potential). Each
returns a Series to add as a column and split on (:func:`acsi.segments.split_by_segment`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from acsi.errors import InputDataError, InsufficientDataError


LIFECYCLE_STAGES: Mapping[str, tuple[str, ...]] = {
    # The seed's sales pipeline: 储备 → 目标 → 潜在 → 商机 → 成交 → 售后.
    "pipeline": ("reserve", "target", "prospect", "opportunity", "deal", "after_sales"),
    # The relationship life cycle: 考察期 / 形成期 / 稳定期 / 退化期.
    "relationship": ("exploration", "formation", "stability", "decline"),
}
_STAGE_ALIASES = {
    "储备": "reserve", "目标": "target", "潜在": "prospect", "商机": "opportunity", "成交": "deal",
    "售后": "after_sales", "after-sales": "after_sales", "after sales": "after_sales",
    "考察期": "exploration", "形成期": "formation", "稳定期": "stability", "退化期": "decline",
}


def lifecycle_stage(values: pd.Series, *,
                    scheme: Literal["pipeline", "relationship"] = "pipeline") -> pd.Series:
    """Normalise a lifecycle-stage invitation attribute (zh or en labels) to an ordered category.

    Accepts the English keys of ``LIFECYCLE_STAGES[scheme]`` (any case) and the Chinese stage
    names; missing values stay missing. Raises :class:`InputDataError` naming the first row whose
    value is not a stage of the scheme.
    """
    order = LIFECYCLE_STAGES[scheme]
    result = []
    for index, value in values.items():
        if pd.isna(value):
            result.append(None)
            continue
        key = str(value).strip()
        key = _STAGE_ALIASES.get(key, _STAGE_ALIASES.get(key.lower(), key.lower()))
        if key not in order:
            raise InputDataError(
                f"row {index}: lifecycle stage '{value}' is not one of {', '.join(order)} "
                f"(scheme {scheme!r})")
        result.append(key)
    return pd.Series(pd.Categorical(result, categories=order, ordered=True), index=values.index,
                     name=values.name)


@dataclass(frozen=True, slots=True)
class RelationshipStageSettings:
    """Cut-offs of the relationship life cycle (考察期/形成期/稳定期/退化期).

    Tenure below ``exploration_months`` is exploration; past it, a value trend (relative change
    of the customer's value, e.g. −0.25 for a quarter less spend) at or below ``decline_trend``
    is decline; otherwise tenure below ``stability_months`` is formation, the rest stability.
    """

    exploration_months: float = 6
    stability_months: float = 24
    decline_trend: float = -0.2


def relationship_stage(tenure_months: pd.Series, value_trend: pd.Series | None = None, *,
                       settings: RelationshipStageSettings = RelationshipStageSettings()
                       ) -> pd.Series:
    """Derive the relationship stage from tenure (months) and an optional value trend.

    Missing tenure gives a missing stage; a missing trend never means decline. Raises
    :class:`InputDataError` naming the row of a negative or non-numeric tenure.
    """
    tenure = pd.to_numeric(tenure_months, errors="coerce")
    bad = (tenure_months.notna() & tenure.isna()) | (tenure < 0)
    if bad.any():
        index = tenure_months.index[bad.to_numpy()][0]
        raise InputDataError(f"row {index}: tenure '{tenure_months[index]}' must be a number "
                             "of months >= 0")
    trend = (pd.Series(np.nan, index=tenure.index) if value_trend is None
             else pd.to_numeric(value_trend, errors="coerce"))
    stages = []
    for months, change in zip(tenure, trend):
        if math.isnan(months):
            stages.append(None)
        elif months < settings.exploration_months:
            stages.append("exploration")
        elif not math.isnan(change) and change <= settings.decline_trend:
            stages.append("decline")
        else:
            stages.append("formation" if months < settings.stability_months else "stability")
    return pd.Series(pd.Categorical(stages, categories=LIFECYCLE_STAGES["relationship"],
                                    ordered=True), index=tenure_months.index, name="lifecycle")


@dataclass(frozen=True, slots=True)
class ValueQuadrantSettings:
    """Cut-offs of the customer value quadrant; None means the sample median. A value at or
    above its cut-off is "high"."""

    current_value_threshold: float | None = None
    growth_potential_threshold: float | None = None


def customer_value_quadrant(current_value: pd.Series, growth_potential: pd.Series, *,
                            settings: ValueQuadrantSettings = ValueQuadrantSettings()) -> pd.Series:
    """Label each customer "high_value_high_growth", "high_value_low_growth",
    "low_value_high_growth" or "low_value_low_growth" (missing input → missing label).
    """
    if len(current_value) != len(growth_potential):
        raise InputDataError("current value and growth potential must have the same length")
    current = pd.to_numeric(current_value, errors="coerce").to_numpy(dtype=float)
    growth = pd.to_numeric(growth_potential, errors="coerce").to_numpy(dtype=float)
    if np.isnan(current).all() or np.isnan(growth).all():
        raise InsufficientDataError("customer value quadrant needs at least one numeric value "
                                    "of current value and of growth potential")
    cut_current = (settings.current_value_threshold if settings.current_value_threshold is not None
                   else float(np.nanmedian(current)))
    cut_growth = (settings.growth_potential_threshold
                  if settings.growth_potential_threshold is not None
                  else float(np.nanmedian(growth)))
    labels = [
        None if math.isnan(c) or math.isnan(g) else
        f"{'high' if c >= cut_current else 'low'}_value_{'high' if g >= cut_growth else 'low'}_growth"
        for c, g in zip(current, growth)]
    return pd.Series(labels, index=current_value.index, name="value_quadrant", dtype=object)


