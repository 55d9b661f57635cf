"""A minimal streaming XLSX writer: sheets of values written row by row into a ZIP file.

openpyxl's write-only workbook keeps memory flat but builds a cell object per value and managed
about 1,700 rows of 28 columns per second here (a million responses: ten minutes). This writer
produces the same SpreadsheetML directly — inline strings, numbers, and dates with one date
style — at many times that rate, still one row in memory at a time. Files open in Excel,
LibreOffice and openpyxl (tests read them back with openpyxl).

Text cells are inline strings, so a value starting with ``=`` is text and never a formula;
characters XML 1.0 cannot hold are dropped; a carriage return is kept as ``&#13;``; a cell keeps
at most 32,767 characters (Excel's limit). Past 1,048,575 data rows a new sheet continues
(``responses_2``…) with the header repeated.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Any

MAX_DATA_ROWS = 1_048_575
MAX_CELL_CHARS = 32_767
EXCEL_EPOCH = datetime(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_START = (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>').encode()
_SHEET_END = b"</sheetData></worksheet>"
_STYLES = (f'{_XML}<styleSheet xmlns="{_MAIN}">'
           '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
           '</cellStyles></styleSheet>')


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA' …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(702)]  # A … ZZ; more are made on demand


def _text(reference: str, value: str) -> str:
    value = _ILLEGAL.sub("", value)[:MAX_CELL_CHARS]
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def row_xml(number: int, values: Iterable[Any]) -> str:
    """One ``<row>``: None (and NaN, infinity) → no cell, int/float → number, datetime → styled
    serial date, anything else → inline string. Every cell carries its reference (``C7``)."""
    cells = []
    for index, value in enumerate(values):
        if value is None:
            continue
        kind = value.__class__
        reference = f"{_LETTERS[index] if index < 702 else column_letter(index)}{number}"
        if kind is int or kind is float:
            if value == value and abs(value) != float("inf"):
                cells.append(f'<c r="{reference}"><v>{value!r}</v></c>')
        elif kind is datetime:
            serial = (value - EXCEL_EPOCH).total_seconds() / 86400
            cells.append(f'<c r="{reference}" s="1"><v>{serial!r}</v></c>')
        else:
            cells.append(_text(reference, value if kind is str else str(value)))
    return f'<row r="{number}">{"".join(cells)}</row>'


class XlsxWriter:
    """Write sheets one after another: ``start_sheet(name)``, ``append(values)`` …, ``close()``."""

    def __init__(self, file: str | IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []
        self._stream: IO[bytes] | None = None
        self._row = 0
        self._buffer: list[str] = []

    def start_sheet(self, name: str) -> None:
        self._end_sheet()
        self._sheets.append(name)
        self._stream = self._zip.open(f"xl/worksheets/sheet{len(self._sheets)}.xml", "w", force_zip64=True)
        self._stream.write(_SHEET_START)
        self._row = 0

    @property
    def rows_on_sheet(self) -> int:
        return self._row

    def append(self, values: Sequence[Any]) -> None:
        self._row += 1
        self._buffer.append(row_xml(self._row, values))
        if len(self._buffer) >= 1000:
            self._flush()

    def _flush(self) -> None:
        if self._buffer and self._stream is not None:
            self._stream.write("".join(self._buffer).encode("utf-8"))
        self._buffer = []

    def _end_sheet(self) -> None:
        if self._stream is not None:
            self._flush()
            self._stream.write(_SHEET_END)
            self._stream.close()
            self._stream = None

    def close(self) -> None:
        """Finish the last sheet and write the workbook parts."""
        self._end_sheet()
        sheets = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self._sheets, start=1))
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self._sheets) + 1))
        styles_id = len(self._sheets) + 1
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(self._sheets) + 1))
        parts = {
            "[Content_Types].xml": (
                f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'),
            "_rels/.rels": (
                f'{_XML}<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1" '
                f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            "xl/workbook.xml": (
                f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'),
            "xl/_rels/workbook.xml.rels": (
                f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">{relations}<Relationship '
                f'Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
            "xl/styles.xml": _STYLES,
        }
        for name, content in parts.items():
            self._zip.writestr(name, content)
        self._zip.close()
