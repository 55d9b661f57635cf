"""Designer pages (designer role): list, create, import, edit, preview, publish, clone, archive.

Thin views: a form is parsed, the document is changed with ``survey.design.editing`` (pure), and
stored with ``survey.services.questionnaires``. Edits always land on a draft: a published
version is never changed (``editable_draft`` makes a new draft version first).
"""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from models import Questionnaire, QuestionnaireVersion
from survey.auth.roles import role_required
from survey.collect.forms import build_page_form, form_data, merge_page_answers
from survey.collect.rendering import render_survey_page
from survey.db import get_session
from survey.design import editing
from survey.design.forms import (
    TYPE_FIELDS, AddQuestionForm, ConfirmForm, DetailsForm, ImportForm, MoveForm,
    MoveToPageForm, PageForm, QuestionForm, SearchForm, TemplateForm, question_type_labels,
)
from survey.questionnaire.document import (
    QUESTION_TYPES, DocumentError, Page, Questionnaire as Document, Texts,
)
from survey.questionnaire.logic import LogicIssue
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.templates import TEMPLATES
from survey.services import questionnaires as store
from survey.services.interchange import InterchangeError, export_questionnaire, import_questionnaire
from survey.services.collection import next_page, previous_page
from survey.services.publishing import check_expression, publish_checks

bp = Blueprint("design", __name__, url_prefix="/design")

#: Logic issue rule → message (the same placeholders as ``ISSUE_TEMPLATES``), translated.
ISSUE_MESSAGES = {
    "syntax_error": _l("%(code)s %(field)s: syntax error: %(detail)s"),
    "unknown_reference": _l("%(code)s %(field)s: unknown reference '%(reference)s'; no question has this code"),
    "reference_without_value": _l("%(code)s %(field)s: '%(reference)s' is a %(kind)s and has no answer to use"),
    "forward_reference": _l("%(code)s %(field)s: '%(reference)s' comes later in the questionnaire; "
                            "%(field)s may only use answers to earlier questions"),
    "self_reference": _l("%(code)s %(field)s: refers to its own answer '%(reference)s'; whether a "
                         "question is shown cannot depend on its own answer"),
    "cycle": _l("%(code)s %(field)s: depends on itself through the cycle %(path)s"),
    "current_value_in_show_if": _l("%(code)s %(field)s: '.' (the current answer) can only be used in a validation rule"),
    "type_mismatch": _l("%(code)s %(field)s: %(operation)s needs %(expected)s, but %(subject)s is %(found)s"),
    "unknown_choice": _l("%(code)s %(field)s: '%(choice)s' is not a choice of '%(reference)s'; its choices are %(choices)s"),
    "not_a_condition": _l("%(code)s %(field)s: the rule must be a condition (true or false), but %(subject)s is %(found)s"),
}
FIELD_NAMES = {"show_if": _l("show-if rule"), "validation": _l("validation rule")}
EXPORT_TYPES = {
    "xlsform": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("json", "application/json"),
}


def issue_message(issue: LogicIssue) -> str:
    """The issue in the current language."""
    arguments = issue.template_arguments()
    arguments["field"] = str(FIELD_NAMES.get(issue.field, issue.field))
    template = ISSUE_MESSAGES.get(issue.rule)
    if template is None:
        return issue.message
    try:
        return str(template) % arguments
    except (KeyError, ValueError):
        return issue.message


def translation_location(location: str) -> str:
    """``page:p1/question:q1/choice:a`` → "page p1 › question q1 › choice a" (translated words)."""
    words = {"page": _("page"), "question": _("question"), "choice": _("choice"), "row": _("row"),
             "title": _("title"), "description": _("description"), "text": _("text"),
             "help": _("help text"), "validation_message": _("validation message"),
             "low_label": _("low end label"), "high_label": _("high end label"),
             "attribute": _("feature")}
    parts = []
    for part in location.split("/"):
        name, _sep, value = part.partition(":")
        parts.append(f"{words.get(name, name)} {value}".strip())
    return " › ".join(parts)


