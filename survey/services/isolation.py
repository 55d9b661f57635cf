"""Running a parser of untrusted files in a child process with a time and a memory limit.

The readers under the questionnaire imports (xlrd for .xls, openpyxl, pyxform, XML parsers) are
third-party code that a crafted file can drive into an endless loop or an allocation of many
gigabytes (a damaged .xls made xlrd follow a sector chain round for minutes, its memory growing
past 20 GB). A web worker must not be held by one upload, so such work runs here: in a forked
child whose address space may grow by at most ``memory_bytes`` and which is killed after
``seconds``. What the function returns (or raises) comes back through a pipe, pickled.

POSIX only (fork, resource limits); the caller's process is unchanged.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class IsolationError(Exception):
    """The isolated work did not finish: ``reason`` is "time" (killed after its seconds),
    "memory" (it needed more than its allowance) or "crash" (it died or raised; ``detail`` holds
    the child's traceback for the log, not for users)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"isolated work failed ({reason})")
        self.reason = reason
        self.detail = detail


def _address_space() -> int:
    """This process's current virtual size in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child(pipe: Any, function: Callable[..., Any], args: tuple[Any, ...], seconds: float,
           memory_bytes: int) -> None:
    try:
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        outcome: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        outcome = ("memory", "")
    except BaseException:  # noqa: BLE001 - everything goes back to the parent, which decides
        outcome = ("crash", traceback.format_exc())
    try:
        pipe.send(outcome)
    except MemoryError:
        pipe.send(("memory", ""))
    finally:
        pipe.close()


def run_isolated(function: Callable[..., T], *args: Any, seconds: float, memory_bytes: int) -> T:
    """``function(*args)`` in a forked child; its result. Raises :class:`IsolationError` when
    the child runs out of time or memory, raises, or dies. ``function`` and its result must be
    picklable (``function`` at module level)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args, seconds, memory_bytes), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise IsolationError("time")
        try:
            kind, value = receiver.recv()
        except EOFError:  # died without answering: over its CPU seconds (SIGXCPU), or a crash
            child.join(5)
            raise IsolationError("time" if child.exitcode == -signal.SIGXCPU else "crash",
                                 f"exit code {child.exitcode}") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "ok":
        return value
    raise IsolationError(kind, value)
