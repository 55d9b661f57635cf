from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from survey.auth.roles import public
from survey.db import get_session
from survey.i18n import remember_language, supported_locale
from survey.navigation import safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("core/home.html")


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str):
    """The language switcher: remember the choice in a cookie and go back."""
    locale = supported_locale(code)
    if locale is None:
        abort(404)
    return remember_language(redirect(safe_next(request.form.get("next"))), locale)


@bp.route("/healthz")
@public
def health():
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}
