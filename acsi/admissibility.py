"""Admissibility of a fitted structural-equation model (methodology §1).

Before anything is reported a solution must have |standardised loading| ≤ 1, |standardised
path| ≤ 1, a positive definite construct correlation matrix, no construct correlation above a
threshold (0.95 by default) and no variance at or below zero (a Heywood case; semopy bounds
variances at 0, so such a case lands on the bound). Each failure becomes one problem (a code and
its parameters, :mod:`acsi.problems`).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from acsi.problems import Problem

__all__ = ["admissibility_problems"]


def admissibility_problems(loadings: Mapping[str, float], paths: Mapping[tuple[str, str], float],
                            latent_corr: pd.DataFrame, estimates: pd.DataFrame, *, max_corr: float = 0.95,
                            fixed_items: Collection[str] = ()) -> list[Problem]:
    """Methodology §1 admissibility rules; one :class:`~acsi.problems.Problem` per failure
    (empty list: admissible).

    ``loadings`` (item → standardised loading) and ``paths`` ((from, to) → standardised path) must
    have |value| ≤ 1; ``latent_corr`` must be positive definite with off-diagonal |r| ≤
    ``max_corr``; ``estimates`` (lavaan-style rows with ``lhs``, ``op``, ``rhs``, ``estimate``,
    ``std_estimate``) must have no variance at or below 0 except for ``fixed_items``, the items
    whose residual variance is fixed at 0 by design (single-item constructs).
    """
    problems: list[Problem] = []
    for item, value in loadings.items():
        if not abs(value) <= 1.0 + 1e-9:
            problems.append(Problem("loading_beyond_one", {"item": item, "value": value}))
    for (s, t), value in paths.items():
        if not abs(value) <= 1.0 + 1e-9:
            problems.append(Problem("path_beyond_one", {"source": s, "target": t, "value": value}))
    matrix = latent_corr.to_numpy(dtype=float)
    if not np.all(np.isfinite(matrix)):
        problems.append(Problem("correlations_undefined", {}))
        return problems
    eigenvalues = np.linalg.eigvalsh(matrix)
    if not eigenvalues.min() > 1e-8:
        problems.append(Problem("not_positive_definite", {"eigenvalue": eigenvalues.min()}))
    names = list(latent_corr.index)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            r = float(latent_corr.loc[a, b])
            if not abs(r) <= max_corr:
                problems.append(Problem("correlation_too_high", {"first": a, "second": b, "value": r,
                                                                 "limit": max_corr}))
    variances = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"])]
    for row in variances.itertuples():
        if row.lhs in fixed_items:
            continue
        if not row.std_estimate > 1e-4:  # semopy bounds variances at 0: a Heywood case lands on the bound
            problems.append(Problem("heywood_variance", {"variable": row.lhs, "value": row.estimate,
                                                         "share": row.std_estimate}))
    return problems
