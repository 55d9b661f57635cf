"""Untrusted-file readers run isolated: a result comes back, an endless loop is stopped after its
seconds, an allocation past the allowance is refused, and a crash is reported with its
traceback; the calling process is unchanged (its limits, its memory)."""
from __future__ import annotations

import resource
import time

import pytest

from survey.services.isolation import IsolationError, run_isolated


def _add(a: int, b: int) -> int:
    return a + b


def _forever() -> None:
    while True:
        pass


def _sleep_forever() -> None:
    while True:
        time.sleep(1)


def _allocate(megabytes: int) -> int:
    blocks = [bytearray(1024 ** 2) for _ in range(megabytes)]
    return len(blocks)


def _fail() -> None:
    raise ValueError("bad sector chain")


def test_the_result_comes_back() -> None:
    assert run_isolated(_add, 2, 3, seconds=10, memory_bytes=256 * 1024 ** 2) == 5


@pytest.mark.parametrize("endless", [_forever, _sleep_forever])
def test_an_endless_reader_is_stopped_after_its_seconds(endless) -> None:
    started = time.monotonic()
    with pytest.raises(IsolationError) as failed:
        run_isolated(endless, seconds=1.0, memory_bytes=256 * 1024 ** 2)
    assert failed.value.reason == "time"
    assert time.monotonic() - started < 8  # stopped, not waited for


def test_memory_past_the_allowance_is_refused_and_the_caller_keeps_its_limits() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(IsolationError) as failed:
        run_isolated(_allocate, 2048, seconds=60, memory_bytes=256 * 1024 ** 2)
    assert failed.value.reason == "memory"
    assert run_isolated(_allocate, 64, seconds=60, memory_bytes=256 * 1024 ** 2) == 64  # within it
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_a_crash_is_reported_with_its_traceback() -> None:
    with pytest.raises(IsolationError) as failed:
        run_isolated(_fail, seconds=10, memory_bytes=256 * 1024 ** 2)
    assert failed.value.reason == "crash" and "ValueError: bad sector chain" in failed.value.detail