def language_names(languages) -> str:
    names = {"zh": _("Chinese"), "en": _("English")}
    return ", ".join(names.get(language, language) for language in languages)


# --- loading ----------------------------------------------------------------------------------

def _questionnaire(questionnaire_id: int) -> Questionnaire:
    questionnaire = get_session().get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        abort(404)
    return questionnaire


def _version(questionnaire: Questionnaire, number: int | None = None) -> QuestionnaireVersion:
    if not questionnaire.versions:
        abort(404)
    if number is None:
        return questionnaire.versions[-1]
    for version in questionnaire.versions:
        if version.number == number:
            return version
    abort(404)


def _find_questionnaires(search: str, status: str) -> list[Questionnaire]:
    statement = select(Questionnaire).order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc())
    if status in ("active", "archived"):
        statement = statement.where(Questionnaire.status == status)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(Questionnaire.title_zh.ilike(pattern, escape="\\"),
                                        Questionnaire.title_en.ilike(pattern, escape="\\")))
    return list(get_session().scalars(statement.limit(500)))


class ArchivedError(Exception):
    """An edit was asked of an archived questionnaire."""

    def __init__(self, questionnaire_id: int) -> None:
        super().__init__(questionnaire_id)
        self.questionnaire_id = questionnaire_id


@bp.errorhandler(ArchivedError)
def archived(error: ArchivedError):
    flash(_("This questionnaire is archived; clone it to make changes."))
    return redirect(url_for("design.overview", questionnaire_id=error.questionnaire_id))


def _editable(questionnaire_id: int) -> tuple[Questionnaire, QuestionnaireVersion, Document]:
    """The draft to change (a new draft when the latest version is published)."""
    questionnaire = _questionnaire(questionnaire_id)
    if questionnaire.status == "archived":
        raise ArchivedError(questionnaire_id)
    version = store.editable_draft(get_session(), questionnaire_id)
    return questionnaire, version, store.version_document(version)


def _save(version: QuestionnaireVersion, document: Document) -> None:
    """Sanitise rich text and store the document in the draft."""
    session = get_session()
    store.replace_draft(session, version, sanitize_questionnaire(document))
    session.commit()


def _to_editor(questionnaire_id: int, anchor: str = ""):
    return redirect(url_for("design.edit", questionnaire_id=questionnaire_id) + anchor)


# --- list, create, import ---------------------------------------------------------------------

@bp.route("/")
@role_required("designer")
def index():
    form = SearchForm(request.args)
    status = form.status.data if form.status.data in ("active", "archived", "all") else "active"
    search = form.q.data if form.validate() else ""
    items = _find_questionnaires(search or "", status)
    return render_template("design/index.html", form=form, items=items, search=search)


@bp.route("/new", methods=["GET", "POST"])
@role_required("designer")
def create_blank():
    form = DetailsForm()
    if form.validate_on_submit():
        title, description = form.texts()
        document = Document(title=title, description=description,
                            pages=(Page("page_1", Texts("第 1 页", "Page 1"), ()),))
        session = get_session()
        version = store.create_questionnaire(session, sanitize_questionnaire(document),
                                             created_by_id=current_user.id)
        session.commit()
        flash(_("The questionnaire was created."))
        return _to_editor(version.questionnaire_id)
    return render_template("design/new.html", form=form), 422 if form.errors else 200


@bp.route("/new/template", methods=["GET", "POST"])
@role_required("designer")
def create_from_template():
    form = TemplateForm()
    if form.validate_on_submit():
        template = TEMPLATES[form.template.data]
        try:
            document = (template.builder(form.parsed_attributes) if template.needs_attributes
                        else template.builder())
        except DocumentError as error:
            form.attributes.errors.append(str(error))
        else:
            session = get_session()
            version = store.create_questionnaire(session, document, created_by_id=current_user.id)
            session.commit()
            flash(_("The questionnaire was created from the template."))
            return redirect(url_for("design.overview", questionnaire_id=version.questionnaire_id))
    return (render_template("design/template.html", form=form, templates=TEMPLATES),
            422 if form.errors else 200)


