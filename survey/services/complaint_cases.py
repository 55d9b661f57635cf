"""Complaint cases and the closed loop.

1. **Import** cases from CSV/XLSX or JSON records, with the same row-level report as invitation
   uploads and the same all-or-nothing rule; cases are upserted by ``case_ref``.
2. **Invite**: a closed case (resolution status not ``open``, with a resolution time) whose
   resolution is at least ``delay_hours`` old gets, once, a personal invitation to the complaint
   follow-up questionnaire (``Invitation.complaint_case_id`` is unique, so "once" also holds
   under concurrent imports). Cases resolved less than ``delay_hours`` ago are picked up by a
   later :func:`invite_due_cases` (run after every import and by ``flask complaints invite-due``).
   The invitation is created when it is due, so no separate "send after" time is stored.
3. **Follow up**: when a follow-up response completes, ``open_followup_tasks`` applies the
   ``FollowUpRules`` and opens a task (``survey.services.followup_tasks``, re-exported here).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ComplaintCase, Invitation, Questionnaire
from survey.services.segment_attributes import MAX_ATTRIBUTES
from survey.services.workspaces import Scope, allows, default_workspace, in_scope, questionnaire_in_scope
from survey.services.followup_tasks import (  # noqa: F401 (re-exported: the closed loop's API)
    FollowUpRules, is_overdue, list_tasks, open_followup_tasks, sweep_followup_tasks, task_owners,
    update_task,
)
from survey.services.invitations import new_token, published_questionnaires, published_version
from survey.services.upload_tables import (
    LOOKUP_CHUNK, MAX_REPORTED_PROBLEMS, MAX_UPLOAD_BYTES, ImportReport, RowProblem, Table,
    UploadError, UploadLimits, check_columns, check_header, check_length, normalise_column, normalise_language,
    parse_datetime, read_table, segment_of,
)

RESOLUTION_STATUSES = ("open", "resolved", "partly_resolved", "unresolved")
CASE_COLUMNS = ("case_ref", "customer_ref", "category", "channel", "handler", "resolution_status",
                "opened_at", "resolved_at", "language")
REQUIRED_CASE_COLUMNS = ("case_ref", "customer_ref", "resolution_status", "opened_at")
_ALIASES = {"case_id": "case_ref", "status": "resolution_status"}
#: Segment attribute columns a case file may have: the follow-up invitation adds
#: complaint_category and complaint_channel, and stays within the shared segment rule's count.
MAX_SEGMENT_COLUMNS = MAX_ATTRIBUTES - 2
_KNOWN_COLUMNS = (*CASE_COLUMNS, *_ALIASES)
# Stated on the import page, which calls the case_ref column by its alias case_id.
UPLOAD_LIMITS = UploadLimits(("case_id", *CASE_COLUMNS[1:]), MAX_SEGMENT_COLUMNS)
MAX_JSON_CASES = 10_000


class ComplaintError(ValueError):
    """A closed-loop action cannot run as asked (e.g. no follow-up questionnaire is published)."""


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One checked case row."""

    case_ref: str
    customer_ref: str
    category: str
    channel: str
    handler: str
    resolution_status: str
    opened_at: datetime
    resolved_at: datetime | None
    segment: dict[str, str]


@dataclass(frozen=True, slots=True)
class CaseImportResult:
    report: ImportReport
    invited: int = 0


# --- import -----------------------------------------------------------------------------------

def _alias(table: Table) -> Table:
    columns = tuple(_ALIASES.get(c, c) for c in table.columns)
    rows = tuple((n, {_ALIASES.get(k, k): v for k, v in row.items()}) for n, row in table.rows)
    return Table(columns, rows)


