"""Complaint cases and the closed loop.

1. **Import** cases from CSV/XLSX or JSON records, with the same row-level report as invitation
   uploads and the same all-or-nothing rule; cases are upserted by ``case_ref``.
2. **Invite**: a closed case (resolution status not ``open``, with a resolution time) whose
   resolution is at least ``delay_hours`` old gets, once, a personal invitation to the complaint
   follow-up questionnaire (``Invitation.complaint_case_id`` is unique, so "once" also holds
   under concurrent imports). Cases resolved less than ``delay_hours`` ago are picked up by a
   later :func:`invite_due_cases` (run after every import and by ``flask complaints invite-due``).
   The invitation is created when it is due, so no separate "send after" time is stored.
3. **Follow up**: when a follow-up response completes, :func:`open_followup_tasks` applies the
   :class:`FollowUpRules` and opens a task (owner, status, due date) if the answers signal an
   unresolved complaint, low resolution satisfaction or a detractor.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ComplaintCase, Invitation, Response
from models.followup import FOLLOWUP_STATUSES, FollowUpTask
from survey.services.invitations import (
    ImportReport, RowProblem, Table, UploadError, aware, check_columns, check_length,
    new_token, normalise_column, normalise_language, parse_datetime, published_questionnaires,
    published_version, read_table, segment_of, LOOKUP_CHUNK, MAX_UPLOAD_BYTES, MAX_REPORTED_PROBLEMS,
)
from survey.services.response_state import ResponseState

RESOLUTION_STATUSES = ("open", "resolved", "partly_resolved", "unresolved")
CASE_COLUMNS = ("case_ref", "customer_ref", "category", "channel", "handler", "resolution_status",
                "opened_at", "resolved_at", "language")
REQUIRED_CASE_COLUMNS = ("case_ref", "customer_ref", "resolution_status", "opened_at")
_ALIASES = {"case_id": "case_ref", "status": "resolution_status"}
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
        for key, value in flat.items():
            column = normalise_column(key)
            row[column] = "" if value is None else str(value).strip()
            columns[column] = None
        rows.append((index, row))
    return Table(tuple(columns), tuple(rows))


def _upsert(session: Session, rows: Sequence[CaseRow]) -> tuple[int, int]:
    refs = [r.case_ref for r in rows]
    existing: dict[str, ComplaintCase] = {}
    for start in range(0, len(refs), LOOKUP_CHUNK):
        existing.update((case.case_ref, case) for case in session.scalars(
            select(ComplaintCase).where(ComplaintCase.case_ref.in_(refs[start:start + LOOKUP_CHUNK]))))
    created = updated = 0
    for row in rows:
        case = existing.get(row.case_ref)
        if case is None:
            case = ComplaintCase(case_ref=row.case_ref)
            session.add(case)
            created += 1
        else:
            updated += 1
        case.customer_ref, case.category, case.channel = row.customer_ref, row.category, row.channel
        case.handler, case.resolution_status = row.handler, row.resolution_status
        case.opened_at, case.resolved_at, case.segment = row.opened_at, row.resolved_at, row.segment
    session.flush()
    return created, updated


def import_case_table(
    session: Session,
    table: Table,
    *,
    followup_questionnaire_id: int | None = None,
    delay_hours: float = 24,
    expiry_days: int = 30,
    now: datetime | None = None,
) -> CaseImportResult:
    """Check every case and, when all pass, upsert them by ``case_ref`` and invite the customers
    of closed cases that are due (see :func:`invite_due_cases`). Flushed, not committed.

    With no published follow-up questionnaire, cases are imported and nobody is invited yet.
    """
    checked, problems = check_cases(table)
    if problems:
        return CaseImportResult(ImportReport(
            rows=len(table.rows), problems=tuple(problems[:MAX_REPORTED_PROBLEMS]),
            truncated=len(problems) > MAX_REPORTED_PROBLEMS))
    created, updated = _upsert(session, checked)
    report = ImportReport(rows=len(table.rows), created=created, updated=updated)
    questionnaire_id = followup_questionnaire_id or default_followup_questionnaire_id(session)
    invited = 0
    if questionnaire_id is not None:
        invited = len(invite_due_cases(session, questionnaire_id, delay_hours=delay_hours,
                                       expiry_days=expiry_days, now=now))
    return CaseImportResult(report, invited)


def import_case_file(session: Session, filename: str, data: bytes, *,
                     max_bytes: int = MAX_UPLOAD_BYTES, **options: Any) -> CaseImportResult:
    """:func:`import_case_table` for a CSV/XLSX upload; file problems come back in the report."""
    try:
        table = read_table(filename, data, max_bytes=max_bytes)
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

def default_followup_questionnaire_id(session: Session) -> int | None:
    """The newest active questionnaire of kind ``complaint_followup`` with a published version."""
    found = published_questionnaires(session, kind="complaint_followup")
    return found[0].id if found else None


def invite_due_cases(
    session: Session,
    questionnaire_id: int,
    *,
    delay_hours: float = 24,
    expiry_days: int = 30,
    now: datetime | None = None,
) -> list[Invitation]:
    """Invite, once, the customer of every closed case resolved at least ``delay_hours`` ago that
    has no invitation yet. Returns the new invitations (flushed, not committed). Raises
    :class:`ComplaintError` when the questionnaire has no published version, and
    ``IntegrityError`` when a concurrent run invited one of the cases first (roll back, retry)."""
    if published_version(session, questionnaire_id) is None:
        raise ComplaintError(f"questionnaire {questionnaire_id} has no published version")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(hours=delay_hours)
    invited = select(Invitation.complaint_case_id).where(Invitation.complaint_case_id.is_not(None))
    cases = session.scalars(
        select(ComplaintCase)
        .where(ComplaintCase.resolution_status != "open",
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


# --- follow-up tasks --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FollowUpRules:
    """When a follow-up response opens a task, and for whom.

    A task opens when ``resolution_status`` is one of ``unresolved_answers``, when
    ``resolution_satisfaction`` ≤ ``satisfaction_threshold`` (1–5 scale), or when ``nps`` ≤
    ``detractor_max`` (0–10). The owner is the case handler, else ``default_owner``; the task is
    due ``due_days`` after it opens.
    """

    unresolved_answers: frozenset[str] = frozenset({"not", "partly"})
    satisfaction_threshold: int = 2
    detractor_max: int = 6
    due_days: int = 3
    default_owner: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FollowUpRules:
        """Rules from ``FOLLOWUP_*`` settings (missing ones keep their defaults)."""
        values: dict[str, Any] = {}
        for name, key in (("satisfaction_threshold", "FOLLOWUP_SATISFACTION_THRESHOLD"),
                          ("detractor_max", "FOLLOWUP_DETRACTOR_MAX"),
                          ("due_days", "FOLLOWUP_DUE_DAYS"), ("default_owner", "FOLLOWUP_DEFAULT_OWNER")):
            if key in config:
                values[name] = config[key]
        if "FOLLOWUP_UNRESOLVED_ANSWERS" in config:
            values["unresolved_answers"] = frozenset(config["FOLLOWUP_UNRESOLVED_ANSWERS"])
        return cls(**values)

    def reasons(self, answers: Mapping[str, Any]) -> list[str]:
        """The reason codes these answers give for a task (empty: no task)."""
        found = []
        if answers.get("resolution_status") in self.unresolved_answers:
            found.append("unresolved")
        satisfaction = _number(answers.get("resolution_satisfaction"))
        if satisfaction is not None and satisfaction <= self.satisfaction_threshold:
            found.append("low_resolution_satisfaction")
        nps = _number(answers.get("nps"))
        if nps is not None and nps <= self.detractor_max:
            found.append("detractor")
        return found


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def open_followup_tasks(session: Session, response: Response | ResponseState, rules: FollowUpRules,
                        *, now: datetime | None = None) -> FollowUpTask | None:
    """Open a follow-up task for a complete response whose answers meet ``rules``.

    Returns the task (an existing one if the response already has it), or None when the answers
    meet no rule. The case comes from the response, else from its invitation. Flushed, not
    committed.
    """
    if response.status != "complete":
        return None
    reasons = rules.reasons(response.answers or {})
    if not reasons:
        return None
    existing = session.scalars(select(FollowUpTask).where(FollowUpTask.response_id == response.id)).first()
    if existing is not None:
        return existing
    case_id = response.complaint_case_id
    if case_id is None and response.invitation_id is not None:
        invitation = session.get(Invitation, response.invitation_id)
        case_id = invitation.complaint_case_id if invitation is not None else None
    case = session.get(ComplaintCase, case_id) if case_id is not None else None
    now = now or datetime.now(UTC)
    task = FollowUpTask(response_id=response.id, complaint_case_id=case_id, reasons=reasons,
                        owner=(case.handler if case is not None and case.handler else rules.default_owner),
                        status="open", due_at=now + timedelta(days=rules.due_days))
    session.add(task)
    session.flush()
    return task


def sweep_followup_tasks(session: Session, rules: FollowUpRules, *, now: datetime | None = None) -> int:
    """Open tasks for complete responses linked to a case that have none yet (a safety net for
    responses completed through a path that did not call :func:`open_followup_tasks`)."""
    responses = session.scalars(
        select(Response).where(Response.status == "complete", Response.complaint_case_id.is_not(None),
                               Response.id.not_in(select(FollowUpTask.response_id)))
    ).all()
    return sum(open_followup_tasks(session, r, rules, now=now) is not None for r in responses)


# --- queue and lists --------------------------------------------------------------------------

def list_tasks(session: Session, *, owner: str | None = None, status: str | None = None,
               due_before: datetime | None = None, limit: int = 500) -> list[FollowUpTask]:
    """The follow-up queue, earliest due first, optionally filtered."""
    query = select(FollowUpTask)
    if owner:
        query = query.where(FollowUpTask.owner == owner)
    if status:
        query = query.where(FollowUpTask.status == status)
    if due_before is not None:
        query = query.where(FollowUpTask.due_at <= due_before)
    return list(session.scalars(query.order_by(FollowUpTask.due_at, FollowUpTask.id).limit(limit)))


def task_owners(session: Session) -> list[str]:
    return [o for o in session.scalars(select(FollowUpTask.owner).distinct().order_by(FollowUpTask.owner)) if o]


def update_task(session: Session, task: FollowUpTask, *, status: str | None = None,
                owner: str | None = None, notes: str | None = None,
                now: datetime | None = None) -> FollowUpTask:
    """Change a task's status, owner or notes. Raises ValueError for an unknown status."""
    if status is not None:
        if status not in FOLLOWUP_STATUSES:
            raise ValueError(f"status {status!r} is not one of {', '.join(FOLLOWUP_STATUSES)}")
        task.status = status
    if owner is not None:
        task.owner = owner.strip()[:128]
    if notes is not None:
        task.notes = notes
    task.updated_at = now or datetime.now(UTC)
    session.flush()
    return task


def list_cases(session: Session, *, status: str | None = None, limit: int = 500) -> list[ComplaintCase]:
    query = select(ComplaintCase)
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


def is_overdue(task: FollowUpTask, now: datetime | None = None) -> bool:
    return task.status != "done" and aware(task.due_at) < (now or datetime.now(UTC))  # type: ignore[operator]


def count_cases(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ComplaintCase)) or 0
