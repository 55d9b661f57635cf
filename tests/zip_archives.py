"""Hostile .xlsx archives for upload tests, built in memory in well under a second.

A decompression bomb is written as a ZIP by hand: its big member is ``count`` copies of one
deflate block (``zlib.Z_FULL_FLUSH`` resets the compressor, so every copy is identical and the
600 MB of padding is never materialised), with the sizes and CRC the member really has.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from openpyxl import Workbook

MB = 1024 * 1024


def workbook(rows: list[list[object]]) -> bytes:
    """A real .xlsx with ``rows`` on its first sheet."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    """An archive of ``parts`` written by zipfile (honest sizes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def declared_huge(data: bytes, extra_rows: str = "") -> bytes:
    """``data`` with its first sheet claiming the whole grid (A1:XFD1048576) and ``extra_rows``
    (sheet XML) appended to its data."""
    parts = members(data)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", extra_rows + "</sheetData>").encode()
    return rezip(parts)


def truncated_sheet(data: bytes) -> bytes:
    """``data`` with its first sheet's XML cut in half (the archive itself stays valid)."""
    parts = members(data)
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[:len(sheet) // 2]
    return rezip(parts)


def _deflated(head: bytes, filler: bytes, count: int, tail: bytes) -> tuple[bytes, int, int]:
    """``head + filler * count + tail`` deflated, with its size and CRC, without building it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(filler, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * count + last, len(head) + len(filler) * count + len(tail), crc


def _archive(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP of ``(name, deflated bytes, declared size, crc, method)`` entries, sizes as given."""
    out, directory = bytearray(), bytearray()
    for name, packed, size, crc, method in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc,
                           len(packed), size, len(encoded), 0) + encoded + packed
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0,
                                 0x21, crc, len(packed), size, len(encoded), 0, 0, 0, 0, 0,
                                 offset) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(directory), len(out), 0)
    return bytes(out + directory + end)


def _honest(parts: dict[str, bytes]) -> list[tuple[str, bytes, int, int, int]]:
    entries = []
    for name, body in parts.items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        entries.append((name, compressor.compress(body) + compressor.flush(), len(body),
                        zlib.crc32(body), zipfile.ZIP_DEFLATED))
    return entries


def bomb(unpacked_mb: int = 600) -> bytes:
    """A real workbook whose sheet XML is padded with ``unpacked_mb`` MB of blanks between its
    elements (valid XML that openpyxl would parse to the end), packed to well under 1 MB."""
    parts = members(workbook([["customer_ref", "language"], ["C1", "en"]]))
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    cut = sheet.index(b"<sheetData>")
    packed, size, crc = _deflated(sheet[:cut], b" " * MB, unpacked_mb, sheet[cut:])
    return _archive(_honest(parts) + [("xl/worksheets/sheet1.xml", packed, size, crc,
                                       zipfile.ZIP_DEFLATED)])


def understated(declared: int = 1000, actual: int = 2 * MB) -> bytes:
    """An archive whose only member declares ``declared`` bytes but inflates to ``actual``."""
    packed, _size, crc = _deflated(b"", b"\0" * actual, 1, b"")
    return _archive([("xl/worksheets/sheet1.xml", packed, declared, crc, zipfile.ZIP_DEFLATED)])
