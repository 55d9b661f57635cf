"""Absolute links we hand out (personal invitation links in links.csv, resume links, the public
link of a questionnaire) start with the configured ``PUBLIC_BASE_URL`` (``XINSHENG_BASE_URL``),
never with the Host header of the request that happened to build them: a forged Host must not
turn a mailing list into links to someone else's site."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for


def public_url(endpoint: str, **values: Any) -> str:
    """``PUBLIC_BASE_URL`` + the path of ``endpoint`` (``url_for`` arguments); raises
    werkzeug's BuildError for an unknown endpoint or missing values, like ``url_for``."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def init_app(app: Flask) -> None:
    """Offer ``public_url`` to templates."""
    app.jinja_env.globals["public_url"] = public_url
