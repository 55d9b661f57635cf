"""File-job state: one active job per request, safe download names, who may reach a job, and the
sweep (expired files, lost jobs, orphan files, old rows)."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models import FileJob, User
from survey.questionnaire.templates import complaint_followup
from survey.services import file_jobs
from survey.services.accounts import create_user
from survey.services.questionnaires import create_questionnaire, publish
from survey.services.workspaces import default_workspace


@pytest.fixture
def owner(session) -> User:
    user = create_user(session, email="owner@example.com", password="correct horse battery staple", role="analyst")
    session.commit()
    return user


@pytest.fixture
def questionnaire(session):
    version = publish(session, create_questionnaire(session, complaint_followup()))
    session.commit()
    return version.questionnaire


def _create(session, owner, questionnaire, **parameters):
    return file_jobs.create_job(session, kind="export", owner=owner, questionnaire=questionnaire,
                                file_name="questionnaire-1-v1-en.csv",
                                parameters={"format": "csv", "language": "en", **parameters})


def test_a_second_request_while_one_is_active_gets_the_same_job(session, owner, questionnaire) -> None:
    first, created = _create(session, owner, questionnaire)
    again, created_again = _create(session, owner, questionnaire)
    other, created_other = _create(session, owner, questionnaire, language="zh_CN")
    assert (created, created_again, created_other) == (True, False, True)
    assert again.id == first.id and other.id != first.id
    assert first.status == "queued" and first.workspace_id == questionnaire.workspace_id
    assert first.file_path.startswith(f"{first.id}-") and first.file_path.endswith(".csv")
    first.status = "done"
    session.flush()
    assert _create(session, owner, questionnaire)[1] is True  # a finished one is not reused


@pytest.mark.parametrize(("name", "kept"), [("questionnaire-1-v1-en.csv", "questionnaire-1-v1-en.csv"),
                                            ('a"; b/../报告.pdf', "a-b-..-.pdf"), ("..\\x.pdf", "x.pdf")])
def test_download_names_keep_safe_characters_only(session, owner, questionnaire, name, kept) -> None:
    job, _ = file_jobs.create_job(session, kind="pdf", owner=owner, questionnaire=questionnaire,
                                  file_name=name, parameters={"format": "pdf"})
    assert job.file_name == kept


def test_bad_kinds_formats_and_names_are_refused_with_the_rule(session, owner, questionnaire) -> None:
    with pytest.raises(file_jobs.FileJobError, match="kind 'zip' must be 'export' or 'pdf'"):
        file_jobs.create_job(session, kind="zip", owner=owner, questionnaire=questionnaire, file_name="x",
                             parameters={"format": "csv"})
    with pytest.raises(file_jobs.FileJobError, match="format 'json' is not one of csv, xlsx, sav, pdf"):
        _create(session, owner, questionnaire, format="json")
    with pytest.raises(file_jobs.FileJobError, match="file name '报告' has no letter or digit"):
        file_jobs.create_job(session, kind="pdf", owner=owner, questionnaire=questionnaire, file_name="报告",
                             parameters={"format": "pdf"})


def test_visible_job_follows_owner_role_and_workspace(session, owner, questionnaire) -> None:
    job, _ = _create(session, owner, questionnaire)
    session.commit()
    here = frozenset({questionnaire.workspace_id})
    assert file_jobs.visible_job(session, job.id, owner, here) is job
    assert file_jobs.visible_job(session, job.id, owner, frozenset()) is None
    assert file_jobs.visible_job(session, job.id + 1, owner, here) is None
    owner.role = "viewer"  # a viewer may not hold raw responses any more
    assert file_jobs.visible_job(session, job.id, owner, here) is None
    assert file_jobs.recent_jobs(session, owner, here) == []
    owner.role = "designer"
    assert file_jobs.recent_jobs(session, owner, here) == [job]


def _done(session, owner, questionnaire, folder: Path, *, age: timedelta, expires_in: timedelta) -> FileJob:
    job, _ = _create(session, owner, questionnaire, language=f"en-{age}-{expires_in}")
    now = datetime.now(UTC)
    job.status, job.finished_at, job.expires_at = "done", now - age, now + expires_in
    job.created_at = now - age
    session.commit()
    (folder / job.file_path).write_bytes(b"data")
    return job


def test_sweep_expires_files_fails_lost_jobs_and_removes_orphans(session, owner, questionnaire, tmp_path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    expired = _done(session, owner, questionnaire, folder, age=timedelta(hours=25), expires_in=-timedelta(hours=1))
    fresh = _done(session, owner, questionnaire, folder, age=timedelta(hours=1), expires_in=timedelta(hours=23))
    ancient = _done(session, owner, questionnaire, folder, age=timedelta(days=31), expires_in=-timedelta(days=30))
    lost, _ = _create(session, owner, questionnaire, language="lost")
    lost.status, lost.updated_at = "running", datetime.now(UTC) - file_jobs.STALE_AFTER - timedelta(minutes=1)
    working, _ = _create(session, owner, questionnaire, language="working")
    working.status, working.updated_at = "running", datetime.now(UTC) - timedelta(minutes=5)
    session.commit()
    (folder / (lost.file_path + file_jobs.PART_SUFFIX)).write_bytes(b"half")
    (folder / (working.file_path + file_jobs.PART_SUFFIX)).write_bytes(b"half")
    orphan, new_orphan = folder / "999-deadbeef.csv", folder / "998-cafe.csv.part"
    orphan.write_bytes(b"left by a crash")
    new_orphan.write_bytes(b"being written by a job committed a moment ago")
    hours_ago = (datetime.now(UTC) - file_jobs.ORPHAN_AFTER - timedelta(minutes=1)).timestamp()
    os.utime(orphan, (hours_ago, hours_ago))

    ancient_id = ancient.id
    result = file_jobs.sweep(session, folder)

    assert result == file_jobs.SweepResult(expired=2, interrupted=1, orphans=1, forgotten=1)
    session.expire_all()
    assert session.get(FileJob, expired.id).status == "expired"
    assert session.get(FileJob, ancient_id) is None
    assert session.get(FileJob, fresh.id).status == "done"
    assert (session.get(FileJob, lost.id).status, session.get(FileJob, lost.id).message_code) == ("failed", "interrupted")
    assert session.get(FileJob, working.id).status == "running"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [fresh.file_path, working.file_path + file_jobs.PART_SUFFIX, new_orphan.name])
    assert file_jobs.sweep(session, folder) == file_jobs.SweepResult()  # nothing left to do
    assert file_jobs.file_of(session.get(FileJob, fresh.id), folder) == folder / fresh.file_path
    assert file_jobs.file_of(session.get(FileJob, expired.id), folder) is None


def test_sweep_without_a_folder_yet(session) -> None:
    assert file_jobs.sweep(session, Path("/nonexistent/xinsheng-files")) == file_jobs.SweepResult()
    assert session.scalars(select(FileJob)).all() == []
    assert default_workspace(session).id  # the session still works after the sweep's commit


def test_an_erasure_withdraws_the_kept_exports_of_the_persons_questionnaires(
        session, owner, questionnaire, tmp_path) -> None:
    from models import Invitation, Response
    from survey.services import people

    other_version = publish(session, create_questionnaire(session, complaint_followup()))
    invitation = Invitation(questionnaire_id=questionnaire.id, token="t-1", customer_ref="CRM-1", language="en",
                            status="completed")
    session.add(invitation)
    session.flush()
    session.add(Response(version_id=questionnaire.versions[0].id, invitation_id=invitation.id, resume_token="r-1",
                         status="complete", answers={"nps": 3}))
    folder = tmp_path / "files"
    folder.mkdir()
    made = _done(session, owner, questionnaire, folder, age=timedelta(hours=1), expires_in=timedelta(hours=23))
    other = _done(session, owner, other_version.questionnaire, folder, age=timedelta(hours=1),
                  expires_in=timedelta(hours=23))
    running, _ = _create(session, owner, questionnaire, language="running")
    running.status = "running"
    pdf, _ = file_jobs.create_job(session, kind="pdf", owner=owner, questionnaire=questionnaire,
                                  file_name="r.pdf", parameters={"format": "pdf"})
    session.commit()

    people.erase(session, "CRM-1")
    session.commit()
    session.expire_all()

    assert file_jobs.file_of(session.get(FileJob, made.id), folder) is None  # no download from now on
    assert file_jobs.file_of(session.get(FileJob, other.id), folder) is not None
    assert (session.get(FileJob, running.id).status, session.get(FileJob, running.id).message_code) == (
        "failed", "withdrawn")
    assert session.get(FileJob, pdf.id).status == "queued"  # reports hold aggregates only
    assert not file_jobs.finish(session, running.id, size=1, keep=timedelta(hours=1))  # the worker's end loses
    file_jobs.sweep(session, folder)
    assert sorted(p.name for p in folder.iterdir()) == [other.file_path]
