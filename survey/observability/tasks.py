"""Jobs observed: each run is timed and counted per task name (metrics.py) and runs under the
request id of the request that enqueued it (or a new one for periodic runs), so its log lines
carry that id."""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from survey.observability import logs, metrics

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


def observed(task: str) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Decorate a huey task's function (under ``@queue.task``): it takes one more keyword,
    ``request_id``, which survey/jobs.py ``enqueue`` fills in."""

    def decorate(function: Callable[..., Result]) -> Callable[..., Result]:
        @functools.wraps(function)
        def run(*args: Any, request_id: str | None = None, **kwargs: Any) -> Result:
            with logs.bound_request_id(request_id or logs.new_request_id()):
                logger.info("job %s started", task, extra={"task": task})
                started = time.perf_counter()
                try:
                    result = function(*args, **kwargs)
                except Exception as error:
                    seconds = time.perf_counter() - started
                    metrics.observe_job(task, seconds, failed=True)
                    logger.error("job %s failed after %.3f s: %s: %s", task, seconds, type(error).__name__, error,
                                 extra={"task": task, "duration_s": round(seconds, 3)})
                    raise
                seconds = time.perf_counter() - started
                metrics.observe_job(task, seconds, failed=False)
                logger.info("job %s finished in %.3f s", task, seconds, extra={"task": task, "duration_s": round(seconds, 3)})
                return result

        return run

    return decorate
