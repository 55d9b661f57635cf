"""Respondent weights of an analysis run: an invitation attribute, raking to population margins, or both.

* **weight attribute**: a segment attribute of each response (set by the invitation list or the
  API) holding a number > 0 — a design weight, say. Every response must have one: a run never
  drops respondents silently; the error names how many lack one and shows an example.
* **population margins** (raking, :func:`acsi.raking.rake`): per segment dimension the
  population share of each value, written one dimension per line as the analyst knows them
  (percentages or counts; they are normalised)::

      region: north=30, south=25, east=25, west=20
      tier: gold=20, silver=45, bronze=35

  With a weight attribute too, it is the base weight that raking adjusts.

Weights are scaled to average 1. :func:`parse_margins` turns the text into the run's
parameter and raises :class:`MarginsError` naming the line and the rule.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from acsi.errors import InputDataError
from acsi.raking import rake
from acsi.segments import kish_effective_n

__all__ = ["Margins", "MarginsError", "WEIGHT_COLUMN", "WeightsError", "check_margins", "describe_weights",
           "format_margins", "parse_margins", "run_weights"]

#: The frame column holding the weights (a leading underscore: never an answer code).
WEIGHT_COLUMN = "_weight"
Margins = tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_LINES = 20
MAX_LEVELS = 200


class MarginsError(ValueError):
    """The margins text breaks a rule; the message names the line and the rule."""


class WeightsError(ValueError):
    """The responses cannot be weighted as asked; the message says why and what to change."""


def parse_margins(text: str) -> Margins:
    """``"region: north=30, south=70"`` lines → ``(("region", (("north", 30.0), ("south", 70.0))),)``."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise MarginsError(f"at most {MAX_LINES} dimensions can be raked; the text has {len(lines)} lines")
    margins, seen = [], set()
    for number, line in enumerate(lines, 1):
        dimension, colon, rest = line.partition(":")
        dimension = dimension.strip()
        if not colon or not _NAME.match(dimension):
            raise MarginsError(f"line {number}: {line[:60]!r} must read 'dimension: value=share, value=share' "
                               "(the dimension in lower case, as in the segment attributes)")
        if dimension in seen:
            raise MarginsError(f"line {number}: dimension {dimension!r} is given twice")
        seen.add(dimension)
        levels: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in rest.split(","))):
            value, equals, share = part.rpartition("=")
            value = value.strip()
            try:
                number_share = float(share)
            except ValueError:
                number_share = math.nan
            if not equals or not value or not math.isfinite(number_share) or number_share < 0:
                raise MarginsError(f"line {number}: {part[:60]!r} must be value=share with a share ≥ 0 "
                                   "(a percentage or a count)")
            if value in levels:
                raise MarginsError(f"line {number}: value {value!r} of {dimension!r} is given twice")
            levels[value] = number_share
        try:
            check_margins(((dimension, tuple(levels.items())),))
        except MarginsError as error:
            raise MarginsError(f"line {number}: {error}") from None
        margins.append((dimension, tuple(levels.items())))
    return tuple(margins)


def check_margins(margins: Margins) -> None:
    """Raise :class:`MarginsError` unless every dimension is named like a segment attribute, given
    once, with at most :data:`MAX_LEVELS` values whose shares are finite, ≥ 0 and add up to more than 0."""
    if len(margins) > MAX_LINES:
        raise MarginsError(f"at most {MAX_LINES} dimensions can be raked, got {len(margins)}")
    names = [dimension for dimension, _levels in margins]
    for dimension, levels in margins:
        if not isinstance(dimension, str) or not _NAME.match(dimension):
            raise MarginsError(f"dimension {dimension!r} must be a segment attribute name (lower case)")
        if names.count(dimension) > 1:
            raise MarginsError(f"dimension {dimension!r} is given twice")
        if len(levels) > MAX_LEVELS:
            raise MarginsError(f"{dimension!r}: at most {MAX_LEVELS} values per dimension")
        shares = [share for _value, share in levels]
        if not all(isinstance(share, float) and math.isfinite(share) and share >= 0 for share in shares):
            raise MarginsError(f"{dimension!r}: every share must be a number ≥ 0")
        if sum(shares) <= 0:
            raise MarginsError(f"{dimension!r} needs at least one value with a share above 0")


def format_margins(margins: Margins) -> str:
    """The text :func:`parse_margins` reads back."""
    return "\n".join(f"{dimension}: " + ", ".join(f"{value}={share:g}" for value, share in levels)
                     for dimension, levels in margins)


def run_weights(frame: pd.DataFrame, *, attribute: str | None, margins: Margins) -> pd.Series | None:
    """One weight per row of ``frame`` (columns ``segment_<key>``), averaging 1; None without either.

    Raises :class:`WeightsError` when a response lacks a valid weight attribute or the margins
    cannot be met (a value without a share, a share without respondents...)."""
    if attribute is None and not margins:
        return None
    base = None
    if attribute is not None:
        raw = frame[f"segment_{attribute}"]
        values = pd.to_numeric(raw, errors="coerce")
        bad = ~(np.isfinite(values.to_numpy(float)) & (values.to_numpy(float) > 0))
        if bad.any():
            example = raw[bad].iloc[0]
            shown = "no value" if example is None or (isinstance(example, float) and math.isnan(example)) \
                else repr(str(example)[:40])
            raise WeightsError(f"{int(bad.sum())} of {len(frame)} responses have no usable weight in attribute "
                               f"{attribute!r} (response {raw.index[bad][0]}: {shown}); a weight must be a "
                               "number above 0")
        base = values.to_numpy(float)
    if not margins:
        return pd.Series(base / base.mean(), index=frame.index, name=WEIGHT_COLUMN)
    columns = {dimension: frame[f"segment_{dimension}"] for dimension, _levels in margins}
    try:
        weights = rake(pd.DataFrame(columns), {d: dict(levels) for d, levels in margins}, base_weights=base)
    except InputDataError as error:
        raise WeightsError(f"the population margins cannot be applied: {error}") from error
    return weights.rename(WEIGHT_COLUMN)


def describe_weights(weights: pd.Series, *, attribute: str | None, margins: Margins) -> Mapping[str, object]:
    """What a run stores about its weights (shown in the report's settings)."""
    values = weights.to_numpy(float)
    return {"attribute": attribute, "margins": {d: dict(levels) for d, levels in margins},
            "n_effective": float(kish_effective_n(values)), "min": float(values.min()), "max": float(values.max())}
