"""BLAS threading for the estimators.

The PLS engine works on small p×p matrices and on one pass of (n×p)ᵀ(n×p) products; with a
multi-threaded BLAS on this class of machine that is slower than one thread (measured: a 1M-row
fit 0.64 s → 0.23 s, 500 resamples on 20k rows 10.4 s → 2.0 s, bench/acsi). The estimators run
their numeric core inside :func:`single_threaded_blas`; parallelism comes from ``n_jobs``
processes instead, which keeps results identical whatever the number of cores.
"""
from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import threadpool_limits


def single_threaded_blas() -> AbstractContextManager:
    """Limit BLAS libraries to one thread inside a ``with`` block."""
    return threadpool_limits(limits=1, user_api="blas")
