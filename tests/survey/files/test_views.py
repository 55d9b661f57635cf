"""File jobs through the browser: a large export becomes a job whose download is the direct
export's bytes; small exports still stream; the job page, "My files", who may download, failures
shown in both languages, and CSRF on the forms that start jobs."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from flask import Flask
from sqlalchemy import func, select

from models import FileJob, Questionnaire, User
from support import csrf_token, login
from survey.db import get_session
from survey.services import exports, workspaces


def export_url(survey) -> str:
    return f"/distribution/exports/{survey.questionnaire_id}"


def post_export(client, survey, **fields):
    data = {"csrf_token": csrf_token(client, export_url(survey)), "versions": [survey.version_id],
            "format": "csv", "language": "zh_CN", "values": "codes", **fields}
    return client.post(export_url(survey), data=data)


def jobs(app: Flask) -> list[FileJob]:
    with app.app_context():
        return list(get_session().scalars(select(FileJob).order_by(FileJob.id)))


def folder_files(app: Flask) -> list[str]:
    folder = Path(app.config["FILE_JOBS_FOLDER"])
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def fetch(client, url: str):
    response = client.get(url)
    body = response.get_data()
    response.close()  # send_file keeps the file open until the response is closed
    return response, body


@pytest.mark.parametrize(("fmt", "language", "values"), [("csv", "zh_CN", "codes"), ("csv", "en", "labels"),
                                                         ("xlsx", "en", "codes"), ("sav", "zh_CN", "codes")])
def test_an_export_above_the_threshold_is_a_job_whose_file_is_the_direct_export(
        app: Flask, client, login_as, survey, tmp_path: Path, fmt, language, values) -> None:
    login_as("analyst")
    app.config["EXPORT_JOB_THRESHOLD"] = 10**6
    direct = post_export(client, survey, format=fmt, language=language, values=values, include_partial="y")
    assert direct.status_code == 200
    direct_bytes = direct.get_data()
    assert jobs(app) == []

    app.config["EXPORT_JOB_THRESHOLD"] = 3  # 4 responses with the partial one
    queued = post_export(client, survey, format=fmt, language=language, values=values, include_partial="y")
    (job,) = jobs(app)
    assert queued.status_code == 302 and queued.headers["Location"] == f"/files/{job.id}"
    assert (job.kind, job.status, job.progress, job.size) == ("export", "done", 1.0, len(direct_bytes) if fmt != "sav" else job.size)
    assert job.parameters == {"version_ids": [survey.version_id], "format": fmt, "language": language,
                              "include_partial": True, "include_flagged": False, "values": values}
    page = client.get(f"/files/{job.id}?lang=en").get_data(as_text=True)
    assert "Ready" in page and f"/files/{job.id}/download" in page and 'http-equiv="refresh"' not in page
    download, body = fetch(client, f"/files/{job.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith(exports.MEDIA_TYPES[fmt].split(";")[0])
    assert download.headers["Content-Disposition"] == \
        f"attachment; filename=questionnaire-{survey.questionnaire_id}-v1-{language}.{fmt}"
    assert download.headers["Cache-Control"] == "no-store"
    if fmt == "csv":
        assert body == direct_bytes
        assert len(list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))) == 5
    elif fmt == "xlsx":
        def values_of(data: bytes) -> dict[str, list[tuple]]:
            book = openpyxl.load_workbook(io.BytesIO(data))
            return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}
        assert values_of(body) == values_of(direct_bytes)
    else:
        frames = []
        for name, data in (("job.sav", body), ("direct.sav", direct_bytes)):
            (tmp_path / name).write_bytes(data)
            frames.append(pyreadstat.read_sav(str(tmp_path / name), user_missing=True))
        assert frames[0][0].equals(frames[1][0]) and frames[0][1].column_labels == frames[1][1].column_labels
        assert len(frames[0][0]) == 4
    assert folder_files(app) == [job.file_path]  # no .part left behind


def test_an_export_at_the_threshold_streams_at_once(app: Flask, client, login_as, survey) -> None:
    login_as("designer")
    app.config["EXPORT_JOB_THRESHOLD"] = 3  # exactly the 3 complete responses
    response = post_export(client, survey)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert jobs(app) == []


def test_my_files_lists_own_jobs_in_both_languages(app: Flask, client, make_user, survey, made_job) -> None:
    owner, other = make_user("analyst"), make_user("analyst", "colleague@example.com")
    mine = made_job(owner_id=owner.id, survey=survey)
    theirs = made_job(owner_id=other.id, survey=survey)
    login(client, owner.email)
    english = client.get("/files/?lang=en").get_data(as_text=True)
    assert f"/files/{mine}" in english and f"/files/{theirs}" not in english
    assert "Satisfaction survey" in english and "Response export" in english and "Ready" in english
    chinese = client.get("/files/?lang=zh_CN").get_data(as_text=True)
    assert "我的文件" in chinese and "满意度调查" in chinese and "答卷导出" in chinese and "已就绪" in chinese
    assert 'href="/files/"' in client.get("/?lang=en").get_data(as_text=True)  # in the main menu


def test_only_the_owner_and_admins_reach_a_job(app: Flask, client, make_user, survey, made_job) -> None:
    """Owner: yes. A colleague of the same workspace and role: 404. An admin: yes. The owner
    moved out of the questionnaire's workspace: 404. A viewer never reaches an export (raw
    responses), even their own; their report PDF, yes."""
    owner, colleague = make_user("analyst"), make_user("analyst", "colleague@example.com")
    admin, viewer = make_user("admin"), make_user("viewer")
    job_id = made_job(owner_id=owner.id, survey=survey, content=b"secret,rows\r\n")
    viewer_export = made_job(owner_id=viewer.id, survey=survey)
    viewer_pdf = made_job(owner_id=viewer.id, survey=survey, kind="pdf", content=b"%PDF-1.4 test")

    def reach(email: str, job: int) -> tuple[int, int]:
        client = app.test_client()
        assert login(client, email).status_code == 302
        page, _body = fetch(client, f"/files/{job}")
        download, body = fetch(client, f"/files/{job}/download")
        if download.status_code == 200:
            assert body in (b"secret,rows\r\n", b"%PDF-1.4 test")
        return page.status_code, download.status_code

    assert reach(owner.email, job_id) == (200, 200)
    assert reach(colleague.email, job_id) == (404, 404)
    assert reach(admin.email, job_id) == (200, 200)
    assert reach(viewer.email, viewer_export) == (404, 404)
    assert reach(viewer.email, viewer_pdf) == (200, 200)
    assert reach(owner.email, 999999) == (404, 404)
    with app.app_context():
        session = get_session()
        other = workspaces.create_workspace(session, "Elsewhere")
        workspaces.move_questionnaire(session, session.get(Questionnaire, survey.questionnaire_id), other.id)
        session.commit()
    assert reach(owner.email, job_id) == (404, 404)
    assert reach(admin.email, job_id) == (200, 200)
    login(client, admin.email)
    assert f'"/files/{job_id}"' not in client.get("/files/?lang=en").get_data(as_text=True)  # own jobs only


def test_an_expired_file_is_gone_before_the_sweep(app: Flask, client, login_as, survey, made_job) -> None:
    user = login_as("analyst")
    job_id = made_job(owner_id=user.id, survey=survey, expires_in=-timedelta(minutes=1))
    download, body = fetch(client, f"/files/{job_id}/download?lang=en")
    assert download.status_code == 410 and b"The file is not available" in body
    page = client.get(f"/files/{job_id}?lang=zh_CN").get_data(as_text=True)
    assert "文件已在过期时删除" in page and f"/files/{job_id}/download" not in page


def test_a_failed_export_leaves_no_file_and_says_why_in_both_languages(
        app: Flask, client, login_as, survey, monkeypatch) -> None:
    from survey.files import making

    def broken(engine, prepared, path, progress):
        Path(path).write_bytes(b"half a file")
        progress(1)
        raise exports.ExportError("the disk is full (test)")

    monkeypatch.setitem(making.WRITERS, "csv", broken)
    login_as("analyst")
    app.config["EXPORT_JOB_THRESHOLD"] = 0
    response = post_export(client, survey)
    (job,) = jobs(app)
    assert response.status_code == 302
    assert (job.status, job.message_code, job.message_parameters) == (
        "failed", "export_failed", {"reason": "the disk is full (test)"})
    assert folder_files(app) == []
    english = client.get(f"/files/{job.id}?lang=en").get_data(as_text=True)
    assert "Failed" in english and "The export could not be made: the disk is full (test)" in english
    assert "/download" not in english
    chinese = client.get(f"/files/{job.id}?lang=zh_CN").get_data(as_text=True)
    assert "失败" in chinese and "无法生成导出文件：the disk is full (test)" in chinese
    download, _body = fetch(client, f"/files/{job.id}/download")
    assert download.status_code == 410


def test_an_unexpected_error_is_logged_and_shown_with_the_job_number(
        app: Flask, client, login_as, survey, monkeypatch) -> None:
    from survey.files import making

    def broken(engine, prepared, path, progress):
        Path(path).write_bytes(b"half")
        raise OSError("No space left on device")

    monkeypatch.setitem(making.WRITERS, "csv", broken)
    login_as("analyst")
    app.config["EXPORT_JOB_THRESHOLD"] = 0
    post_export(client, survey)
    (job,) = jobs(app)
    assert (job.status, job.message_code) == ("failed", "unexpected") and folder_files(app) == []
    page = client.get(f"/files/{job.id}?lang=en").get_data(as_text=True)
    assert f"logged with job number {job.id}" in page and "No space left" not in page


def test_forms_that_start_jobs_need_the_csrf_token(app: Flask, client, login_as, survey) -> None:
    login_as("analyst")
    app.config["EXPORT_JOB_THRESHOLD"] = 0
    assert post_export(client, survey, csrf_token="").status_code == 400
    assert post_export(client, survey, csrf_token="forged").status_code == 400
    assert jobs(app) == []
    assert post_export(client, survey).status_code == 302
    assert len(jobs(app)) == 1


def test_an_export_of_another_workspace_makes_no_job(app: Flask, client, make_user, survey) -> None:
    user = make_user("designer")
    with app.app_context():
        session = get_session()
        other = workspaces.create_workspace(session, "Other")
        workspaces.set_memberships(session, session.get(User, user.id), {other.id})
        session.commit()
    login(client, user.email)
    app.config["EXPORT_JOB_THRESHOLD"] = 0
    token = csrf_token(client, "/")
    response = client.post(export_url(survey), data={"csrf_token": token, "versions": [survey.version_id],
                                                     "format": "csv", "language": "en", "values": "codes"})
    assert response.status_code == 404
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(FileJob)) == 0


def test_a_queue_that_cannot_be_reached_fails_the_job_with_a_message(
        app: Flask, client, login_as, survey, monkeypatch) -> None:
    from survey.files import views

    def unreachable(name, *args):
        raise ConnectionError("Redis refused the connection")

    monkeypatch.setattr(views, "enqueue", unreachable)
    login_as("analyst")
    app.config["EXPORT_JOB_THRESHOLD"] = 0
    response = post_export(client, survey)
    (job,) = jobs(app)
    assert response.status_code == 302 and (job.status, job.message_code) == ("failed", "queue_unavailable")
    page = client.get(f"/files/{job.id}?lang=zh_CN").get_data(as_text=True)
    assert "无法连接任务队列" in page and 'http-equiv="refresh"' not in page


def test_a_made_file_missing_from_the_folder_is_explained_and_logged(
        app: Flask, client, login_as, survey, made_job, caplog) -> None:
    user = login_as("analyst")
    job_id = made_job(owner_id=user.id, survey=survey)
    folder = Path(app.config["FILE_JOBS_FOLDER"])
    for path in folder.iterdir():
        path.unlink()  # as on a web host that does not share the workers' folder
    with caplog.at_level("WARNING", logger="survey.files.views"):
        page = client.get(f"/files/{job_id}?lang=en").get_data(as_text=True)
    assert "The file cannot be found on this server" in page and f"/files/{job_id}/download" not in page
    assert "does this web host share FILE_JOBS_FOLDER" in caplog.text
    assert "在此服务器上找不到该文件" in client.get(f"/files/{job_id}?lang=zh_CN").get_data(as_text=True)
    download, _body = fetch(client, f"/files/{job_id}/download")
    assert download.status_code == 410
