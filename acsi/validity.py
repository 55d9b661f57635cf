"""Measurement and structural quality criteria of a PLS model, with thresholds and pass/warn flags.

Criteria (methodology §1; Hair et al., *A Primer on PLS-SEM*; Henseler, Ringle & Sarstedt 2015):
indicator loading, Cronbach's α (standardised), ρ_A, ρ_c, AVE, Fornell–Larcker, HTMT, VIF
(structural predictors, and items of Mode B blocks), R² (weak / moderate / substantial), f²;
and the admissibility checks that must pass before anything is reported as fine.

Conventions: HTMT uses absolute item correlations; a single-item construct's mean monotrait
correlation is taken as 1 (as seminr does). Cronbach's α is the standardised α (items on the
correlation scale). f² = (R²_incl − R²_excl)/(1 − R²_incl) with R²_excl from the regression
without the predictor and the construct scores held fixed (seminr's ``model_fsquares``
re-estimates the whole model instead, which differs in the third decimal). Reliability
criteria are not applicable (``passed=None``) to single-item constructs; f² is reported with
its size label (none / small / medium / large at 0.02 / 0.15 / 0.35), not as pass/warn.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from acsi.problems import Problem
from acsi.results import PLSResults, json_number

__all__ = ["ValidityThresholds", "Criterion", "ValidityReport", "assess_validity", "admissibility_problems",
           "htmt_array", "htmt"]


@dataclass(frozen=True, slots=True)
class ValidityThresholds:
    """Thresholds of the quality criteria (settings; defaults from methodology §1)."""

    loading_min: float = 0.708
    alpha_min: float = 0.70
    rho_a_min: float = 0.70
    rho_c_min: float = 0.70
    rho_c_max: float = 0.95
    ave_min: float = 0.50
    htmt_max: float = 0.85
    vif_max: float = 5.0
    r_squared_bands: tuple[float, float, float] = (0.25, 0.50, 0.75)
    latent_correlation_max: float = 0.95


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion for one subject (item, construct, pair or path).

    ``passed`` is True / False, or None when the criterion does not apply (e.g. α of a single
    item); ``threshold`` states the rule, e.g. ``">= 0.708"``.
    """

    name: str
    subject: str
    value: float
    threshold: str
    passed: bool | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "subject": self.subject, "value": json_number(self.value),
                "threshold": self.threshold, "passed": self.passed, "note": self.note}


@dataclass(frozen=True, slots=True)
class ValidityReport:
    """All criteria, the HTMT matrix and the admissibility verdict of one fitted model
    (``admissibility_problems``: why it is not admissible, empty when it is)."""

    criteria: tuple[Criterion, ...]
    htmt: pd.DataFrame
    fornell_larcker: pd.DataFrame
    admissibility_problems: tuple[Problem, ...]
    thresholds: ValidityThresholds = field(default_factory=ValidityThresholds)

    @property
    def admissible(self) -> bool:
        """True when no admissibility check failed."""
        return not self.admissibility_problems

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per failed criterion, then the admissibility problems."""
        failed = tuple(f"{c.name} of {c.subject} = {c.value:.3f} (rule {c.threshold})"
                       for c in self.criteria if c.passed is False)
        return failed + tuple(f"inadmissible: {p.english()}" for p in self.admissibility_problems)

    def select(self, name: str) -> tuple[Criterion, ...]:
        """The criteria called ``name`` (e.g. "AVE")."""
        return tuple(c for c in self.criteria if c.name == name)

    def value(self, name: str, subject: str) -> float:
        """The value of criterion ``name`` for ``subject``; KeyError if absent."""
        for c in self.criteria:
            if c.name == name and c.subject == subject:
                return c.value
        raise KeyError((name, subject))

    def summary(self) -> str:
        """Plain-text table of criteria with PASS / WARN / n.a. flags."""
        flag = {True: "PASS", False: "WARN", None: "n.a."}
        lines = [f"{c.name:<16} {c.subject:<30} {c.value: .4f}  {c.threshold:<12} {flag[c.passed]}"
                 for c in self.criteria]
        lines.append("admissible" if self.admissible
                     else "NOT admissible: " + "; ".join(p.english() for p in self.admissibility_problems))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: ``admissibility_problems`` in English (readers of the fit
        document), ``admissibility_codes`` the same problems as codes and parameters (shown in
        the reader's language)."""
        return {
            "criteria": [c.to_dict() for c in self.criteria],
            "htmt": {str(c): {str(r): json_number(v) for r, v in self.htmt[c].items()} for c in self.htmt.columns},
            "admissible": self.admissible,
            "admissibility_problems": [p.english() for p in self.admissibility_problems],
            "admissibility_codes": [p.to_dict() for p in self.admissibility_problems],
        }


