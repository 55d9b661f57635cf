from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from models import Invitation
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.invitations import published_version
from survey.services.questionnaires import create_questionnaire, publish
from support import csrf_token


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return version.questionnaire_id


def post_file(client, path: str, name: str, data: bytes, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, path),
                                   "file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def invitation_count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Invitation))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_upload_page_reports_row_errors_and_imports_nothing(app, client, login_as, questionnaire_id, lang) -> None:
    login_as("designer")
    path = f"/invitations/{questionnaire_id}?lang={lang}"
    response = post_file(client, path, "list.csv",
                         "customer_ref,language,email\nC1,en,a@example.com\nC2,xx,\n".encode())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    expected = "The language must be zh_CN or en." if lang == "en" else "语言必须是 zh_CN 或 en。"
    assert expected in html and "<td>3</td>" in html and "<td>xx</td>" in html
    summary = "1 problem found in 2 data rows." if lang == "en" else "在 2 行数据中发现 1 个问题。"
    assert summary in html
    assert invitation_count(app) == 0


@pytest.mark.parametrize(("lang", "summary"), [("en", "The file was refused: 1 problem."),
                                               ("zh_CN", "文件未被接受：1 个问题。")])
def test_a_file_refused_as_a_whole_says_so_without_counting_rows(app, client, login_as, questionnaire_id,
                                                                lang, summary) -> None:
    login_as("designer")
    response = post_file(client, f"/invitations/{questionnaire_id}?lang={lang}", "list.csv", bytes(range(256)))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and summary in html and "0 rows" not in html and "0 行" not in html
    assert invitation_count(app) == 0


def test_upload_page_imports_a_good_file_and_lists_invitations(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    path = f"/invitations/{questionnaire_id}?lang=en"
    response = post_file(client, path, "list.csv",
                         "customer_ref,language,region\nC1,en,north\nC2,zh_CN,south\n".encode(),
                         expiry_days="14")
    assert response.status_code == 302
    assert invitation_count(app) == 2
    html = client.get(path).get_data(as_text=True)
    assert "2 invitations created." in html
    assert "C1" in html and "region=north" in html and "/s/i/" in html
    with app.app_context():
        public_token = published_version(get_session(), questionnaire_id).public_token
    assert f"/s/{public_token}" in html
    links = client.get(f"/invitations/{questionnaire_id}/links.csv")
    assert links.status_code == 200 and links.mimetype == "text/csv"
    assert links.get_data(as_text=True).count("/s/i/") == 2


def test_oversized_upload_is_refused(app, client, login_as, questionnaire_id) -> None:
    app.config["INVITATION_UPLOAD_MAX_BYTES"] = 100
    login_as("designer")
    response = post_file(client, f"/invitations/{questionnaire_id}?lang=en", "list.csv",
                         b"customer_ref,language\n" + b"C1,en\n" * 50)
    assert response.status_code == 422
    assert "The file is too large" in response.get_data(as_text=True)
    assert invitation_count(app) == 0


def test_upload_without_csrf_token_is_refused(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    response = client.post(f"/invitations/{questionnaire_id}",
                           data={"file": (io.BytesIO(b"customer_ref,language\nC1,en\n"), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert invitation_count(app) == 0


def test_index_and_pages_in_both_languages(client, login_as, questionnaire_id) -> None:
    login_as("designer")
    for lang in ("en", "zh_CN"):
        assert client.get(f"/invitations/?lang={lang}").status_code == 200
        assert client.get(f"/invitations/{questionnaire_id}?lang={lang}").status_code == 200
    assert client.get("/invitations/template.csv").status_code == 200
    assert client.get("/invitations/999").status_code == 404


def test_analyst_may_not_upload(client, login_as, questionnaire_id) -> None:
    login_as("analyst")
    assert client.get(f"/invitations/{questionnaire_id}").status_code == 403
