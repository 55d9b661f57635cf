"""Invitation uploads, complaint-case imports and response exports (designer/analyst roles)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("distribution", __name__, url_prefix="/distribution")