def htmt_array(correlation: np.ndarray, blocks: Sequence[np.ndarray]) -> np.ndarray:
    """Heterotrait–monotrait ratio (k×k, unit diagonal) from item correlations and item blocks."""
    sizes = np.array([b.size for b in blocks], dtype=float)
    membership = np.zeros((correlation.shape[0], len(blocks)))
    for j, b in enumerate(blocks):
        membership[b, j] = 1.0
    sums = membership.T @ np.abs(correlation) @ membership       # block sums of |r|
    means = sums / np.outer(sizes, sizes)                         # heterotrait means off the diagonal
    monotrait = np.ones(len(blocks))
    multi = sizes > 1
    monotrait[multi] = (np.diag(sums)[multi] - sizes[multi]) / (sizes[multi] * (sizes[multi] - 1))
    out = means / np.sqrt(np.outer(monotrait, monotrait))
    out = (out + out.T) / 2.0  # exact symmetry despite rounding in the block sums
    np.fill_diagonal(out, 1.0)
    return out


def htmt(results: PLSResults) -> pd.DataFrame:
    """HTMT matrix of a fitted model, labelled by construct."""
    position = {item: n for n, item in enumerate(results.spec.items)}
    blocks = [np.array([position[i] for i in c.items]) for c in results.spec.constructs]
    names = list(results.spec.construct_names)
    return pd.DataFrame(htmt_array(results.item_correlations.to_numpy(), blocks), index=names, columns=names)


def admissibility_problems(results: PLSResults, *, latent_correlation_max: float = 0.95) -> tuple[Problem, ...]:
    """Admissibility checks of methodology §1; one :class:`~acsi.problems.Problem` per failure
    (empty when admissible)."""
    problems: list[Problem] = []
    if not results.converged:
        problems.append(Problem("not_converged", {}))
    for item, loading in results.loadings.items():
        if abs(loading) > 1 + 1e-9:
            problems.append(Problem("loading_beyond_one", {"item": item, "value": loading}))
    corr = results.construct_correlations.to_numpy()
    if not np.all(np.isfinite(corr)):
        problems.append(Problem("correlations_undefined", {}))
    elif (smallest := np.linalg.eigvalsh(corr).min()) <= 1e-10:
        problems.append(Problem("not_positive_definite", {"eigenvalue": smallest}))
    names = list(results.construct_correlations.columns)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if abs(corr[i, j]) > latent_correlation_max:
                problems.append(Problem("correlation_too_high", {"first": names[i], "second": names[j],
                                                                 "value": corr[i, j], "limit": latent_correlation_max}))
    for construct, r2 in results.r_squared.items():
        if not 0 <= r2 <= 1:
            problems.append(Problem("negative_disturbance", {"construct": construct, "value": r2}))
    for (source, target), value in results.paths.items():
        if abs(value) > 1:
            problems.append(Problem("path_beyond_one", {"source": source, "target": target, "value": value}))
    return tuple(problems)