@bp.route("/import", methods=["GET", "POST"])
@role_required("designer")
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            imported = import_questionnaire(upload.read(), filename=upload.filename or "upload")
        except InterchangeError as error:
            form.file.errors.append(_("The file could not be imported: %(reason)s", reason=str(error)))
        else:
            session = get_session()
            version = store.create_questionnaire(session, imported.questionnaire,
                                                 created_by_id=current_user.id)
            session.commit()
            flash(_("The questionnaire was imported."))
            if imported.warnings:
                return render_template("design/import_done.html", version=version,
                                       warnings=imported.warnings)
            return redirect(url_for("design.overview", questionnaire_id=version.questionnaire_id))
    return render_template("design/import.html", form=form), 422 if form.errors else 200


# --- one questionnaire ------------------------------------------------------------------------

@bp.route("/<int:questionnaire_id>")
@role_required("designer")
def overview(questionnaire_id: int):
    questionnaire = _questionnaire(questionnaire_id)
    return render_template("design/overview.html", questionnaire=questionnaire,
                           versions=list(reversed(questionnaire.versions)), form=ConfirmForm())


@bp.route("/<int:questionnaire_id>/draft", methods=["POST"])
@role_required("designer")
def new_draft(questionnaire_id: int):
    if ConfirmForm().validate_on_submit():
        _editable(questionnaire_id)
        get_session().commit()
    return _to_editor(questionnaire_id)


@bp.route("/<int:questionnaire_id>/clone", methods=["POST"])
@role_required("designer")
def clone(questionnaire_id: int):
    _questionnaire(questionnaire_id)
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
    questionnaire = _questionnaire(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    store.archive(session, questionnaire)
    session.commit()
    flash(_("The questionnaire was archived."))
    return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))


@bp.route("/<int:questionnaire_id>/export/<export_format>")
@role_required("designer")
def export(questionnaire_id: int, export_format: str):
    if export_format not in EXPORT_TYPES:
        abort(404)
    questionnaire = _questionnaire(questionnaire_id)
    version = _version(questionnaire, request.args.get("version", type=int))
    try:
        data = export_questionnaire(store.version_document(version), export_format)
    except (DocumentError, InterchangeError) as error:
        flash(_("This version cannot be exported: %(reason)s", reason=str(error)))
        return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    suffix, mimetype = EXPORT_TYPES[export_format]
    name = f"questionnaire-{questionnaire_id}-v{version.number}.{suffix}"
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/<int:questionnaire_id>/publish", methods=["GET", "POST"])
@role_required("designer")
def publish(questionnaire_id: int):
    questionnaire = _questionnaire(questionnaire_id)
    version = _version(questionnaire)
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
            session.commit()
            flash(_("Version %(number)d is published.", number=version.number))
            return redirect(url_for("design.overview", questionnaire_id=questionnaire_id))
    return render_template("design/publish.html", questionnaire=questionnaire, version=version,
                           report=report, form=form, issue_message=issue_message,
                           translation_location=translation_location,
                           language_names=language_names), status


# --- the draft editor -------------------------------------------------------------------------

@bp.route("/<int:questionnaire_id>/edit", methods=["GET", "POST"])
@role_required("designer")
def edit(questionnaire_id: int):
    questionnaire = _questionnaire(questionnaire_id)
    latest = _version(questionnaire)
    document = store.version_document(latest)
    form = DetailsForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            questionnaire, version, document = _editable(questionnaire_id)
            title, description = form.texts()
            _save(version, editing.set_details(document, title=title, description=description))
            flash(_("Saved."))
            return _to_editor(questionnaire_id)
        status = 422
    else:
        form.title_zh.data, form.title_en.data = document.title.zh, document.title.en
        form.description_zh.data = document.description.zh
        form.description_en.data = document.description.en
    page_choices = [(index, f"{index + 1}. {page.title.get(_locale()) or page.code}")
                    for index, page in enumerate(document.pages)]
    return render_template(
        "design/edit.html", questionnaire=questionnaire, version=latest, document=document,
        form=form, action=ConfirmForm(), move=MoveForm(), add=AddQuestionForm(),
        page_choices=page_choices, type_labels=question_type_labels(),
    ), status


