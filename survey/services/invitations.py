"""Personal invitations uploaded as CSV or XLSX, with a row-level validation report.

An upload is all or nothing: every row is checked first, and invitations are created only when
no row breaks a rule. The report names the row (as a spreadsheet shows it: the header is row 1),
the column, the value and the rule, in Chinese and in English.

Columns: ``customer_ref`` and ``language`` are required; ``email`` and ``expires_at`` are
optional; every other column is a segment attribute (region, product, channel, tier, current
value, growth potential, lifecycle stage…), stored on the invitation and copied into the response.

The table reader and the report types are ``survey.services.upload_tables`` (shared with the
complaint-case import), re-exported here.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Invitation, Questionnaire, QuestionnaireVersion
from models.collection import OPEN_INVITATION_STATUSES
from survey.services.segment_attributes import MAX_ATTRIBUTES
from survey.services.workspaces import Scope, in_scope
from survey.services.upload_tables import (  # noqa: F401 (re-exported: the upload API)
    LOOKUP_CHUNK, MAX_REPORTED_PROBLEMS, MAX_ROWS, MAX_SEGMENT_VALUE_LENGTH, MAX_UPLOAD_BYTES,
    RULE_MESSAGES, ImportReport, Language, RowProblem, Table, UploadError, UploadLimits, aware, cell_text,
    check_columns, check_length, normalise_column, normalise_language, parse_datetime, read_table,
    segment_of,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- invitations ------------------------------------------------------------------------------

INVITATION_COLUMNS = ("customer_ref", "language", "email", "name", "expires_at")
#: Segment attribute columns an invitation file may have (the shared segment rule's count).
MAX_SEGMENT_COLUMNS = MAX_ATTRIBUTES
UPLOAD_LIMITS = UploadLimits(INVITATION_COLUMNS, MAX_SEGMENT_COLUMNS)


@dataclass(frozen=True, slots=True)
class _InvitationRow:
    customer_ref: str
    language: Language
    email: str | None
    expires_at: datetime | None
    segment: dict[str, str]
    name: str = ""


def new_token() -> str:
    """An unguessable invitation token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def published_version(session: Session, questionnaire_id: int) -> QuestionnaireVersion | None:
    """The newest published version of a questionnaire (what its links open), or None."""
    return session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id,
               QuestionnaireVersion.state == "published")
        .order_by(QuestionnaireVersion.number.desc())
    ).first()


def published_questionnaires(session: Session, *, kind: str | None = None, scope: Scope = None) -> list[Questionnaire]:
    """Active questionnaires of the workspaces in ``scope`` with at least one published version,
    newest first."""
    query = (select(Questionnaire)
             .where(Questionnaire.status == "active", in_scope(Questionnaire.workspace_id, scope),
                    Questionnaire.id.in_(select(QuestionnaireVersion.questionnaire_id)
                                         .where(QuestionnaireVersion.state == "published")))
             .order_by(Questionnaire.id.desc()))
    if kind is not None:
        query = query.where(Questionnaire.kind == kind)
    return list(session.scalars(query))


def _check_invitation_row(number: int, row: Mapping[str, str], now: datetime,
                          problems: list[RowProblem]) -> _InvitationRow | None:
    before = len(problems)
    customer_ref = row.get("customer_ref", "")
    if not customer_ref:
        problems.append(RowProblem(number, "customer_ref", "", "required"))
    check_length(problems, number, "customer_ref", customer_ref, 128)
    raw_language = row.get("language", "")
    language = normalise_language(raw_language) if raw_language else None
    if language is None:
        problems.append(RowProblem(number, "language", raw_language, "required" if not raw_language else "language"))
    email = row.get("email", "") or None
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        problems.append(RowProblem(number, "email", email[:80], "email"))
    expires_at = None
    if row.get("expires_at"):
        expires_at = parse_datetime(row["expires_at"])
        if expires_at is None:
            problems.append(RowProblem(number, "expires_at", row["expires_at"], "date"))
        elif expires_at <= now:
            problems.append(RowProblem(number, "expires_at", row["expires_at"], "past"))
    name = " ".join(row.get("name", "").split())
    check_length(problems, number, "name", name, 200)
    segment = segment_of(row, INVITATION_COLUMNS, number, problems)
    if len(problems) > before:
        return None
    return _InvitationRow(customer_ref, language, email, expires_at, segment, name)  # type: ignore[arg-type]


