"""Scheduled reports: an analyst schedules an analysis of a rolling period (the last 7, 30 or 90
days) weekly or monthly; each time, the job worker runs it, makes the report's PDF and e-mails the
executive summary with the PDF attached to the schedule's recipients.

* :func:`create_schedule` / :func:`send_soon` / :func:`set_active` / :func:`delete_schedule`;
* :func:`claim_due` — called by the minute tick (once per minute across workers): each due
  schedule's ``next_run_at`` is moved to its next occurrence by a conditional UPDATE, so a
  schedule is claimed by one worker only, then :func:`deliver` runs in a job;
* :func:`deliver` — run, report, mail; the outcome is kept on the schedule as a message code with
  parameters (``sent``, ``no_responses``, ``run_failed``, ``send_failed``, ``no_version``),
  translated when shown. Without Chromium the offline HTML report is attached instead of the PDF
  and the message says so.
"""
from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from markupsafe import escape
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import AnalysisRun, Questionnaire, ReportSchedule
from models.report_schedule import FREQUENCIES
from survey.db import read_first
from survey.services.workspaces import Scope, in_scope

logger = logging.getLogger(__name__)

PERIODS = (7, 30, 90)
MAX_RECIPIENTS = 20
LANGUAGES = ("zh_CN", "en")


class ScheduleError(ValueError):
    """A schedule that cannot be saved: ``code`` and its parameters, translated by the page."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code, self.params = code, params


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    frequency: str
    period_days: int
    language: str
    recipients: tuple[str, ...]
    segment_dimensions: tuple[str, ...] = ()
    bootstrap: int = 500

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ScheduleError("bad_frequency", value=self.frequency)
        if self.period_days not in PERIODS:
            raise ScheduleError("bad_period", value=self.period_days)
        if self.language not in LANGUAGES:
            raise ScheduleError("bad_language", value=self.language)
        if not 0 <= self.bootstrap <= 5000:
            raise ScheduleError("bad_bootstrap", value=self.bootstrap)


def parse_recipients(text: str) -> tuple[str, ...]:
    """E-mail addresses separated by commas, semicolons or new lines, checked and deduplicated.
    Raises :class:`ScheduleError` naming the first bad address."""
    found: list[str] = []
    for raw in text.replace(";", ",").replace("\n", ",").split(","):
        address = raw.strip()
        if not address:
            continue
        try:
            normalised = validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ScheduleError("bad_recipient", value=address[:100]) from None
        if normalised not in found:
            found.append(normalised)
    if not found:
        raise ScheduleError("no_recipients")
    if len(found) > MAX_RECIPIENTS:
        raise ScheduleError("too_many_recipients", count=len(found), limit=MAX_RECIPIENTS)
    return tuple(found)


def next_occurrence(frequency: str, after: datetime) -> datetime:
    """A week after ``after``, or the same day of the next month (the month's last day when it is
    shorter)."""
    if frequency == "weekly":
        return after + timedelta(days=7)
    year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
    return after.replace(year=year, month=month, day=min(after.day, calendar.monthrange(year, month)[1]))


def create_schedule(session: Session, questionnaire: Questionnaire, settings: ScheduleSettings, *,
                    created_by_id: int | None, now: datetime | None = None) -> ReportSchedule:
    """A new active schedule whose first report goes out one period of its frequency from now."""
    now = now or datetime.now(UTC)
    schedule = ReportSchedule(
        questionnaire_id=questionnaire.id, created_by_id=created_by_id, frequency=settings.frequency,
        period_days=settings.period_days, language=settings.language, recipients=list(settings.recipients),
        parameters={"segment_dimensions": list(settings.segment_dimensions), "bootstrap": settings.bootstrap},
        next_run_at=next_occurrence(settings.frequency, now))
    session.add(schedule)
    session.flush()
    return schedule


def send_soon(session: Session, schedule: ReportSchedule, *, now: datetime | None = None) -> None:
    """Make the schedule due now: the next minute's tick delivers it (the regular dates stay)."""
    schedule.next_run_at = now or datetime.now(UTC)
    schedule.active = True


def set_active(schedule: ReportSchedule, active: bool) -> None:
    schedule.active = active


def delete_schedule(session: Session, schedule: ReportSchedule) -> None:
    session.delete(schedule)


def schedules_in(session: Session, scope: Scope) -> list[tuple[ReportSchedule, Questionnaire]]:
    """(schedule, questionnaire) of the questionnaires the workspaces in ``scope`` hold, newest first."""
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(ReportSchedule, Questionnaire).join(Questionnaire, Questionnaire.id == ReportSchedule.questionnaire_id)
        .where(in_scope(Questionnaire.workspace_id, scope)).order_by(ReportSchedule.id.desc())).all()]


def claim_due(session: Session, *, now: datetime | None = None) -> list[int]:
    """The ids of the active schedules due at ``now``, each claimed by moving its next run on
    (a conditional UPDATE: two workers never claim the same occurrence)."""
    now = now or datetime.now(UTC)
    claimed = []
    for schedule_id, due, frequency in session.execute(
            select(ReportSchedule.id, ReportSchedule.next_run_at, ReportSchedule.frequency)
            .where(ReportSchedule.active.is_(True), ReportSchedule.next_run_at <= now)).all():
        # SQLite gives the stored UTC moment back without its zone
        following = next_occurrence(frequency, due if due.tzinfo else due.replace(tzinfo=UTC))
        while following <= now:  # the worker was down for a while: one report, not a backlog
            following = next_occurrence(frequency, following)
        moved = session.execute(update(ReportSchedule).where(ReportSchedule.id == schedule_id,
                                                             ReportSchedule.next_run_at == due)
                                .values(next_run_at=following))
        if moved.rowcount:
            claimed.append(schedule_id)
    session.commit()
    return claimed


