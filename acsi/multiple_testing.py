"""Multiple testing over the comparisons of one run: Holm's step-down adjustment, counting each
distinct comparison once.

Pure: numbers and labels in, numbers out.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

import pandas as pd

from acsi.errors import InputDataError

__all__ = ["holm_adjust", "versus_rest_families"]


def holm_adjust(p_values: Sequence[float | None], *,
                families: Sequence[Hashable] | None = None) -> list[float | None]:
    """Holm step-down adjusted p-values; None entries stay None and are not counted.

    ``families`` (one key per p-value) names comparisons that are the same test seen twice — with
    two segments, "north vs rest" and "south vs rest" are both north vs south: entries sharing a
    key count once, with the first entry's p, and all get its adjusted value.
    """
    if families is not None and len(families) != len(p_values):
        raise InputDataError(f"holm_adjust: {len(families)} family keys for {len(p_values)} p-values")
    keys = list(range(len(p_values))) if families is None else list(families)
    first: dict[Hashable, int] = {}
    for i, p in enumerate(p_values):
        if p is not None and keys[i] not in first:
            first[keys[i]] = i
    distinct = list(first.values())
    by_key: dict[Hashable, float] = {}
    if distinct:
        # Imported when a run has tests to adjust: statsmodels.stats takes a second to import.
        from statsmodels.stats.multitest import multipletests

        _, corrected, _, _ = multipletests([p_values[i] for i in distinct], method="holm")
        by_key = {keys[i]: float(value) for i, value in zip(distinct, corrected)}
    return [None if p is None else by_key[keys[i]] for i, p in enumerate(p_values)]


def versus_rest_families(labels: Sequence[str], frame: pd.DataFrame, column: str | None
                         ) -> list[Hashable]:
    """Family keys for "segment vs rest" comparisons of ``labels`` (segments of ``column``).

    When exactly two segments hold every row of ``frame``, each one's "rest" is the other: both
    comparisons get one key, so Holm counts that comparison once. Otherwise each segment is a
    comparison of its own.
    """
    if column is not None and len(labels) == 2 and frame[column].notna().all():
        return [frozenset(labels)] * 2
    return list(labels)
