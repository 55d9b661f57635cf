"""Seeded bootstrap of a PLS model: percentile intervals for paths, weights, loadings, total
effects, indices and HTMT.

Resamples are expressed as row weights: resample b draws n rows with replacement, which is the
same as giving row r the weight ``count_b[r] × respondent_weight[r]``. Its moments are one
weighted cross-product (batched as a single matrix product over all resamples of a chunk when
n·p² is small), and the PLS algorithm then works from the p×p correlation matrix alone.

Reproducibility: the draw of resample b comes from its own generator,
``numpy.random.default_rng(SeedSequence(seed).spawn(resamples)[b])``, and resamples are always
processed in the same fixed chunks of :data:`CHUNK_RESAMPLES`, so the results depend only on
``seed`` — bit for bit the same whatever ``n_jobs`` (worker processes sharing the chunks).

A resample fails when an item has no variance in it, the estimator raises
:class:`~acsi.errors.EstimationError`, the algorithm does not converge, or the resample's
solution is not admissible (non-finite, or a construct correlation matrix that is not positive
definite — possible with PLSc); failures are counted (``failed``) and excluded from the
intervals.

With ``missing="em"`` the EM is repeated in every resample (multiple-imputation logic: the
uncertainty of the imputation is part of the interval). Complete rows enter a resample through
the same weighted cross-products as always; only the incomplete rows are revisited, by EM
started from the resample's moments with the cells filled once (``acsi.data.em_moments_with``).
A resample whose EM does not converge counts as failed. With ``missing="mean"`` the resamples are
drawn from the completed data (mean replacement is not repeated), which understates the
uncertainty; mean replacement is offered for comparison, not as the default.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from acsi.data import PreparedData, em_moments_with, prepare_items
from acsi.errors import AcsiError, EstimationError
from acsi.indices import ScaleBounds, construct_indices, index_values, resolve_scale_bounds
from acsi.pls import PLS, Layout
from acsi.results import MIN_SUCCESSFUL_SHARE, BootstrapResults, PLSResults
from acsi.validity import htmt, htmt_array
from acsi.threads import single_threaded_blas

__all__ = ["BootstrapResults", "bootstrap"]

CHUNK_RESAMPLES = 100  # resamples estimated together (fixed: part of the reproducibility contract)
_ROW_BUDGET = 8_000_000  # resample × row cells held at once (64 MB): all 100 up to 80,000 rows
_PRODUCTS_LIMIT = 5_000_000  # largest n × p² table of row cross-products (floats) kept in memory


def bootstrap(
    estimator: PLS,
    frame: pd.DataFrame,
    *,
    resamples: int = 500,
    seed: int,
    level: float = 0.95,
    weights: Sequence[float] | np.ndarray | pd.Series | None = None,
    scale_bounds: ScaleBounds | None = None,
    n_jobs: int = 1,
) -> BootstrapResults:
    """Bootstrap ``estimator`` on ``frame`` with ``resamples`` seeded resamples.

    ``weights`` are respondent weights (kept inside every resample); ``scale_bounds`` (as for
    :func:`acsi.indices.construct_indices`) adds intervals for the 0–100 indices; ``n_jobs``
    worker processes share the resamples without changing the results. Raises
    :class:`AcsiError` for bad options, the errors of :meth:`PLS.fit` for bad data, and
    :class:`EstimationError` when fewer than two resamples succeed.
    """
    if not (isinstance(resamples, (int, np.integer)) and resamples >= 2):
        raise AcsiError(f"resamples={resamples!r} must be an integer ≥ 2")
    if not 0 < level < 1:
        raise AcsiError(f"level={level!r} must be between 0 and 1")
    if not (isinstance(n_jobs, (int, np.integer)) and n_jobs >= 1):
        raise AcsiError(f"n_jobs={n_jobs!r} must be an integer ≥ 1")
    data = prepare_items(frame, estimator.spec.items, missing=estimator.missing, weights=weights,
                         min_rows=estimator.min_rows)
    original = estimator.fit_prepared(data)
    bounds = None if scale_bounds is None else resolve_scale_bounds(estimator.spec, scale_bounds)
    seeds = np.random.SeedSequence(seed).spawn(int(resamples))
    chunks = [seeds[start:start + CHUNK_RESAMPLES] for start in range(0, len(seeds), CHUNK_RESAMPLES)]
    if n_jobs == 1:
        with single_threaded_blas():
            parts = [_run_chunk(estimator, data, bounds, chunk) for chunk in chunks]
    else:
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            parts = list(pool.map(_run_chunk_single_threaded,
                                  *zip(*[(estimator, data, bounds, c) for c in chunks])))
    draws = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    ok = draws.pop("ok")
    failed = int((~ok).sum())
    if ok.sum() < 2:
        raise EstimationError(f"only {int(ok.sum())} of {resamples} bootstrap resamples could be estimated")
    draws = {key: value[ok] for key, value in draws.items()}
    return _summarise(original, draws, bounds, int(resamples), failed, int(seed), level)


def _run_chunk_single_threaded(*args) -> dict[str, np.ndarray]:
    """:func:`_run_chunk` in a worker process, with one BLAS thread as in the calling process:
    a multi-threaded BLAS splits the products differently, which changes the last bits."""
    with single_threaded_blas():
        return _run_chunk(*args)


def weighted_cross_products(values: np.ndarray, row_weights: np.ndarray, *, rows: int = 20_000) -> np.ndarray:
    """Σᵢ wᵢ xᵢ xᵢᵀ for each row of ``row_weights`` (B×n) over ``values`` (n×p), as B×p×p, when
    the n×p² table of row cross-products is too large to keep: the upper triangle of the
    products is built ``rows`` rows at a time and multiplied by the weights of those rows (one
    matrix product per block; half the work of p² columns, and 2.3× faster than a p×n by n×p
    product per resample at 1,000,000 rows)."""
    count, p = row_weights.shape[0], values.shape[1]
    upper = np.triu_indices(p)
    sums = np.zeros((count, upper[0].size))
    for start in range(0, values.shape[0], rows):
        block = values[start:start + rows]
        sums += row_weights[:, start:start + rows] @ (block[:, upper[0]] * block[:, upper[1]])
    out = np.empty((count, p, p))
    out[:, upper[0], upper[1]] = sums
    out[:, upper[1], upper[0]] = sums
    return out


def _run_chunk(estimator: PLS, data: PreparedData, bounds: Mapping[str, tuple[float, float]] | None,
               seeds: Sequence[np.random.SeedSequence]) -> dict[str, np.ndarray]:
    n, p = data.values.shape
    base = np.ones(n) if data.weights is None else data.weights
    centred = data.values - data.mean
    products = (centred[:, :, None] * centred[:, None, :]).reshape(n, p * p) if n * p * p <= _PRODUCTS_LIMIT \
        else None
    # Resample weights are built a few resamples at a time on large data (a 100 × 1,000,000 matrix
    # of counts alone is 800 MB); each resample's counts come from its own seed either way.
    step = max(1, min(len(seeds), _ROW_BUDGET // max(n, 1)))
    totals, means = np.empty(len(seeds)), np.empty((len(seeds), p))
    second = np.empty((len(seeds), p, p))
    incomplete = np.flatnonzero(data.imputed.any(axis=1)) if data.imputed is not None else np.empty(0, int)
    incomplete_weights = np.empty((len(seeds), incomplete.size))
    for start in range(0, len(seeds), step):
        part = seeds[start:start + step]
        row_weights = np.empty((len(part), n))
        for b, child in enumerate(part):
            row_weights[b] = np.bincount(np.random.default_rng(child).integers(0, n, size=n), minlength=n)
        row_weights *= base
        block = slice(start, start + len(part))
        incomplete_weights[block] = row_weights[:, incomplete]
        totals[block] = row_weights.sum(axis=1)
        means[block] = (row_weights @ centred) / totals[block][:, None]
        if products is not None:
            second[block] = (row_weights @ products).reshape(len(part), p, p)
        else:
            second[block] = weighted_cross_products(centred, row_weights)
    covariances = (second - totals[:, None, None] * means[:, :, None] * means[:, None, :]) / (totals - 1)[:, None, None]
    if incomplete.size:
        _em_again(centred[incomplete], data.imputed[incomplete], incomplete_weights, totals, means, second,
                  covariances)
    means += data.mean
    layout = estimator.layout
    k, n_paths = len(layout.blocks), len(layout.path_index)
    low = high = None
    if bounds is not None:
        low = np.array([bounds[i][0] for i in estimator.spec.items])
        high = np.array([bounds[i][1] for i in estimator.spec.items])
    upper = np.triu_indices(k, 1)
    out = {"ok": np.zeros(len(seeds), bool), "paths": np.full((len(seeds), n_paths), np.nan),
           "total_effects": np.full((len(seeds), n_paths), np.nan),
           "outer_weights": np.full((len(seeds), p), np.nan), "loadings": np.full((len(seeds), p), np.nan),
           "htmt": np.full((len(seeds), upper[0].size), np.nan), "indices": np.full((len(seeds), k), np.nan)}
    total_rows, total_cols = zip(*layout.path_index)
    usable = np.all(np.diagonal(covariances, axis1=1, axis2=2) > 1e-12, axis=1)
    sd = np.sqrt(np.diagonal(covariances, axis1=1, axis2=2))
    correlations = covariances / (sd[:, :, None] * sd[:, None, :])
    correlations[:, np.arange(p), np.arange(p)] = 1.0
    chosen = np.flatnonzero(usable)
    try:
        batch = estimate_batch(correlations[chosen], layout, scheme=estimator.scheme,
                               consistent=estimator.consistent, tol=estimator.tol, max_iter=estimator.max_iter)
    except np.linalg.LinAlgError:  # a degenerate resample in the batch: estimate one by one
        batch = _estimate_one_by_one(estimator, correlations[chosen])
    good = batch["ok"]
    rows = chosen[good]
    out["ok"][rows] = True
    for key in ("paths", "outer_weights", "loadings"):
        out[key][rows] = batch[key][good]
    path_matrix = np.zeros((rows.size, k, k))
    path_matrix[:, list(total_rows), list(total_cols)] = batch["paths"][good]
    total = np.linalg.inv(np.eye(k) - path_matrix) - np.eye(k)
    out["total_effects"][rows] = total[:, list(total_rows), list(total_cols)]
    for b in rows:
        out["htmt"][b] = htmt_array(correlations[b], layout.blocks)[upper]
    if low is not None:
        for b, w in zip(rows, out["outer_weights"][rows]):
            out["indices"][b] = index_values(w / sd[b], means[b], low, high, layout.blocks)
    return out


def _em_again(filled: np.ndarray, imputed: np.ndarray, weights: np.ndarray, totals: np.ndarray,
              means: np.ndarray, second: np.ndarray, covariances: np.ndarray) -> None:
    """Repeat the EM in each resample (in place on ``means`` and ``covariances``, centred like
    ``filled``): the sums of the complete rows are the resample's sums less those of its
    incomplete rows as filled once; EM then revisits the incomplete rows drawn into the resample.
    A resample whose EM fails gets NaN moments, so it counts as failed."""
    holes = np.where(imputed, np.nan, filled)
    for b in range(weights.shape[0]):
        w = weights[b]
        drawn = w > 0
        fixed_total = totals[b] - w.sum()
        fixed_sum = totals[b] * means[b] - w @ filled
        fixed_cross = second[b] - (filled * w[:, None]).T @ filled
        start = covariances[b] * ((totals[b] - 1.0) / totals[b])
        try:
            mean, cov, _ = em_moments_with(holes[drawn], w[drawn], (fixed_total, fixed_sum, fixed_cross),
                                           means[b].copy(), start)
        except (EstimationError, np.linalg.LinAlgError):
            means[b], covariances[b] = np.nan, np.nan
            continue
        means[b], covariances[b] = mean, cov


def _estimate_one_by_one(estimator: PLS, correlations: np.ndarray) -> dict[str, np.ndarray]:
    count, p = correlations.shape[0], correlations.shape[1]
    out = {"ok": np.zeros(count, bool), "paths": np.full((count, len(estimator.layout.path_index)), np.nan),
           "outer_weights": np.full((count, p), np.nan), "loadings": np.full((count, p), np.nan)}
    for b in range(count):
        try:
            core = estimator.estimate(correlations[b])
        except (EstimationError, np.linalg.LinAlgError):
            continue
        out["ok"][b] = core.converged
        out["paths"][b], out["outer_weights"][b], out["loadings"][b] = core.paths, core.weights, core.loadings
    return out


def estimate_batch(correlations: np.ndarray, layout: Layout, *, scheme: str, consistent: bool, tol: float,
                   max_iter: int) -> dict[str, np.ndarray]:
    """PLS (and PLSc) on a stack of item correlation matrices (B×p×p) at once.

    Same algorithm and stopping rule as :func:`acsi.pls.estimate_from_correlation`; a matrix
    stops being updated once it has converged, so each result does not depend on the others in
    the stack. Returns arrays ``paths`` (B×paths), ``outer_weights``, ``loadings`` (B×p) and
    ``ok`` (converged, finite, positive definite). Raises ``numpy.linalg.LinAlgError`` when a
    matrix in the stack is singular (the caller then estimates one by one).
    """
    with np.errstate(invalid="ignore", divide="ignore"):  # bad resamples become NaN and are not ok
        return _estimate_batch(correlations, layout, scheme, consistent, tol, max_iter)


def _estimate_batch(correlations: np.ndarray, layout: Layout, scheme: str, consistent: bool, tol: float,
                    max_iter: int) -> dict[str, np.ndarray]:
    count, p = correlations.shape[0], correlations.shape[1]
    k, rows = len(layout.blocks), np.arange(p)
    block_corr = [correlations[:, b][:, :, b] for b in layout.blocks]
    singular = np.zeros(count, bool)
    for j, rb in enumerate(block_corr):  # as in the single fit: collinear Mode B items fail the resample
        if layout.mode_b[j] and rb.shape[1] > 1:
            bad = ~(np.linalg.eigvalsh(rb)[:, 0] > 1e-10)
            rb[bad] = np.eye(rb.shape[1])  # a copy: keeps the batch solvable; the resample is dropped
            singular |= bad
    weights = np.empty((count, p))
    for b, rb in zip(layout.blocks, block_corr):
        weights[:, b] = (1.0 / np.sqrt(rb.sum(axis=(1, 2))))[:, None]
    symmetric = layout.adjacency + layout.adjacency.T
    active, converged = np.ones(count, bool), np.zeros(count, bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        w_active = weights[idx]
        weight_matrix = np.zeros((idx.size, p, k))
        weight_matrix[:, rows, layout.block_of] = w_active
        item_construct = correlations[idx] @ weight_matrix
        construct_corr = weight_matrix.transpose(0, 2, 1) @ item_construct
        if scheme == "centroid":
            inner = np.sign(construct_corr) * symmetric
        elif scheme == "factorial":
            inner = construct_corr * symmetric
        else:
            inner = construct_corr * layout.adjacency.T
            for j, pred in enumerate(layout.predecessors):
                if pred.size:
                    xx = construct_corr[:, pred][:, :, pred]
                    inner[:, pred, j] = np.linalg.solve(xx, construct_corr[:, pred, j][:, :, None])[:, :, 0]
        proxy_cov = item_construct @ inner
        new = np.empty_like(w_active)
        for j, (b, rb_all) in enumerate(zip(layout.blocks, block_corr)):
            if b.size == 1:
                new[:, b] = 1.0
                continue
            rb = rb_all[idx]
            g = proxy_cov[:, b, j]
            if layout.mode_b[j]:
                g = np.linalg.solve(rb, g[:, :, None])[:, :, 0]
            g = g / np.sqrt(np.einsum("ni,nij,nj->n", g, rb, g))[:, None]
            block_loadings = np.einsum("nij,nj->ni", rb, g)
            dominant = block_loadings[np.arange(idx.size), np.argmax(np.abs(block_loadings), axis=1)]
            new[:, b] = g * np.where(dominant < 0, -1.0, 1.0)[:, None]
        done = np.max(np.abs(new - w_active), axis=1) < tol
        weights[idx] = new
        converged[idx[done]] = True
        active[idx[done]] = False
    weight_matrix = np.zeros((count, p, k))
    weight_matrix[:, rows, layout.block_of] = weights
    item_construct = correlations @ weight_matrix
    loadings = item_construct[:, rows, layout.block_of]
    construct_corr = weight_matrix.transpose(0, 2, 1) @ item_construct
    if consistent:
        rho = np.ones((count, k))
        for j, (b, rb) in enumerate(zip(layout.blocks, block_corr)):
            if b.size == 1 or layout.mode_b[j]:
                continue
            w = weights[:, b]
            off = rb - rb * np.eye(b.size)
            ww = np.sum(w ** 2, axis=1)
            c_squared = np.einsum("ni,nij,nj->n", w, off, w) / (ww ** 2 - np.sum(w ** 4, axis=1))
            rho[:, j] = ww ** 2 * c_squared
            loadings[:, b] = np.sqrt(np.where(c_squared > 0, c_squared, np.nan))[:, None] * w
        construct_corr = construct_corr / np.sqrt(rho[:, :, None] * rho[:, None, :])
        construct_corr[:, np.arange(k), np.arange(k)] = 1.0
    paths = np.zeros((count, len(layout.path_index)))
    position = {pair: n for n, pair in enumerate(layout.path_index)}
    for j, pred in enumerate(layout.predecessors):
        if pred.size:
            beta = np.linalg.solve(construct_corr[:, pred][:, :, pred], construct_corr[:, pred, j][:, :, None])[:, :, 0]
            for column, source in enumerate(pred):
                paths[:, position[(int(source), j)]] = beta[:, column]
    positive = np.linalg.eigvalsh(np.nan_to_num(construct_corr))[:, 0] > 1e-10
    finite = np.isfinite(paths).all(axis=1) & np.isfinite(weights).all(axis=1) & np.isfinite(loadings).all(axis=1)
    return {"ok": converged & positive & finite & ~singular, "paths": paths, "outer_weights": weights, "loadings": loadings}


def _summarise(original: PLSResults, draws: dict[str, np.ndarray], bounds: Mapping[str, tuple[float, float]] | None,
               resamples: int, failed: int, seed: int, level: float) -> BootstrapResults:
    spec = original.spec
    tail = (1 - level) / 2

    def table(estimate: np.ndarray, sample: np.ndarray, index: pd.Index) -> pd.DataFrame:
        lower, upper = np.quantile(sample, [tail, 1 - tail], axis=0)
        return pd.DataFrame({"estimate": estimate, "mean": sample.mean(axis=0), "std_error": sample.std(axis=0, ddof=1),
                             "lower": lower, "upper": upper}, index=index)

    path_index = original.paths.index
    totals = np.array([original.total_effects.loc[s, t] for s, t in spec.paths])
    names = list(spec.construct_names)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    htmt_matrix = htmt(original)
    indices = None
    if bounds is not None:
        values = construct_indices(original, scale_bounds=dict(bounds)).values.to_numpy()
        indices = table(values, draws["indices"], pd.Index(names, name="construct"))
    warnings = list(original.warnings)
    if failed:
        warnings.append(f"{failed} of {resamples} bootstrap resamples failed and were left out of the intervals")
    if resamples - failed < MIN_SUCCESSFUL_SHARE * resamples:
        warnings.append(f"unreliable intervals: only {resamples - failed} of {resamples} bootstrap resamples "
                        f"succeeded (rule: at least {MIN_SUCCESSFUL_SHARE:.0%})")
    return BootstrapResults(
        estimate=original, resamples=resamples, successful=resamples - failed, failed=failed, seed=seed, level=level,
        paths=table(original.paths.to_numpy(), draws["paths"], path_index),
        total_effects=table(totals, draws["total_effects"], path_index),
        outer_weights=table(original.outer_weights.to_numpy(), draws["outer_weights"], original.outer_weights.index),
        loadings=table(original.loadings.to_numpy(), draws["loadings"], original.loadings.index),
        htmt=table(np.array([htmt_matrix.loc[a, b] for a, b in pairs]), draws["htmt"],
                   pd.Index([f"{a}/{b}" for a, b in pairs], name="pair")),
        indices=indices, path_draws=draws["paths"], warnings=tuple(warnings))
