"""Covariance-based SEM of a :class:`~acsi.spec.ModelSpec` — the one adapter over semopy.

This is the only module that imports semopy. It

* takes the checked item moments from :func:`acsi.data.prepare_items` (one pass over the data;
  unknown, non-numeric or constant columns raise :class:`~acsi.errors.InputDataError`), turns
  the covariance into the ML (÷ N) convention of lavaan and semopy, and fits semopy on that p×p
  matrix (``Model.fit(cov=..., n_samples=...)``), so the fit does not grow with N,
* fixes the residual variance of a single-item construct's item to 0 (lavaan's
  ``auto.fix.single``), so the construct *is* the item,
* turns semopy's ``'-'`` placeholders into NaN, captures its warnings and log messages into
  :attr:`CBSEMResults.warnings`, and converts its failures into
  :class:`~acsi.errors.EstimationError`,
* computes the standardised solution, the fit indices (:mod:`acsi.fit_indices`) and the
  admissibility check (:mod:`acsi.admissibility`, methodology §1) whose failures are listed as warnings with
  ``admissible=False``.

Weights: the covariance is the weighted (÷ Σw) covariance; χ², standard errors and fit indices
then use Kish's effective sample size (Σw)²/Σw². They are approximations (no design-based
correction; lavaan's ``sampling.weights`` scales χ² by N instead); the point estimates equal
lavaan's and those of frequency-weighted (replicated) data.
"""
from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
import semopy

from acsi.admissibility import admissibility_problems
from acsi.problems import Problem
from acsi.data import DEFAULT_MIN_ROWS, MissingStrategy, PreparedData, prepare_items
from acsi.errors import EstimationError, InputDataError, ModelSpecError
from acsi.fit_indices import FitIndices, compute_fit_indices
from acsi.spec import ModelSpec

__all__ = ["CBSEM", "CBSEMResults", "Objective", "semopy_description"]

Objective = Literal["MLW", "ULS", "GLS"]
Solver = Literal["SLSQP", "L-BFGS-B"]

# What semopy raises from its parser, linear algebra and optimiser (it also raises bare Exception
# from ``load``; we never call that path: the covariance and n_samples are always given).
_SEMOPY_FAILURES = (np.linalg.LinAlgError, ArithmeticError, ValueError, KeyError, IndexError, SyntaxError, TypeError)