def _check_case_row(number: int, row: Mapping[str, str], problems: list[RowProblem]) -> CaseRow | None:
    before = len(problems)
    for column in REQUIRED_CASE_COLUMNS:
        if not row.get(column):
            problems.append(RowProblem(number, column, "", "required"))
    for column in ("case_ref", "customer_ref", "category", "handler"):
        check_length(problems, number, column, row.get(column, ""), 128)
    check_length(problems, number, "channel", row.get("channel", ""), 64)
    status = row.get("resolution_status", "").strip().lower()
    if status and status not in RESOLUTION_STATUSES:
        problems.append(RowProblem(number, "resolution_status", row["resolution_status"], "choice",
                                   (("allowed", ", ".join(RESOLUTION_STATUSES)),)))
    moments: dict[str, datetime | None] = {}
    for column in ("opened_at", "resolved_at"):
        moments[column] = None
        if row.get(column):
            moments[column] = parse_datetime(row[column])
            if moments[column] is None:
                problems.append(RowProblem(number, column, row[column], "date"))
    opened, resolved = moments["opened_at"], moments["resolved_at"]
    if opened and resolved and resolved < opened:
        problems.append(RowProblem(number, "resolved_at", row["resolved_at"], "before_opened"))
    if status in RESOLUTION_STATUSES and status != "open" and not row.get("resolved_at"):
        problems.append(RowProblem(number, "resolved_at", "", "resolved_at_required"))
    segment = segment_of(row, CASE_COLUMNS, number, problems)
    if row.get("language"):
        language = normalise_language(row["language"])
        if language is None:
            problems.append(RowProblem(number, "language", row["language"], "language"))
        else:
            segment["language"] = language
    if len(problems) > before:
        return None
    return CaseRow(row["case_ref"], row["customer_ref"], row.get("category", ""),
                   row.get("channel", ""), row.get("handler", ""), status, opened,  # type: ignore[arg-type]
                   resolved, segment)


def check_cases(table: Table) -> tuple[list[CaseRow], list[RowProblem]]:
    """Check a table of cases: header, every row, case references repeated in the file."""
    table = _alias(table)
    problems = check_columns(table, REQUIRED_CASE_COLUMNS)
    if problems:
        return [], problems
    checked: list[CaseRow] = []
    first_row: dict[str, int] = {}
    for number, row in table.rows:
        result = _check_case_row(number, row, problems)
        ref = row.get("case_ref", "")
        if ref in first_row:
            problems.append(RowProblem(number, "case_ref", ref, "duplicate", (("first", str(first_row[ref])),)))
        elif ref:
            first_row[ref] = number
        if result is not None:
            checked.append(result)
    problems.sort(key=lambda p: (p.row, p.column))
    return checked, problems


def table_from_records(records: object) -> Table:
    """JSON records (``[{"case_id": ..., "segment": {...}, ...}]``) as a table; record *i* is
    reported as row *i + 1* (the first record is row 1). Raises :class:`UploadError`."""
    if not isinstance(records, list) or not records:
        raise UploadError(RowProblem(0, "", "", "empty"))
    if len(records) > MAX_JSON_CASES:
        raise UploadError(RowProblem(0, "", str(len(records)), "too_many_rows",
                                     (("limit", str(MAX_JSON_CASES)),)))
    rows: list[tuple[int, dict[str, str]]] = []
    columns: dict[str, None] = {}
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise UploadError(RowProblem(index, "", str(record)[:80], "not_object"))
        row: dict[str, str] = {}
        flat: dict[str, Any] = {k: v for k, v in record.items() if k != "segment"}
        if isinstance(record.get("segment"), dict):
            flat.update(record["segment"])
        if len(flat) > len(_KNOWN_COLUMNS) + MAX_SEGMENT_COLUMNS:  # before any per-key work
            check_header(list(flat), _KNOWN_COLUMNS, MAX_SEGMENT_COLUMNS)
        for key, value in flat.items():
            column = normalise_column(key)
            row[column] = "" if value is None else str(value).strip()
            columns[column] = None
        rows.append((index, row))
    check_header(list(columns), _KNOWN_COLUMNS, MAX_SEGMENT_COLUMNS)
    return Table(tuple(columns), tuple(rows))


