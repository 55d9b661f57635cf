"""Personal invitations: upload with a row-level validation report (designer role)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/invitations")
