"""Consistent PLS (PLSc; Dijkstra & Henseler 2015, *MIS Quarterly* 39(2)) and ρ_A.

Mode A composites are attenuated proxies of reflective factors. For a block with item
correlations R_jj and PLS weights w (scaled to unit score variance)::

    c² = wᵀ(R_jj − diag R_jj)w / wᵀ(wwᵀ − diag(wwᵀ))w      consistent loadings  λ = c·w
    ρ_A = (wᵀw)² c²                                          reliability of the composite

and the construct correlations are disattenuated, ``C_ij / √(ρ_A,i ρ_A,j)``, before the path
regressions. Single-item and Mode B constructs keep ρ_A = 1.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from acsi.errors import EstimationError

if TYPE_CHECKING:
    from acsi.pls import Layout

__all__ = ["rho_a_values", "consistent_correction"]


def rho_a_values(correlation: np.ndarray, layout: Layout, weights: np.ndarray) -> np.ndarray:
    """ρ_A of each construct (Dijkstra & Henseler 2015); 1 for single-item and Mode B blocks."""
    rho = np.ones(len(layout.blocks))
    for j, block in enumerate(layout.blocks):
        if block.size > 1 and not layout.mode_b[j]:
            rho[j] = _rho_a_block(correlation[np.ix_(block, block)], weights[block])[0]
    return rho


def _rho_a_block(block_corr: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """(ρ_A, c²) of one Mode A block with weights scaled to unit score variance."""
    off_diagonal = block_corr - np.diag(np.diag(block_corr))
    numerator = float(w @ off_diagonal @ w)
    ww = float(w @ w)
    denominator = ww ** 2 - float(np.sum(w ** 4))
    c_squared = numerator / denominator
    return ww ** 2 * c_squared, c_squared


def consistent_correction(
    correlation: np.ndarray, layout: Layout, weights: np.ndarray, loadings: np.ndarray,
    construct_correlation: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rho = np.ones(len(layout.blocks))
    loadings = loadings.copy()
    for j, block in enumerate(layout.blocks):
        if block.size == 1 or layout.mode_b[j]:
            continue
        rho[j], c_squared = _rho_a_block(correlation[np.ix_(block, block)], weights[block])
        if not c_squared > 0:
            raise EstimationError(
                f"consistent PLS: construct {layout.spec.construct_names[j]!r} has a non-positive "
                f"reliability estimate (c² = {c_squared:.4g}); its items do not correlate positively")
        loadings[block] = np.sqrt(c_squared) * weights[block]
    corrected = construct_correlation / np.sqrt(np.outer(rho, rho))
    np.fill_diagonal(corrected, 1.0)
    return corrected, loadings, rho
