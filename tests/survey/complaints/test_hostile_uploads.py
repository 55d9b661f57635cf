"""Hostile complaint-case uploads get the row-level report, never a 500 (issue 13: 3, 4, 8)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import zip_archives
from models import ComplaintCase
from survey.db import get_session
from support import csrf_token

PATH = "/complaints/import"


def _post(client, name: str, data: bytes, lang: str = "en"):
    page = f"{PATH}?lang={lang}"
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": csrf_token(client, page), "questionnaire": "0",
                                       "file": FileStorage(io.BytesIO(data), name)})
    return client.post(page, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(ComplaintCase))


@pytest.mark.parametrize("lang, text", [
    ("en", "Segment attributes: at most 28 columns besides case_id, customer_ref, category, "
           "channel, handler, resolution_status, opened_at, resolved_at, language."),
    ("zh_CN", "细分属性：除 case_id, customer_ref, category, channel, handler, resolution_status, "
              "opened_at, resolved_at, language 外最多 28 列。"),
])
def test_the_page_states_the_limits(client, login_as, lang, text) -> None:
    login_as("analyst")
    assert text in client.get(f"{PATH}?lang={lang}").get_data(as_text=True)


def test_bomb_cut_off_sheet_and_too_many_columns_are_refused(app, client, login_as) -> None:
    app.config["IMPORT_JOB_BYTES"] = 10**9  # checked in the request; the worker's path: test_import_jobs
    login_as("analyst")
    response = _post(client, "bomb.xlsx", zip_archives.bomb(600))
    assert response.status_code == 422
    assert "(decompression-bomb guard)" in response.get_data(as_text=True)
    rows = [["case_id", "customer_ref", "resolution_status", "opened_at"]] + [
        [f"K{i}", f"C{i}", "open", "2026-01-01"] for i in range(300)]
    response = _post(client, "cut.xlsx", zip_archives.truncated_sheet(zip_archives.workbook(rows)))
    assert response.status_code == 422
    assert "the first sheet is damaged" in response.get_data(as_text=True)
    header = "case_id,customer_ref,resolution_status,opened_at," + ",".join(f"a{i}" for i in range(29))
    response = _post(client, "wide.csv", f"{header}\nK1,C1,open,2026-01-01\n".encode(), lang="zh_CN")
    assert response.status_code == 422
    assert "列过多：共 33 列" in response.get_data(as_text=True)
    assert _count(app) == 0
