"""Designer pages (designer role): list, create, import, overview, publish, clone, archive, export.

The draft editor is in :mod:`survey.design.editor_views`, the preview in
:mod:`survey.design.preview_views`; both add their routes to this module's ``bp``. Edits always
land on a draft: a published version is never changed (``editable_draft`` makes a new draft
version first).
"""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from models import Questionnaire, Workspace
from survey.audit_trail import audit_event
from survey.auth.roles import role_required
from survey.db import get_session
from survey.design.access import ArchivedError, editable, to_editor, version_or_404
from survey.design.forms import ConfirmForm, ImportForm, WorkspaceMoveForm, NewQuestionnaireForm, SearchForm, TemplateForm
from survey.design.import_messages import notice_message
from survey.design.messages import issue_message, language_names, translation_location
from survey.questionnaire.document import DocumentError, Page, Questionnaire as Document, Texts
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.templates import TEMPLATES
from survey.questionnaire.xlsform import FormIdentity
from survey.services import questionnaires as store
from survey.services.interchange import InterchangeError, export_questionnaire, import_questionnaire
from survey.services.publishing import publish_checks
from survey.services.workspaces import in_scope, move_questionnaire, visible_workspaces
from survey.workspace_access import current_scope, offer_workspaces, questionnaire_or_404

bp = Blueprint("design", __name__, url_prefix="/design")

EXPORT_TYPES = {
    "xlsform": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("json", "application/json"),
    "surveyjs": ("surveyjs.json", "application/json"),
}



@bp.errorhandler(ArchivedError)
def archived(error: ArchivedError):
    flash(_("This questionnaire is archived; clone it to make changes."))
    return redirect(url_for("design.overview", questionnaire_id=error.questionnaire_id))


def _find_questionnaires(search: str, status: str) -> list[Questionnaire]:
    statement = (select(Questionnaire).where(in_scope(Questionnaire.workspace_id, current_scope()))
                 .order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc()))
    if status in ("active", "archived"):
        statement = statement.where(Questionnaire.status == status)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(Questionnaire.title_zh.ilike(pattern, escape="\\"),
                                        Questionnaire.title_en.ilike(pattern, escape="\\")))
    return list(get_session().scalars(statement.limit(500)))


# --- list, create, import ---------------------------------------------------------------------

@bp.route("/")
@role_required("designer")
def index():
    form = SearchForm(request.args)
    status = form.status.data if form.status.data in ("active", "archived", "all") else "active"
    search = form.q.data if form.validate() else ""
    items = _find_questionnaires(search or "", status)
    return render_template("design/index.html", form=form, items=items, search=search,
                           workspace_names=_workspace_names())


def _workspace_names() -> dict[int, str]:
    """Names of the workspaces the user sees, when there is more than one to tell apart."""
    visible = visible_workspaces(get_session(), current_scope())
    return {w.id: w.name for w in visible} if len(visible) > 1 else {}


def _no_workspace():
    """The answer to a user who belongs to no workspace and tries to create something."""
    return render_template("errors/error.html", code=403, heading=_("You belong to no workspace"),
                           message=_("Questionnaires live in workspaces. Ask an administrator to add you to one.")), 403


@bp.route("/new", methods=["GET", "POST"])
@role_required("designer")
def create_blank():
    form = NewQuestionnaireForm()
    if not offer_workspaces(form):
        return _no_workspace()
    if form.validate_on_submit():
        title, description = form.texts()
        document = Document(title=title, description=description,
                            pages=(Page("page_1", Texts("第 1 页", "Page 1"), ()),))
        session = get_session()
        version = store.create_questionnaire(session, sanitize_questionnaire(document),
                                             created_by_id=current_user.id, workspace_id=form.workspace.data)
        session.commit()
        flash(_("The questionnaire was created."))
        return to_editor(version.questionnaire_id)
    return render_template("design/new.html", form=form), 422 if form.errors else 200


@bp.route("/new/template", methods=["GET", "POST"])
@role_required("designer")
def create_from_template():
    form = TemplateForm()
    if not offer_workspaces(form):
        return _no_workspace()
    if form.validate_on_submit():
        template = TEMPLATES[form.template.data]
        try:
            document = (template.builder(form.parsed_attributes) if template.needs_attributes
                        else template.builder())
        except DocumentError as error:
            form.attributes.errors.append(str(error))
        else:
            session = get_session()
            version = store.create_questionnaire(session, document, created_by_id=current_user.id,
                                                 workspace_id=form.workspace.data)
            session.commit()
            flash(_("The questionnaire was created from the template."))
            return redirect(url_for("design.overview", questionnaire_id=version.questionnaire_id))
    return (render_template("design/template.html", form=form, templates=TEMPLATES),
            422 if form.errors else 200)


