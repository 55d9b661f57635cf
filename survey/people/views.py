"""People pages (admins): find a customer reference, see everything held about it across
questionnaires, download it as JSON, erase it after typing the reference again. The audit log
(read and exported here too) records every export and erasure."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from survey.audit_trail import audit_event, person_key
from survey.auth.roles import role_required
from survey.db import engine, get_session, read_first
from survey.services import audit, people
from survey.services.export_values import escape_formula

bp = Blueprint("people", __name__, url_prefix="/people")


class EraseForm(FlaskForm):
    ref = HiddenField()
    confirm = StringField(_l("Type the customer reference again to confirm"),
                          validators=[DataRequired(_l("Type the customer reference to confirm.")),
                                      Length(max=people.REF_MAX)])


def _ref() -> str:
    ref = (request.values.get("ref") or "").strip()
    if len(ref) > people.REF_MAX:
        abort(404)
    return ref


@bp.route("/")
@role_required("admin")
def index():
    ref = _ref()
    session = get_session()
    if not ref:
        return render_template("people/index.html", ref="", person=None, suggestions=[], form=None)
    person = people.find(session, ref)
    suggestions = [] if person.found else people.known_refs(session, ref)
    form = EraseForm(ref=ref)
    return render_template("people/index.html", ref=ref, person=person, suggestions=suggestions, form=form)


@bp.route("/export.json")
@role_required("admin")
def export_json():
    ref = _ref()
    if not ref:
        abort(404)
    session = get_session()
    data = people.export(session, ref)
    audit_event("person_export", person_key(ref), details={"to": "download"})
    session.commit()
    return Response(json.dumps(data, ensure_ascii=False, indent=2, default=str), mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=person.json",
                             "Cache-Control": "no-store"})


@bp.route("/erase", methods=["POST"])
@role_required("admin")
def erase():
    form = EraseForm()
    ref = (form.ref.data or "").strip()
    session = get_session()
    if not ref:
        abort(404)
    if not form.validate() or (form.confirm.data or "").strip() != ref:
        if not form.confirm.errors:
            form.confirm.errors = [_("This is not the customer reference shown on the page.")]
        person = people.find(session, ref)
        return render_template("people/index.html", ref=ref, person=person, suggestions=[], form=form), 422
    report = people.erase(session, ref)
    audit_event("person_erase", person_key(ref), details=report.as_dict())
    session.commit()
    flash(_("Erased: %(invitations)s invitations, %(responses)s responses made anonymous (%(texts)s free-text "
            "answers removed), %(cases)s complaint cases, %(tasks)s follow-up tasks.",
            invitations=report.invitations, responses=report.responses, texts=report.text_answers,
            cases=report.cases, tasks=report.tasks))
    return redirect(url_for("people.index"))


# --- the audit log -------------------------------------------------------------------------------

@bp.route("/audit")
@role_required("admin")
def audit_log():
    session = get_session()
    before = request.args.get("before", type=int)
    action = request.args.get("action") or None
    events = audit.page(session, before=before, action=action)
    more = len(events) == audit.PAGE_SIZE
    return render_template("people/audit.html", events=events, action=action, actions=audit.actions(session),
                           next_before=events[-1].id if more else None)


@bp.route("/audit.csv")
@role_required("admin")
def audit_csv():
    session = get_session()
    audit_event("audit_export")
    session.commit()
    session.close()
    return Response(stream_with_context(_csv_body()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv", "Cache-Control": "no-store"})


def _csv_body():
    """The log read in autocommit (``read_first``): on SQLite a transaction would hold the write
    lock for as long as the download takes."""
    yield "\ufeff"
    with Session(engine()) as reader:
        read_first(reader)
        yield from audit.csv_lines(reader, escape_formula)
