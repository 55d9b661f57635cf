"""HTTP plumbing of bench/hostile_burst.py: a client with cookies, hostile form bodies, the
/healthz prober and the concurrent burst."""
from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from urllib.parse import quote_from_bytes

TIMEOUT = 60.0
PROBE_EVERY = 0.05
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HIDDEN = {name: re.compile(rf'name="{name}" type="hidden" value="([^"]*)"') for name in ("xs_submission", "xs_shown")}


class Client:
    """One HTTP/1.1 connection (reopened when the server closed it) with a cookie jar."""

    def __init__(self, port: int, timeout: float = TIMEOUT) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.headers, data.decode("utf-8", "replace")


def form_body(fields: dict[str, str]) -> bytes:
    """URL-encoded as a hostile client sends it: a lone surrogate goes out as its invalid UTF-8."""
    return "&".join(f"{quote_from_bytes(k.encode())}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
                    for k, v in fields.items()).encode("ascii")


def hidden_fields(html: str) -> dict[str, str]:
    found = {"csrf_token": CSRF.search(html).group(1)}
    for name, pattern in HIDDEN.items():
        match = pattern.search(html)
        if match:
            found[name] = match.group(1)
    return found


def probe(port: int, stop: threading.Event, samples: list[float], failures: Counter,
          every: float = PROBE_EVERY) -> None:
    """GET /healthz every ``every`` seconds (one at a time) until ``stop``; latency in ms (a
    timeout counts as its length)."""
    while not stop.is_set():
        began = time.perf_counter()
        try:
            status, _h, _b = Client(port, timeout=TIMEOUT).request("GET", "/healthz")
            if status != 200:
                failures[f"status {status}"] += 1
        except (OSError, http.client.HTTPException) as exc:
            failures[type(exc).__name__] += 1
        samples.append((time.perf_counter() - began) * 1000)
        stop.wait(max(0.0, every - (time.perf_counter() - began)))


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return f"p50 {at(0.5):8.1f} ms  p95 {at(0.95):8.1f} ms  max {ordered[-1]:8.1f} ms  ({len(ordered)} probes)"


UNKNOWN = "no answer by the deadline"


def burst(port: int, requests: list, threads: int, deadline: float,
          timings: dict[str, list[float]] | None = None) -> dict[str, tuple[str, str]]:
    """Send every request from ``threads`` threads; key → (kind, outcome: status or error).

    ``timings``, when given, collects each request's latency in ms by kind."""
    outcomes: dict[str, tuple[str, str]] = {key: (kind, UNKNOWN) for kind, key, _send in requests}
    lock = threading.Lock()
    queue = list(requests)
    closed = threading.Event()

    def worker() -> None:
        while not closed.is_set():
            with lock:
                if not queue:
                    return
                kind, key, send = queue.pop()
            began = time.perf_counter()
            try:
                status, _h, _b = send()
                outcome = str(status)
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
            with lock:
                if not closed.is_set():
                    outcomes[key] = (kind, outcome)
                    if timings is not None:
                        timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    end = time.monotonic() + deadline
    for thread in pool:
        thread.join(max(0.0, end - time.monotonic()))
    with lock:
        closed.set()
        return dict(outcomes)
