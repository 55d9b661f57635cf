"""Designer pages (designer role): list, create, edit, preview, publish, clone, archive."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("design", __name__, url_prefix="/design")
