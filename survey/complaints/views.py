"""Complaint cases and the follow-up task queue."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
