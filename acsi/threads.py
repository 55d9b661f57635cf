"""BLAS threading for the estimators.

The PLS engine works on small p×p matrices and on one pass of (n×p)ᵀ(n×p) products; with a
multi-threaded BLAS on this class of machine that is slower than one thread (measured: a 1M-row
fit 0.64 s → 0.23 s, 500 resamples on 20k rows 10.4 s → 2.0 s, bench/acsi). The estimators run
their numeric core inside :func:`single_threaded_blas`; parallelism comes from ``n_jobs``
processes instead, which keeps results identical whatever the number of cores.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

T = TypeVar("T")


def single_threaded_blas() -> AbstractContextManager:
    """Limit BLAS libraries to one thread inside a ``with`` block."""
    return threadpool_limits(limits=1, user_api="blas")


def process_map(function: Callable[..., T], calls: Sequence[tuple[Any, ...]], n_jobs: int) -> list[T]:
    """``[function(*args) for args in calls]``, in up to ``n_jobs`` worker processes when there is
    more than one call (``function`` must be importable by name, its arguments picklable)."""
    if n_jobs <= 1 or len(calls) < 2:
        return [function(*args) for args in calls]
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(calls))) as pool:
        return list(pool.map(function, *zip(*calls)))