def semopy_description(spec: ModelSpec) -> str:
    """The model in semopy/lavaan syntax with single-item residual variances fixed at 0.

    Raises :class:`ModelSpecError` for formative (mode B) blocks, which CB-SEM cannot estimate.
    """
    formative = [c.name for c in spec.constructs if c.mode != "A"]
    if formative:
        raise ModelSpecError(f"CB-SEM estimates reflective blocks only; constructs {formative} are formative (mode B)")
    lines = [spec.to_lavaan()]
    lines += [f"{c.items[0]} ~~ 0*{c.items[0]}" for c in spec.constructs if len(c.items) == 1]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CBSEMResults:
    """The fitted model.

    ``estimates`` has one row per parameter in lavaan notation (``lhs``, ``op`` ∈ {"=~", "~",
    "~~"}, ``rhs``) with ``estimate``, ``std_error``, ``z_value``, ``p_value`` (NaN for fixed
    parameters) and ``std_estimate`` (lavaan's ``std.all``). ``standardized_paths`` maps
    (from, to) pairs, ``standardized_loadings`` items; ``latent_correlation`` is the model-implied
    construct correlation matrix; ``problems`` the reasons the solution is not admissible
    (:class:`~acsi.problems.Problem`: non-convergence and the admissibility checks);
    ``warnings`` holds semopy's messages and every problem in English.
    """

    spec: ModelSpec
    objective: str
    n_observations: int
    effective_n: float
    weighted: bool
    estimates: pd.DataFrame
    standardized_paths: Mapping[tuple[str, str], float]
    standardized_loadings: Mapping[str, float]
    r_squared: Mapping[str, float]
    latent_correlation: pd.DataFrame
    sample_covariance: pd.DataFrame
    implied_covariance: pd.DataFrame
    fit: FitIndices
    converged: bool
    admissible: bool
    warnings: tuple[str, ...]
    rows_dropped: int
    problems: tuple[Problem, ...] = ()

    def summary(self) -> str:
        """Human-readable overview: fit, standardised paths, admissibility."""
        lines = [f"CB-SEM ({self.objective}) of {self.spec.name!r}: N = {self.n_observations}"
                 + (f" (weighted, effective N = {self.effective_n:.1f})" if self.weighted else ""),
                 self.fit.summary()]
        lines += [f"  {s} -> {t}: {b:+.4f}" for (s, t), b in self.standardized_paths.items()]
        lines.append("admissible" if self.admissible else "NOT ADMISSIBLE")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None; path keys become "from -> to")."""
        def clean(value: float) -> float | None:
            return None if not np.isfinite(value) else float(value)
        records = [{k: (clean(v) if isinstance(v, float) else v) for k, v in row.items()}
                   for row in self.estimates.to_dict(orient="records")]
        return {
            "model": self.spec.name, "objective": self.objective, "n_observations": self.n_observations,
            "effective_n": clean(self.effective_n), "weighted": self.weighted, "rows_dropped": self.rows_dropped,
            "converged": self.converged, "admissible": self.admissible, "warnings": list(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
            "fit": self.fit.to_dict(),
            "standardized_paths": {f"{s} -> {t}": clean(b) for (s, t), b in self.standardized_paths.items()},
            "standardized_loadings": {k: clean(v) for k, v in self.standardized_loadings.items()},
            "r_squared": {k: clean(v) for k, v in self.r_squared.items()},
            "latent_correlation": {r: {c: clean(v) for c, v in row.items()}
                                   for r, row in self.latent_correlation.to_dict(orient="index").items()},
            "estimates": records,
        }


class _CapturingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _captured(messages: list[str]) -> Iterator[None]:
    """Collect Python warnings and root-logger warnings (semopy logs through ``logging.warning``)."""
    handler = _CapturingHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        root.removeHandler(handler)
    messages.extend(f"semopy: {w.category.__name__}: {w.message}" for w in caught)
    messages.extend(f"semopy: {m}" for m in handler.messages)


class CBSEM:
    """Covariance-based SEM estimator (statsmodels-style: options here, data in :meth:`fit`).

    ``objective`` is semopy's: "MLW" (normal-theory maximum likelihood, the default), "ULS",
    "GLS". The fit indices are always the normal-theory ML statistics at the estimates (with
    "ULS" / "GLS" a note in ``warnings`` says so). ``max_latent_correlation`` is the
    admissibility threshold (methodology §1: 0.95).
    """

    def __init__(self, spec: ModelSpec, *, objective: Objective = "MLW", solver: Solver = "SLSQP",
                 max_latent_correlation: float = 0.95) -> None:
        if objective not in ("MLW", "ULS", "GLS"):
            raise ModelSpecError(f"objective {objective!r} must be one of 'MLW', 'ULS', 'GLS'")
        if solver not in ("SLSQP", "L-BFGS-B"):
            raise ModelSpecError(f"solver {solver!r} must be 'SLSQP' or 'L-BFGS-B'")
        self.spec = spec
        self.objective = objective
        self.solver = solver
        self.max_latent_correlation = max_latent_correlation
        self.description = semopy_description(spec)

    def fit(self, frame: pd.DataFrame, *, weights: Any = None, missing: MissingStrategy = "listwise") -> CBSEMResults:
        """Fit the model to the item columns of ``frame`` (optionally respondent-weighted).

        ``missing`` is passed to :func:`acsi.data.prepare_items` ("listwise", "mean", "em").
        Raises :class:`~acsi.errors.InputDataError` (unknown / non-numeric / constant column,
        bad weights, collinear items), :class:`~acsi.errors.InsufficientDataError` (fewer than
        max(30, items + 1) usable rows) and :class:`~acsi.errors.EstimationError` (semopy failed
        or produced non-finite estimates).
        """
        items = self.spec.items
        prepared = prepare_items(frame, items, missing=missing, weights=weights,
                                 min_rows=max(DEFAULT_MIN_ROWS, len(items) + 1))
        return self.fit_prepared(prepared)

    def fit_prepared(self, data: PreparedData) -> CBSEMResults:
        """Fit from moments already prepared by :func:`acsi.data.prepare_items` (see :meth:`fit`)."""
        if sorted(data.items) != sorted(self.spec.items):
            raise InputDataError(f"prepared items {list(data.items)} are not the model's items {list(self.spec.items)}")
        n_rows = data.n
        total = float(n_rows) if data.weights is None else float(data.weights.sum())
        covariance = pd.DataFrame(data.cov * ((total - 1.0) / total), index=data.items, columns=data.items)
        effective_n = float(n_rows) if data.weights is None else float(total**2 / np.sum(data.weights**2))
        _check_not_collinear(covariance)
        messages: list[str] = []
        if self.objective != "MLW":
            messages.append(f"fit indices are normal-theory ML statistics evaluated at the {self.objective} estimates")
        items = list(self.spec.items)
        try:
            with _captured(messages):
                model = semopy.Model(self.description)
                observed = list(model.vars["observed"])
                sample = covariance.loc[observed, observed]
                result = model.fit(cov=sample, obj=self.objective, solver=self.solver,
                                   n_samples=int(round(effective_n)))
                table = model.inspect(mode="list", what="est")
        except _SEMOPY_FAILURES as error:
            raise EstimationError(
                f"semopy could not fit model {self.spec.name!r} ({type(error).__name__}: {error})") from error
        if not np.all(np.isfinite(model.param_vals)):
            raise EstimationError(f"semopy returned non-finite estimates for model {self.spec.name!r}")
        converged = bool(getattr(result, "success", False))
        if not converged:
            messages.append(f"the optimiser did not converge ({getattr(result, 'message', 'no message')})")

        beta, lambda_, psi, theta = (np.asarray(m, dtype=float) for m in model.matrices[:4])
        inner = list(model.names_beta[0])
        identity = np.eye(len(inner))
        try:
            structural_inverse = np.linalg.inv(identity - beta)
        except np.linalg.LinAlgError as error:
            raise EstimationError(f"the structural matrix of model {self.spec.name!r} is singular") from error
        latent_cov = structural_inverse @ psi @ structural_inverse.T
        implied = lambda_ @ latent_cov @ lambda_.T + theta
        latent_sd = np.sqrt(np.clip(np.diag(latent_cov), 0.0, None))
        item_sd = np.sqrt(np.clip(np.diag(implied), 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            latent_corr = latent_cov / np.outer(latent_sd, latent_sd)
        constructs = list(self.spec.construct_names)
        at = {name: i for i, name in enumerate(inner)}
        obs_at = {name: i for i, name in enumerate(observed)}
        paths = {(s, t): float(beta[at[t], at[s]] * latent_sd[at[s]] / latent_sd[at[t]]) for s, t in self.spec.paths}
        loadings = {item: float(lambda_[obs_at[item], at[c.name]] * latent_sd[at[c.name]] / item_sd[obs_at[item]])
                    for c in self.spec.constructs for item in c.items}
        r_squared = {t: float(1.0 - psi[at[t], at[t]] / latent_cov[at[t], at[t]]) for t in self.spec.endogenous}
        estimates = _estimates_table(table, latent_sd, item_sd, at, obs_at, set(constructs))

        fit = compute_fit_indices(sample.to_numpy(), implied, n_observations=effective_n,
                                  n_free_parameters=len(model.param_vals))
        order = [at[c] for c in constructs]
        latent_frame = pd.DataFrame(latent_corr[np.ix_(order, order)], index=constructs, columns=constructs)
        single = {c.items[0] for c in self.spec.constructs if len(c.items) == 1}
        problems = ([] if converged else [Problem("not_converged", {})]) + admissibility_problems(
            loadings, paths, latent_frame, estimates, max_corr=self.max_latent_correlation, fixed_items=single)
        implied_frame = pd.DataFrame(implied, index=observed, columns=observed).loc[items, items]
        return CBSEMResults(
            spec=self.spec, objective=self.objective, n_observations=n_rows,
            effective_n=effective_n, weighted=data.weights is not None, estimates=estimates,
            standardized_paths=MappingProxyType(paths), standardized_loadings=MappingProxyType(loadings),
            r_squared=MappingProxyType(r_squared), latent_correlation=latent_frame,
            sample_covariance=covariance.loc[items, items], implied_covariance=implied_frame, fit=fit,
            converged=converged, admissible=not problems,
            warnings=tuple(data.warnings) + tuple(messages) + tuple(f"inadmissible: {p.english()}" for p in problems),
            rows_dropped=data.n_input - n_rows, problems=tuple(problems))


def _check_not_collinear(covariance: pd.DataFrame) -> None:
    """Raise :class:`InputDataError` when some items are exact linear combinations of others."""
    scale = 1.0 / np.sqrt(np.diag(covariance.to_numpy()))
    eigenvalues = np.linalg.eigvalsh(covariance.to_numpy() * np.outer(scale, scale))
    if not eigenvalues.min() > 1e-10:
        raise InputDataError(
            f"the items' correlation matrix is singular (smallest eigenvalue {eigenvalues.min():.2g}): some of "
            f"{list(covariance.columns)} are exact linear combinations of others; CB-SEM needs it positive definite")


def _numeric(column: pd.Series) -> np.ndarray:
    """semopy writes '-' for fixed parameters' SEs / z / p: make them NaN, keep numbers exact."""
    return np.array([np.nan if isinstance(v, str) and v.strip() == "-" else float(v) for v in column], dtype=float)


