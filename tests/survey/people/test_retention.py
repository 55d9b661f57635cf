"""Retention: the every-minute tick purges identifying data older than XINSHENG_RETENTION_DAYS
and leaves newer data and the (now unlinked) responses in place."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from config import ConfigError, load_environment
from models import AuditEvent, ComplaintCase, FollowUpTask, Invitation, Response
from survey.db import get_session
from survey.mail.sending import tick
from survey.questionnaire.templates import acsi_standard
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.workspaces import default_workspace

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_old_identifying_data_is_purged_and_new_data_kept(app) -> None:
    app.config["RETENTION_DAYS"] = 365
    old, new = NOW - timedelta(days=400), NOW - timedelta(days=10)
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, acsi_standard()))
        invitations = [Invitation(questionnaire_id=version.questionnaire_id, token=f"t{n}", customer_ref=f"C{n}",
                                  email=f"c{n}@example.com", language="en", status="completed", created_at=when)
                       for n, when in enumerate((old, new))]
        cases = [ComplaintCase(workspace_id=default_workspace(db).id, case_ref=f"CASE-{n}", customer_ref=f"C{n}", opened_at=when, created_at=when)
                 for n, when in enumerate((old, new))]
        db.add_all([*invitations, *cases])
        db.flush()
        responses = [Response(version_id=version.id, invitation_id=i.id, resume_token=f"r{i.id}", status="complete",
                              answers={"satis": 7}) for i in invitations]
        db.add_all(responses)
        db.flush()
        db.add_all([FollowUpTask(response_id=r.id, reasons=["detractor"], notes="rang C0 at home", due_at=when,
                                 created_at=when) for r, when in zip(responses, (old, new))])
        db.commit()
        done = tick(db, now=NOW)
        assert (done["retention_invitations"], done["retention_cases"], done["retention_tasks"]) == (1, 1, 1)
        assert db.scalars(select(Invitation.customer_ref)).all() == ["C1"]
        assert sorted(db.scalars(select(ComplaintCase.customer_ref))) == ["", "C1"]
        assert "CASE-0" not in db.scalars(select(ComplaintCase.case_ref)).all()
        assert sorted(db.scalars(select(FollowUpTask.notes))) == ["", "rang C0 at home"]
        assert len(db.scalars(select(Response)).all()) == 2  # the answers stay for the analyses
        entry = db.scalars(select(AuditEvent).where(AuditEvent.action == "retention_purge")).one()
        assert entry.actor == "schedule" and entry.details == {"invitations": 1, "cases": 1, "tasks": 1}


def test_the_retention_setting_is_checked() -> None:
    assert load_environment({"XINSHENG_ENV": "testing"})["RETENTION_DAYS"] is None
    assert load_environment({"XINSHENG_ENV": "testing", "XINSHENG_RETENTION_DAYS": "730"})["RETENTION_DAYS"] == 730
    with pytest.raises(ConfigError, match="whole number of days"):
        load_environment({"XINSHENG_ENV": "testing", "XINSHENG_RETENTION_DAYS": "two years"})
