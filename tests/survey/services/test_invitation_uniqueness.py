"""A customer has at most one open uploaded invitation per questionnaire, whatever the
concurrency (issue 13, item 7: four parallel uploads of one 50-row file on PostgreSQL made 100)."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ComplaintCase, Invitation
from survey.questionnaire.templates import acsi_standard
from survey.services import invitations as service
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.workspaces import default_workspace

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FIFTY = ("customer_ref,language\n" + "".join(f"C{i:02d},en\n" for i in range(50))).encode()


@pytest.fixture
def version(session):
    version = publish(session, create_questionnaire(session, acsi_standard()))
    session.commit()
    return version


def _open(session, questionnaire_id: int) -> list[str]:
    return list(session.scalars(select(Invitation.customer_ref).where(
        Invitation.questionnaire_id == questionnaire_id, Invitation.status.in_(("pending", "started")))
        .order_by(Invitation.customer_ref)))


def test_four_parallel_uploads_of_one_file_invite_each_customer_once(session, version) -> None:
    engine, questionnaire_id = session.get_bind(), version.questionnaire_id
    barrier = threading.Barrier(4, timeout=60)
    reports: list[service.ImportReport] = []
    failures: list[BaseException] = []

    def upload() -> None:
        with Session(engine) as own:
            barrier.wait()
            try:
                report = service.import_invitations(own, questionnaire_id, "list.csv", FIFTY, now=NOW)
                own.commit() if report.ok else own.rollback()
                reports.append(report)
            except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
                failures.append(error)

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sorted(r.created for r in reports) == [0, 0, 0, 50]
    for lost in (r for r in reports if not r.ok):
        assert [(p.row, p.rule) for p in lost.problems] == [(row, "already_invited") for row in range(2, 52)]
        assert lost.problems[0].message("en") == "This customer already has an open invitation."
    session.expire_all()
    assert _open(session, questionnaire_id) == [f"C{i:02d}" for i in range(50)]


def test_a_second_upload_of_the_same_file_is_reported_row_by_row(session, version) -> None:
    assert service.import_invitations(session, version.questionnaire_id, "a.csv", FIFTY, now=NOW).ok
    session.commit()
    again = service.import_invitations(session, version.questionnaire_id, "a.csv", FIFTY, now=NOW)
    assert [p.rule for p in again.problems] == ["already_invited"] * 50
    session.rollback()
    assert len(_open(session, version.questionnaire_id)) == 50


def test_the_database_refuses_a_second_open_invitation(session, version) -> None:
    def invitation(token: str, **values) -> Invitation:
        return Invitation(questionnaire_id=version.questionnaire_id, token=token, language="en",
                          segment={}, **{"customer_ref": "C1", "status": "pending", **values})

    session.add(invitation("t1"))
    session.commit()
    # Not open, not uploaded (a complaint follow-up) or naming nobody: allowed next to it.
    case = ComplaintCase(workspace_id=default_workspace(session).id, case_ref="K1", customer_ref="C1", resolution_status="resolved",
                         opened_at=NOW, resolved_at=NOW, segment={})
    session.add(case)
    session.flush()
    session.add_all([invitation("t2", status="completed"), invitation("t3", status="closed"),
                     invitation("t4", complaint_case_id=case.id),
                     invitation("t5", customer_ref=""), invitation("t6", customer_ref="")])
    session.commit()
    for status in ("pending", "started"):
        session.add(invitation(f"dup-{status}", status=status))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()


def test_a_race_lost_at_the_insert_is_reported_and_adds_nothing(session, version, monkeypatch) -> None:
    """A writer that skipped the upload lock opened C1 between the check and the insert: the
    unique index refuses the row, and the upload reports C1 instead of failing with a 500."""
    questionnaire_id = version.questionnaire_id
    session.add(Invitation(questionnaire_id=questionnaire_id, token="other", customer_ref="C1",
                           language="en", segment={}, status="pending"))
    session.commit()
    real = service._already_invited
    calls: list[int] = []

    def stale_then_real(*args):
        calls.append(1)
        return [] if len(calls) == 1 else real(*args)

    monkeypatch.setattr(service, "_already_invited", stale_then_real)
    report = service.import_invitations(session, questionnaire_id, "a.csv",
                                        b"customer_ref,language\nC2,en\nC1,en\n", now=NOW)
    assert [(p.row, p.value, p.rule) for p in report.problems] == [(3, "C1", "already_invited")]
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1  # C2 not added either
    session.commit()
    assert _open(session, questionnaire_id) == ["C1"]
