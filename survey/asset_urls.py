"""Versioned asset URLs, cached by browsers for a year.

``url_for`` adds ``?v=<content digest>`` to the URLs of registered endpoints: every file under
``static/`` (the ``static`` endpoint) and whatever a blueprint registers with :func:`register`
(the dashboard's plotly.js). A request whose ``v`` is the asset's current digest gets
``Cache-Control: public, max-age=31536000, immutable``: new content means a new URL, so the
browser never asks again. A URL without ``v``, or with an old one, keeps its ordinary
revalidated caching. :func:`immutable_key` names such a response for the compression cache
(:mod:`survey.compression`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

VERSION_ARG = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
_EXTENSION = "asset_urls"
_file_digests: dict[tuple[str, int, int], str] = {}

Version = Callable[[Mapping[str, Any]], "str | None"]


def file_digest(path: Path) -> str | None:
    """First 16 hex digits of the sha256 of ``path`` (kept per path, size and mtime), or None
    when there is no such file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _file_digests:
        _file_digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return _file_digests[key]


def _static_version(values: Mapping[str, Any]) -> str | None:
    folder, filename = current_app.static_folder, values.get("filename")
    if not folder or not isinstance(filename, str):
        return None
    path = (Path(folder) / filename).resolve()
    if not path.is_relative_to(Path(folder).resolve()):
        return None
    return file_digest(path)


def register(app: Flask, endpoint: str, version: Version) -> None:
    """Version ``endpoint``'s URLs with ``version(url values) -> digest | None``."""
    app.extensions.setdefault(_EXTENSION, {})[endpoint] = version


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    version = current_app.extensions.get(_EXTENSION, {}).get(endpoint)
    if version is not None and VERSION_ARG not in values:
        digest = version(values)
        if digest:
            values[VERSION_ARG] = digest


def immutable_key(req=None) -> str | None:  # noqa: ANN001 - a flask Request
    """``"<path>?v=<digest>"`` when the request names a registered asset at its current
    version (its response never changes), else None."""
    req = req or request
    version = current_app.extensions.get(_EXTENSION, {}).get(req.endpoint or "")
    asked = req.args.get(VERSION_ARG)
    if version is None or not asked or asked != version(req.view_args or {}):
        return None
    return f"{req.path}?{VERSION_ARG}={asked}"


def _cache_headers(response: Response) -> Response:
    if response.status_code in (200, 304) and immutable_key() is not None:
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app: Flask) -> None:
    register(app, "static", _static_version)
    app.url_defaults(_add_version)
    app.after_request(_cache_headers)