@bp.route("/import", methods=["GET", "POST"])
@role_required("designer")
def import_file():
    form = ImportForm()
    if not offer_workspaces(form):
        return _no_workspace()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            imported = import_questionnaire(upload.read(), filename=upload.filename or "upload")
        except InterchangeError as error:
            reason = notice_message(error.notice) if error.notice else str(error)
            form.file.errors.append(_("The file could not be imported: %(reason)s", reason=reason))
        else:
            session = get_session()
            version = store.create_questionnaire(session, imported.questionnaire,
                                                 created_by_id=current_user.id, workspace_id=form.workspace.data)
            session.commit()
            flash(_("The questionnaire was imported."))
            if imported.warnings:
                warnings = [notice_message(notice) for notice in imported.notices] \
                    or imported.warnings
                return render_template("design/import_done.html", version=version,
                                       warnings=warnings)
            return redirect(url_for("design.overview", questionnaire_id=version.questionnaire_id))
    return render_template("design/import.html", form=form), 422 if form.errors else 200


# --- one questionnaire ------------------------------------------------------------------------

@bp.route("/<int:questionnaire_id>")
@role_required("designer")
def overview(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    move_form = WorkspaceMoveForm(formdata=None, workspace=questionnaire.workspace_id)
    offer_workspaces(move_form)
    return render_template("design/overview.html", questionnaire=questionnaire,
                           versions=list(reversed(questionnaire.versions)), form=ConfirmForm(),
                           move_form=move_form, workspace=get_session().get(Workspace, questionnaire.workspace_id))


@bp.route("/<int:questionnaire_id>/workspace", methods=["POST"])
@role_required("designer")
def move(questionnaire_id: int):
    """Give the questionnaire to another of the user's workspaces."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = WorkspaceMoveForm()
    offer_workspaces(form)
    if not form.validate_on_submit():
        flash(_("The questionnaire was not moved: %(errors)s",
                errors="; ".join(m for messages in form.errors.values() for m in messages)), "error")
        return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    session = get_session()
    before = questionnaire.workspace_id
    move_questionnaire(session, questionnaire, form.workspace.data)
    audit_event("questionnaire_move", f"questionnaire {questionnaire_id}",
                details={"from": before, "to": form.workspace.data})
    session.commit()
    flash(_("The questionnaire was moved to the workspace %(name)s.",
            name=session.get(Workspace, form.workspace.data).name))
    return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))


@bp.route("/<int:questionnaire_id>/draft", methods=["POST"])
@role_required("designer")
def new_draft(questionnaire_id: int):
    if ConfirmForm().validate_on_submit():
        editable(questionnaire_id)
        get_session().commit()
    return to_editor(questionnaire_id)


@bp.route("/<int:questionnaire_id>/clone", methods=["POST"])
@role_required("designer")
def clone(questionnaire_id: int):
    questionnaire_or_404(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    version = store.clone_questionnaire(session, questionnaire_id, created_by_id=current_user.id)
    session.commit()
    flash(_("A copy was made; it is a new draft."))
    return redirect(url_for("design.overview", questionnaire_id=version.questionnaire_id))


@bp.route("/<int:questionnaire_id>/archive", methods=["POST"])
@role_required("designer")
def archive(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    store.archive(session, questionnaire)
    audit_event("archive", f"questionnaire {questionnaire_id}")
    session.commit()
    flash(_("The questionnaire was archived."))
    return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))


@bp.route("/<int:questionnaire_id>/export/<export_format>")
@role_required("designer")
def export(questionnaire_id: int, export_format: str):
    if export_format not in EXPORT_TYPES:
        abort(404)
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = version_or_404(questionnaire, request.args.get("version", type=int))
    try:
        data = export_questionnaire(store.version_document(version), export_format,
                                    identity=FormIdentity(questionnaire_id, version.number))
    except (DocumentError, InterchangeError) as error:
        notice = getattr(error, "notice", None)
        flash(_("This version cannot be exported: %(reason)s",
                reason=notice_message(notice) if notice else str(error)))
        return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    suffix, mimetype = EXPORT_TYPES[export_format]
    name = f"questionnaire-{questionnaire_id}-v{version.number}.{suffix}"
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/<int:questionnaire_id>/publish", methods=["GET", "POST"])
@role_required("designer")
def publish(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = version_or_404(questionnaire)
    form = ConfirmForm()
    if version.state != "draft":
        flash(_("The latest version is already published; make a new draft to change it."))
        return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    document = store.version_document(version)
    report = publish_checks(document)
    status = 200
    if form.validate_on_submit():
        if questionnaire.status == "archived":
            flash(_("An archived questionnaire cannot be published."))
            status = 409
        elif report.blocking:
            status = 422
        else:
            session = get_session()
            store.publish(session, version)
            audit_event("publish", f"questionnaire {questionnaire_id}", details={"version": version.number})
            session.commit()
            flash(_("Version %(number)d is published.", number=version.number))
            return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    return render_template("design/publish.html", questionnaire=questionnaire, version=version,
                           report=report, form=form, issue_message=issue_message,
                           translation_location=translation_location,
                           language_names=language_names), status


# The editor, the embedding settings and the preview add their routes to ``bp``.
from survey.design import (  # noqa: E402,F401
    consent_views, editor_views, embedding_views, limits_views, preview_views, undo_views,
)
