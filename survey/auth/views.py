"""Sign in, sign out, change one's own password, sign out everywhere else.

Sessions are revocable (survey/auth/sessions.py): logging out, changing the password and
"sign out everywhere else" replace the user's session token, which ends every other session
and remember-me cookie of that user.
"""
from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from models import ROLES
from survey.auth.forms import LoginForm, PasswordChangeForm, SetPasswordForm, SignOutEverywhereForm
from survey.audit_trail import audit_event
from survey.auth.roles import public, role_required
from survey.auth.sessions import has_remember_cookie, sign_in, sign_out
from survey.db import get_session
from survey.navigation import safe_next
from survey.services.accounts import (
    WeakPassword,
    WrongPassword,
    authenticate,
    change_password,
    end_sessions,
)
from survey.services.password_policy import MIN_LENGTH

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
            audit_event("sign_in_failed", (form.email.data or "")[:200], actor="anonymous")
            session.commit()
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            audit_event("sign_in", user.email, actor=user.email)
            session.commit()  # a rehashed password is kept
            sign_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Sign out: ends this session and every other session of the user."""
    if current_user.is_authenticated:
        session = get_session()
        end_sessions(session, current_user._get_current_object())
        audit_event("sign_out", current_user.email)
        session.commit()
    sign_out()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@role_required(*ROLES)
def password():
    """Change one's own password; every other session of the user ends, this one continues."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        session = get_session()
        user = current_user._get_current_object()
        try:
            change_password(session, user, current_password=form.current_password.data,
                            new_password=form.new_password.data)
        except WrongPassword:
            g.wrong_current_password = True  # counted by the rate limit (survey.rate_limits)
            form.current_password.errors.append(_("The current password is wrong."))
        except WeakPassword as exc:
            form.new_password.errors.append(exc.problem.message(str(get_locale())))
        else:
            audit_event("password_change", user.email)
            session.commit()
            sign_in(user, remember=has_remember_cookie())
            flash(_("Your password is changed. You were signed out everywhere else."))
            return redirect(url_for("auth.password"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form, sign_out_form=SignOutEverywhereForm(),
                           min_length=MIN_LENGTH), status


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password_link(token: str):
    """Set one's password through an administrator's link (an invitation or a reset)."""
    from flask import current_app

    from survey.services import user_admin

    session = get_session()
    secret = current_app.config["SECRET_KEY"]
    try:
        user = user_admin.user_for_token(session, token, secret)
    except user_admin.LinkError as error:
        problem = (_("This link has expired. Ask an administrator for a new one.") if error.reason == "expired"
                   else _("This link is not valid any more (it may have been used). Ask an administrator for a new one."))
        return render_template("auth/set_password.html", problem=problem), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user_admin.set_password_from_link(session, token, secret, form.new_password.data)
        except WeakPassword as exc:
            form.new_password.errors.append(exc.problem.message(str(get_locale())))
        else:
            audit_event("password_set_by_link", user.email, actor=user.email)
            session.commit()
            flash(_("Your password is set. Sign in with it now."))
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/set_password.html", problem=None, form=form, email=user.email,
                           min_length=MIN_LENGTH), status


@bp.route("/sign-out-everywhere", methods=["POST"])
@role_required(*ROLES)
def sign_out_everywhere():
    """End every other session and remember-me cookie of the signed-in user; keep this one."""
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.password"))
    session = get_session()
    user = current_user._get_current_object()
    end_sessions(session, user)
    audit_event("sign_out_everywhere", user.email)
    session.commit()
    sign_in(user, remember=has_remember_cookie())
    flash(_("You were signed out everywhere else."))
    return redirect(url_for("auth.password"))
