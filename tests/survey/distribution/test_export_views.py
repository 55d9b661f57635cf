"""The export page and downloads: roles, form checks, and every format readable."""
from __future__ import annotations

import csv
import io

import openpyxl
import pyreadstat
import pytest

from models import Response
from survey.db import get_session
from survey.questionnaire import document as doc
from survey.services import questionnaires
from support import csrf_token

T = doc.Texts


@pytest.fixture
def version(app):
    document = doc.Questionnaire(T("满意度调查", "Satisfaction survey"), (doc.Page("p1", T("页", "Page"), (
        doc.Question("SATIS", "rating", T("总体满意度", "Overall satisfaction"),
                     settings=doc.ScaleSettings(1, 5, dont_know=True)),
        doc.Question("features", "multiple_choice", T("功能", "Features"),
                     choices=(doc.Choice("a", T("甲", "A")), doc.Choice("b", T("乙", "B")))),
        doc.Question("comment", "text", T("意见", "Comments")),
    )),))
    with app.app_context():
        session = get_session()
        version = questionnaires.create_questionnaire(session, document)
        questionnaires.publish(session, version)
        rows = [("complete", {"SATIS": 4, "features": ["b"], "comment": "=1+1"}, {"region": "华东"}),
                ("complete", {"SATIS": "dont_know", "comment": "很好"}, {}),
                ("partial", {"SATIS": 2}, {})]
        for i, (status, answers, segment) in enumerate(rows):
            session.add(Response(version_id=version.id, resume_token=f"v{i}", status=status,
                                 answers=answers, segment=segment))
        session.commit()
        return version.questionnaire_id, version.id


def url(questionnaire_id: int) -> str:
    return f"/distribution/exports/{questionnaire_id}"


def download(client, questionnaire_id, version_id, **fields):
    data = {"csrf_token": csrf_token(client, url(questionnaire_id)), "versions": [version_id],
            "format": "csv", "language": "zh_CN", "values": "codes", **fields}
    return client.post(url(questionnaire_id), data=data)


@pytest.mark.parametrize(("lang", "words"), [("en", ["Export responses", "Version 1", "2 complete, 1 partial"]),
                                             ("zh_CN", ['<html lang="zh-CN">', "满意度调查"])])
def test_page_in_both_languages(client, login_as, version, lang, words) -> None:
    login_as("analyst")
    html = client.get(f"{url(version[0])}?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in html
    index = client.get(f"/distribution/exports?lang={lang}").get_data(as_text=True)
    assert url(version[0]) in index


def test_csv_download(client, login_as, version) -> None:
    login_as("designer")
    response = download(client, *version)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="questionnaire-' in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    header = rows[0]
    assert header[-5:] == ["segment_region", "SATIS", "features_a", "features_b", "comment"]
    assert len(rows) == 3  # complete responses only
    assert rows[1][-5:] == ["华东", "4", "0", "1", "'=1+1"]
    assert rows[2][-4:] == ["dont_know", "", "", "很好"]


def test_partial_responses_on_request(client, login_as, version) -> None:
    login_as("analyst")
    data = download(client, *version, include_partial="y").get_data()
    assert len(list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))) == 4


def test_xlsx_download(client, login_as, version) -> None:
    login_as("analyst")
    response = download(client, *version, format="xlsx", language="en")
    assert response.status_code == 200 and "spreadsheetml" in response.headers["Content-Type"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    rows = list(workbook["responses"].iter_rows(values_only=True))
    assert rows[1][-4:] == (4, 0, 1, "=1+1")
    assert workbook["responses"].cell(row=2, column=len(rows[0])).data_type == "s"


def test_sav_download(client, login_as, version, tmp_path) -> None:
    login_as("designer")
    response = download(client, *version, format="sav", language="en")
    assert response.status_code == 200
    path = tmp_path / "export.sav"
    path.write_bytes(response.get_data())
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert dict(zip(meta.column_names, meta.column_labels))["SATIS"] == "Overall satisfaction"
    assert meta.variable_value_labels["SATIS"][99.0] == "Don't know"
    assert frame["SATIS"].tolist() == [4.0, 99.0] and frame["comment"].tolist() == ["=1+1", "很好"]


def test_invalid_form_is_shown_again(client, login_as, version) -> None:
    login_as("designer")
    response = client.post(url(version[0]) + "?lang=en",
                           data={"csrf_token": csrf_token(client, url(version[0])),
                                 "format": "csv", "language": "en", "values": "codes"})
    assert response.status_code == 400
    assert "Choose at least one version." in response.get_data(as_text=True)
    assert download(client, version[0], version[1] + 999).status_code == 400  # not this questionnaire's
    assert download(client, version[0], version[1], format="pdf").status_code == 400
    assert download(client, version[0], version[1], csrf_token="").status_code == 400


def test_missing_questionnaire_is_404(client, login_as) -> None:
    login_as("analyst")
    assert client.get(url(999)).status_code == 404


@pytest.mark.parametrize("role", ["viewer"])
def test_viewer_is_refused(client, login_as, version, role) -> None:
    login_as(role)
    assert client.get(url(version[0])).status_code == 403
    assert client.get("/distribution/exports").status_code == 403
    token = csrf_token(client, "/")
    assert client.post(url(version[0]), data={"csrf_token": token, "versions": [version[1]],
                                              "format": "csv", "language": "en", "values": "codes"}).status_code == 403


def test_anonymous_goes_to_login(client, version) -> None:
    response = client.get(url(version[0]))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
