"""The organisation's time zone: times are stored in UTC and shown, and read from uploads and
forms, in ``TIME_ZONE`` (``XINSHENG_TIMEZONE``, an IANA name; default Asia/Shanghai).

A naive time in an upload (``expires_at = 2026-12-31 18:00``) means that time where the team
works, not in UTC (8 hours off for a team in China); a date picked in a form starts at local
midnight. Templates format with the ``localtime`` filter, which also names the offset.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

__all__ = ["DEFAULT_TIME_ZONE", "init_app", "local_midnight", "local_time", "local_zone", "offset_label"]

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def local_zone() -> ZoneInfo:
    """``TIME_ZONE`` of the running app (UTC outside one)."""
    if not has_app_context():
        return ZoneInfo("UTC")
    return ZoneInfo(current_app.config.get("TIME_ZONE", DEFAULT_TIME_ZONE))


def offset_label(moment: datetime) -> str:
    """``UTC+8``, ``UTC-3:30``, ``UTC`` for an aware ``moment``."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def local_time(moment: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``moment`` (aware, or naive UTC as SQLite returns it) in the local zone; formats with a
    time of day name the offset (``2026-12-07 20:00 UTC+8``). None → ''."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.strftime(fmt)
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(local_zone())
    text = local.strftime(fmt)
    return f"{text} {offset_label(local)}" if "%H" in fmt else text


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the local zone, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=local_zone()).astimezone(UTC)


def init_app(app: Flask) -> None:
    """The ``localtime`` template filter."""
    app.jinja_env.filters["localtime"] = local_time
