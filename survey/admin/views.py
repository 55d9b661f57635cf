"""Users (admins): invite, change role, disable or enable, send a new set-password link. The
link is shown once on the page (to pass on by any means) and, when sending is on, e-mailed to
the user. Every change is audited."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from models import ROLES, User
from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.forms import ConfirmForm
from survey.mail.channels import OutgoingMessage
from survey.mail.sending import SEND_ERRORS, send_now, sending_on
from survey.public_urls import public_url
from survey.services import user_admin as service
from survey.services.accounts import AccountError

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_LABELS = {"admin": _l("Administrator"), "designer": _l("Designer"), "analyst": _l("Analyst"),
               "viewer": _l("Viewer")}


def _role_choices():
    return [(role, ROLE_LABELS[role]) for role in ROLES]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(_l("Role"), choices=_role_choices)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices)


def _user_or_404(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _link(user: User) -> str:
    token = service.set_password_token(user, current_app.config["SECRET_KEY"])
    return public_url("auth.set_password_link", token=token)


def _mail_link(user: User, link: str) -> str | None:
    """E-mail the link when sending is on; None when sent, else why not (shown to the admin)."""
    if not sending_on():
        return None
    message = OutgoingMessage(
        to=user.email, to_name=user.name,
        subject="心声 Xinsheng：设置密码 / Set your password",
        text=(f"请在 {service.LINK_DAYS} 天内打开此链接设置密码：\n{link}\n\n"
              f"Open this link within {service.LINK_DAYS} days to set your password:\n{link}\n"),
        html=(f"<p>请在 {service.LINK_DAYS} 天内打开此链接设置密码 / Open this link within {service.LINK_DAYS} days "
              f"to set your password:</p><p><a href=\"{link}\">{link}</a></p>"))
    try:
        send_now(message)
    except SEND_ERRORS as error:
        return str(error)
    return ""


def _show_link(user: User, link: str) -> None:
    problem = _mail_link(user, link)
    if problem == "":
        flash(_("A set-password link was e-mailed to %(email)s.", email=user.email))
    elif problem:
        flash(_("The e-mail could not be sent (%(reason)s); pass the link on yourself.", reason=problem), "error")
    flash(_("Set-password link for %(email)s (valid %(days)s days, once): %(link)s",
            email=user.email, days=service.LINK_DAYS, link=link))


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    session = get_session()
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.invite(session, email=form.email.data, role=form.role.data, name=form.name.data or "")
        except AccountError as error:
            session.rollback()
            form.email.errors = [*form.email.errors, _("This address cannot be invited: %(reason)s", reason=str(error))]
            status = 422
        else:
            audit_event("user_invite", user.email, details={"role": user.role})
            session.commit()
            _show_link(user, _link(user))
            return redirect(url_for("admin.users"))
    elif form.errors:
        status = 422
    return render_template("admin/users.html", users=service.users(session), form=form, role_labels=ROLE_LABELS,
                           action_form=ConfirmForm()), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id: int):
    session = get_session()
    account = _user_or_404(user_id)
    form = RoleForm(role=account.role)
    status = 200
    if form.validate_on_submit():
        try:
            before = account.role
            service.set_role(session, account, form.role.data)
        except AccountError as error:
            session.rollback()
            form.role.errors = [_("The role cannot change: %(reason)s", reason=str(error))]
            status = 422
        else:
            audit_event("user_role", account.email, details={"from": before, "to": account.role})
            session.commit()
            flash(_("Saved."))
            return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/user.html", account=account, form=form, action_form=ConfirmForm(),
                           role_labels=ROLE_LABELS), status


@bp.route("/users/<int:user_id>/<any(disable, enable, link):action>", methods=["POST"])
@role_required("admin")
def user_action(user_id: int, action: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    account = _user_or_404(user_id)
    if action in ("disable", "enable"):
        if account.id == current_user.id:
            flash(_("You cannot disable your own account."), "error")
            return redirect(url_for("admin.user", user_id=user_id))
        try:
            service.set_active(session, account, action == "enable")
        except AccountError as error:
            session.rollback()
            flash(_("The account cannot change: %(reason)s", reason=str(error)), "error")
            return redirect(url_for("admin.user", user_id=user_id))
        audit_event(f"user_{action}", account.email)
        session.commit()
        flash(_("The account is enabled.") if action == "enable" else _("The account is disabled; its sessions ended."))
    else:
        service.reset(session, account)
        audit_event("user_reset", account.email)
        session.commit()
        _show_link(account, _link(account))
    return redirect(url_for("admin.user", user_id=user_id))
