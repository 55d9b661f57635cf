"""PLS path modelling: the :class:`PLS` estimator and its numeric core.

The core (:func:`estimate_from_correlation`, numpy only) works from the p×p correlation matrix
of the items, so a fit costs one pass over the data (done by :mod:`acsi.data`) plus O(p²·k)
work per iteration, and a bootstrap resample costs one weighted cross-product
(:mod:`acsi.bootstrap`). :class:`PLS` validates the data, runs the core, and labels the results.

Algorithm (Lohmöller 1989; Tenenhaus et al. 2005), for standardised items:

1. Outer weights start at one per item, scaled so each construct score has unit variance.
2. Inner weights ``E`` from the construct correlations ``C = Wᵀ R W``: *centroid* uses
   sign(C) on adjacent constructs, *factorial* uses C, *path* uses, for construct j, the OLS
   coefficients of j on its predecessors and the correlations with its successors.
3. Outer update: Mode A takes the covariances of the items with the inner proxy
   (``R W E``), Mode B regresses the proxy on the items (``R_jj⁻¹ R W E``); rescale to unit
   variance. Single-item constructs keep weight = loading = 1.
4. Sign rule: in every block the dominant indicator (largest |loading|, first on ties) loads
   positively. This never looks at path signs, so satisfaction → complaints keeps its sign.
5. Stop when the largest change of any weight is below ``tol``.

Consistent PLS (Dijkstra & Henseler 2015) then corrects Mode A constructs with ρ_A:
``c² = wᵀ(R_jj − diag)w / wᵀ(wwᵀ − diag(wwᵀ))w``, loadings ``c·w``, ρ_A = (wᵀw)²c², and
construct correlations ``C_ij / √(ρ_A,i ρ_A,j)`` before the path regressions.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from acsi.data import DEFAULT_MIN_ROWS, MissingStrategy, PreparedData, prepare_items
from acsi.errors import AcsiError, EstimationError, ModelSpecError
from acsi.pls_consistent import consistent_correction, rho_a_values
from acsi.results import PLSResults
from acsi.spec import ModelSpec
from acsi.validity import admissibility_problems
from acsi.threads import single_threaded_blas

__all__ = ["PLS", "InnerScheme", "Layout", "CoreEstimate", "build_layout", "estimate_from_correlation"]

InnerScheme = Literal["path", "centroid", "factorial"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Index structures of a :class:`ModelSpec` over its item order."""

    spec: ModelSpec
    blocks: tuple[np.ndarray, ...]          # item positions of each construct
    block_of: np.ndarray                    # construct position of each item
    mode_b: tuple[bool, ...]
    adjacency: np.ndarray                   # adjacency[i, j] = 1 when path i -> j
    predecessors: tuple[np.ndarray, ...]    # construct positions with a path into j
    path_index: tuple[tuple[int, int], ...]  # (from, to) positions of spec.paths
    block_grids: tuple[tuple[np.ndarray, np.ndarray], ...]        # np.ix_(block, block)
    predecessor_grids: tuple[tuple[np.ndarray, np.ndarray], ...]  # np.ix_(pred, pred)

    @property
    def n_items(self) -> int:
        return int(self.block_of.size)


def build_layout(spec: ModelSpec) -> Layout:
    """Precompute the block and path indices of ``spec`` (items in ``spec.items`` order)."""
    names = spec.construct_names
    position = {n: k for k, n in enumerate(names)}
    blocks, block_of, start = [], [], 0
    for k, construct in enumerate(spec.constructs):
        blocks.append(np.arange(start, start + len(construct.items)))
        block_of.extend([k] * len(construct.items))
        start += len(construct.items)
    adjacency = np.zeros((len(names), len(names)))
    path_index = tuple((position[s], position[t]) for s, t in spec.paths)
    for s, t in path_index:
        adjacency[s, t] = 1.0
    predecessors = tuple(np.flatnonzero(adjacency[:, j]) for j in range(len(names)))
    return Layout(spec, tuple(blocks), np.asarray(block_of), tuple(c.mode == "B" for c in spec.constructs),
                  adjacency, predecessors, path_index, tuple(np.ix_(b, b) for b in blocks),
                  tuple(np.ix_(p, p) for p in predecessors))


