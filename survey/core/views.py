from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from survey.auth.roles import public
from survey.db import get_session
from survey.i18n import normalise_locale
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
    locale = normalise_locale(code)
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"], locale, max_age=365 * 24 * 3600,
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/healthz")
@public
def health():
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}
