"""Close date, response limit and quotas of a questionnaire, and filling them exactly.

A designer writes quotas one per line::

    segment.region = 华东 : 200      # complete responses whose segment attribute region is 华东
    answer.q_region = north : 100    # complete responses that answered q_region with north

and the response limit as a number (a ``total`` quota). A completion fills every quota it
matches in its own transaction with ``UPDATE quotas SET filled = filled + 1 WHERE id IN (...)
AND filled < "limit"``: when fewer rows change than matched, one is full, :class:`QuotaFull` is
raised and the caller's rollback undoes everything (the CHECK ``filled <= "limit"`` backs this
up), so under any concurrency no quota takes one response more than its limit. Starting a
response is refused early when the response limit, or a quota on the invitation's own segment
attributes, is already full; quotas on answers can only be judged at completion.

Counts are of completions accepted while the quota existed; deleting a response later does not
give its place back. Pure rules plus SQL; no Flask.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Questionnaire, Quota
from survey.services.live_cache import forget
from survey.services.questionnaires import CURRENT_VERSIONS

MAX_QUOTAS = 200
MAX_LIMIT = 10_000_000
_LINE = re.compile(r"^(segment|answer)\.([A-Za-z][A-Za-z0-9_]{0,63})\s*=\s*(.+?)\s*:\s*(\S+)$")


class QuotaError(ValueError):
    """A quota line breaks ``rule`` (a code; ``params`` fill its message in any language);
    ``line`` is the line's number (1-based; 0 when the rule is not about one line)."""

    def __init__(self, line: int, rule: str, message: str, **params: object) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.rule = rule
        self.message = message
        self.params = {"line": line, **params}


class QuotaFull(Exception):
    """A completion would take a quota past its limit."""

    def __init__(self, quota: "QuotaRule") -> None:
        super().__init__(f"the quota {quota.describe()} is full")
        self.quota = quota


@dataclass(frozen=True, slots=True)
class QuotaRule:
    kind: str
    key: str
    value: str
    limit: int
    filled: int = 0
    id: int = 0  # the stored quota's id (0 before it is stored)

    def describe(self) -> str:
        if self.kind == "total":
            return f"responses ({self.filled} of {self.limit})"
        return f"{self.kind}.{self.key} = {self.value} ({self.filled} of {self.limit})"

    def line(self) -> str:
        return f"{self.kind}.{self.key} = {self.value} : {self.limit}"

    def matches(self, segment: Mapping[str, object], answers: Mapping[str, object]) -> bool:
        if self.kind == "total":
            return True
        given = (segment if self.kind == "segment" else answers).get(self.key)
        if isinstance(given, (list, tuple)):
            return self.value in {str(v) for v in given}
        return given is not None and _text(given) == self.value


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _limit(text: str, line: int) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise QuotaError(line, "limit_number", f"{text!r} is not a whole number from 1 to {MAX_LIMIT:,}",
                         value=text[:20], most=MAX_LIMIT)
    return int(text)


def parse_quota_lines(text: str) -> list[QuotaRule]:
    """The quota lines of the settings form; raises :class:`QuotaError` naming the first bad
    line and the rule it breaks. Empty lines and lines starting with # are skipped."""
    rules: list[QuotaRule] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise QuotaError(number, "line_format", f"{line[:80]!r} is not 'segment.ATTRIBUTE = VALUE : LIMIT' "
                                     "or 'answer.VARIABLE = VALUE : LIMIT'", text=line[:80])
        kind, key, value, limit = match.groups()
        if len(value) > 200:
            raise QuotaError(number, "value_too_long", "a value has at most 200 characters", most=200)
        identity = (kind, key, value)
        if identity in seen:
            raise QuotaError(number, "duplicate", f"the same quota as line {seen[identity]}", first=seen[identity])
        seen[identity] = number
        rules.append(QuotaRule(kind, key, value, _limit(limit, number)))
    if len(rules) > MAX_QUOTAS:
        raise QuotaError(0, "too_many", f"at most {MAX_QUOTAS} quotas", most=MAX_QUOTAS)
    return rules