def import_invitations(
    session: Session,
    questionnaire_id: int,
    filename: str,
    data: bytes,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    default_expiry_days: int | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Check every row of an upload and, only when all pass, add one invitation per row.

    Returns the :class:`ImportReport`; nothing is added when it lists a problem. Flushed, not
    committed. A customer keeps at most one open invitation to a questionnaire even under
    concurrent uploads: they take turns (:func:`lock_uploads`) and the unique index on open
    invitations refuses the rest, which come back as ``already_invited`` problems. Raises
    :class:`LookupError` when the questionnaire has no published version.
    """
    if published_version(session, questionnaire_id) is None:
        raise LookupError(f"questionnaire {questionnaire_id} has no published version")
    now = now or datetime.now(UTC)
    try:
        table = read_table(filename, data, max_bytes=max_bytes, known_columns=INVITATION_COLUMNS,
                           max_segment_columns=MAX_SEGMENT_COLUMNS)
    except UploadError as exc:
        return ImportReport(rows=0, problems=(exc.problem,))
    problems = check_columns(table, ("customer_ref", "language"))
    if problems:
        return ImportReport(rows=len(table.rows), problems=tuple(problems))
    checked: list[_InvitationRow] = []
    first_row: dict[str, int] = {}
    for number, row in table.rows:
        result = _check_invitation_row(number, row, now, problems)
        ref = row.get("customer_ref", "")
        if ref and ref in first_row:
            problems.append(RowProblem(number, "customer_ref", ref, "duplicate",
                                       (("first", str(first_row[ref])),)))
        elif ref:
            first_row[ref] = number
        if result is not None:
            checked.append(result)
    lock_uploads(session, questionnaire_id)
    problems += _already_invited(session, questionnaire_id, first_row)
    if problems:
        return _problem_report(len(table.rows), problems)
    default_expiry = now + timedelta(days=default_expiry_days) if default_expiry_days else None
    try:
        with session.begin_nested():
            session.add_all(
                Invitation(questionnaire_id=questionnaire_id, token=new_token(),
                           customer_ref=r.customer_ref, email=r.email, name=r.name, language=r.language,
                           segment=r.segment, expires_at=r.expires_at or default_expiry,
                           status="pending")
                for r in checked)
    except IntegrityError:
        # A writer that did not take the lock opened one of these first (the unique index on
        # open invitations refused the row): report it like any open invitation.
        problems = _already_invited(session, questionnaire_id, first_row)
        if not problems:
            raise
        return _problem_report(len(table.rows), problems)
    return ImportReport(rows=len(table.rows), created=len(checked))


#: PostgreSQL advisory-lock namespace of invitation uploads ("XS" + 1); the key is the questionnaire.
_UPLOAD_LOCK_NAMESPACE = 0x5853_0001


def lock_uploads(session: Session, questionnaire_id: int) -> None:
    """Make concurrent uploads to one questionnaire take turns until the transaction ends, so
    the later one sees the invitations the earlier one committed and reports them row by row.

    PostgreSQL: a transaction-level advisory lock. SQLite: nothing to do, every write
    transaction begins IMMEDIATE (``survey.db``) and so holds the database's write lock. The
    unique index ``uq_invitations_open_customer`` holds the rule even without this lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_UPLOAD_LOCK_NAMESPACE, questionnaire_id)))


def _already_invited(session: Session, questionnaire_id: int,
                     first_row: Mapping[str, int]) -> list[RowProblem]:
    """An ``already_invited`` problem for every customer of the file with an open invitation."""
    refs = list(first_row)
    live: set[str] = set()
    for start in range(0, len(refs), LOOKUP_CHUNK):
        live.update(session.scalars(select(Invitation.customer_ref).where(
            Invitation.questionnaire_id == questionnaire_id,
            Invitation.status.in_(OPEN_INVITATION_STATUSES),
            Invitation.customer_ref.in_(refs[start:start + LOOKUP_CHUNK]))))
    return [RowProblem(first_row[ref], "customer_ref", ref, "already_invited")
            for ref in sorted(live, key=first_row.__getitem__)]


def _problem_report(rows: int, problems: list[RowProblem]) -> ImportReport:
    problems.sort(key=lambda p: (p.row, p.column))
    return ImportReport(rows=rows, problems=tuple(problems[:MAX_REPORTED_PROBLEMS]),
                        truncated=len(problems) > MAX_REPORTED_PROBLEMS)


def list_invitations(session: Session, questionnaire_id: int, *, status: str | None = None,
                     limit: int = 200, offset: int = 0) -> list[Invitation]:
    """Invitations of a questionnaire, newest first."""
    query = select(Invitation).where(Invitation.questionnaire_id == questionnaire_id)
    if status:
        query = query.where(Invitation.status == status)
    return list(session.scalars(query.order_by(Invitation.id.desc()).limit(limit).offset(offset)))


def invitation_status_counts(session: Session, questionnaire_id: int) -> dict[str, int]:
    """``{status: count}`` of a questionnaire's invitations."""
    rows = session.execute(
        select(Invitation.status, func.count()).where(Invitation.questionnaire_id == questionnaire_id)
        .group_by(Invitation.status))
    return {status: count for status, count in rows}


def template_csv(extra_columns: Sequence[str] = ("region", "product", "tier")) -> bytes:
    """A UTF-8 (BOM) CSV with the expected header and one example row, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["customer_ref", "language", "email", "name", "expires_at", *extra_columns])
    writer.writerow(["C-0001", "zh_CN", "customer@example.com", "王芳", "", *("" for _ in extra_columns)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
