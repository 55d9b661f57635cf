"""Property: an invitation list or complaint-case file with any headers, cells or bytes gets a
page (never a 5xx), and is stored all or nothing: either one row per data row of the file, or
none at all."""
from __future__ import annotations

import csv
import io
import itertools

import pytest
from hypothesis import example, given, strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from models import ComplaintCase, Invitation
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard, complaint_followup
from survey.services.questionnaires import create_questionnaire, publish
from fuzz.hostile import bounded, count_rows, post_file, text_strings, truncated_sheet

_numbers = itertools.count()  # keeps customer refs and case ids of different examples apart


@pytest.fixture(autouse=True)
def in_the_request(app):
    """Every generated file is imported in the request, whatever its size: the property is the
    import's (all or nothing); the job worker's path, which calls the same import, is tested in
    tests/survey/invitations/test_import_jobs.py."""
    app.config["IMPORT_JOB_BYTES"] = 10**9


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


@pytest.fixture
def analyst(client, login_as):
    login_as("analyst")
    return client


@pytest.fixture
def invitation_target(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        session.commit()
        return version.questionnaire_id


@pytest.fixture
def followup_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, complaint_followup()))
        session.commit()
        return version.questionnaire_id


cells = st.one_of(st.sampled_from(["", " ", "en", "zh_CN", "2026-01-02", "2099-12-31", "a@example.com", "=1+1"]),
                  text_strings())
headers = st.one_of(st.sampled_from(["customer_ref", "language", "email", "expires_at", "", "region", "Region ",
                                     "x" * 5000]), text_strings())


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _xlsx_safe(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.encode("utf-8", "ignore").decode("utf-8")[:32_000]  # no surrogates; Excel's cell limit


def as_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append([_xlsx_safe(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def encoded(rows: list[list[str]], form: str, keep: float, noise: bytes) -> tuple[str, bytes]:
    """The table as a file: CSV, XLSX, XLSX with a truncated sheet, or bytes that are no table."""
    if form == "csv":
        return "list.csv", as_csv(rows)
    if form == "xlsx":
        return "list.xlsx", as_xlsx(rows)
    if form == "truncated":
        return "list.xlsx", truncated_sheet(as_xlsx(rows), keep)
    return ("list.xlsx" if noise.startswith(b"PK") else "list.csv"), noise


def data_rows(rows: list[list[str]], form: str) -> int:
    """How many rows of the file carry something (blank rows are skipped by the readers)."""
    clean = (lambda c: _xlsx_safe(c)) if form != "csv" else (lambda c: c)
    return sum(1 for row in rows[1:] if any(clean(c).strip() for c in row))


files = st.sampled_from(["csv", "csv", "xlsx", "truncated", "noise"])
noise = st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b))


@st.composite
def invitation_tables(draw) -> list[list[str]]:
    extra = draw(st.lists(headers, max_size=4))
    header = draw(st.permutations(["customer_ref", "language", *extra]))
    n = next(_numbers)
    rows = []
    for i in range(draw(st.integers(1, 6))):
        row = {h: draw(cells) for h in header}
        row["customer_ref"] = f"C{n}.{i}" + draw(st.sampled_from(["", "", draw(cells)]))
        row["language"] = draw(st.sampled_from(["en", "zh_CN", draw(cells)]))
        rows.append([row[h] for h in header])
    return [list(header), *rows]


# 30 examples, one upload each (about 15 s per database): headers, cells and file forms come
# from short lists mixed with arbitrary text, so 30 draws mix all of them.
@bounded(30)
@given(rows=invitation_tables(), form=files, keep=st.floats(0.05, 0.95), junk=noise)
@example(rows=[["customer_ref", "language", "region"], ["C-a", "en", "\x00"]], form="csv", keep=0.5, junk=b"")
@example(rows=[["customer_ref", "language", "region"], ["C-b", "en", "north"]], form="truncated", keep=0.6, junk=b"")
def test_invitation_upload_is_all_or_nothing(app, designer, invitation_target, rows, form, keep, junk) -> None:
    before = count_rows(app, Invitation)
    name, data = encoded(rows, form, keep, junk)
    reply = post_file(designer, f"/invitations/{invitation_target}?lang=en", name, data, expiry_days="14")
    assert reply.status_code < 500, (reply.status_code, name, data[:200])
    stored = count_rows(app, Invitation) - before
    if reply.status_code == 302:
        assert stored == data_rows(rows, form), "an accepted file did not store one invitation per row"
    else:
        assert reply.status_code in (400, 413, 422), reply.status_code
        assert stored == 0, "a refused file left invitations behind"


CASE_HEADER = ["case_id", "customer_ref", "handler", "resolution_status", "opened_at", "resolved_at", "region"]


@st.composite
def case_tables(draw) -> list[list[str]]:
    header = CASE_HEADER + draw(st.lists(headers, max_size=3))
    n = next(_numbers)
    rows = []
    for i in range(draw(st.integers(1, 6))):
        row = [draw(cells) for _ in header]
        row[0] = f"K{n}.{i}" + draw(st.sampled_from(["", "", draw(cells)]))
        row[1] = draw(st.sampled_from([f"C{i}", draw(cells)]))
        row[3] = draw(st.sampled_from(["open", "resolved", "partly_resolved", "unresolved", draw(cells)]))
        row[4] = draw(st.sampled_from(["2026-01-01", "2026-01-01 08:00", draw(cells)]))
        row[5] = draw(st.sampled_from(["", "2026-01-03", draw(cells)]))
        rows.append(row)
    return [header, *rows]


# 30 examples, one upload each (about 15 s per database), for the same reason as above.
@bounded(30)
@given(rows=case_tables(), form=files, keep=st.floats(0.05, 0.95), junk=noise)
@example(rows=[CASE_HEADER, ["K-a", "C1", "Wang", "resolved", "2026-01-01", "2026-01-02", "\x00"]],
         form="csv", keep=0.5, junk=b"")
def test_complaint_case_import_is_all_or_nothing(app, analyst, followup_id, rows, form, keep, junk) -> None:
    before = count_rows(app, ComplaintCase)
    name, data = encoded(rows, form, keep, junk)
    reply = post_file(analyst, "/complaints/import?lang=en", name, data, questionnaire=str(followup_id))
    assert reply.status_code < 500, (reply.status_code, name, data[:200])
    stored = count_rows(app, ComplaintCase) - before
    if reply.status_code == 302:
        assert stored == data_rows(rows, form), "an accepted file did not store one case per row"
    else:
        assert reply.status_code in (400, 413, 422), reply.status_code
        assert stored == 0, "a refused file left cases behind"
