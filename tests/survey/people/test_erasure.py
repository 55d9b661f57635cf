"""A person across questionnaires: export, erasure that leaves no trace of their reference or
their free text in any table (checked by reading every row of every table), an audit entry
that names them only by a keyed hash, and earlier run results left exactly as they were."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from models import (
    AnalysisResult, AnalysisRun, AuditEvent, Base, ComplaintCase, Delivery, FollowUpTask, Invitation, OptOut,
    Response, SendBatch,
)
from survey.db import get_session
from survey.questionnaire.document import Page, Question, Questionnaire as Document, ScaleSettings, Texts
from survey.services import audit, people
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.workspaces import default_workspace

REF = "CRM-00042"
SECRET_TEXT = "我的手机号是 13800138000，请联系我"
OTHER_REF = "CRM-00043"


def document() -> Document:
    t = Texts
    return Document(title=t("满意度", "Satisfaction"), pages=(Page("p1", t("页", "Page"), (
        Question("sat", "rating", t("满意度", "Satisfaction"), settings=ScaleSettings(min=1, max=5)),
        Question("comment", "long_text", t("意见", "Comment")),
    )),))


@pytest.fixture
def held(app):
    """Two questionnaires' worth of data about REF, some about OTHER_REF, and a stored run."""
    with app.app_context():
        db = get_session()
        version = publish(db, create_questionnaire(db, document()))
        other = publish(db, create_questionnaire(db, document()))
        case = ComplaintCase(workspace_id=default_workspace(db).id, case_ref="CASE-7", customer_ref=REF, segment={"region": "north"}, category="billing",
                             opened_at=datetime(2026, 5, 1, tzinfo=UTC))
        db.add(case)
        db.flush()
        mine = [Invitation(questionnaire_id=v.questionnaire_id, token=f"t-{n}", customer_ref=REF,
                           email="li.lei@example.com", name="李雷", language="zh_CN", segment={"region": "north"},
                           status="completed") for n, v in enumerate((version, other))]
        theirs = Invitation(questionnaire_id=version.questionnaire_id, token="t-other", customer_ref=OTHER_REF,
                            email="han@example.com", name="韩梅梅", language="zh_CN", status="completed")
        db.add_all([*mine, theirs])
        db.flush()
        responses = [Response(version_id=version.id, invitation_id=i.id, resume_token=f"r-{i.id}",
                              idempotency_key=f"api:{REF}-{i.id}", status="complete", segment={"region": "north"},
                              answers={"sat": 2, "comment": SECRET_TEXT}, complaint_case_id=case.id)
                     for i in mine]
        responses.append(Response(version_id=version.id, invitation_id=theirs.id, resume_token="r-other",
                                  status="complete", answers={"sat": 5, "comment": "很好"}))
        db.add_all(responses)
        db.flush()
        db.add(FollowUpTask(response_id=responses[0].id, complaint_case_id=case.id, reasons=["detractor"],
                            notes=f"called {REF}: {SECRET_TEXT}", due_at=datetime(2026, 6, 1, tzinfo=UTC)))
        batch = SendBatch(questionnaire_id=version.questionnaire_id, kind="invitation", started_by="cx@example.com")
        db.add(batch)
        db.flush()
        db.add(Delivery(invitation_id=mine[0].id, batch_id=batch.id, sequence=0, address="li.lei@example.com",
                        status="sent", next_attempt_at=datetime(2026, 5, 2, tzinfo=UTC)))
        db.add(OptOut(address="li.lei@example.com", customer_ref=REF, source="link"))
        run = AnalysisRun(status="succeeded", questionnaire_id=version.questionnaire_id,
                          parameters={"questionnaire_id": version.questionnaire_id})
        db.add(run)
        db.flush()
        db.add(AnalysisResult(run_id=run.id, kind="index:SAT", segment="all", payload={"index": 41.7, "n": 3}))
        db.commit()
    return app


def every_row_as_text(db) -> str:
    """Every value of every table, as one text (the scan the erasure must pass)."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            parts.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(parts)


def test_export_holds_everything_about_the_person_and_nothing_about_others(held) -> None:
    with held.app_context():
        data = people.export(get_session(), REF)
    assert len(data["invitations"]) == 2 and len(data["responses"]) == 2
    assert data["responses"][0]["answers"]["comment"] == SECRET_TEXT
    assert data["complaint_cases"][0]["case_ref"] == "CASE-7"
    assert data["followup_tasks"][0]["notes"].startswith("called")
    assert data["messages"][0]["address"] == "li.lei@example.com" and data["opt_outs"]
    assert "2 invitation(s), 2 response(s), 1 complaint case(s)" in data["summary"][0]
    assert OTHER_REF not in json.dumps(data, ensure_ascii=False) and "韩梅梅" not in json.dumps(data, ensure_ascii=False)


def test_after_erasure_no_table_holds_the_reference_or_the_free_text(held, runner) -> None:
    with held.app_context():
        db = get_session()
        before_results = [(r.kind, r.segment, r.payload) for r in db.scalars(select(AnalysisResult))]
        assert REF in every_row_as_text(db) and SECRET_TEXT in every_row_as_text(db)
    refused = runner.invoke(args=["people", "erase", REF])
    assert refused.exit_code != 0 and "add --yes" in refused.output
    result = runner.invoke(args=["people", "erase", REF, "--yes"])
    assert result.exit_code == 0, result.output
    assert "invitations 2" in result.output and "text answers 2" in result.output
    with held.app_context():
        db = get_session()
        everything = every_row_as_text(db)
        for trace in (REF, SECRET_TEXT, "li.lei@example.com", "李雷", "CASE-7"):
            assert trace not in everything, trace
        # The other customer is untouched; the person's responses stay, anonymous, for analyses.
        assert OTHER_REF in everything and "韩梅梅" in everything and "很好" in everything
        answers = sorted(r.answers.get("sat") for r in db.scalars(select(Response)))
        assert answers == [2, 2, 5]
        assert [(r.kind, r.segment, r.payload) for r in db.scalars(select(AnalysisResult))] == before_results
        entry = db.scalars(select(AuditEvent).where(AuditEvent.action == "person_erase")).one()
        assert entry.actor == "cli" and entry.details["invitations"] == 2
        assert entry.target == audit.person_key(REF, held.config["SECRET_KEY"])
        assert not people.find(db, REF).found


def test_cli_export_writes_json_and_is_audited(held, runner, tmp_path) -> None:
    out = tmp_path / "person.json"
    result = runner.invoke(args=["people", "export", REF, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["customer_ref"] == REF and len(data["responses"]) == 2
    with held.app_context():
        assert get_session().scalars(select(AuditEvent.action)).all() == ["person_export"]
    assert runner.invoke(args=["people", "export", " ", "-o", str(out)]).exit_code != 0


def test_the_audit_log_is_append_only(app) -> None:
    with app.app_context():
        db = get_session()
        audit.record(db, "sign_in", actor="a@example.com")
        db.commit()
        for statement in ("UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"):
            with pytest.raises(Exception, match="append-only"):
                db.execute(text(statement))
                db.commit()
            db.rollback()
        assert db.scalars(select(AuditEvent.actor)).all() == ["a@example.com"]