@dataclass(frozen=True, slots=True)
class CoreEstimate:
    """Raw estimates in layout order (standardised metric)."""

    weights: np.ndarray           # (p,) outer weights of standardised items
    loadings: np.ndarray          # (p,) loadings (consistent loadings for PLSc Mode A blocks)
    construct_correlation: np.ndarray  # (k, k) (disattenuated for PLSc)
    paths: np.ndarray             # (len(spec.paths),) standardised path coefficients
    r_squared: np.ndarray         # (k,) NaN for exogenous constructs
    rho_a: np.ndarray             # (k,) ρ_A (1 for single-item and Mode B constructs)
    iterations: int
    converged: bool

    def path_matrix(self, layout: Layout) -> np.ndarray:
        """k×k matrix B with B[i, j] the path i -> j."""
        matrix = np.zeros_like(layout.adjacency)
        for (s, t), value in zip(layout.path_index, self.paths):
            matrix[s, t] = value
        return matrix


def estimate_from_correlation(
    correlation: np.ndarray,
    layout: Layout,
    *,
    scheme: InnerScheme = "path",
    consistent: bool = False,
    tol: float = 1e-7,
    max_iter: int = 300,
) -> CoreEstimate:
    """Run PLS (and optionally the PLSc correction) on an item correlation matrix.

    ``correlation`` is p×p in ``layout.spec.items`` order. Raises :class:`EstimationError` on
    a singular block or construct correlation matrix, or a non-finite result.
    """
    weights, iterations, converged = _outer_weights(correlation, layout, scheme, tol, max_iter)
    k = len(layout.blocks)
    weight_matrix = np.zeros((layout.n_items, k))
    weight_matrix[np.arange(layout.n_items), layout.block_of] = weights
    item_construct = correlation @ weight_matrix
    loadings = item_construct[np.arange(layout.n_items), layout.block_of]
    construct_correlation = weight_matrix.T @ item_construct
    rho_a = np.ones(k)
    if consistent:
        construct_correlation, loadings, rho_a = consistent_correction(
            correlation, layout, weights, loadings, construct_correlation)
    paths, r_squared = structural_paths(construct_correlation, layout)
    if not (np.isfinite(weights).all() and np.isfinite(paths).all()):
        raise EstimationError("PLS produced non-finite estimates; the item correlation matrix is degenerate")
    return CoreEstimate(weights, loadings, construct_correlation, paths, r_squared, rho_a, iterations, converged)


