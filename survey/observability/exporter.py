"""``/metrics`` of a host that runs only the job worker (``flask jobs worker --metrics-address``):
a small HTTP server in a background thread with the same bearer token as the web app's
``/metrics`` and the same text (this process's metrics, or all of the host's in multiprocess
mode, and the queue depth). A host with web workers needs none: its web ``/metrics`` already
includes the job worker's values when both share PROMETHEUS_MULTIPROC_DIR."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from huey import Huey
from prometheus_client import CONTENT_TYPE_LATEST

from survey.observability.access import bearer_matches
from survey.observability.metrics import exposition


class ExporterAddressError(ValueError):
    """The address is not ``HOST:PORT``."""


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # scrapes every 15 s: no line each
        return


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ExporterAddressError(f"--metrics-address {address!r} must be HOST:PORT, e.g. 10.0.0.5:9101")
    return host.strip("[]"), int(port)


def metrics_app(token: str, queue: Huey) -> Callable:
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"only /metrics is served here\n"]
        if not bearer_matches(environ.get("HTTP_AUTHORIZATION"), token):
            start_response("401 Unauthorized", [("Content-Type", "text/plain"),
                                                ("WWW-Authenticate", 'Bearer realm="metrics"')])
            return [b"send Authorization: Bearer with the METRICS_TOKEN\n"]
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Cache-Control", "no-store")])
        return [exposition(queue)]

    return app


def serve(address: str, token: str, queue: Huey) -> WSGIServer:
    """Start serving in a daemon thread; ``server.shutdown()`` stops it. Port 0 picks a free one
    (``server.server_port``)."""
    host, port = parse_address(address)
    server = make_server(host, port, metrics_app(token, queue), handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics-exporter", daemon=True).start()
    return server
