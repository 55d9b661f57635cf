from __future__ import annotations

import logging
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from survey.auth.forms import LoginForm
from survey.auth.roles import public
from survey.db import get_session
from survey.navigation import safe_next
from survey.services.accounts import authenticate

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")



@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = authenticate(session, form.email.data, form.password.data)
        if user is None:
            logger.info("failed login for %s", form.email.data)
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            session.commit()  # a rehashed password is kept
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@public
def logout():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))