def _estimates_table(table: pd.DataFrame, latent_sd: np.ndarray, item_sd: np.ndarray, at: Mapping[str, int],
                     obs_at: Mapping[str, int], constructs: set[str]) -> pd.DataFrame:
    """semopy's ``inspect`` list as lavaan-style rows with a ``std_estimate`` (std.all) column."""
    def sd(name: str) -> float:
        return float(latent_sd[at[name]] if name in at else item_sd[obs_at[name]])
    rows = []
    estimate = _numeric(table["Estimate"])
    std_error, z_value, p_value = (_numeric(table[c]) for c in ("Std. Err", "z-value", "p-value"))
    for k, (lval, op, rval) in enumerate(zip(table["lval"], table["op"], table["rval"], strict=True)):
        if op == "~" and rval in constructs and lval not in constructs:  # semopy writes loadings as item ~ construct
            lhs, op_out, rhs = rval, "=~", lval
        else:
            lhs, op_out, rhs = lval, op, rval
        scale = sd(rhs) / sd(lhs) if op_out == "~" else sd(lhs) / sd(rhs) if op_out == "=~" else 1.0 / (sd(lhs) * sd(rhs))
        rows.append({"lhs": lhs, "op": op_out, "rhs": rhs, "estimate": estimate[k], "std_error": std_error[k],
                     "z_value": z_value[k], "p_value": p_value[k], "std_estimate": estimate[k] * scale})
    return pd.DataFrame(rows)