def _locale() -> str:
    from flask_babel import get_locale
    return str(get_locale())


@bp.route("/<int:questionnaire_id>/pages/add", methods=["POST"])
@role_required("designer")
def add_page(questionnaire_id: int):
    if ConfirmForm().validate_on_submit():
        _questionnaire_, version, document = _editable(questionnaire_id)
        document = editing.add_page(document)
        _save(version, document)
        flash(_("A page was added."))
        return _to_editor(questionnaire_id, f"#page-{len(document.pages) - 1}")
    abort(400)


@bp.route("/<int:questionnaire_id>/pages/<int:index>", methods=["GET", "POST"])
@role_required("designer")
def edit_page(questionnaire_id: int, index: int):
    questionnaire = _questionnaire(questionnaire_id)
    document = store.version_document(_version(questionnaire))
    if not 0 <= index < len(document.pages):
        abort(404)
    page = document.pages[index]
    form = PageForm()
    if request.method == "GET":
        form.code.data, form.show_if.data = page.code, page.show_if or ""
        form.title_zh.data, form.title_en.data = page.title.zh, page.title.en
    elif form.validate_on_submit():
        _q, version, document = _editable(questionnaire_id)
        changed = None
        try:
            changed = editing.update_page(document, index, code=form.code.data,
                                          title=Texts(form.title_zh.data or "", form.title_en.data or ""),
                                          show_if=form.show_if.data or None)
        except DocumentError:
            form.code.errors.append(_("Another page or question already uses this code."))
        if changed is not None and form.show_if.data:
            for issue in check_expression(changed, form.code.data, "show_if", form.show_if.data):
                form.show_if.errors.append(issue_message(issue))
        if not form.errors:
            _save(version, changed)
            flash(_("The page was saved."))
            return _to_editor(questionnaire_id, f"#page-{index}")
    status = 422 if form.errors else 200
    return render_template("design/page.html", questionnaire=questionnaire, form=form,
                           index=index, page=page), status


@bp.route("/<int:questionnaire_id>/pages/<int:index>/move", methods=["POST"])
@role_required("designer")
def move_page(questionnaire_id: int, index: int):
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    _q, version, document = _editable(questionnaire_id)
    try:
        _save(version, editing.move_page(document, index, form.direction.data))
    except LookupError:
        abort(404)
    target = index - 1 if form.direction.data == "up" else index + 1
    return _to_editor(questionnaire_id, f"#page-{max(0, min(target, len(document.pages) - 1))}")


