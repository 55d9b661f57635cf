"""The committed XLSForm fixtures are exactly the forms defined in tests/xlsform_forms.py: written
here, nothing else lies in their folder, and each workbook holds its definition cell for cell."""
from pathlib import Path

import openpyxl
import pytest
import xlrd

from xlsform_forms import FOLDER, FORMS


def read_sheets(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's rows, blank cells as '' and trailing blank cells dropped."""
    if path.suffix == ".xls":
        book = xlrd.open_workbook(str(path))
        sheets = {sheet.name: [sheet.row_values(r) for r in range(sheet.nrows)]
                  for sheet in book.sheets()}
    else:
        book = openpyxl.load_workbook(path)
        sheets = {sheet.title: [["" if v is None else v for v in row]
                                for row in sheet.iter_rows(values_only=True)]
                  for sheet in book.worksheets}
    return {title: [trimmed(row) for row in rows] for title, rows in sheets.items()}


def trimmed(row: list[object]) -> list[object]:
    row = list(row)
    while row and row[-1] == "":
        row.pop()
    return row


def test_the_fixture_folder_holds_only_the_defined_forms():
    committed = sorted(str(path.relative_to(FOLDER)) for path in FOLDER.rglob("*") if path.is_file())
    assert committed == sorted(FORMS)


@pytest.mark.parametrize("relative", sorted(FORMS))
def test_each_fixture_holds_its_definition(relative):
    expected = {title: [trimmed(row) for row in rows] for title, rows in FORMS[relative].items()}
    assert read_sheets(FOLDER / relative) == expected