def _upsert(session: Session, rows: Sequence[CaseRow], workspace_id: int) -> tuple[int, int]:
    refs = [r.case_ref for r in rows]
    existing: dict[str, ComplaintCase] = {}
    for start in range(0, len(refs), LOOKUP_CHUNK):
        existing.update((case.case_ref, case) for case in session.scalars(
            select(ComplaintCase).where(ComplaintCase.workspace_id == workspace_id,
                                        ComplaintCase.case_ref.in_(refs[start:start + LOOKUP_CHUNK]))))
    created = updated = 0
    for row in rows:
        case = existing.get(row.case_ref)
        if case is None:
            case = ComplaintCase(case_ref=row.case_ref, workspace_id=workspace_id)
            session.add(case)
            created += 1
        else:
            updated += 1
        case.customer_ref, case.category, case.channel = row.customer_ref, row.category, row.channel
        case.handler, case.resolution_status = row.handler, row.resolution_status
        case.opened_at, case.resolved_at, case.segment = row.opened_at, row.resolved_at, row.segment
    session.flush()
    return created, updated


def import_target(session: Session, workspace_id: int | None, followup_questionnaire_id: int | None,
                  scope: Scope) -> tuple[int, Questionnaire | None]:
    """(workspace, follow-up questionnaire) an import of cases goes to: the workspace defaults to
    the follow-up questionnaire's, else to the default workspace; a follow-up questionnaire must be
    in the cases' workspace and in ``scope``, else :class:`ComplaintError` says it does not exist."""
    followup = None
    if followup_questionnaire_id is not None:
        followup = questionnaire_in_scope(session, followup_questionnaire_id, scope)
        if followup is None or (workspace_id is not None and followup.workspace_id != workspace_id):
            raise ComplaintError(f"questionnaire {followup_questionnaire_id} does not exist")
        workspace_id = followup.workspace_id
    if workspace_id is None:
        workspace_id = default_workspace(session).id
    if not allows(scope, workspace_id):
        raise ComplaintError(f"workspace {workspace_id} does not exist")
    return workspace_id, followup


def import_case_table(
    session: Session,
    table: Table,
    *,
    workspace_id: int | None = None,
    followup_questionnaire_id: int | None = None,
    scope: Scope = None,
    delay_hours: float = 24,
    expiry_days: int = 30,
    now: datetime | None = None,
) -> CaseImportResult:
    """Check every case and, when all pass, upsert them by ``case_ref`` into ``workspace_id``
    and invite the customers of closed cases that are due (see :func:`invite_due_cases`).
    Flushed, not committed.

    The workspace defaults to the follow-up questionnaire's, else to the default workspace; a
    follow-up questionnaire must be in the cases' workspace and in ``scope`` (the caller's
    reach), else :class:`ComplaintError` says it does not exist. With no published follow-up
    questionnaire in the workspace, cases are imported and nobody is invited yet.
    """
    workspace_id, followup = import_target(session, workspace_id, followup_questionnaire_id, scope)
    checked, problems = check_cases(table)
    if problems:
        return CaseImportResult(ImportReport(
            rows=len(table.rows), problems=tuple(problems[:MAX_REPORTED_PROBLEMS]),
            truncated=len(problems) > MAX_REPORTED_PROBLEMS))
    created, updated = _upsert(session, checked, workspace_id)
    report = ImportReport(rows=len(table.rows), created=created, updated=updated)
    questionnaire_id = followup.id if followup is not None else default_followup_questionnaire_id(session, workspace_id)
    invited = 0
    if questionnaire_id is not None:
        invited = len(invite_due_cases(session, questionnaire_id, delay_hours=delay_hours,
                                       expiry_days=expiry_days, now=now))
    return CaseImportResult(report, invited)


def import_case_file(session: Session, filename: str, data: bytes, *,
                     max_bytes: int = MAX_UPLOAD_BYTES, **options: Any) -> CaseImportResult:
    """:func:`import_case_table` for a CSV/XLSX upload; file problems come back in the report."""
    try:
        table = read_table(filename, data, max_bytes=max_bytes,
                           known_columns=_KNOWN_COLUMNS,
                           max_segment_columns=MAX_SEGMENT_COLUMNS)
    except UploadError as exc:
        return CaseImportResult(ImportReport(rows=0, problems=(exc.problem,)))
    return import_case_table(session, table, **options)


def import_case_records(session: Session, records: object, **options: Any) -> CaseImportResult:
    """:func:`import_case_table` for JSON records (the API)."""
    try:
        table = table_from_records(records)
    except UploadError as exc:
        return CaseImportResult(ImportReport(rows=0, problems=(exc.problem,)))
    return import_case_table(session, table, **options)


# --- invitations ------------------------------------------------------------------------------

