"""The one ZIP guard every uploaded workbook passes before a reader opens it."""
from __future__ import annotations

import io
import zipfile

import pytest

import zip_archives
from survey.services.zip_guard import ArchiveRejected, ZipLimits, check_archive


def _rejected(data: bytes, limits: ZipLimits = ZipLimits()) -> ArchiveRejected:
    with pytest.raises(ArchiveRejected) as caught:
        check_archive(data, limits)
    return caught.value


def test_a_real_workbook_passes() -> None:
    check_archive(zip_archives.workbook([["customer_ref", "language"], ["C1", "en"]]))


def test_a_600_mb_bomb_is_refused_by_its_declared_size() -> None:
    bomb = zip_archives.bomb(600)
    assert len(bomb) < 1024 * 1024
    error = _rejected(bomb)
    assert (error.rule, error.member, error.limit) == (
        "member_size", "xl/worksheets/sheet1.xml", 100 * 1024 * 1024)
    assert "at most 104,857,600 are allowed" in str(error)


def test_total_size_ratio_and_member_count() -> None:
    small = ZipLimits(max_total_bytes=3 * 1024 * 1024, max_member_bytes=10 * 1024 * 1024,
                      max_ratio=10_000)
    error = _rejected(zip_archives.bomb(4), small)
    assert (error.rule, error.limit) == ("total_size", 3 * 1024 * 1024)
    error = _rejected(zip_archives.bomb(2))
    assert (error.rule, error.limit) == ("ratio", 100) and error.actual > 100
    many = zip_archives.rezip({f"part{i}.xml": b"<x/>" for i in range(12)})
    error = _rejected(many, ZipLimits(max_members=10))
    assert (error.rule, error.limit, error.actual) == ("members", 10, 12)


def test_a_member_that_inflates_past_its_declared_size_is_refused() -> None:
    error = _rejected(zip_archives.understated(declared=1000, actual=2 * 1024 * 1024))
    assert (error.rule, error.limit) == ("overrun", 1000)
    assert error.actual == 1001  # the stream stops one byte past the declared size
    assert "more than the 1,000 bytes it declares" in str(error)


def test_damaged_and_foreign_archives() -> None:
    assert _rejected(b"not a zip at all").rule == "not_zip"
    good = bytearray(zip_archives.rezip({"a.xml": b"<a>" + b"x" * 5000 + b"</a>"}))
    start = good.index(b"PK\x03\x04") + 30 + len("a.xml")
    good[start + 5] ^= 0xFF  # flip a bit inside the deflate data
    assert _rejected(bytes(good)).rule == "damaged"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("a.xml", b"<a/>")
    assert _rejected(buffer.getvalue()).rule == "method"


def test_an_archive_needing_an_unknown_zip_version_is_refused() -> None:
    """zipfile raises NotImplementedError for a central directory entry that needs a ZIP version
    it lacks (found by mutating workbooks); the guard turns it into a refusal."""
    data = bytearray(zip_archives.rezip({"a.xml": b"<a/>"}))
    entry = data.index(b"PK\x01\x02")
    data[entry + 6:entry + 8] = (79).to_bytes(2, "little")  # version needed to extract: 7.9
    error = _rejected(bytes(data))
    assert error.rule == "not_zip" and "zip file version 7.9" in str(error)
