"""SPSS .sav export with variable and value labels, written with memory that does not grow with
the number of responses.

pyreadstat (ReadStat) writes a .sav file only from a whole pandas DataFrame — it has no append
or chunked mode — so 1,000,000 responses would have to sit in memory at once. Instead:

1. the longest value of each text column is measured in the database (one aggregate query), so
   every string variable gets its final byte width before any row is written;
2. pyreadstat writes the *dictionary* — names, types, widths, formats, variable labels, value
   labels, the user-missing code for "don't know", UTF-8 encoding — from a one-row template
   DataFrame, uncompressed;
3. the template row is cut off the end of that file (after checking that our encoder produces
   byte for byte the row ReadStat wrote, so a layout difference fails loudly), then the
   responses are streamed from the database, encoded in the same layout (8-byte slots:
   little-endian doubles, space-padded strings, very long strings in 255-byte segments),
   bytecode-compressed (:mod:`survey.services.sav_compression`) and appended; the compression
   flag and the case count in the header are patched at the end.

Values in the file: choices are numbers with value labels (the code itself when every choice
code is a small whole number, else the position 1…k); a multiple-choice question is one 0/1
variable per choice; "don't know" is 99, declared user-missing and labelled; times are SPSS
DATETIME (UTC), dates SPSS DATE; text keeps every byte (UTF-8, CJK intact). A value that does not
fit its variable (a text where a number is expected, an unknown choice code) is system-missing.
Limits of the format: variable labels are cut to 255 bytes and value labels to 120 bytes.
Whole-number answers take one byte each in the file.
"""
from __future__ import annotations

import math
import os
import struct
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import pyreadstat
from sqlalchemy import Engine

from survey.questionnaire.document import DONT_KNOW
from survey.services.export_columns import DONT_KNOW_CODE, Column
from survey.services.export_rows import RowReader, stream_rows, text_byte_widths, utc_naive
from survey.services.exports import PreparedExport
from survey.services.sav_compression import BIAS, BytecodeCompressor

SYSMIS = -sys.float_info.max
SPSS_EPOCH = datetime(1582, 10, 14)
DICTIONARY_END = struct.pack("<ii", 999, 0)
HEADER_COMPRESSION_OFFSET = 72
HEADER_CASES_OFFSET = 80
HEADER_BIAS_OFFSET = 84
META_TEXT_WIDTH = 8
VARIABLE_LABEL_BYTES = 255
VALUE_LABEL_BYTES = 120
_TEMPLATE_TIME = datetime(2000, 1, 1, 12, 0, 0)
_TEMPLATE_DATE = date(2000, 1, 1)
_MEASURES = {"choice": "nominal", "flag": "nominal", "text": "nominal", "number": "scale",
             "integer": "scale", "datetime": "scale", "date": "scale"}
_FORMATS = {"datetime": "DATETIME20", "date": "DATE11", "integer": "F10.0", "choice": "F8.0",
            "flag": "F1.0"}


class SavLayoutError(RuntimeError):
    """ReadStat wrote a layout this writer does not reproduce (would corrupt the file)."""


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


# --- string layout ----------------------------------------------------------------------------

def string_segments(width: int) -> list[int]:
    """The byte sizes of the slots a string of ``width`` bytes occupies in a case: one slot
    group rounded up to 8 bytes, or for a very long string (> 255) segments of 256 bytes and a
    last one for the rest (SPSS splits at 252 bytes per segment for the count)."""
    if width <= 255:
        return [8 * math.ceil(width / 8)]
    count = math.ceil(width / 252)
    return [256] * (count - 1) + [8 * math.ceil((width - 252 * (count - 1)) / 8)]


def _string_encoder(width: int) -> Callable[[Any], bytes]:
    segments = string_segments(width)
    total = sum(segments)
    if len(segments) == 1:
        def short(value: Any) -> bytes:
            data = _bytes(value, width)
            return data + b" " * (total - len(data))
        return short

    def long(value: Any) -> bytes:
        data = _bytes(value, width)
        parts = []
        for index, size in enumerate(segments):
            piece = data[255 * index:255 * index + min(255, size)]
            parts.append(piece + b" " * (size - len(piece)))
        return b"".join(parts)
    return long


def _bytes(value: Any, width: int) -> bytes:
    if value is None:
        return b""
    data = (value if isinstance(value, str) else str(value)).encode("utf-8")
    if len(data) > width:  # a response longer than measured (arrived during the export)
        data = data[:width].decode("utf-8", "ignore").encode("utf-8")
    return data


# --- numbers ----------------------------------------------------------------------------------

def _number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return SYSMIS


def _seconds(value: Any) -> float:
    if isinstance(value, datetime):
        return (utc_naive(value) - SPSS_EPOCH).total_seconds()
    if isinstance(value, date):
        return (datetime(value.year, value.month, value.day) - SPSS_EPOCH).total_seconds()
    if isinstance(value, str):
        try:
            return _seconds(date.fromisoformat(value[:10]))
        except ValueError:
            return SYSMIS
    return SYSMIS


def _numeric_encoder(column: Column) -> Callable[[Any], float]:
    if column.kind == "datetime":
        return lambda value: _seconds(utc_naive(value))
    if column.kind == "date":
        return _seconds
    if column.kind == "choice":
        codes = {code: float(number) for code, number in column.spss_codes}
        return lambda value: codes.get(value, SYSMIS) if isinstance(value, str) else SYSMIS
    if column.kind == "number" and column.dont_know:
        return lambda value: float(DONT_KNOW_CODE) if value == DONT_KNOW else _number(value)
    return _number


# --- dictionary -------------------------------------------------------------------------------

def _is_string(column: Column) -> bool:
    return column.kind == "text"


