"""Reading uploaded tables and the value rules shared by invitations and complaint cases."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey.services.upload_tables import (
    RowProblem, UploadError, check_columns, normalise_language, parse_datetime, read_table, segment_of,
)


def test_read_table_strict_utf8() -> None:
    with pytest.raises(UploadError) as caught:
        read_table("a.csv", "a,b\n\xe9,1\n".encode("latin-1"))
    assert caught.value.problem.rule == "encoding"


def test_read_table_normalises_columns_and_cells() -> None:
    table = read_table("people.csv", "\ufeffCustomer Ref, Region \nC1 , east\n".encode())
    assert table.columns == ("customer_ref", "region")
    assert table.rows == ((2, {"customer_ref": "C1", "region": "east"}),)  # row 2: below the header
    assert check_columns(table, ["customer_ref", "language"])[0].rule == "missing_column"


@pytest.mark.parametrize("value, expected", [
    ("zh", "zh_CN"), ("zh-CN", "zh_CN"), ("中文", "zh_CN"), ("EN-us", "en"), ("fr", None), ("", None)])
def test_languages(value, expected) -> None:
    assert normalise_language(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("2026-06-01", datetime(2026, 6, 1, tzinfo=UTC)),
    ("2026-06-01 08:30", datetime(2026, 6, 1, 8, 30, tzinfo=UTC)),
    ("2026-06-01T10:30:00+02:00", datetime(2026, 6, 1, 8, 30, tzinfo=UTC)),
    ("01/06/2026", None), ("2026-13-01", None), ("soon", None)])
def test_datetimes(value, expected) -> None:
    assert parse_datetime(value) == expected


def test_segment_columns_are_every_other_non_empty_cell() -> None:
    problems: list[RowProblem] = []
    row = {"customer_ref": "C1", "region": "east", "tier": "", "note": "x" * 201}
    assert segment_of(row, ["customer_ref"], 2, problems) == {"region": "east", "note": "x" * 201}
    assert [(p.row, p.column, p.rule) for p in problems] == [(2, "note", "too_long")]
