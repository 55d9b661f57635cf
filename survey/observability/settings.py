"""``METRICS_TOKEN``, ``LOG_FORMAT`` and ``LOG_LEVEL`` from the environment, checked when the
app starts (config.py calls :func:`from_environment`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Shortest METRICS_TOKEN accepted: the token is all that guards /metrics from the internet.
MIN_METRICS_TOKEN_CHARS = 32
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ObservabilitySettingsError(ValueError):
    """A setting breaks its rule; the message names the setting and the rule."""


def from_environment(env: Mapping[str, str]) -> dict[str, Any]:
    token = (env.get("METRICS_TOKEN") or "").strip()
    if token and len(token) < MIN_METRICS_TOKEN_CHARS:
        # The value itself is a secret: only its length is named.
        raise ObservabilitySettingsError(
            f"METRICS_TOKEN is {len(token)} characters long; it must have at least {MIN_METRICS_TOKEN_CHARS} "
            "(for example the output of python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    log_format = (env.get("LOG_FORMAT") or "text").strip().lower()
    if log_format not in LOG_FORMATS:
        raise ObservabilitySettingsError(f"LOG_FORMAT={log_format!r} must be one of {', '.join(LOG_FORMATS)}")
    log_level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        raise ObservabilitySettingsError(f"LOG_LEVEL={log_level!r} must be one of {', '.join(LOG_LEVELS)}")
    return {"METRICS_TOKEN": token, "LOG_FORMAT": log_format, "LOG_LEVEL": log_level}
