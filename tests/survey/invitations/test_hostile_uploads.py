"""Hostile invitation uploads get the row-level report, never a 500 (issue 13: items 3, 4, 8)."""
from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import zip_archives
from models import Invitation
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token

KNOWN = ["customer_ref", "language", "email", "expires_at"]


@pytest.fixture
def upload_path(app, login_as) -> str:
    # Checked in the request here, whatever the size; tests/survey/invitations/test_import_jobs.py
    # sends a bomb through the job worker's path.
    app.config["IMPORT_JOB_BYTES"] = 10**9
    login_as("designer")
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return f"/invitations/{version.questionnaire_id}"


def _post(client, path: str, name: str, data: bytes, lang: str = "en"):
    page = f"{path}?lang={lang}"
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": csrf_token(client, page),
                                       "file": FileStorage(io.BytesIO(data), name)})
    return client.post(page, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Invitation))


@pytest.mark.parametrize("lang, text", [
    ("en", "Segment attributes: at most 30 columns besides customer_ref, language, email, "
           "name, expires_at. Column names start with a letter and hold only letters, digits and _ "
           "(at most 64 characters); each value has at most 200 characters. An .xlsx file may "
           "unpack to at most 100 MB."),
    ("zh_CN", "细分属性：除 customer_ref, language, email, name, expires_at 外最多 30 列。"),
])
def test_the_page_states_the_limits(client, upload_path, lang, text) -> None:
    assert text in client.get(f"{upload_path}?lang={lang}").get_data(as_text=True)


@pytest.mark.parametrize("lang, message", [
    ("en", "The .xlsx unpacks to more than 104857600 bytes (decompression-bomb guard)."),
    ("zh_CN", "该 .xlsx 解压后超过 104857600 字节（压缩炸弹保护）。"),
])
def test_a_decompression_bomb_is_refused(app, client, upload_path, lang, message) -> None:
    response = _post(client, upload_path, "bomb.xlsx", zip_archives.bomb(600), lang)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app) == 0


def test_a_cut_off_sheet_is_a_row_level_error(app, client, upload_path) -> None:
    rows = [["customer_ref", "language"]] + [[f"C{i}", "en"] for i in range(300)]
    response = _post(client, upload_path, "cut.xlsx",
                     zip_archives.truncated_sheet(zip_archives.workbook(rows)))
    assert response.status_code == 422
    assert "The file cannot be read: the first sheet is damaged" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_200000_columns_are_refused_on_the_header(app, client, upload_path) -> None:
    header = ",".join([*KNOWN, *(f"attr{i}" for i in range(200_000))])
    data = f"{header}\nC1,en\n".encode()
    response = _post(client, upload_path, "wide.csv", data)
    assert response.status_code == 422
    assert "Too many columns: the file has 200004; besides customer_ref, language, email, " \
           "name, expires_at at most 30 segment attribute columns are allowed." in response.get_data(as_text=True)
    assert _count(app) == 0


def test_thirty_segment_columns_are_accepted_and_bad_names_refused(app, client, upload_path) -> None:
    segments = [f"s{i}" for i in range(30)]
    good = (",".join([*KNOWN, *segments]) + "\nC1,en,,," + ",".join("v" for _ in segments) + "\n").encode()
    assert _post(client, upload_path, "ok.csv", good).status_code == 302
    assert _count(app) == 1
    bad = (",".join(["customer_ref", "language", "x" * 65, "1st"]) + "\nC2,en,a,b\n").encode()
    html = _post(client, upload_path, "bad.csv", bad).get_data(as_text=True)
    assert html.count("Column names may contain only letters, digits") == 2
    assert _count(app) == 1


def test_four_parallel_uploads_answer_one_302_and_three_row_level_reports(app, client, upload_path) -> None:
    from support import login

    data = ("customer_ref,language\n" + "".join(f"C{i:02d},en\n" for i in range(50))).encode()
    clients = [client] + [app.test_client() for _ in range(3)]
    for other in clients[1:]:
        assert login(other, "designer@example.com").status_code == 302
    tokens = [csrf_token(c, f"{upload_path}?lang=en") for c in clients]
    barrier = threading.Barrier(len(clients), timeout=60)
    replies: list[tuple[int, str]] = []

    def post(c, token) -> None:
        boundary, body = encode_multipart({"csrf_token": token,
                                           "file": FileStorage(io.BytesIO(data), "list.csv")})
        barrier.wait()
        response = c.post(f"{upload_path}?lang=en", data=body,
                          content_type=f"multipart/form-data; boundary={boundary}")
        replies.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(status for status, _ in replies) == [302, 422, 422, 422]
    for status, html in replies:
        if status == 422:
            assert html.count("This customer already has an open invitation.") == 50
    assert _count(app) == 50
