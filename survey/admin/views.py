"""Users (admins): invite, change role, disable or enable, send a new set-password link. The
link is shown once on the page (to pass on by any means) and, when sending is on, e-mailed to
the user. Every change is audited."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from sqlalchemy import select

from models import ROLES, User, Workspace, WorkspaceMember
from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.forms import ConfirmForm
from survey.mail.channels import OutgoingMessage
from survey.mail.sending import SEND_ERRORS, send_now, sending_on
from survey.public_urls import public_url
from survey.services import user_admin as service
from survey.services import workspaces
from survey.services.accounts import AccountError

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_LABELS = {"admin": _l("Administrator"), "designer": _l("Designer"), "analyst": _l("Analyst"),
               "viewer": _l("Viewer")}


def _role_choices():
    return [(role, ROLE_LABELS[role]) for role in ROLES]


class WorkspacesField(SelectMultipleField):
    """Checkboxes, one per workspace (filled by :func:`_offer_workspaces`)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(_l("Role"), choices=_role_choices)
    workspaces = WorkspacesField(_l("Workspaces (administrators see all)"), coerce=int)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices)
    workspaces = WorkspacesField(_l("Workspaces (administrators see all)"), coerce=int)


class WorkspaceForm(FlaskForm):
    name = StringField(_l("Name"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(), Length(max=workspaces.NAME_MAX)])


def _offer_workspaces(field: WorkspacesField) -> None:
    field.choices = [(w.id, w.name) for w in workspaces.visible_workspaces(get_session(), None)]


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
    _offer_workspaces(form.workspaces)
    if not form.is_submitted():
        form.workspaces.data = [workspaces.default_workspace(session).id]
    status = 200
    if form.validate_on_submit():
        try:
            user = service.invite(session, email=form.email.data, role=form.role.data, name=form.name.data or "",
                                  workspace_ids=form.workspaces.data or [])
        except AccountError as error:
            session.rollback()
            form.email.errors = [*form.email.errors, _("This address cannot be invited: %(reason)s", reason=str(error))]
            status = 422
        else:
            audit_event("user_invite", user.email, details={"role": user.role, "workspaces": sorted(form.workspaces.data or [])})
            session.commit()
            _show_link(user, _link(user))
            return redirect(url_for("admin.users"))
    elif form.errors:
        status = 422
    return render_template("admin/users.html", users=service.users(session), form=form, role_labels=ROLE_LABELS,
                           action_form=ConfirmForm(), memberships=_memberships(session)), status


def _memberships(session) -> dict[int, list[str]]:
    """User id → names of the workspaces they are a member of."""
    names = {w.id: w.name for w in workspaces.visible_workspaces(session, None)}
    found: dict[int, list[str]] = {}
    for member in session.scalars(select(WorkspaceMember)):
        found.setdefault(member.user_id, []).append(names.get(member.workspace_id, ""))
    return {user_id: sorted(found_names) for user_id, found_names in found.items()}


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id: int):
    session = get_session()
    account = _user_or_404(user_id)
    form = RoleForm(role=account.role, workspaces=sorted(workspaces.member_ids(session, account.id)))
    _offer_workspaces(form.workspaces)
    status = 200
    if form.validate_on_submit():
        try:
            before = account.role
            service.set_role(session, account, form.role.data)
            added, removed = workspaces.set_memberships(session, account, form.workspaces.data or [])
        except AccountError as error:
            session.rollback()
            form.role.errors = [_("The role cannot change: %(reason)s", reason=str(error))]
            status = 422
        else:
            if before != account.role:
                audit_event("user_role", account.email, details={"from": before, "to": account.role})
            if added or removed:
                audit_event("user_workspaces", account.email, details={"added": sorted(added), "removed": sorted(removed)})
            session.commit()
            flash(_("Saved."))
            return redirect(url_for("admin.user", user_id=user_id))
    elif form.errors:
        status = 422
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


@bp.route("/workspaces", methods=["GET", "POST"], endpoint="workspaces")
@role_required("admin")
def workspaces_index():
    session = get_session()
    workspaces.default_workspace(session)
    form = WorkspaceForm()
    status = 200
    if form.validate_on_submit():
        try:
            workspace = workspaces.create_workspace(session, form.name.data)
        except workspaces.WorkspaceError as error:
            session.rollback()
            form.name.errors = [_("The workspace cannot be created: %(reason)s", reason=str(error))]
            status = 422
        else:
            audit_event("workspace_create", f"workspace {workspace.id}", details={"name": workspace.name})
            session.commit()
            flash(_("The workspace %(name)s was created; add members on each user's page.",
                    name=workspace.name))
            return redirect(url_for("admin.workspace", workspace_id=workspace.id))
    elif form.errors:
        status = 422
    session.commit()  # the default workspace, when this page made it
    return render_template("admin/workspaces.html", rows=workspaces.workspace_rows(session), form=form), status


@bp.route("/workspaces/<int:workspace_id>", methods=["GET", "POST"])
@role_required("admin")
def workspace(workspace_id: int):
    session = get_session()
    found = session.get(Workspace, workspace_id)
    if found is None:
        abort(404)
    form = WorkspaceForm(obj=found)
    status = 200
    if form.validate_on_submit():
        before = found.name
        try:
            workspaces.rename_workspace(session, found, form.name.data)
        except workspaces.WorkspaceError as error:
            session.rollback()
            form.name.errors = [_("The workspace cannot be renamed: %(reason)s", reason=str(error))]
            status = 422
        else:
            audit_event("workspace_rename", f"workspace {workspace_id}", details={"from": before, "to": found.name})
            session.commit()
            flash(_("Saved."))
            return redirect(url_for("admin.workspace", workspace_id=workspace_id))
    elif form.errors:
        status = 422
    return render_template("admin/workspace.html", workspace=found, form=form, role_labels=ROLE_LABELS,
                           members=workspaces.members(session, workspace_id)), status
