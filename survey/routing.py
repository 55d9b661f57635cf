"""URL converters. Every ``<int:...>`` in a route is an id or a position stored in an ``Integer``
column (PostgreSQL ``integer``: at most 2**31 - 1), so a larger number cannot name anything:
the converter refuses it and the visitor gets a 404 instead of a database error (a 500)."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest value an ``Integer`` column holds on PostgreSQL (and the largest id we hand out).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:name>`` limited to 0..MAX_ID (a route may still pass its own ``max``). Werkzeug
    reports a value out of range as "no match", i.e. 404. At most 10 digits are matched, so a
    20-digit number never reaches ``int()`` or the database."""

    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Make ``int`` the bounded converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = BoundedIntConverter
