"""Writing and reading the audit log (models.audit). Pure SQL, no Flask: the web and the CLI
pass who acted and from where (survey/audit_trail.py does it for a request).

A person appears in the log only as :func:`person_key` — an HMAC of their customer reference
under the installation's secret key — so an erasure can be recorded, and found again by anyone
who knows the reference, without the log holding the reference itself.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent

PAGE_SIZE = 100


def person_key(customer_ref: str, secret: str) -> str:
    """``person:<16 hex digits>`` standing for a customer reference in the log."""
    digest = hmac.new(secret.encode(), customer_ref.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"person:{digest[:16]}"


def record(session: Session, action: str, *, actor: str, target: str = "",
           details: Mapping[str, Any] | None = None, address: str = "") -> AuditEvent:
    """Add an entry to the session (it is written with the caller's transaction)."""
    event = AuditEvent(actor=actor[:254], action=action[:64], target=str(target)[:200],
                       details=dict(details or {}), address=address[:64])
    session.add(event)
    return event


def page(session: Session, *, before: int | None = None, action: str | None = None,
         size: int = PAGE_SIZE) -> list[AuditEvent]:
    """Newest first, ``size`` entries older than id ``before`` (keyset paging)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(size)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


def actions(session: Session) -> list[str]:
    return sorted(session.scalars(select(AuditEvent.action).distinct()))


def csv_lines(session: Session, escape) -> Iterator[str]:
    """The whole log as CSV text, oldest first, in chunks; ``escape`` keeps a cell from being
    read as a formula by a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "at_utc", "actor", "action", "target", "address", "details"])
    last = 0
    while True:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.id > last)
                                    .order_by(AuditEvent.id).limit(1000)))
        if not rows:
            break
        for event in rows:
            writer.writerow([event.id, event.at.isoformat(sep=" ", timespec="seconds"), escape(event.actor),
                             event.action, escape(event.target), escape(event.address),
                             escape(_details_text(event.details))])
        last = rows[-1].id
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _details_text(details: Mapping[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(details.items()))
