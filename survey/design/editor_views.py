"""The draft editor (designer role): details, pages and questions of the latest draft.

Thin views: a form is parsed, the document is changed with ``survey.design.editing`` (pure), and
stored in the draft (``survey.design.access.save_draft``).
"""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _

from survey.auth.roles import role_required
from survey.design import editing, show_if_builder
from survey.design.choice_rows import apply_editing_action, fill_rows
from survey.design.access import editable, questionnaire_or_404, save_draft, to_editor, version_or_404
from survey.design.deletions import removal_refusal, save_deletion, undo_offer
from survey.design.forms import (
    TYPE_FIELDS, AddQuestionForm, ConfirmForm, DetailsForm, MoveForm, MoveToPageForm, PageForm,
    QuestionForm, question_type_labels,
)
from survey.db import get_session
from survey.design.messages import issue_message, type_change_message
from survey.design.views import bp
from survey.questionnaire.document import QUESTION_TYPES, DocumentError, Texts
from survey.services import questionnaires as store
from survey.services.publishing import check_expression
from survey.services.stored_answers import stored_values
from survey.services.type_change import check_type_change


# --- the draft editor -------------------------------------------------------------------------

@bp.route("/<int:questionnaire_id>/edit", methods=["GET", "POST"])
@role_required("designer")
def edit(questionnaire_id: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    latest = version_or_404(questionnaire)
    document = store.version_document(latest)
    form = DetailsForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            questionnaire, version, document = editable(questionnaire_id)
            title, description = form.texts()
            save_draft(version, editing.set_details(document, title=title, description=description))
            flash(_("Saved."))
            return to_editor(questionnaire_id)
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
        page_choices=page_choices, type_labels=question_type_labels(), undo=undo_offer(latest, document),
    ), status


def _locale() -> str:
    from flask_babel import get_locale
    return str(get_locale())


@bp.route("/<int:questionnaire_id>/pages/add", methods=["POST"])
@role_required("designer")
def add_page(questionnaire_id: int):
    if ConfirmForm().validate_on_submit():
        _questionnaire_, version, document = editable(questionnaire_id)
        document = editing.add_page(document)
        save_draft(version, document)
        flash(_("A page was added."))
        return to_editor(questionnaire_id, f"#page-{len(document.pages) - 1}")
    abort(400)


