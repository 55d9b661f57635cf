"""Result types of the PLS estimator (:class:`PLSResults`) and JSON helpers shared by the results.

Results are frozen dataclasses holding pandas objects labelled by item / construct names; each
has ``summary()`` (plain text) and ``to_dict()`` (JSON-serialisable: floats, strings, lists;
NaN becomes ``None``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.spec import ModelSpec

__all__ = ["PLSResults", "BootstrapResults", "json_number", "series_to_dict", "paths_to_list"]


def json_number(value: Any) -> float | int | bool | None:
    """A Python number for JSON: NaN / ±inf become None, numpy scalars become Python ones."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else None


def series_to_dict(series: pd.Series) -> dict[str, float | None]:
    """``{label: number}`` of a Series with string labels."""
    return {str(label): json_number(value) for label, value in series.items()}


def paths_to_list(series: pd.Series, column: str = "estimate") -> list[dict[str, Any]]:
    """``[{"from": s, "to": t, column: value}, ...]`` of a Series indexed by (source, target)."""
    return [{"from": s, "to": t, column: json_number(v)} for (s, t), v in series.items()]


@dataclass(frozen=True, slots=True)
class PLSResults:
    """A fitted PLS path model.

    Standardised metric throughout: ``outer_weights`` / ``loadings`` by item, ``paths`` by
    (source, target), ``total_effects`` (rows: cause, columns: effect), ``r_squared`` by
    endogenous construct, ``construct_correlations`` (disattenuated when ``consistent``),
    ``rho_a`` by construct, ``scores`` (rows used × constructs, unit variance). ``item_means``,
    ``item_sds`` and ``item_correlations`` are the moments the fit worked from.
    """

    spec: ModelSpec
    scheme: Literal["path", "centroid", "factorial"]
    consistent: bool
    missing: Literal["listwise", "mean", "em"]
    weighted: bool
    outer_weights: pd.Series
    loadings: pd.Series
    paths: pd.Series
    total_effects: pd.DataFrame
    r_squared: pd.Series
    construct_correlations: pd.DataFrame
    rho_a: pd.Series
    scores: pd.DataFrame
    item_means: pd.Series
    item_sds: pd.Series
    item_correlations: pd.DataFrame
    n: int
    n_input: int
    converged: bool
    iterations: int
    warnings: tuple[str, ...]

    @property
    def unstandardised_weights(self) -> pd.Series:
        """Outer weights of the raw items (standardised weight ÷ item sd)."""
        return self.outer_weights / self.item_sds

    def construct_of(self, item: str) -> str:
        """The construct that ``item`` measures."""
        for construct in self.spec.constructs:
            if item in construct.items:
                return construct.name
        raise KeyError(item)

    def summary(self) -> str:
        """Plain-text report: settings, paths, R², outer weights and loadings, warnings."""
        method = "PLSc" if self.consistent else "PLS"
        lines = [f"{method} path model {self.spec.name!r}: {self.scheme} scheme, n = {self.n} "
                 f"(of {self.n_input}; missing: {self.missing}{', weighted' if self.weighted else ''}), "
                 f"{'converged' if self.converged else 'NOT converged'} after {self.iterations} iterations",
                 "", "Paths"]
        lines += [f"  {s:>14} -> {t:<14} {v: .4f}" for (s, t), v in self.paths.items()]
        lines += ["", "R²"] + [f"  {c:>14} {v: .4f}" for c, v in self.r_squared.items()]
        lines += ["", "Outer weights / loadings"]
        for construct in self.spec.constructs:
            for item in construct.items:
                lines.append(f"  {construct.name:>14} {item:<10} {self.outer_weights[item]: .4f} "
                             f"{self.loadings[item]: .4f}")
        if self.warnings:
            lines += ["", "Warnings"] + [f"  - {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self, *, include_scores: bool = False) -> dict[str, Any]:
        """JSON-serialisable dictionary of the results (construct scores only on request)."""
        out: dict[str, Any] = {
            "model": self.spec.name,
            "lavaan": self.spec.to_lavaan(),
            "method": "plsc" if self.consistent else "pls",
            "scheme": self.scheme,
            "missing": self.missing,
            "weighted": self.weighted,
            "n": self.n,
            "n_input": self.n_input,
            "converged": self.converged,
            "iterations": self.iterations,
            "outer_weights": series_to_dict(self.outer_weights),
            "loadings": series_to_dict(self.loadings),
            "paths": paths_to_list(self.paths),
            "total_effects": {str(c): series_to_dict(self.total_effects[c]) for c in self.total_effects.columns},
            "r_squared": series_to_dict(self.r_squared),
            "rho_a": series_to_dict(self.rho_a),
            "construct_correlations": {
                str(c): series_to_dict(self.construct_correlations[c]) for c in self.construct_correlations.columns},
            "warnings": list(self.warnings),
        }
        if include_scores:
            out["scores"] = {str(c): [json_number(v) for v in self.scores[c]] for c in self.scores.columns}
        return out


#: Share of bootstrap resamples that must succeed for the intervals to count as reliable.
MIN_SUCCESSFUL_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class BootstrapResults:
    """Original estimates with bootstrap standard errors and percentile intervals.

    Each table has columns ``estimate`` (full-sample value), ``mean``, ``std_error``, ``lower``,
    ``upper``; ``paths`` / ``total_effects`` are indexed by (from, to), ``outer_weights`` /
    ``loadings`` by item, ``indices`` by construct (None without ``scale_bounds``), ``htmt``
    by "a/b" pair. ``path_draws`` holds the successful resamples' paths (rows) for further tests.
    """

    estimate: PLSResults
    resamples: int
    successful: int
    failed: int
    seed: int
    level: float
    paths: pd.DataFrame
    total_effects: pd.DataFrame
    outer_weights: pd.DataFrame
    loadings: pd.DataFrame
    htmt: pd.DataFrame
    indices: pd.DataFrame | None
    path_draws: np.ndarray
    warnings: tuple[str, ...]

    @property
    def intervals_reliable(self) -> bool:
        """False when fewer than :data:`MIN_SUCCESSFUL_SHARE` of the resamples succeeded: the
        intervals then rest on the resamples that happened to fit and are not to be trusted."""
        return self.resamples > 0 and self.successful >= MIN_SUCCESSFUL_SHARE * self.resamples

    def summary(self) -> str:
        """Paths with percentile intervals, and the resample counts."""
        pct = f"{self.level:.0%}"
        lines = [f"bootstrap: {self.successful} of {self.resamples} resamples succeeded ({self.failed} failed), "
                 f"seed {self.seed}, {pct} percentile intervals", ""]
        for (s, t), row in self.paths.iterrows():
            lines.append(f"  {s:>14} -> {t:<14} {row['estimate']: .4f}  [{row['lower']: .4f}, {row['upper']: .4f}]"
                         f"  se {row['std_error']:.4f}")
        if self.indices is not None:
            lines += ["", "indices"] + [f"  {c:<14} {row['estimate']:6.2f}  [{row['lower']:6.2f}, {row['upper']:6.2f}]"
                                        for c, row in self.indices.iterrows()]
        return "\n".join(lines + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (without the raw draws)."""
        def table(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
            if frame is None:
                return None
            rows = []
            for key, row in frame.iterrows():
                label = {"from": key[0], "to": key[1]} if isinstance(key, tuple) else {"name": str(key)}
                rows.append({**label, **{c: json_number(v) for c, v in row.items()}})
            return rows

        return {"resamples": self.resamples, "successful": self.successful, "failed": self.failed,
                "seed": self.seed, "level": self.level, "paths": table(self.paths),
                "total_effects": table(self.total_effects), "outer_weights": table(self.outer_weights),
                "loadings": table(self.loadings), "htmt": table(self.htmt), "indices": table(self.indices),
                "warnings": list(self.warnings)}