def assess_validity(results: PLSResults, *, thresholds: ValidityThresholds = ValidityThresholds()) -> ValidityReport:
    """Compute every criterion of ``results`` against ``thresholds``.

    Returns a :class:`ValidityReport`; failures are flagged (``passed=False``), never raised.
    """
    t = thresholds
    spec = results.spec
    criteria: list[Criterion] = []
    item_corr = results.item_correlations
    ave = {}
    for construct in spec.constructs:
        items, single = list(construct.items), len(construct.items) == 1
        lam = results.loadings[items].to_numpy()
        if construct.mode == "A":
            for item, value in zip(items, lam):
                criteria.append(Criterion("loading", item, float(value), f">= {t.loading_min}",
                                          None if single else bool(abs(value) >= t.loading_min)))
        k = len(items)
        block = item_corr.loc[items, items].to_numpy()
        alpha = k / (k - 1) * (1 - k / block.sum()) if k > 1 else np.nan
        rho_c = lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam ** 2))
        ave[construct.name] = float(np.mean(lam ** 2))
        rho_a = float(results.rho_a[construct.name])
        reflective = construct.mode == "A" and not single
        note = "" if reflective else "not applicable to single-item or Mode B constructs"
        criteria += [
            Criterion("cronbach_alpha", construct.name, float(alpha), f">= {t.alpha_min}",
                      bool(alpha >= t.alpha_min) if reflective else None, note),
            Criterion("rho_a", construct.name, rho_a, f">= {t.rho_a_min}",
                      bool(rho_a >= t.rho_a_min) if reflective else None, note),
            Criterion("rho_c", construct.name, float(rho_c), f"{t.rho_c_min}-{t.rho_c_max}",
                      bool(t.rho_c_min <= rho_c <= t.rho_c_max) if reflective else None, note),
            Criterion("AVE", construct.name, ave[construct.name], f">= {t.ave_min}",
                      bool(ave[construct.name] >= t.ave_min) if reflective else None, note),
        ]
    names = list(spec.construct_names)
    corr = results.construct_correlations
    fornell = corr.abs().copy()
    for name in names:
        fornell.loc[name, name] = np.sqrt(ave[name])
        largest = float(corr.loc[name].drop(name).abs().max())
        criteria.append(Criterion("fornell_larcker", name, float(np.sqrt(ave[name]) - largest),
                                  "sqrt(AVE) - max|r| > 0", bool(np.sqrt(ave[name]) > largest)))
    htmt_matrix = htmt(results)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            value = float(htmt_matrix.loc[a, b])
            criteria.append(Criterion("HTMT", f"{a}/{b}", value, f"< {t.htmt_max}", bool(value < t.htmt_max)))
    criteria += _structural_criteria(results, t)
    return ValidityReport(tuple(criteria), htmt_matrix, fornell,
                          admissibility_problems(results, latent_correlation_max=t.latent_correlation_max), t)


def _structural_criteria(results: PLSResults, t: ValidityThresholds) -> list[Criterion]:
    spec = results.spec
    corr = results.construct_correlations
    out: list[Criterion] = []
    for construct in spec.constructs:
        if construct.mode == "B" and len(construct.items) > 1:
            items = list(construct.items)
            vif = np.diag(np.linalg.inv(results.item_correlations.loc[items, items].to_numpy()))
            out += [Criterion("outer_VIF", item, float(v), f"< {t.vif_max}", bool(v < t.vif_max))
                    for item, v in zip(items, vif)]
    weak, moderate, substantial = t.r_squared_bands
    for target in spec.endogenous:
        pred = list(spec.predecessors(target))
        xx = corr.loc[pred, pred].to_numpy()
        vif = np.diag(np.linalg.inv(xx))
        out += [Criterion("inner_VIF", f"{p} -> {target}", float(v), f"< {t.vif_max}", bool(v < t.vif_max))
                for p, v in zip(pred, vif)]
        r2 = float(results.r_squared[target])
        band = ("substantial" if r2 >= substantial else "moderate" if r2 >= moderate
                else "weak" if r2 >= weak else "below weak")
        out.append(Criterion("R2", target, r2, f">= {weak}", bool(r2 >= weak), band))
        for p in pred:
            rest = [q for q in pred if q != p]
            r2_without = 0.0
            if rest:
                xy = corr.loc[rest, target].to_numpy()
                r2_without = float(xy @ np.linalg.solve(corr.loc[rest, rest].to_numpy(), xy))
            f2 = (r2 - r2_without) / (1 - r2)
            size = "large" if f2 >= 0.35 else "medium" if f2 >= 0.15 else "small" if f2 >= 0.02 else "none"
            out.append(Criterion("f2", f"{p} -> {target}", float(f2), ">= 0.02", None, size))
    return out
