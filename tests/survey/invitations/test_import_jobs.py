"""Invitation and complaint-case uploads over IMPORT_JOB_BYTES are imported by the job worker (inline in tests):
the page answers at once, the job checks every row as the request would, stores all or nothing,
keeps its report, audits, and deletes the uploaded bytes."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import AuditEvent, ImportJob, Invitation
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services import import_jobs
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token


@pytest.fixture
def questionnaire_id(app) -> int:
    app.config["IMPORT_JOB_BYTES"] = 200  # every test file below is a "large" upload
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return version.questionnaire_id


def upload(client, questionnaire_id: int, data: bytes, lang: str = "en"):
    path = f"/invitations/{questionnaire_id}?lang={lang}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(data), "list.csv")},
                       content_type="multipart/form-data")


def rows(count: int, *, bad_at: int | None = None) -> bytes:
    lines = ["customer_ref,language,email,region"]
    lines += [f"C{i},{'xx' if i == bad_at else 'zh_CN'},c{i}@example.com,north" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def _leftovers(app) -> list[Path]:
    return list((Path(app.config["FILE_JOBS_FOLDER"]) / import_jobs.SUBFOLDER).glob("*"))


def test_a_large_upload_is_imported_by_the_worker(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    reply = upload(client, questionnaire_id, rows(40))
    assert reply.status_code == 302 and "/imports/" in reply.headers["Location"]
    page = client.get(reply.headers["Location"] + "?lang=zh_CN").get_data(as_text=True)
    assert "邀请上传" in page and "list.csv" in page and "已创建 40 份邀请" in page
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Invitation)) == 40
        job = session.scalars(select(ImportJob)).one()
        assert job.status == "done" and job.report["created"] == 40 and job.finished_at is not None
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "invitations_upload")).one()
        assert event.actor == "designer@example.com" and event.details["import_job"] == job.id
    assert _leftovers(app) == []  # the uploaded bytes are gone


def test_a_bad_row_imports_nothing_and_the_page_names_it(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    reply = upload(client, questionnaire_id, rows(40, bad_at=17), lang="en")
    page = client.get(reply.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Nothing was imported" in page and "xx" in page
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0
        job = session.scalars(select(ImportJob)).one()
        assert job.status == "failed" and [p["row"] for p in job.report["problems"]] == [19]  # header = 1
    assert _leftovers(app) == []


def test_a_small_upload_still_imports_at_once(app, client, login_as, questionnaire_id) -> None:
    app.config["IMPORT_JOB_BYTES"] = 10_000
    login_as("designer")
    reply = upload(client, questionnaire_id, rows(3))
    assert reply.status_code == 302 and "/imports/" not in reply.headers["Location"]
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(ImportJob)) == 0


def test_an_import_page_of_another_questionnaire_is_404(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    location = upload(client, questionnaire_id, rows(30)).headers["Location"]
    with app.app_context():
        session = get_session()
        other = publish(session, create_questionnaire(session, acsi_standard())).questionnaire_id
        session.commit()
    job_id = location.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/invitations/{other}/imports/{job_id}").status_code == 404
    assert client.get(f"/invitations/{questionnaire_id}/imports/999999").status_code == 404


def test_a_job_runs_once_and_a_crash_leaves_nothing(app, questionnaire_id, monkeypatch, make_user) -> None:
    with app.app_context():
        session = get_session()
        from models import Questionnaire
        owner = make_user("designer")
        questionnaire = session.get(Questionnaire, questionnaire_id)
        job = import_jobs.start(session, "invitations", owner, "x.csv", rows(5),
                                folder=Path(app.config["FILE_JOBS_FOLDER"]), workspace_id=questionnaire.workspace_id,
                                questionnaire_id=questionnaire_id, parameters={"expiry_days": None})
        session.commit()

        def explode(*_args, **_kwargs):
            raise RuntimeError("disk on fire")
        monkeypatch.setattr(import_jobs, "import_invitations", explode)
        with pytest.raises(RuntimeError):
            import_jobs.run(session, job.id, folder=Path(app.config["FILE_JOBS_FOLDER"]))
        assert import_jobs.run(session, job.id, folder=Path(app.config["FILE_JOBS_FOLDER"])) is None  # not twice
        stored = session.get(ImportJob, job.id)
        session.refresh(stored)
        assert stored.status == "failed" and stored.report["problems"][0]["rule"] == "import_failed"
        report = import_jobs.report_of(stored)
        assert "nothing was imported" in report.problems[0].message("en")
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert _leftovers(app) == []


def test_a_hostile_file_is_refused_by_the_worker_too(app, client, login_as, questionnaire_id) -> None:
    import zip_archives

    login_as("designer")
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    path = f"/invitations/{questionnaire_id}?lang=zh_CN"
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": csrf_token(client, path),
                                       "file": FileStorage(io.BytesIO(zip_archives.bomb(600)), "bomb.xlsx")})
    reply = client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    page = client.get(reply.headers["Location"] + "?lang=zh_CN").get_data(as_text=True)
    assert "该 .xlsx 解压后超过 104857600 字节（压缩炸弹保护）。" in page
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Invitation)) == 0
    assert _leftovers(app) == []


def test_a_large_complaint_case_file_is_imported_by_the_worker(app, client, login_as, questionnaire_id) -> None:
    from models import ComplaintCase

    login_as("analyst")
    lines = ["case_id,customer_ref,resolution_status,opened_at"] + [
        f"K-{i},CUST-{i},open,2026-11-{1 + i % 28:02d}" for i in range(30)]
    path = "/complaints/import?lang=en"
    page = client.get(path).get_data(as_text=True)
    import re
    workspace = re.search(r'name="workspace"[^>]*>\s*<option[^>]*value="(\d+)"', page)
    form = {"csrf_token": csrf_token(client, path), "questionnaire": "0",
            "file": (io.BytesIO(("\n".join(lines) + "\n").encode()), "cases.csv")}
    if workspace:
        form["workspace"] = workspace.group(1)
    reply = client.post(path, data=form, content_type="multipart/form-data")
    assert reply.status_code == 302 and "/complaints/imports/" in reply.headers["Location"], reply.get_data(as_text=True)[:500]
    done = client.get(reply.headers["Location"] + "?lang=zh_CN").get_data(as_text=True)
    assert "cases.csv" in done
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(ComplaintCase)) == 30
        job = session.scalars(select(ImportJob).where(ImportJob.kind == "complaint_cases")).one()
        assert job.status == "done" and job.report["created"] == 30
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "complaint_cases_import"))
    assert client.get(reply.headers["Location"].replace(f"/{job.id}", "/999999")).status_code == 404
    assert _leftovers(app) == []