def structural_paths(construct_correlation: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """OLS path coefficients (in ``spec.paths`` order) and R² per construct from construct correlations."""
    k = construct_correlation.shape[0]
    r_squared = np.full(k, np.nan)
    matrix = np.zeros((k, k))
    # every predictor set is non-singular when the whole matrix is positive definite (interlacing)
    check = not np.linalg.eigvalsh(construct_correlation)[0] > 1e-10
    for j, pred in enumerate(layout.predecessors):
        if pred.size == 0:
            continue
        xx = construct_correlation[layout.predecessor_grids[j]]
        xy = construct_correlation[pred, j]
        beta = _solve_correlation(xx, xy, layout, j, check=check)
        matrix[pred, j] = beta
        r_squared[j] = float(beta @ xy)
    paths = np.array([matrix[s, t] for s, t in layout.path_index])
    return paths, r_squared


def _outer_weights(
    correlation: np.ndarray, layout: Layout, scheme: InnerScheme, tol: float, max_iter: int,
) -> tuple[np.ndarray, int, bool]:
    blocks, k, p = layout.blocks, len(layout.blocks), layout.n_items
    rows = np.arange(p)
    block_corr = [correlation[grid] for grid in layout.block_grids]
    for j, rb in enumerate(block_corr):
        if layout.mode_b[j] and rb.shape[0] > 1 and not np.linalg.eigvalsh(rb)[0] > 1e-10:
            raise EstimationError(f"items of Mode B construct {layout.spec.construct_names[j]!r} are perfectly "
                                  "collinear (singular correlation matrix)")
    weights = np.empty(p)
    for b, rb in zip(blocks, block_corr):
        weights[b] = 1.0 / np.sqrt(rb.sum())
    symmetric = layout.adjacency + layout.adjacency.T
    weight_matrix = np.zeros((p, k))
    for iteration in range(1, max_iter + 1):
        weight_matrix[rows, layout.block_of] = weights
        item_construct = correlation @ weight_matrix
        construct_corr = weight_matrix.T @ item_construct
        inner = _inner_weights(construct_corr, layout, scheme, symmetric)
        proxy_cov = item_construct @ inner
        new = np.empty(p)
        for j, (b, rb) in enumerate(zip(blocks, block_corr)):
            if b.size == 1:
                new[b] = 1.0
                continue
            g = proxy_cov[b, j]
            if layout.mode_b[j]:
                g = _solve_correlation(rb, g, layout, j, check=False, items=True)
            scale = float(g @ rb @ g)
            if not scale > 0:
                raise EstimationError(
                    f"construct {layout.spec.construct_names[j]!r} has a zero inner proxy; "
                    "is it connected to the rest of the model?")
            g = g / np.sqrt(scale)
            block_loadings = rb @ g
            if block_loadings[np.argmax(np.abs(block_loadings))] < 0:
                g = -g
            new[b] = g
        change = float(np.max(np.abs(new - weights)))
        weights = new
        if change < tol:
            return weights, iteration, True
    return weights, max_iter, False


def _solve_correlation(matrix: np.ndarray, rhs: np.ndarray, layout: Layout, j: int, *, check: bool,
                       items: bool = False) -> np.ndarray:
    """Solve ``matrix @ x = rhs`` for a correlation matrix, refusing (near-)singular ones.

    ``check`` runs the eigenvalue test (else only an exactly singular matrix is refused).
    """
    if matrix.shape[0] == 1 and matrix[0, 0] > 0:
        return rhs / matrix[0, 0]
    try:
        if check and not np.abs(np.linalg.eigvalsh(matrix)).min() > 1e-10:
            raise np.linalg.LinAlgError("near-singular")
        return np.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError as error:
        what = (f"items of Mode B construct {layout.spec.construct_names[j]!r}" if items
                else f"predictors of {layout.spec.construct_names[j]!r}")
        raise EstimationError(f"{what} are perfectly collinear (singular correlation matrix)") from error


def _inner_weights(construct_corr: np.ndarray, layout: Layout, scheme: InnerScheme,
                   symmetric: np.ndarray) -> np.ndarray:
    if scheme == "centroid":
        return np.sign(construct_corr) * symmetric
    if scheme == "factorial":
        return construct_corr * symmetric
    inner = construct_corr * layout.adjacency.T
    for j, pred in enumerate(layout.predecessors):
        if pred.size:
            inner[pred, j] = _solve_correlation(construct_corr[layout.predecessor_grids[j]], construct_corr[pred, j],
                                                layout, j, check=False)
    return inner


class PLS:
    """PLS path-model estimator (Mode A / B blocks; path, centroid or factorial scheme; PLSc).

    ``__init__`` only stores the options; :meth:`fit` validates the data and returns a new
    :class:`~acsi.results.PLSResults`. ``missing`` chooses listwise deletion, mean replacement
    or EM (see :mod:`acsi.data`); ``min_rows`` is the fewest usable rows accepted.
    """

    def __init__(
        self,
        spec: ModelSpec,
        *,
        scheme: InnerScheme = "path",
        consistent: bool = False,
        tol: float = 1e-7,
        max_iter: int = 300,
        missing: MissingStrategy = "listwise",
        min_rows: int = DEFAULT_MIN_ROWS,
    ) -> None:
        if not isinstance(spec, ModelSpec):
            raise ModelSpecError(f"spec must be a ModelSpec, got {type(spec).__name__}")
        if scheme not in ("path", "centroid", "factorial"):
            raise AcsiError(f"scheme={scheme!r} is not one of 'path', 'centroid', 'factorial'")
        if missing not in ("listwise", "mean", "em"):
            raise AcsiError(f"missing={missing!r} is not one of 'listwise', 'mean', 'em'")
        if not (tol > 0 and max_iter >= 1):
            raise AcsiError(f"tol={tol!r} must be > 0 and max_iter={max_iter!r} ≥ 1")
        self.spec = spec
        self.scheme: InnerScheme = scheme
        self.consistent = bool(consistent)
        self.tol = float(tol)
        self.max_iter = int(max_iter)
        self.missing: MissingStrategy = missing
        self.min_rows = int(min_rows)
        self.layout = build_layout(spec)

    def fit(self, frame: pd.DataFrame, *, weights: Sequence[float] | np.ndarray | pd.Series | None = None,
            ) -> PLSResults:
        """Estimate the model on ``frame`` (one row per respondent; item columns as in the spec).

        ``weights`` are respondent weights (one per row, ≥ 0). Raises :class:`InputDataError` /
        :class:`InsufficientDataError` for unusable data and :class:`EstimationError` when the
        algorithm cannot produce estimates; non-convergence and inadmissible solutions are
        reported in ``results.warnings``.
        """
        with single_threaded_blas():
            data = prepare_items(frame, self.spec.items, missing=self.missing, weights=weights,
                                 min_rows=self.min_rows)
            return self.fit_prepared(data)

    def estimate(self, correlation: np.ndarray) -> CoreEstimate:
        """Raw estimates from an item correlation matrix in ``spec.items`` order (used by the bootstrap)."""
        return estimate_from_correlation(correlation, self.layout, scheme=self.scheme, consistent=self.consistent,
                                         tol=self.tol, max_iter=self.max_iter)

    def fit_prepared(self, data: PreparedData) -> PLSResults:
        """Estimate the model from already validated data (see :func:`acsi.data.prepare_items`)."""
        core = self.estimate(data.correlation)
        spec, layout = self.spec, self.layout
        items, names = list(spec.items), list(spec.construct_names)
        sd = data.sd
        weight_matrix = np.zeros((layout.n_items, len(names)))
        weight_matrix[np.arange(layout.n_items), layout.block_of] = core.weights / sd
        scores = _construct_scores(data.values, data.mean, weight_matrix)
        path_matrix = core.path_matrix(layout)
        total = np.linalg.inv(np.eye(len(names)) - path_matrix) - np.eye(len(names))  # B + B² + ...
        endogenous = [n for j, n in enumerate(names) if layout.predecessors[j].size]
        warnings = list(data.warnings)
        if not core.converged:
            warnings.append(f"PLS did not converge in {self.max_iter} iterations (tolerance {self.tol:g})")
        results = PLSResults(
            spec=spec, scheme=self.scheme, consistent=self.consistent, missing=data.missing,
            weighted=data.weights is not None,
            outer_weights=pd.Series(core.weights, index=items, name="outer_weight"),
            loadings=pd.Series(core.loadings, index=items, name="loading"),
            paths=pd.Series(core.paths, index=pd.MultiIndex.from_tuples(spec.paths, names=["from", "to"]),
                            name="path"),
            total_effects=pd.DataFrame(total, index=names, columns=names),
            r_squared=pd.Series(core.r_squared, index=names, name="r_squared")[endogenous],
            construct_correlations=pd.DataFrame(core.construct_correlation, index=names, columns=names),
            rho_a=pd.Series(rho_a_values(data.correlation, layout, core.weights), index=names, name="rho_a"),
            scores=pd.DataFrame(scores, index=data.index, columns=names, copy=False),
            item_means=pd.Series(data.mean, index=items, name="mean"),
            item_sds=pd.Series(sd, index=items, name="sd"),
            item_correlations=pd.DataFrame(data.correlation, index=items, columns=items),
            n=data.n, n_input=data.n_input, converged=core.converged, iterations=core.iterations,
            warnings=(),
        )
        warnings += [f"inadmissible: {problem.english()}" for problem in admissibility_problems(results)]
        return replace(results, warnings=tuple(warnings))


def _construct_scores(values: np.ndarray, mean: np.ndarray, raw_weights: np.ndarray, *,
                      chunk: int = 131_072) -> np.ndarray:
    """(values − mean) @ raw_weights, n×k, computed in row chunks into a column-major array
    (which pandas adopts without copying)."""
    out = np.empty((raw_weights.shape[1], values.shape[0]))
    offset = mean @ raw_weights
    for start in range(0, values.shape[0], chunk):
        out[:, start:start + chunk] = raw_weights.T @ values[start:start + chunk].T
    out -= offset[:, None]
    return out.T