@bp.route("/<int:questionnaire_id>/pages/<int:index>", methods=["GET", "POST"])
@role_required("designer")
def edit_page(questionnaire_id: int, index: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    document = store.version_document(version_or_404(questionnaire))
    if not 0 <= index < len(document.pages):
        abort(404)
    page = document.pages[index]
    form = PageForm()
    if request.method == "GET":
        form.code.data, form.show_if.data = page.code, page.show_if or ""
        form.title_zh.data, form.title_en.data = page.title.zh, page.title.en
    elif form.validate_on_submit():
        _q, version, document = editable(questionnaire_id)
        changed = None
        try:
            changed = editing.update_page(document, index, code=form.code.data,
                                          title=Texts(form.title_zh.data or "", form.title_en.data or ""),
                                          show_if=form.show_if.data or None)
        except DocumentError:
            form.code.errors.append(_("Another page or question already uses this code."))
        if changed is not None and form.show_if.data:
            for issue in check_expression(changed, form.code.data, "show_if", form.show_if.data):
                form.show_if.errors.append(issue_message(issue, text=form.show_if.data))
        if not form.errors:
            save_draft(version, changed)
            flash(_("The page was saved."))
            return to_editor(questionnaire_id, f"#page-{index}")
    status = 422 if form.errors else 200
    subjects = show_if_builder.subjects_for_page(document, index, _locale())
    return render_template("design/page.html", questionnaire=questionnaire, form=form,
                           index=index, page=page, builder_subjects=subjects,
                           builder_data=show_if_builder.builder_data(subjects)), status


@bp.route("/<int:questionnaire_id>/pages/<int:index>/move", methods=["POST"])
@role_required("designer")
def move_page(questionnaire_id: int, index: int):
    questionnaire_or_404(questionnaire_id)  # another workspace's questionnaire: 404 before anything
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    _q, version, document = editable(questionnaire_id)
    try:
        save_draft(version, editing.move_page(document, index, form.direction.data))
    except LookupError:
        abort(404)
    target = index - 1 if form.direction.data == "up" else index + 1
    return to_editor(questionnaire_id, f"#page-{max(0, min(target, len(document.pages) - 1))}")


def _still_used(document, codes: set[str]) -> str | None:
    """The message naming the rules that use the answers of ``codes``, or None when none does."""
    used = editing.dependents(document, codes)
    if not used:
        return None
    return _("Not deleted: %(rules)s use these answers. Change those conditions first.",
             rules=", ".join(f"{item} ({variable})" for item, variable in used[:10]))


@bp.route("/<int:questionnaire_id>/pages/<int:index>/delete", methods=["GET", "POST"])
@role_required("designer")
def delete_page(questionnaire_id: int, index: int):
    """GET: what deleting the page removes, with the button that does it; POST: delete it."""
    form = ConfirmForm()
    if request.method == "GET":  # viewing makes no draft: read the latest version
        questionnaire = questionnaire_or_404(questionnaire_id)
        document = store.version_document(version_or_404(questionnaire))
        if not 0 <= index < len(document.pages):
            abort(404)
        page = document.pages[index]
        return render_template("design/delete_page.html", questionnaire=questionnaire, form=form, index=index,
                               page=page, problem=_still_used(document, {q.code for q in page.questions}))
    if not form.validate_on_submit():
        abort(400)
    _questionnaire, version, document = editable(questionnaire_id)
    if not 0 <= index < len(document.pages):
        abort(404)
    page = document.pages[index]
    problem = _still_used(document, {q.code for q in page.questions})
    if problem:
        flash(problem, "error")
        return to_editor(questionnaire_id, f"#page-{index}")
    save_deletion(version, before=document, after=editing.delete_page(document, index), kind="page",
                  codes=tuple(question.code for question in page.questions), container=page.code)
    return to_editor(questionnaire_id, "#undo")  # the editor offers to undo it


def _question_form_page(questionnaire, document, form, *, index: int, question_type: str, code: str | None,
                        stored_type: str | None = None, status: int = 200):
    subjects = show_if_builder.subjects_for_question(document, code, _locale()) if code is not None \
        else show_if_builder.subjects_for_new_question(document, index, _locale())
    return render_template(
        "design/question.html", questionnaire=questionnaire, form=form, index=index,
        question_type=question_type, type_label=question_type_labels()[question_type],
        type_fields=TYPE_FIELDS[question_type], code=code, stored_type=stored_type or question_type,
        type_choices=list(question_type_labels().items()),
        builder_subjects=subjects, builder_data=show_if_builder.builder_data(subjects),
    ), status


def _new_type_defaults(form: QuestionForm, question_type: str) -> None:
    """The starting values of a new question of ``question_type`` (a question stored as another
    type keeps its own where they apply)."""
    form.required.data = question_type != "info"
    form.integer.data = True
    form.scale.data = "1-5"
    fill_rows(form, ())


def _store_question(questionnaire_id: int, form: QuestionForm, *, index: int, replacing: str | None):
    """Validate the logic of the submitted question in context and save it; returns None when
    the form has errors."""
    _q, version, document = editable(questionnaire_id)
    try:
        question = form.question()
    except DocumentError as error:
        form.form_errors.append(_("The question cannot be saved: %(reason)s", reason=str(error)))
        return None
    if replacing is not None:
        refusal = _type_change_refusal(questionnaire_id, document.question(replacing), question)
        if refusal is not None:
            form.form_errors.append(type_change_message(refusal, question_type_labels()))
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
                getattr(form, field).errors.append(issue_message(issue, text=text))
    if form.show_if.errors or form.validation.errors:
        return None
    removal = None if replacing is None else editing.removed_entries(document.question(replacing), question)
    used = [] if removal is None else editing.removal_dependents(document, document.question(replacing), removal)
    if used:  # removing them would break those rules: say so first, save nothing
        form.form_errors.append(removal_refusal(removal, used))
        return None
    if removal is None:
        save_draft(version, changed)
    else:  # choices or matrix rows left out: the editor offers to undo that
        save_deletion(version, before=document, after=changed, kind=removal.kind, codes=removal.codes,
                      container=question.code)
    return question


def _type_change_refusal(questionnaire_id: int, old, new):
    """Why the stored question ``old`` may not become ``new`` (another type) given the answers
    already stored for it in any version, or None."""
    if old.type == new.type:
        return None
    codes = [variable.code for variable in old.variables()]
    return check_type_change(old, new, stored_values(get_session(), questionnaire_id, codes))


@bp.route("/<int:questionnaire_id>/pages/<int:index>/questions/new", methods=["GET", "POST"])
@role_required("designer")
def new_question(questionnaire_id: int, index: int):
    questionnaire = questionnaire_or_404(questionnaire_id)
    document = store.version_document(version_or_404(questionnaire))
    question_type = request.values.get("type", "")
    if question_type not in QUESTION_TYPES or not 0 <= index < len(document.pages):
        abort(404)
    form = QuestionForm(question_type)
    if request.method == "GET":
        form = QuestionForm(question_type, formdata=None)
        form.code.data = editing.free_code(document, "q")
        _new_type_defaults(form, question_type)
        return _question_form_page(questionnaire, document, form, index=index, question_type=question_type, code=None)
    if apply_editing_action(form, request.form):  # add a choice row, rows <-> text: nothing saved
        return _question_form_page(questionnaire, document, form, index=index, question_type=question_type, code=None)
    if form.validate_on_submit():
        question = _store_question(questionnaire_id, form, index=index, replacing=None)
        if question is not None:
            flash(_("The question was added."))
            return to_editor(questionnaire_id, f"#question-{question.code}")
    return _question_form_page(questionnaire, document, form, index=index, question_type=question_type,
                               code=None, status=422)


@bp.route("/<int:questionnaire_id>/questions/<code>", methods=["GET", "POST"])
@role_required("designer")
def edit_question(questionnaire_id: int, code: str):
    questionnaire = questionnaire_or_404(questionnaire_id)
    document = store.version_document(version_or_404(questionnaire))
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
    elif apply_editing_action(form, request.form):  # add a choice row, rows <-> text: nothing saved
        pass
    elif form.validate_on_submit():
        saved = _store_question(questionnaire_id, form, index=index, replacing=code)
        if saved is not None:
            flash(_("The question was saved."))
            return to_editor(questionnaire_id, f"#question-{saved.code}")
    status = 422 if (form.errors or form.form_errors) else 200
    return _question_form_page(questionnaire, document, form, index=index, question_type=question_type,
                               code=code, stored_type=question.type, status=status)


@bp.route("/<int:questionnaire_id>/questions/<code>/move", methods=["POST"])
@role_required("designer")
def move_question(questionnaire_id: int, code: str):
    questionnaire_or_404(questionnaire_id)  # another workspace's questionnaire: 404 before anything
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    _q, version, document = editable(questionnaire_id)
    try:
        save_draft(version, editing.move_question(document, code, form.direction.data))
    except LookupError:
        abort(404)
    return to_editor(questionnaire_id, f"#question-{code}")


@bp.route("/<int:questionnaire_id>/questions/<code>/page", methods=["POST"])
@role_required("designer")
def move_question_to_page(questionnaire_id: int, code: str):
    _q, version, document = editable(questionnaire_id)
    form = MoveToPageForm()
    form.target.choices = [(index, str(index)) for index in range(len(document.pages))]
    if not form.validate_on_submit():
        abort(400)
    try:
        save_draft(version, editing.move_question_to_page(document, code, form.target.data))
    except LookupError:
        abort(404)
    flash(_("The question was moved."))
    return to_editor(questionnaire_id, f"#question-{code}")


@bp.route("/<int:questionnaire_id>/questions/<code>/delete", methods=["POST"])
@role_required("designer")
def delete_question(questionnaire_id: int, code: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _q, version, document = editable(questionnaire_id)
    problem = _still_used(document, {code})
    if problem:
        flash(problem, "error")
        return to_editor(questionnaire_id, f"#question-{code}")
    try:
        page_index, _position = editing.locate(document, code)
    except LookupError:
        abort(404)
    save_deletion(version, before=document, after=editing.delete_question(document, code), kind="question",
                  codes=(code,), container=document.pages[page_index].code)
    return to_editor(questionnaire_id, "#undo")  # the editor offers to undo it