def followup_questionnaires(session: Session, scope: Scope = None) -> dict[int, int]:
    """``{workspace id: its newest active, published complaint follow-up questionnaire}`` for
    the workspaces in ``scope``: where each workspace's due cases are invited."""
    newest: dict[int, int] = {}
    for questionnaire in published_questionnaires(session, kind="complaint_followup", scope=scope):
        newest.setdefault(questionnaire.workspace_id, questionnaire.id)
    return newest


def default_followup_questionnaire_id(session: Session, workspace_id: int) -> int | None:
    """The newest active questionnaire of kind ``complaint_followup`` with a published version
    in ``workspace_id``."""
    return followup_questionnaires(session, frozenset({workspace_id})).get(workspace_id)


def invite_due_everywhere(session: Session, scope: Scope = None, **options: Any) -> dict[int, list[Invitation]]:
    """:func:`invite_due_cases` in every workspace of ``scope`` that has a follow-up
    questionnaire: ``{questionnaire id: new invitations}``."""
    return {questionnaire_id: invite_due_cases(session, questionnaire_id, **options)
            for questionnaire_id in followup_questionnaires(session, scope).values()}


def invite_due_cases(
    session: Session,
    questionnaire_id: int,
    *,
    delay_hours: float = 24,
    expiry_days: int = 30,
    now: datetime | None = None,
) -> list[Invitation]:
    """Invite, once, the customer of every closed case of the questionnaire's workspace resolved
    at least ``delay_hours`` ago that has no invitation yet. Returns the new invitations (flushed, not committed). Raises
    :class:`ComplaintError` when the questionnaire has no published version, and
    ``IntegrityError`` when a concurrent run invited one of the cases first (roll back, retry)."""
    if published_version(session, questionnaire_id) is None:
        raise ComplaintError(f"questionnaire {questionnaire_id} has no published version")
    workspace_id = session.scalar(select(Questionnaire.workspace_id).where(Questionnaire.id == questionnaire_id))
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(hours=delay_hours)
    invited = select(Invitation.complaint_case_id).where(Invitation.complaint_case_id.is_not(None))
    cases = session.scalars(
        select(ComplaintCase)
        .where(ComplaintCase.workspace_id == workspace_id,
               ComplaintCase.resolution_status != "open",
               ComplaintCase.resolved_at.is_not(None),
               ComplaintCase.resolved_at <= cutoff,
               ComplaintCase.id.not_in(invited))
        .order_by(ComplaintCase.id)
    ).all()
    invitations = []
    for case in cases:
        segment = {k: v for k, v in case.segment.items() if k != "language"}
        # The complaint's category and channel become segments of the follow-up response.
        segment.update({f"complaint_{name}": value for name, value in
                        (("category", case.category), ("channel", case.channel)) if value})
        invitation = Invitation(
            questionnaire_id=questionnaire_id, token=new_token(), customer_ref=case.customer_ref,
            language=case.segment.get("language", "zh_CN"), segment=segment, status="pending",
            expires_at=now + timedelta(days=expiry_days), complaint_case_id=case.id)
        session.add(invitation)
        invitations.append(invitation)
    # A concurrent run that invited one of these cases first makes this flush (or the commit)
    # raise IntegrityError on the unique complaint_case_id: the caller rolls back and retries.
    session.flush()
    return invitations


# --- lists ------------------------------------------------------------------------------------

def list_cases(session: Session, *, status: str | None = None, scope: Scope = None,
               limit: int = 500) -> list[ComplaintCase]:
    query = select(ComplaintCase).where(in_scope(ComplaintCase.workspace_id, scope))
    if status:
        query = query.where(ComplaintCase.resolution_status == status)
    return list(session.scalars(query.order_by(ComplaintCase.opened_at.desc(), ComplaintCase.id.desc()).limit(limit)))


def case_invitations(session: Session, case_ids: Iterable[int]) -> dict[int, Invitation]:
    """``{case id: invitation}`` for the given cases."""
    ids = list(case_ids)
    if not ids:
        return {}
    return {i.complaint_case_id: i for i in session.scalars(
        select(Invitation).where(Invitation.complaint_case_id.in_(ids)))}


def count_cases(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ComplaintCase)) or 0
