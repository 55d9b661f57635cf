"""Compressed responses (Flask-Compress): zstd, brotli or gzip, as the client accepts, for text
responses (pages, CSS, JavaScript, JSON) of 500 bytes or more.

Streamed responses (downloads, exports) go as they are: compressing a stream would cost CPU on
every download and Flask-Compress's stream wrapper leaves the file open until garbage collection.
Static files (a few kilobytes each) are read into memory first, so they are compressed like a
page. A response that never changes — a versioned asset at its current version
(:func:`survey.asset_urls.immutable_key`: static files, the dashboard's 1.2 MB plotly.js) — is
compressed once per process and kept; nothing else is kept.
"""
from __future__ import annotations

import itertools

from flask import Flask, Request, Response, current_app, request
from flask_compress import Compress

from survey.asset_urls import immutable_key

ALGORITHMS = ["zstd", "br", "gzip"]
_unkept = itertools.count()
_UNKEPT = "unkept:"


class ImmutableCache:
    """Flask-Compress's cache backend: keeps only the compressed bytes of immutable responses."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if _UNKEPT not in key:
            self.data[key] = value


def cache_key(req: Request) -> str:
    return immutable_key(req) or f"{_UNKEPT}{next(_unkept)}"  # unique: never read back


def _buffer_static_file(response: Response) -> Response:
    """A static text file as bytes rather than a file stream (runs before Flask-Compress)."""
    if (request.endpoint == "static" and response.status_code == 200 and response.is_streamed
            and response.mimetype in current_app.config["COMPRESS_MIMETYPES"]):
        response.direct_passthrough = False
        response.make_sequence()  # reads the file; it is closed with the response
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_CACHE_BACKEND", ImmutableCache)
    app.config.setdefault("COMPRESS_CACHE_KEY", cache_key)
    app.extensions["compress"] = Compress(app)
    app.after_request(_buffer_static_file)  # registered after Flask-Compress, so it runs before it
