"""Respondent pages (public)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("collect", __name__, url_prefix="/s")