def _template_value(column: Column, width: int) -> Any:
    if _is_string(column):
        return "x" * width
    if column.kind == "datetime":
        return _TEMPLATE_TIME
    if column.kind == "date":
        return _TEMPLATE_DATE
    return 1.0


def _value_labels(column: Column) -> dict[float, str]:
    labels: dict[float, str] = {}
    codes = dict(column.spss_codes)
    for code, label in column.value_labels:
        if code == DONT_KNOW:
            number = float(DONT_KNOW_CODE)
        elif isinstance(code, str):
            if code not in codes:
                continue
            number = float(codes[code])
        else:
            number = float(code)
        labels[number] = _cut(label, VALUE_LABEL_BYTES)
    return labels


def _write_dictionary(path: str | os.PathLike[str], export: PreparedExport,
                      widths: dict[str, int]) -> list[Any]:
    """Write the dictionary plus one template row with pyreadstat; return the template row."""
    columns = export.plan.columns
    template = [_template_value(c, widths.get(c.name, 1)) for c in columns]
    frame = pd.DataFrame({c.name: [value] for c, value in zip(columns, template)})
    for column in columns:
        if column.kind == "datetime":
            frame[column.name] = pd.to_datetime(frame[column.name])
    value_labels = {c.name: labels for c in columns if (labels := _value_labels(c))}
    pyreadstat.write_sav(
        frame, os.fspath(path),
        column_labels=[_cut(c.label, VARIABLE_LABEL_BYTES) for c in columns],
        variable_value_labels=value_labels,
        missing_ranges={c.name: [float(DONT_KNOW_CODE)] for c in columns if c.dont_know},
        variable_format={c.name: _FORMATS[c.kind] for c in columns if c.kind in _FORMATS},
        variable_measure={c.name: _MEASURES[c.kind] for c in columns},
    )
    return template


# --- writer -----------------------------------------------------------------------------------

def _row_encoders(export: PreparedExport, widths: dict[str, int]) -> tuple[
        Callable[[list[Any]], bytes], Callable[[list[Any]], bytes], int, list[bool]]:
    """Two functions giving the bytes of one case — from stored values, and from the template
    row's values — the case size in bytes, and which of its 8-byte slots hold numbers."""
    parts: list[str] = []
    numeric_slots: list[bool] = []
    encoders: list[Callable[[Any], Any]] = []
    template_encoders: list[Callable[[Any], Any]] = []
    for column in export.plan.columns:
        if _is_string(column):
            width = widths.get(column.name, 1)
            parts.append(f"{sum(string_segments(width))}s")
            numeric_slots += [False] * (sum(string_segments(width)) // 8)
            encoders.append(_string_encoder(width))
            template_encoders.append(encoders[-1])
        else:
            parts.append("d")
            numeric_slots.append(True)
            encoders.append(_numeric_encoder(column))
            template_encoders.append(_seconds if column.kind in ("datetime", "date") else float)
    packer = struct.Struct("<" + "".join(parts))
    pairs = list(enumerate(encoders))
    template_pairs = list(enumerate(template_encoders))

    def encode(values: list[Any]) -> bytes:
        return packer.pack(*[encoder(values[i]) for i, encoder in pairs])

    def encode_template(values: list[Any]) -> bytes:
        return packer.pack(*[encoder(values[i]) for i, encoder in template_pairs])
    return encode, encode_template, packer.size, numeric_slots


def _meta_widths(export: PreparedExport) -> dict[str, int]:
    return {c.name: META_TEXT_WIDTH for c in export.plan.columns if c.source == "meta" and c.kind == "text"}


def write_sav(engine: Engine, export: PreparedExport, path: str | os.PathLike[str],
              progress: Callable[[int], None] | None = None) -> int:
    """Write the .sav file to ``path``; return the number of responses written (reported to
    ``progress`` after each chunk of rows).

    Raises :class:`SavLayoutError` if ReadStat's layout differs from this writer's.
    """
    widths = text_byte_widths(engine, export.selection, export.plan.columns)
    widths.update(_meta_widths(export))
    template = _write_dictionary(path, export, widths)
    encode, encode_template, case_size, numeric_slots = _row_encoders(export, widths)
    reader = RowReader(export.plan.columns, export.selection)
    with open(path, "r+b") as handle:
        handle.seek(0, os.SEEK_END)
        dictionary_end = handle.tell() - case_size
        handle.seek(dictionary_end - len(DICTIONARY_END))
        marker = handle.read(len(DICTIONARY_END))
        written_row = handle.read()
        handle.seek(64)
        layout, slots, compression = struct.unpack("<iii", handle.read(12))
        handle.seek(HEADER_BIAS_OFFSET)
        (bias,) = struct.unpack("<d", handle.read(8))
        if (marker != DICTIONARY_END or layout != 2 or compression != 0 or slots * 8 != case_size
                or bias != BIAS
                or written_row != encode_template(template)):
            raise SavLayoutError("the .sav layout written by ReadStat differs from ours; "
                                 "refusing to append rows")
        handle.seek(dictionary_end)
        handle.truncate()
        compressor = BytecodeCompressor(numeric_slots, SYSMIS)
        count = 0
        for rows in stream_rows(engine, export.selection):
            handle.write(compressor.feed(b"".join(encode(reader.values(row)) for row in rows)))
            count += len(rows)
            if progress is not None:
                progress(count)
        handle.write(compressor.finish())
        handle.seek(HEADER_COMPRESSION_OFFSET)
        handle.write(struct.pack("<i", 1))  # bytecode-compressed; the bias in the header is 100
        handle.seek(HEADER_CASES_OFFSET)
        handle.write(struct.pack("<i", count))
    return count