def quotas_of(session: Session, questionnaire_id: int) -> list[QuotaRule]:
    return [QuotaRule(q.kind, q.key, q.value, q.limit, q.filled, q.id) for q in session.scalars(
        select(Quota).where(Quota.questionnaire_id == questionnaire_id).order_by(Quota.kind.desc(), Quota.id))]


def response_limit(quotas: list[QuotaRule]) -> QuotaRule | None:
    return next((q for q in quotas if q.kind == "total"), None)


def set_limits(session: Session, questionnaire: Questionnaire, *, close_at: datetime | None,
               limit: int | None, rules: list[QuotaRule]) -> None:
    """Store the close date, the response limit and the quotas. A quota that stays (same kind,
    attribute and value) keeps its count; a limit below what is already filled is refused
    (:class:`QuotaError`). Flushed, not committed."""
    wanted = {(r.kind, r.key, r.value): r for r in rules}
    if limit is not None:
        wanted[("total", "", "")] = QuotaRule("total", "", "", limit)
    existing = {(q.kind, q.key, q.value): q for q in session.scalars(
        select(Quota).where(Quota.questionnaire_id == questionnaire.id))}
    for identity, quota in existing.items():
        rule = wanted.get(identity)
        if rule is None:
            session.delete(quota)
        elif rule.limit < quota.filled:
            where = "the response limit" if quota.kind == "total" else rule.line()
            raise QuotaError(0, "below_filled", f"{where}: {quota.filled} responses are already counted, so "
                                f"the limit cannot be {rule.limit}", where=where, filled=quota.filled,
                             limit=rule.limit)
        else:
            quota.limit = rule.limit
    for identity, rule in wanted.items():
        if identity not in existing:
            session.add(Quota(questionnaire_id=questionnaire.id, kind=rule.kind, key=rule.key, value=rule.value,
                              limit=rule.limit, filled=0))
    # Stored in UTC (SQLite keeps the wall time of whatever zone it is given).
    questionnaire.close_at = close_at.astimezone(UTC) if close_at is not None and close_at.tzinfo else close_at
    session.flush()
    # The API reads the close date with the current version, remembered for a moment per process.
    forget(CURRENT_VERSIONS)


def fill(session: Session, questionnaire_id: int, segment: Mapping[str, object],
         answers: Mapping[str, object], quotas: list[QuotaRule] | None = None) -> None:
    """Count a completion in every quota it matches, or raise :class:`QuotaFull` (the caller
    rolls back). Call inside the completion's transaction."""
    quotas = quotas_of(session, questionnaire_id) if quotas is None else quotas
    matched = [q for q in quotas if q.matches(segment, answers)]
    if not matched:
        return
    targets = [q.id for q in matched]
    changed = session.execute(
        update(Quota).where(Quota.id.in_(targets), Quota.filled < Quota.limit)
        .values(filled=Quota.filled + 1).execution_options(synchronize_session=False)).rowcount
    if changed != len(targets):
        full = session.scalars(select(Quota).where(Quota.id.in_(targets), Quota.filled >= Quota.limit)).first()
        rule = QuotaRule(full.kind, full.key, full.value, full.limit, full.filled, full.id) if full else matched[0]
        raise QuotaFull(rule)


def full_at_start(session: Session, questionnaire_id: int, segment: Mapping[str, object]) -> QuotaRule | None:
    """A quota already full that this respondent would fall in (the response limit, or a quota on
    a segment attribute the invitation carries), or None."""
    for quota in quotas_of(session, questionnaire_id):
        if quota.kind == "answer" or quota.filled < quota.limit:
            continue
        if quota.kind == "total" or quota.matches(segment, {}):
            return quota
    return None
