"""One person across questionnaires: everything held about a customer reference, its export
(PIPL art. 45, GDPR art. 15/20) and its erasure (PIPL art. 47, GDPR art. 17).

A person is a customer reference: their invitations and complaint cases carry it; their
responses are those answering one of those invitations or cases; their follow-up tasks, messages
and opt-outs hang off those. Public-link responses name nobody and cannot be found.

Erasure removes what identifies the person and what they wrote, and keeps what the analyses
count: invitations (reference, address, name, link) and their messages are deleted; responses
stay as anonymous rows without their free-text answers, their invitation and their API client
id; complaint cases lose the customer reference and the case reference (which links back to
the CRM); follow-up task notes are cleared; opt-outs by that address or reference are deleted.
Stored results of earlier analysis runs are aggregates and stay exactly as they were. Small
exports stream from the database and are never kept; large ones are kept for a day as file jobs
(survey.services.file_jobs): those of the person's questionnaires are withdrawn (no longer
offered, deleted by the worker's sweep) and any being made fail, so the user makes them again.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, delete, func, or_, select, update
from sqlalchemy.orm import Session

from models import (
    ComplaintCase, Delivery, FollowUpTask, Invitation, OptOut, QuestionnaireVersion, Response,
)
from survey.services import file_jobs
from survey.services.questionnaires import version_document

REF_MAX = 128


class PersonError(ValueError):
    """The reference cannot name a person (empty or too long)."""


def _check(ref: str) -> str:
    ref = ref.strip()
    if not ref:
        raise PersonError("a customer reference is required")
    if len(ref) > REF_MAX:
        raise PersonError(f"a customer reference has at most {REF_MAX} characters ({len(ref)} given)")
    return ref


@dataclass(frozen=True, slots=True)
class PersonRecord:
    ref: str
    invitations: list[Invitation] = field(default_factory=list)
    cases: list[ComplaintCase] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    tasks: list[FollowUpTask] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    opt_outs: list[OptOut] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.invitations or self.cases or self.responses or self.opt_outs)


def find(session: Session, ref: str) -> PersonRecord:
    """Everything held about ``ref`` (raises :class:`PersonError` for an unusable reference)."""
    ref = _check(ref)
    invitations = list(session.scalars(select(Invitation).where(Invitation.customer_ref == ref)
                                       .order_by(Invitation.id)))
    cases = list(session.scalars(select(ComplaintCase).where(ComplaintCase.customer_ref == ref)
                                 .order_by(ComplaintCase.id)))
    invitation_ids = [i.id for i in invitations]
    case_ids = [c.id for c in cases]
    responses = list(session.scalars(select(Response).where(or_(
        Response.invitation_id.in_(invitation_ids), Response.complaint_case_id.in_(case_ids)))
        .order_by(Response.id))) if invitation_ids or case_ids else []
    response_ids = [r.id for r in responses]
    tasks = list(session.scalars(select(FollowUpTask).where(or_(
        FollowUpTask.response_id.in_(response_ids), FollowUpTask.complaint_case_id.in_(case_ids)))
        .order_by(FollowUpTask.id))) if response_ids or case_ids else []
    deliveries = list(session.scalars(select(Delivery).where(Delivery.invitation_id.in_(invitation_ids))
                                      .order_by(Delivery.id))) if invitation_ids else []
    addresses = {(i.email or "").lower() for i in invitations if i.email}
    opt_outs = list(session.scalars(select(OptOut).where(or_(
        OptOut.customer_ref == ref, OptOut.address.in_(addresses))).order_by(OptOut.id)))
    return PersonRecord(ref, invitations, cases, responses, tasks, deliveries, opt_outs)


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def export(session: Session, ref: str) -> dict[str, Any]:
    """Everything held about ``ref`` as JSON-ready data, with a readable summary first."""
    person = find(session, ref)
    summary = [
        f"Customer reference {person.ref}: {len(person.invitations)} invitation(s), {len(person.responses)} "
        f"response(s), {len(person.cases)} complaint case(s), {len(person.tasks)} follow-up task(s), "
        f"{len(person.deliveries)} message(s) sent or queued, "
        + ("opted out of messages." if person.opt_outs else "not opted out of messages."),
        "Times are in UTC.",
    ]
    return {
        "customer_ref": person.ref,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": summary,
        "invitations": [{"id": i.id, "questionnaire_id": i.questionnaire_id, "email": i.email, "name": i.name,
                         "language": i.language, "segment": i.segment, "status": i.status,
                         "expires_at": _time(i.expires_at), "opened_at": _time(i.opened_at),
                         "created_at": _time(i.created_at)} for i in person.invitations],
        "responses": [{"id": r.id, "version_id": r.version_id, "status": r.status, "channel": r.channel,
                       "language": r.language, "segment": r.segment, "answers": r.answers,
                       "started_at": _time(r.started_at), "submitted_at": _time(r.submitted_at),
                       "consent_version": r.consent_version, "consented_at": _time(r.consented_at)}
                      for r in person.responses],
        "complaint_cases": [{"id": c.id, "case_ref": c.case_ref, "category": c.category, "channel": c.channel,
                             "segment": c.segment, "resolution_status": c.resolution_status,
                             "opened_at": _time(c.opened_at), "resolved_at": _time(c.resolved_at)}
                            for c in person.cases],
        "followup_tasks": [{"id": t.id, "reasons": t.reasons, "status": t.status, "owner": t.owner,
                            "notes": t.notes, "due_at": _time(t.due_at)} for t in person.tasks],
        "messages": [{"invitation_id": d.invitation_id, "sequence": d.sequence, "address": d.address,
                      "status": d.status, "sent_at": _time(d.sent_at), "last_error": d.last_error}
                     for d in person.deliveries],
        "opt_outs": [{"address": o.address, "source": o.source, "created_at": _time(o.created_at)}
                     for o in person.opt_outs],
    }


@dataclass(frozen=True, slots=True)
class ErasureReport:
    invitations: int = 0
    responses: int = 0
    text_answers: int = 0
    cases: int = 0
    tasks: int = 0
    messages: int = 0
    opt_outs: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _text_variables(session: Session, version_id: int, cache: dict[int, frozenset[str]]) -> frozenset[str]:
    if version_id not in cache:
        version = session.get(QuestionnaireVersion, version_id)
        document = version_document(version) if version is not None else None
        cache[version_id] = frozenset(v.code for v in document.variables() if v.kind == "text") \
            if document is not None else frozenset()
    return cache[version_id]


def erase(session: Session, ref: str) -> ErasureReport:
    """Remove the person's personal data and free text everywhere (see the module docstring).
    Flushed, not committed: the caller commits with its audit entry."""
    person = find(session, ref)
    texts: dict[int, frozenset[str]] = {}
    removed_texts = 0
    for response in person.responses:
        text_codes = _text_variables(session, response.version_id, texts)
        kept = {k: v for k, v in (response.answers or {}).items() if k not in text_codes}
        removed_texts += len(response.answers or {}) - len(kept)
        response.answers = kept
        response.invitation_id = None
        response.idempotency_key = None
    for case in person.cases:
        case.customer_ref = ""
        case.case_ref = f"erased-{case.id}"
    for task in person.tasks:
        task.notes = ""
    session.flush()
    invitation_ids = [i.id for i in person.invitations]
    messages = 0
    if invitation_ids:
        messages = session.execute(delete(Delivery).where(Delivery.invitation_id.in_(invitation_ids))).rowcount or 0
        session.execute(update(Response).where(Response.invitation_id.in_(invitation_ids)).values(invitation_id=None)
                        .execution_options(synchronize_session=False))
        session.execute(delete(Invitation).where(Invitation.id.in_(invitation_ids))
                        .execution_options(synchronize_session=False))
    opt_outs = 0
    if person.opt_outs:
        opt_outs = session.execute(delete(OptOut).where(OptOut.id.in_([o.id for o in person.opt_outs]))
                                   .execution_options(synchronize_session=False)).rowcount or 0
    session.flush()
    # Kept export files (large exports, survey.services.file_jobs) may hold the erased answers.
    versions = {r.version_id for r in person.responses}
    if versions:
        file_jobs.withdraw_exports(session, session.scalars(
            select(QuestionnaireVersion.questionnaire_id).where(QuestionnaireVersion.id.in_(sorted(versions)))))
    return ErasureReport(invitations=len(invitation_ids), responses=len(person.responses), text_answers=removed_texts,
                         cases=len(person.cases), tasks=len(person.tasks), messages=messages, opt_outs=opt_outs)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    invitations: int = 0
    cases: int = 0
    tasks: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def purge_identities(session: Session, *, older_than: datetime) -> RetentionReport:
    """Retention: identifying data created before ``older_than`` goes — invitations (reference,
    address, name, link) with their messages, the customer and case references of complaint
    cases, follow-up task notes. Responses stay, unlinked from the invitation, for the analyses.
    Flushed, not committed."""
    old = select(Invitation.id).where(Invitation.created_at < older_than)
    session.execute(update(Response).where(Response.invitation_id.in_(old)).values(invitation_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(delete(Delivery).where(Delivery.invitation_id.in_(old)).execution_options(synchronize_session=False))
    invitations = session.execute(delete(Invitation).where(Invitation.created_at < older_than)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    cases = session.execute(update(ComplaintCase).where(ComplaintCase.created_at < older_than,
                                                        ComplaintCase.customer_ref != "")
                            .values(customer_ref="", case_ref="expired-" + func.cast(ComplaintCase.id, String))
                            .execution_options(synchronize_session=False)).rowcount or 0
    tasks = session.execute(update(FollowUpTask).where(FollowUpTask.created_at < older_than, FollowUpTask.notes != "")
                            .values(notes="").execution_options(synchronize_session=False)).rowcount or 0
    session.flush()
    return RetentionReport(invitations, cases, tasks)


def known_refs(session: Session, prefix: str, limit: int = 20) -> list[str]:
    """Customer references starting with ``prefix`` (for the people search)."""
    prefix = prefix.strip()
    if not prefix:
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    refs = set(session.scalars(select(Invitation.customer_ref).where(
        Invitation.customer_ref.like(pattern, escape="\\")).distinct().limit(limit)))
    refs |= set(session.scalars(select(ComplaintCase.customer_ref).where(
        ComplaintCase.customer_ref.like(pattern, escape="\\")).distinct().limit(limit)))
    refs.discard("")
    return sorted(refs)[:limit]


__all__ = ["ErasureReport", "PersonError", "PersonRecord", "erase", "export", "find", "known_refs"]
