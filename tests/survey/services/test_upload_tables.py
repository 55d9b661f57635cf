"""Reading uploaded tables and the value rules shared by invitations and complaint cases."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

import zip_archives

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


# --- hostile files (issue 13: items 3, 4 and 8) ------------------------------------------------

def _refused(name: str, data: bytes, **options) -> RowProblem:
    with pytest.raises(UploadError) as caught:
        read_table(name, data, **options)
    return caught.value.problem


def test_a_600_mb_xlsx_bomb_is_refused_before_openpyxl_unpacks_it() -> None:
    problem = _refused("bomb.xlsx", zip_archives.bomb(600), known_columns=("customer_ref", "language"))
    assert (problem.rule, problem.column) == ("zip_size", "xl/worksheets/sheet1.xml")
    assert problem.message("en") == ("The .xlsx unpacks to more than 104857600 bytes "
                                     "(decompression-bomb guard).")
    assert "压缩炸弹" in problem.message("zh_CN")


def test_a_highly_compressed_sheet_is_refused_by_its_ratio() -> None:
    problem = _refused("dense.xlsx", zip_archives.bomb(3))
    assert problem.rule == "zip_ratio" and dict(problem.params)["limit"] == "100"


def test_a_member_bigger_than_it_declares_is_refused() -> None:
    problem = _refused("forged.xlsx", zip_archives.understated())
    assert problem.rule == "zip_overrun"


def test_a_cut_off_sheet_is_an_unreadable_file() -> None:
    rows = [["customer_ref", "language"]] + [[f"C{i}", "en"] for i in range(200)]
    problem = _refused("cut.xlsx", zip_archives.truncated_sheet(zip_archives.workbook(rows)))
    assert (problem.row, problem.rule) == (0, "unreadable")
    assert "the first sheet is damaged" in problem.message("en")
    assert problem.message("zh_CN").startswith("无法读取该文件")


def test_too_many_segment_columns_are_refused_on_the_header() -> None:
    known = ("customer_ref", "language", "email", "expires_at")
    header = ",".join([*known, *(f"attr{i}" for i in range(200_000))])
    data = (header + "\n" + "C1,en" + "," * 200_002 + "\n").encode()
    assert len(data) > 1_900_000
    problem = _refused("wide.csv", data, known_columns=known, max_segment_columns=30)
    assert (problem.row, problem.rule) == (1, "too_many_columns")
    assert dict(problem.params) == {"count": "200004", "limit": "30",
                                    "known": "customer_ref, language, email, expires_at"}
    assert problem.message("en").startswith("Too many columns: the file has 200004;")
    # Known columns do not count; 30 segment columns are fine, 31 are not (also in an .xlsx).
    ok = read_table("ok.csv", (",".join([*known, *(f"s{i}" for i in range(30))]) + "\nC1\n").encode(),
                    known_columns=known, max_segment_columns=30)
    assert len(ok.columns) == 34
    wide = zip_archives.workbook([[*known, *(f"s{i}" for i in range(31))], ["C1", "en"]])
    assert _refused("wide.xlsx", wide, known_columns=known, max_segment_columns=30).rule == "too_many_columns"


def test_a_header_is_refused_before_the_rows_are_read() -> None:
    # Row 3 breaks the CSV dialect; a header with too many columns is reported first.
    data = ("a,b,c\n1,2,3\n" + "x" * 200_000 + "\n").encode()
    assert _refused("x.csv", data, max_segment_columns=2).rule == "too_many_columns"
    assert _refused("x.csv", data, max_segment_columns=3).rule == "unreadable"


def test_a_csv_with_nul_is_refused() -> None:
    assert _refused("nul.csv", b"customer_ref,language\nC\x001,en\n").rule == "nul"


def test_a_sheet_claiming_the_whole_grid_is_read_as_wide_as_its_header() -> None:
    """A 6 KB workbook declaring A1:XFD1048576 once took minutes (every row padded to 16,384
    cells, a million rows added); rows are now cut to the header and the lines are capped."""
    book = zip_archives.workbook([["customer_ref", "language"], ["C1", "en"]])
    far_cell = '<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
    table = read_table("wide.xlsx", zip_archives.declared_huge(book, far_cell))
    assert table.rows == ((2, {"customer_ref": "C1", "language": "en"}),)
    far_row = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    problem = _refused("tall.xlsx", zip_archives.declared_huge(book, far_row))
    assert (problem.rule, dict(problem.params)["limit"]) == ("too_many_rows", "50000")


@pytest.mark.parametrize("text, encoding", [
    ("customer_ref,region\nC1,华东\n", "utf-8"),
    ("customer_ref;region\nC1;华东\n", "utf-8-sig"),           # German/French Excel: semicolons
    ("customer_ref\tregion\nC1\t华东\n", "utf-16"),             # Excel "Unicode text": UTF-16 + tabs
    ("customer_ref\tregion\nC1\t华东\n", "utf-16-be"),
    ("customer_ref;region\nC1;华东\n", "gbk"),
    ('"a;b",region,x\nC1,"华东;南",y\n', "utf-8"),              # separators inside quotes do not count
])
def test_encodings_and_separators_people_save_with(text, encoding) -> None:
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    table = read_table("list.csv", data)
    assert table.rows[0][1]["region"] in ("华东", "华东;南")
    assert len(table.columns) in (2, 3)


def test_a_broken_utf16_file_names_its_byte() -> None:
    with pytest.raises(UploadError) as caught:
        read_table("list.csv", b"\xff\xfe" + "a,b\n".encode("utf-16-le") + b"\x00\xd8")
    assert caught.value.problem.rule == "encoding"