_SUBJECT = {"en": "Customer satisfaction report: {title}, {start} to {end}",
            "zh_CN": "顾客满意度报告：{title}，{start} 至 {end}"}
_INTRO = {"en": "The scheduled analysis of the responses submitted from {start} to {end} ({n} respondents).",
          "zh_CN": "{start} 至 {end} 提交的回答的定期分析（{n} 位受访者）。"}
_ATTACHED = {"pdf": {"en": "The full report is attached as a PDF.", "zh_CN": "完整报告见附件 PDF。"},
             "html": {"en": "The PDF could not be made ({reason}); the full report is attached as an HTML file "
                            "that opens offline.",
                      "zh_CN": "无法生成 PDF（{reason}）；完整报告以可离线打开的 HTML 文件附上。"}}
_LINK = {"en": "Dashboard: {url}", "zh_CN": "仪表板：{url}"}


def _record(session: Session, schedule_id: int, code: str, run_id: int | None = None, **params: Any) -> str:
    values: dict[str, Any] = {"last_code": code, "last_parameters": params}
    if run_id is not None:
        values["last_run_id"] = run_id
    if code == "sent":
        values["last_sent_at"] = datetime.now(UTC)
    session.execute(update(ReportSchedule).where(ReportSchedule.id == schedule_id).values(**values))
    session.commit()
    return code


def deliver(session: Session, schedule_id: int, *, now: datetime | None = None,
            dashboard_url: Callable[[int], str] | None = None) -> str:
    """Run the schedule's analysis of its period, make the report and e-mail it; returns the
    outcome's code (also kept on the schedule). ``dashboard_url(run_id)``: the link the message
    carries."""
    from reports.pdf import PdfError, html_to_pdf
    from reports.render import render_standalone
    from reports.summary import render_summary
    from survey.mail.channels import Attachment, OutgoingMessage
    from survey.mail.sending import SEND_ERRORS, send_now
    from survey.reports.problem_text import problem_text_in
    from survey.services.analysis_pipeline import AnalysisParameters
    from survey.services.analysis_runs import create_run, execute_run
    from survey.services.dashboard import build_dashboard
    from survey.services.questionnaires import questionnaire_title

    now = now or datetime.now(UTC)
    schedule = session.get(ReportSchedule, schedule_id)
    if schedule is None:
        return "gone"
    questionnaire = session.get(Questionnaire, schedule.questionnaire_id)
    versions = [v.id for v in questionnaire.versions if v.state == "published"]
    if not versions:
        return _record(session, schedule_id, "no_version")
    start = now - timedelta(days=schedule.period_days)
    parameters = AnalysisParameters(
        version_ids=tuple(versions), segment_dimensions=tuple(schedule.parameters.get("segment_dimensions", ())),
        bootstrap=int(schedule.parameters.get("bootstrap", 500)), submitted_from=start, submitted_to=now)
    run = create_run(session, parameters, created_by_id=schedule.created_by_id)
    session.commit()
    run_id = run.id
    execute_run(session, run_id)
    # Building the report, printing it and sending it take seconds: read without holding
    # SQLite's write lock (the outcome below is one statement, in autocommit).
    read_first(session)
    run = session.get(AnalysisRun, run_id)
    session.refresh(run)
    if run.status != "succeeded":
        return _record(session, schedule_id, "run_failed", run_id, run=run_id)
    language = schedule.language
    _data, view = build_dashboard(session, run_id)
    if not view.n:
        return _record(session, schedule_id, "no_responses", run_id, run=run_id)
    title = questionnaire_title(questionnaire, language)
    dates = {"start": start.date().isoformat(), "end": now.date().isoformat()}
    html_report = render_standalone(view, language, title=f"{title} · {dates['start']} – {dates['end']}",
                                    problem_text=problem_text_in(language))
    name = f"xinsheng-report-{run_id}-{language}"
    try:
        attachment = Attachment(f"{name}.pdf", html_to_pdf(html_report), "application/pdf")
        attached = _ATTACHED["pdf"][language]
    except PdfError as error:
        logger.warning("scheduled report %s: PDF not made: %s", schedule_id, error)
        attachment = Attachment(f"{name}.html", html_report.encode("utf-8"), "text/html")
        attached = _ATTACHED["html"][language].format(reason=str(error))
    sentences = render_summary(view, language)
    intro = _INTRO[language].format(n=f"{view.n:,}", **dates)
    link = _LINK[language].format(url=dashboard_url(run_id)) if dashboard_url else ""
    text = "\n".join([intro, "", *(f"• {s}" for s in sentences), "", attached, link]).strip() + "\n"
    html = (f"<p>{escape(intro)}</p><ul>{''.join(f'<li>{escape(s)}</li>' for s in sentences)}</ul>"
            f"<p>{escape(attached)}</p>" + (f"<p>{escape(link)}</p>" if link else ""))
    subject = _SUBJECT[language].format(title=title, **dates)
    messages = [OutgoingMessage(to=address, subject=subject, text=text, html=html, attachments=(attachment,))
                for address in schedule.recipients]
    try:
        send_now(*messages)
    except SEND_ERRORS as error:
        return _record(session, schedule_id, "send_failed", run_id, run=run_id, reason=str(error)[:300])
    return _record(session, schedule_id, "sent", run_id, run=run_id, recipients=len(messages),
                   attachment=attachment.mimetype)