@bp.route("/<int:questionnaire_id>/pages/<int:index>/delete", methods=["POST"])
@role_required("designer")
def delete_page(questionnaire_id: int, index: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _q, version, document = _editable(questionnaire_id)
    try:
        _save(version, editing.delete_page(document, index))
    except LookupError:
        abort(404)
    flash(_("The page was deleted."))
    return _to_editor(questionnaire_id)


def _question_form_page(questionnaire, form, *, index: int, question_type: str, code: str | None,
                        stored_type: str | None = None, status: int = 200):
    return render_template(
        "design/question.html", questionnaire=questionnaire, form=form, index=index,
        question_type=question_type, type_label=question_type_labels()[question_type],
        type_fields=TYPE_FIELDS[question_type], code=code, stored_type=stored_type or question_type,
        type_choices=list(question_type_labels().items()),
    ), status


def _new_type_defaults(form: QuestionForm, question_type: str) -> None:
    """The starting values of a new question of ``question_type`` (a question stored as another
    type keeps its own where they apply)."""
    form.required.data = question_type != "info"
    form.integer.data = True
    form.scale.data = "1-5"


def _store_question(questionnaire_id: int, form: QuestionForm, *, index: int, replacing: str | None):
    """Validate the logic of the submitted question in context and save it; returns None when
    the form has errors."""
    _q, version, document = _editable(questionnaire_id)
    try:
        question = form.question()
    except DocumentError as error:
        form.form_errors.append(_("The question cannot be saved: %(reason)s", reason=str(error)))
        return None
    try:
        if replacing is None:
            changed = editing.put_question(document, index, question)
        else:
            changed = editing.put_question(document, index, question, replacing=replacing)
    except DocumentError:
        form.code.errors.append(_("Another page, question or answer variable already uses this code."))
        return None
    except LookupError:
        abort(404)
    for field in ("show_if", "validation"):
        text = getattr(form, field).data
        if text:
            for issue in check_expression(changed, question.code, field, text):
                getattr(form, field).errors.append(issue_message(issue))
    if form.show_if.errors or form.validation.errors:
        return None
    _save(version, changed)
    return question


@bp.route("/<int:questionnaire_id>/pages/<int:index>/questions/new", methods=["GET", "POST"])
@role_required("designer")
def new_question(questionnaire_id: int, index: int):
    questionnaire = _questionnaire(questionnaire_id)
    document = store.version_document(_version(questionnaire))
    question_type = request.values.get("type", "")
    if question_type not in QUESTION_TYPES or not 0 <= index < len(document.pages):
        abort(404)
    form = QuestionForm(question_type)
    if request.method == "GET":
        form = QuestionForm(question_type, formdata=None)
        form.code.data = editing.free_code(document, "q")
        _new_type_defaults(form, question_type)
        return _question_form_page(questionnaire, form, index=index, question_type=question_type, code=None)
    if form.validate_on_submit():
        question = _store_question(questionnaire_id, form, index=index, replacing=None)
        if question is not None:
            flash(_("The question was added."))
            return _to_editor(questionnaire_id, f"#question-{question.code}")
    return _question_form_page(questionnaire, form, index=index, question_type=question_type,
                               code=None, status=422)


@bp.route("/<int:questionnaire_id>/questions/<code>", methods=["GET", "POST"])
@role_required("designer")
def edit_question(questionnaire_id: int, code: str):
    questionnaire = _questionnaire(questionnaire_id)
    document = store.version_document(_version(questionnaire))
    try:
        index, _position = editing.locate(document, code)
    except LookupError:
        abort(404)
    question = document.question(code)
    # ?type= (the "Change type" control, then the form's hidden field) edits the question as
    # another type: code, texts and rules are kept, what the new type cannot use is dropped.
    question_type = request.values.get("type", question.type)
    if question_type not in QUESTION_TYPES:
        abort(404)
    form = QuestionForm(question_type)
    if request.method == "GET":
        form = QuestionForm(question_type, formdata=None)
        _new_type_defaults(form, question_type)
        form.fill_from(question)
    elif form.validate_on_submit():
        saved = _store_question(questionnaire_id, form, index=index, replacing=code)
        if saved is not None:
            flash(_("The question was saved."))
            return _to_editor(questionnaire_id, f"#question-{saved.code}")
    status = 422 if (form.errors or form.form_errors) else 200
    return _question_form_page(questionnaire, form, index=index, question_type=question_type,
                               code=code, stored_type=question.type, status=status)


@bp.route("/<int:questionnaire_id>/questions/<code>/move", methods=["POST"])
@role_required("designer")
def move_question(questionnaire_id: int, code: str):
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    _q, version, document = _editable(questionnaire_id)
    try:
        _save(version, editing.move_question(document, code, form.direction.data))
    except LookupError:
        abort(404)
    return _to_editor(questionnaire_id, f"#question-{code}")


@bp.route("/<int:questionnaire_id>/questions/<code>/page", methods=["POST"])
@role_required("designer")
def move_question_to_page(questionnaire_id: int, code: str):
    _q, version, document = _editable(questionnaire_id)
    form = MoveToPageForm()
    form.target.choices = [(index, str(index)) for index in range(len(document.pages))]
    if not form.validate_on_submit():
        abort(400)
    try:
        _save(version, editing.move_question_to_page(document, code, form.target.data))
    except LookupError:
        abort(404)
    flash(_("The question was moved."))
    return _to_editor(questionnaire_id, f"#question-{code}")


@bp.route("/<int:questionnaire_id>/questions/<code>/delete", methods=["POST"])
@role_required("designer")
def delete_question(questionnaire_id: int, code: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _q, version, document = _editable(questionnaire_id)
    try:
        _save(version, editing.delete_question(document, code))
    except LookupError:
        abort(404)
    flash(_("The question was deleted."))
    return _to_editor(questionnaire_id)


# --- preview ----------------------------------------------------------------------------------

PREVIEW_KEY = "design_preview_answers"
PREVIEW_LOCALES = ("zh_CN", "en")


def _preview_url(questionnaire_id: int, version: QuestionnaireVersion, page: int, show: str) -> str:
    return url_for("design.preview", questionnaire_id=questionnaire_id, version=version.number,
                   page=page, show=show)


def _missing_on_page(document: Document, page_index: int, show: str) -> list[str]:
    """Where texts of this page (and the title) are missing in the previewed language."""
    language = "zh" if show == "zh_CN" else "en"
    prefix = f"page:{document.pages[page_index].code}/"
    return [translation_location(m.location) for m in document.missing_translations()
            if language in m.languages
            and (m.location in ("title", "description") or m.location.startswith(prefix))]


@bp.route("/<int:questionnaire_id>/preview", methods=["GET", "POST"])
@role_required("designer")
def preview(questionnaire_id: int):
    """A version's pages exactly as respondents see them (the respondent renderer), in the
    language ``show``, with a designer bar: language and page links, missing translations.
    Answers live in the designer's session only and are never stored."""
    questionnaire = _questionnaire(questionnaire_id)
    version = _version(questionnaire, request.args.get("version", type=int))
    document = store.version_document(version)
    show = request.args.get("show") if request.args.get("show") in PREVIEW_LOCALES else "zh_CN"
    if not document.pages:
        flash(_("Add a page with questions before previewing."))
        return _to_editor(questionnaire_id)
    page_index = min(max(request.args.get("page", 0, type=int), 0), len(document.pages) - 1)
    saved = dict(cookie.get(PREVIEW_KEY, {}))
    key = str(version.id)
    stored = dict(saved.get(key, {})) if request.args.get("restart") is None else {}
    page_variables = tuple(v.code for q in document.pages[page_index].questions for v in q.variables())
    prior = {k: v for k, v in stored.items() if k not in page_variables}
    page_form = build_page_form(document, page_index, locale=show, seed=f"preview-{version.id}")
    here = _preview_url(questionnaire_id, version, page_index, show)
    status, revealed = 200, False
    if request.method == "POST":
        form = page_form(prior_answers=prior)
        valid = form.validate()
        if request.form.get("nav") == "back":
            target = previous_page(document, stored, page_index)
            return redirect(_preview_url(questionnaire_id, version, page_index if target is None else target, show))
        if valid and not form.revealed():
            merged = merge_page_answers(stored, page_variables, form.answers)
            target = next_page(document, merged, page_index)
            if target is None:
                saved.pop(key, None)
                cookie[PREVIEW_KEY] = saved
                flash(_("End of the preview; nothing was saved."))
                return redirect(_preview_url(questionnaire_id, version, 0, show))
            saved[key] = merged
            cookie[PREVIEW_KEY] = saved
            return redirect(_preview_url(questionnaire_id, version, target, show))
        status, revealed = (200, True) if valid else (422, False)
    else:
        if request.args.get("restart") is not None:
            saved.pop(key, None)
            cookie[PREVIEW_KEY] = saved
        form = page_form(prior_answers=prior, data=form_data(document, page_index, stored))
    html = render_survey_page(document, page_index, form, locale=show, preview=True,
                              answers=stored, action=here, revealed=revealed)
    bar = render_template(
        "design/_preview_bar.html", questionnaire=questionnaire, version=version,
        document=document, page_index=page_index, show=show,
        missing=_missing_on_page(document, page_index, show),
        page_url=lambda page, language=show: _preview_url(questionnaire_id, version, page, language))
    marker = '<main id="main" tabindex="-1">'
    if marker in html:
        html = html.replace(marker, marker + bar, 1)
    else:
        html = bar + html
    return html, status
