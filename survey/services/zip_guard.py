"""The one check an uploaded ZIP archive (an .xlsx workbook) passes before any reader opens it.

An .xlsx file is a ZIP archive whose members are XML. A hostile one (a "decompression bomb")
declares or hides hundreds of megabytes behind a few hundred kilobytes, and openpyxl or pyxform
would spend seconds and hundreds of MB unpacking it. :func:`check_archive` refuses, before any
reader sees the file:

* more than ``max_members`` members;
* a member that declares more than ``max_member_bytes`` unpacked bytes, or all members together
  more than ``max_total_bytes``;
* a member larger than ``ratio_floor_bytes`` that unpacks to more than ``max_ratio`` times its
  packed size;
* a member whose data, streamed through zlib with a cap, yields more than it declares, or
  fails its CRC (damaged); encrypted members and compression methods other than stored/deflate.

The stream never produces more than ``declared + 1`` bytes of any member, so the whole check
costs at most ``max_total_bytes`` of decompression and a 64 KB buffer. Pure: standard library
only, no Flask, no SQL. Used by the invitation and complaint uploads
(``survey.services.upload_tables``) and the XLSForm import (``survey.questionnaire.xlsform``).
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal

Rule = Literal["not_zip", "damaged", "members", "member_size", "total_size", "ratio", "overrun",
               "method"]

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC = b"PK\x03\x04"
_ENCRYPTED = 0x1


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """How big an archive may unpack. Defaults fit a 5 MB workbook of 50,000 rows (which unpacks
    to about 25 MB at a ratio near 13)."""

    max_members: int = 1_000
    max_member_bytes: int = 100 * 1024 * 1024
    max_total_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100
    #: Members this small are never refused for their ratio (tiny XML parts compress oddly).
    ratio_floor_bytes: int = 1024 * 1024


class ArchiveRejected(ValueError):
    """The archive breaks ``rule``; ``limit`` is the rule's bound and ``actual`` what was found
    (both 0 for ``not_zip``, ``damaged`` and ``method``), ``member`` the member's name or ''."""

    def __init__(self, rule: Rule, message: str, *, limit: int = 0, actual: int = 0,
                 member: str = "") -> None:
        super().__init__(message)
        self.rule, self.limit, self.actual, self.member = rule, limit, actual, member


def check_archive(data: bytes, limits: ZipLimits = ZipLimits()) -> None:
    """Check the ZIP archive ``data`` against ``limits``; return None when a reader may open it.

    Raises :class:`ArchiveRejected` naming the rule, the limit and the offending member."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
            NotImplementedError) as error:  # NotImplementedError: "zip file version 7.9"
        raise ArchiveRejected("not_zip", f"not a ZIP archive ({error})") from None
    with archive:
        members = archive.infolist()
        _check_declared(members, limits)
        for member in members:
            _check_stream(data, member)


def _check_declared(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(members) > limits.max_members:
        raise ArchiveRejected("members", f"the archive has {len(members)} members; at most "
                              f"{limits.max_members} are allowed",
                              limit=limits.max_members, actual=len(members))
    total = 0
    for member in members:
        name, size = member.filename[:80], member.file_size
        if size > limits.max_member_bytes:
            raise ArchiveRejected("member_size", f"member {name!r} unpacks to {size:,} bytes; at "
                                  f"most {limits.max_member_bytes:,} are allowed",
                                  limit=limits.max_member_bytes, actual=size, member=name)
        ratio = size // max(member.compress_size, 1)
        if size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise ArchiveRejected("ratio", f"member {name!r} unpacks to {ratio} times its packed "
                                  f"size; at most {limits.max_ratio} times is allowed",
                                  limit=limits.max_ratio, actual=ratio, member=name)
        total += size
        if total > limits.max_total_bytes:
            raise ArchiveRejected("total_size", f"the archive unpacks to more than {total:,} "
                                  f"bytes; at most {limits.max_total_bytes:,} are allowed",
                                  limit=limits.max_total_bytes, actual=total, member=name)


def _packed_bytes(data: bytes, member: zipfile.ZipInfo) -> memoryview:
    """The member's compressed bytes, located through its local header."""
    start = member.header_offset
    header = data[start:start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
        raise ArchiveRejected("damaged", f"member {member.filename[:80]!r} has no local header",
                              member=member.filename[:80])
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    packed = memoryview(data)[begin:begin + member.compress_size]
    if len(packed) < member.compress_size:
        raise ArchiveRejected("damaged", f"member {member.filename[:80]!r} is cut off",
                              member=member.filename[:80])
    return packed


def _check_stream(data: bytes, member: zipfile.ZipInfo) -> None:
    """Unpack ``member`` in chunks, never past ``file_size + 1`` bytes; check length and CRC."""
    name, declared = member.filename[:80], member.file_size
    if member.flag_bits & _ENCRYPTED or member.compress_type not in (zipfile.ZIP_STORED,
                                                                      zipfile.ZIP_DEFLATED):
        raise ArchiveRejected("method", f"member {name!r} is encrypted or uses compression method "
                              f"{member.compress_type}; only stored and deflate are allowed",
                              member=name)
    packed = _packed_bytes(data, member)
    produced, crc = 0, 0
    if member.compress_type == zipfile.ZIP_STORED:
        produced, crc = len(packed), zlib.crc32(packed)
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pending: bytes | memoryview = packed
        try:
            while not inflater.eof and produced <= declared:
                before = len(pending)
                chunk = inflater.decompress(pending, min(_CHUNK, declared + 1 - produced))
                pending = inflater.unconsumed_tail
                if not chunk and len(pending) in (0, before):  # input used up or no progress
                    break
                produced += len(chunk)
                crc = zlib.crc32(chunk, crc)
        except zlib.error as error:
            raise ArchiveRejected("damaged", f"member {name!r} is damaged ({error})",
                                  member=name) from None
    if produced > declared:
        raise ArchiveRejected("overrun", f"member {name!r} unpacks to more than the {declared:,} "
                              "bytes it declares", limit=declared, actual=produced, member=name)
    if produced != declared or crc != member.CRC:
        raise ArchiveRejected("damaged", f"member {name!r} is damaged (its size or checksum does "
                              "not match)", member=name)
