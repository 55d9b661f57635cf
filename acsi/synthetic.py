"""Synthetic survey data drawn from a known structural-equation model.

:func:`simulate_acsi` turns a :class:`~acsi.spec.ModelSpec` plus true standardised path
coefficients and loadings into a respondent × item DataFrame. It is used by the reference tests
(estimators must recover the truth), the demo seeding (segments that differ) and the benchmarks
(N = 1M), so it is fully vectorised: one ``(n, constructs)`` and one ``(n, items)`` normal draw.

The generating model, in construct declaration order made topological:

* every construct ξ has variance 1; exogenous constructs are independent standard normals;
* an endogenous construct η = Σ β·(predecessor) + ζ with Var(ζ) = 1 − β'Σβ, so the given β
  **are** the standardised path coefficients (a non-positive disturbance variance raises
  :class:`~acsi.errors.ModelSpecError`);
* a reflective item x = λ·ξ + √(1 − λ²)·ε has unit variance, so λ is its standardised loading;
  an item that is the only one of its construct has λ = 1 (x = ξ) unless a loading is given
  for it by name — the convention of PLS and CB-SEM for single-item constructs;
* ``latent_shift`` adds a constant (in latent standard deviations) to a construct's equation;
  the shift flows downstream along the paths. Use it to make demo segments differ in level;
* ``discretize=(low, high)`` maps an item onto the integer scale low…high
  (``round(low + 0.72·(high − low) + (high − low)/5 · x)``, clipped), a rough shape of ACSI
  answers (mean ≈ 7.5, sd ≈ 1.8 on 1–10); ``binary_items`` cut named items into 0/1 with the
  given share of ones (e.g. ``{"COMP": 0.15}`` for "complained").

Discretising or dichotomising attenuates correlations, so the true values hold exactly only for
the continuous data.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy.stats import norm

from acsi.errors import ModelSpecError
from acsi.spec import BUILTIN_MODELS, ModelSpec

__all__ = ["DEFAULT_PATHS", "SyntheticData", "simulate_acsi", "implied_latent_correlation"]

#: Realistic standardised path coefficients for the built-in models' construct names. All are
#: positive except satisfaction → complaints (more satisfied customers complain less).
DEFAULT_PATHS: Mapping[tuple[str, str], float] = MappingProxyType({
    ("image", "expectation"): 0.50,
    ("image", "satisfaction"): 0.15,
    ("image", "loyalty"): 0.20,
    ("expectation", "quality"): 0.55,
    ("expectation", "value"): 0.10,
    ("expectation", "satisfaction"): 0.08,
    ("quality", "value"): 0.55,
    ("quality", "satisfaction"): 0.50,
    ("value", "satisfaction"): 0.25,
    ("satisfaction", "complaints"): -0.35,
    ("satisfaction", "loyalty"): 0.55,
    ("complaints", "loyalty"): 0.05,
})


@dataclass(frozen=True, slots=True)
class SyntheticData:
    """Simulated responses and the truth they were drawn from.

    ``frame`` has one float column per item (integers stored as float when discretised),
    ``true_paths`` maps (from, to) to the standardised coefficient, ``true_loadings`` maps each
    item to its standardised loading, ``latent_correlation`` is the implied construct correlation
    matrix (constructs in ``spec`` order).
    """

    frame: pd.DataFrame
    true_paths: Mapping[tuple[str, str], float]
    true_loadings: Mapping[str, float]
    latent_correlation: pd.DataFrame
    spec: ModelSpec

    def summary(self) -> str:
        """A short text description of the truth (paths and loadings)."""
        lines = [f"synthetic {self.spec.name!r}: {len(self.frame)} respondents, {self.frame.shape[1]} items"]
        lines += [f"  {s} -> {t}: {b:+.3f}" for (s, t), b in self.true_paths.items()]
        lines += [f"  {item}: loading {lam:.3f}" for item, lam in self.true_loadings.items()]
        return "\n".join(lines)


def _topological_order(spec: ModelSpec) -> list[str]:
    """Constructs ordered so every construct comes after its predecessors (spec is acyclic)."""
    done: list[str] = []
    remaining = list(spec.construct_names)
    while remaining:
        for name in remaining:
            if all(p in done for p in spec.predecessors(name)):
                done.append(name)
                remaining.remove(name)
                break
    return done


def _resolve_paths(spec: ModelSpec, paths: Mapping[tuple[str, str], float] | None) -> dict[tuple[str, str], float]:
    given = dict(paths or {})
    for key in given:
        if key not in spec.paths:
            raise ModelSpecError(f"path {key!r} is not in model {spec.name!r}; its paths are {list(spec.paths)}")
    resolved: dict[tuple[str, str], float] = {}
    for key in spec.paths:
        if key in given:
            resolved[key] = float(given[key])
        elif key in DEFAULT_PATHS:
            resolved[key] = DEFAULT_PATHS[key]
        else:
            raise ModelSpecError(f"path {key[0]!r} -> {key[1]!r} has no default coefficient; pass it in paths=")
        if not np.isfinite(resolved[key]) or abs(resolved[key]) >= 1:
            raise ModelSpecError(f"path {key!r} coefficient {resolved[key]!r} must be a finite number in (-1, 1)")
    return resolved


def _resolve_loadings(spec: ModelSpec, loadings: float | Mapping[str, float]) -> dict[str, float]:
    if isinstance(loadings, Mapping):
        unknown = set(loadings) - set(spec.items)
        if unknown:
            raise ModelSpecError(f"loadings given for items {sorted(unknown)} that are not in model {spec.name!r}")
    resolved: dict[str, float] = {}
    for construct in spec.constructs:
        for item in construct.items:
            if isinstance(loadings, Mapping):
                value = loadings.get(item, 1.0 if len(construct.items) == 1 else 0.85)
            else:
                value = 1.0 if len(construct.items) == 1 else loadings
            value = float(value)
            if not 0 < value <= 1:
                raise ModelSpecError(f"loading of item {item!r} is {value!r}; it must lie in (0, 1]")
            resolved[item] = value
    return resolved


def implied_latent_correlation(spec: ModelSpec, paths: Mapping[tuple[str, str], float]) -> tuple[pd.DataFrame, dict[str, float]]:
    """Construct correlation matrix implied by standardised ``paths`` with independent exogenous
    constructs, and each endogenous construct's disturbance variance.

    Raises :class:`ModelSpecError` when a disturbance variance is not positive (the paths would
    need a construct variance above 1).
    """
    order = _topological_order(spec)
    index = {name: i for i, name in enumerate(order)}
    sigma = np.eye(len(order))
    disturbance: dict[str, float] = {}
    for name in order:
        preds = spec.predecessors(name)
        if not preds:
            continue
        j = index[name]
        beta = np.array([paths[(p, name)] for p in preds])
        pred_idx = [index[p] for p in preds]
        for k in range(j):  # covariances with every earlier construct
            sigma[j, k] = sigma[k, j] = float(beta @ sigma[pred_idx, k])
        explained = float(beta @ sigma[np.ix_(pred_idx, pred_idx)] @ beta)
        psi = 1.0 - explained
        if psi <= 1e-6:
            raise ModelSpecError(
                f"the paths into {name!r} explain {explained:.4f} of its variance; standardised paths must "
                "leave a positive disturbance variance (R² < 1)")
        disturbance[name] = psi
    frame = pd.DataFrame(sigma, index=order, columns=order).loc[list(spec.construct_names), list(spec.construct_names)]
    return frame, disturbance


def simulate_acsi(
    n: int,
    *,
    seed: int | np.random.Generator,
    spec: ModelSpec | None = None,
    paths: Mapping[tuple[str, str], float] | None = None,
    loadings: float | Mapping[str, float] = 0.85,
    discretize: tuple[int, int] | None = None,
    binary_items: Mapping[str, float] | None = None,
    latent_shift: Mapping[str, float] | None = None,
) -> SyntheticData:
    """Draw ``n`` respondents from ``spec`` (default the built-in ACSI model).

    ``paths`` overrides :data:`DEFAULT_PATHS` per (from, to) pair; ``loadings`` is one loading for
    every multi-item block or a per-item mapping (missing items get 0.85, single items 1.0).
    ``discretize``, ``binary_items`` (item → share of ones at zero shift) and ``latent_shift``
    (construct → mean shift in latent sd) are described in the module docstring. Deterministic
    given ``seed`` (an int or a numpy ``Generator``).

    Raises :class:`ModelSpecError` for n < 1, a path / item / construct not in the model, a
    coefficient outside (−1, 1), a loading outside (0, 1], a non-positive disturbance variance,
    formative blocks, a bad scale or a binary share outside (0, 1).
    """
    spec = BUILTIN_MODELS["acsi"] if spec is None else spec
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ModelSpecError(f"n = {n!r} must be a positive integer number of respondents")
    if any(c.mode != "A" for c in spec.constructs):
        raise ModelSpecError(f"model {spec.name!r} has formative blocks; only reflective (mode A) can be simulated")
    true_paths = _resolve_paths(spec, paths)
    true_loadings = _resolve_loadings(spec, loadings)
    latent_correlation, disturbance = implied_latent_correlation(spec, true_paths)
    shift = dict(latent_shift or {})
    unknown = set(shift) - set(spec.construct_names)
    if unknown:
        raise ModelSpecError(f"latent_shift names unknown constructs {sorted(unknown)}")
    if discretize is not None:
        low, high = discretize
        if not (isinstance(low, int) and isinstance(high, int) and high > low):
            raise ModelSpecError(f"discretize={discretize!r} must be two integers (low, high) with high > low")
    binary = dict(binary_items or {})
    for item, share in binary.items():
        if item not in true_loadings:
            raise ModelSpecError(f"binary item {item!r} is not in model {spec.name!r}")
        if not 0 < share < 1:
            raise ModelSpecError(f"binary share of {item!r} is {share!r}; it must lie in (0, 1)")

    rng = np.random.default_rng(seed)
    order = _topological_order(spec)
    position = {name: i for i, name in enumerate(order)}
    latent = rng.standard_normal((n, len(order)))
    for name in order:  # in place: column j becomes the construct once its predecessors are done
        j = position[name]
        preds = spec.predecessors(name)
        if preds:
            latent[:, j] *= np.sqrt(disturbance[name])
            for p in preds:
                latent[:, j] += true_paths[(p, name)] * latent[:, position[p]]
    if shift:  # shifts flow downstream: add each construct's total effect on the means
        means = dict.fromkeys(order, 0.0)
        for name in order:
            means[name] = shift.get(name, 0.0) + sum(true_paths[(p, name)] * means[p] for p in spec.predecessors(name))
        latent += np.array([means[name] for name in order])

    items = list(spec.items)
    lam = np.array([true_loadings[i] for i in items])
    owner = [position[c.name] for c in spec.constructs for _ in c.items]
    values = rng.standard_normal((n, len(items)))
    values *= np.sqrt(1.0 - lam**2)
    values += latent[:, owner] * lam
    del latent
    if discretize is not None:
        low, high = discretize
        width = high - low
        scaled = np.rint(low + 0.72 * width + width / 5.0 * values)
        np.clip(scaled, low, high, out=scaled)
    else:
        scaled = values
    for item, share in binary.items():
        k = items.index(item)
        scaled[:, k] = (values[:, k] > norm.ppf(1.0 - share)).astype(float)
    frame = pd.DataFrame(scaled, columns=items, copy=False)
    return SyntheticData(
        frame=frame,
        true_paths=MappingProxyType(true_paths),
        true_loadings=MappingProxyType(true_loadings),
        latent_correlation=latent_correlation,
        spec=spec,
    )
