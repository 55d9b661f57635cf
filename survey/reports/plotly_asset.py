"""The dashboard's plotly.js: :func:`reports.plotly_bundle.plotly_bundle` as a response whose URL
carries the bundle's digest (:mod:`survey.asset_urls`: cached for a year at that URL; compressed
once per process by :mod:`survey.compression`).

The app setting ``PLOTLY_BUNDLE`` ("basic", the default, or "full") chooses the bundle; "full"
is the fallback the benchmark compares against (bench/dashboard_browser.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request

from reports.plotly_bundle import Bundle, plotly_bundle
from survey import asset_urls

ENDPOINT = "reports.plotly_js"


def current_bundle() -> Bundle:
    return plotly_bundle(current_app.config.get("PLOTLY_BUNDLE", "basic"))


def _version(_values: Mapping[str, Any]) -> str:
    return current_bundle().digest


def response() -> Response:
    """The bundle; an unversioned URL is revalidated (ETag) on every use."""
    bundle = current_bundle()
    answer = Response(bundle.data, mimetype="text/javascript")
    answer.set_etag(bundle.digest)
    answer.cache_control.no_cache = True
    return answer.make_conditional(request)


def init_app(app: Flask) -> None:
    asset_urls.register(app, ENDPOINT, _version)
