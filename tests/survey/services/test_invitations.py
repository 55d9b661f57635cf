from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import Invitation, Response
from survey.questionnaire.templates import acsi_standard
from survey.services.invitations import import_invitations
from survey.services.questionnaires import create_questionnaire, publish

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def version(session):
    version = publish(session, create_questionnaire(session, acsi_standard()))
    session.commit()
    return version


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Invitation))


def upload(session, version, data: bytes, filename: str = "list.csv", **options):
    return import_invitations(session, version.questionnaire_id, filename, data, now=NOW, **options)


def test_good_csv_with_bom_creates_invitations_with_segments(session, version) -> None:
    data = ("\ufeffCustomer_Ref,Language,Email,Region,Current Value,Lifecycle Stage\n"
            "C1,zh_CN,a@example.com,华东,high,loyal\n"
            "C2,en,,North,,new\n\n").encode("utf-8")
    report = upload(session, version, data, default_expiry_days=30)
    assert report.ok and (report.rows, report.created) == (2, 2)
    first, second = session.scalars(select(Invitation).order_by(Invitation.customer_ref)).all()
    assert first.segment == {"region": "华东", "current_value": "high", "lifecycle_stage": "loyal"}
    assert second.segment == {"region": "North", "lifecycle_stage": "new"}
    assert (first.language, second.language, second.email) == ("zh_CN", "en", None)
    assert first.token != second.token and len(first.token) >= 32
    assert first.status == "pending"
    assert abs((first.expires_at.replace(tzinfo=UTC) - (NOW + timedelta(days=30))).total_seconds()) < 1


def test_xlsx_upload(session, version) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["customer_ref", "language", "expires_at", "tier", "growth_potential"])
    sheet.append(["X1", "en", datetime(2027, 1, 31), "gold", 3])
    sheet.append(["X2", "zh", None, "silver", 1.0])
    buffer = io.BytesIO()
    book.save(buffer)
    report = upload(session, version, buffer.getvalue(), "list.xlsx")
    assert report.ok, report.problems
    x1, x2 = session.scalars(select(Invitation).order_by(Invitation.customer_ref)).all()
    assert x1.segment == {"tier": "gold", "growth_potential": "3"}
    # A date without a time is the start of that day where the team works (Asia/Shanghai by default).
    assert x1.expires_at.replace(tzinfo=UTC) == datetime(2027, 1, 31, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (x2.language, x2.segment["growth_potential"]) == ("zh_CN", "1")


def test_row_errors_are_all_reported_and_nothing_is_imported(session, version) -> None:
    data = csv_bytes(
        "customer_ref,language,email,expires_at,region\n"
        "C1,zh_CN,ok@example.com,2026-12-31,east\n"   # row 2 fine
        "C2,fr,,,west\n"                               # row 3 bad language
        "C3,en,not-an-email,,west\n"                   # row 4 bad e-mail
        "C4,en,,31/12/2026,west\n"                     # row 5 bad date
        "C1,en,,,west\n"                               # row 6 duplicate customer_ref
        ",en,,,west\n"                                 # row 7 missing customer_ref
        "C7,en,,2020-01-01,west\n")                    # row 8 expiry in the past
    report = upload(session, version, data)
    assert not report.ok and report.created == 0
    found = {(p.row, p.column, p.rule) for p in report.problems}
    assert found == {(3, "language", "language"), (4, "email", "email"), (5, "expires_at", "date"),
                     (6, "customer_ref", "duplicate"), (7, "customer_ref", "required"),
                     (8, "expires_at", "past")}
    duplicate = next(p for p in report.problems if p.rule == "duplicate")
    assert duplicate.message("en") == "Appears twice in the file (first on row 2)."
    assert "第 2 行" in duplicate.message("zh_CN")
    assert report.as_dict()["problems"][0]["value"] == "fr"
    assert count(session) == 0


def test_missing_required_column(session, version) -> None:
    report = upload(session, version, csv_bytes("customer_ref,email\nC1,a@example.com\n"))
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(1, "language", "missing_column")]
    assert count(session) == 0


@pytest.mark.parametrize(
    ("filename", "data", "rule"),
    [
        # UTF-16 with its byte-order mark is read (test_upload_tables); without it, it is text full of NULs.
        ("list.csv", "customer_ref,language\nC1,en\n".encode("utf-16-le"), "nul"),
        ("list.xlsx", b"this is not a workbook at all", "unreadable"),
        ("list.pdf", b"%PDF-1.4", "format"),
        ("list.csv", b"", "empty"),
        ("list.csv", b"customer_ref,language\n" + b"C1,en\n" * 5000, "too_large"),
    ],
    ids=["utf16-without-bom", "junk-xlsx", "pdf", "empty", "oversized"],
)
def test_unusable_files_are_rejected_with_a_clear_rule(session, version, filename, data, rule) -> None:
    report = upload(session, version, data, filename, max_bytes=20_000)
    assert [p.rule for p in report.problems] == [rule]
    assert report.problems[0].row == 0
    assert report.problems[0].message("en") and report.problems[0].message("zh_CN")
    assert count(session) == 0


def test_customer_with_an_open_invitation_is_not_invited_twice(session, version) -> None:
    assert upload(session, version, csv_bytes("customer_ref,language\nC1,en\n")).ok
    session.commit()
    report = upload(session, version, csv_bytes("customer_ref,language\nC2,en\nC1,en\n"))
    assert [(p.row, p.rule) for p in report.problems] == [(3, "already_invited")]
    assert count(session) == 1


def test_unpublished_questionnaire_is_refused(session) -> None:
    draft = create_questionnaire(session, acsi_standard())
    with pytest.raises(LookupError):
        import_invitations(session, draft.questionnaire_id, "a.csv", b"customer_ref,language\nC,en\n")


def test_one_response_per_token_is_enforced_by_the_database(session, version) -> None:
    assert upload(session, version, csv_bytes("customer_ref,language\nC1,en\n")).ok
    invitation = session.scalars(select(Invitation)).one()
    session.add(Response(version_id=version.id, invitation_id=invitation.id, resume_token="r1"))
    session.commit()
    session.add(Response(version_id=version.id, invitation_id=invitation.id, resume_token="r2"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_header_problems_are_reported(session, version) -> None:
    data = csv_bytes("customer_ref,language,Region,region,9lives\nC1,en,a,b,c\n")
    report = upload(session, version, data)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [
        (1, "region", "duplicate_column"), (1, "9lives", "column_name")]
    assert count(session) == 0


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_csv_saved_by_chinese_excel_is_read(session, version, encoding) -> None:
    """Chinese Excel's "CSV (逗号分隔)" is GBK: read as GB18030, its superset, after UTF-8 fails."""
    report = upload(session, version, "customer_ref,language,region\nC1,zh_CN,华东\nC2,en,华南\n".encode(encoding))
    assert report.ok and report.created == 2 and count(session) == 2
    regions = sorted(i.segment["region"] for i in session.scalars(select(Invitation)))
    assert regions == ["华东", "华南"]


def test_binary_junk_named_csv_is_refused(session, version) -> None:
    report = upload(session, version, bytes(range(256)) * 4)
    assert [p.rule for p in report.problems] == ["encoding"]
    assert "UTF-8" in report.problems[0].message("en")
