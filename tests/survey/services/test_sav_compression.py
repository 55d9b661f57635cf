"""SPSS bytecode compression, against hand-computed bytes (pyreadstat reads whole exports back in
test_exports.py)."""
from __future__ import annotations

import random
import struct
import sys

import pytest

from survey.services.sav_compression import BytecodeCompressor

SYSMIS = -sys.float_info.max


def case(*slots) -> bytes:
    return b"".join(struct.pack("<d", s) if isinstance(s, float) else s.ljust(8, b" ") for s in slots)


def test_one_block_by_hand() -> None:
    compressor = BytecodeCompressor([True, True, False], SYSMIS)
    data = compressor.feed(case(7.0, 2.5, b"ab") + case(SYSMIS, -99.0, b""))
    assert data == b""  # 6 commands: no full block yet
    # 7 -> 107, 2.5 -> raw, "ab" -> raw, sysmis -> 255, -99 -> 1, spaces -> 254, then padding.
    assert compressor.finish() == (bytes([107, 253, 253, 255, 1, 254, 0, 0])
                                   + struct.pack("<d", 2.5) + b"ab      ")
    assert compressor.finish() == b""


def test_range_limits_and_blocks_run_on_across_cases() -> None:
    compressor = BytecodeCompressor([True] * 3, SYSMIS)
    out = compressor.feed(case(-99.0, 151.0, -100.0) + case(152.0, 0.5, 0.0) + case(1e9, -0.0, float("nan")))
    raw = [struct.pack("<d", v) for v in (-100.0, 152.0, 0.5)]
    assert out == bytes([1, 251, 253, 253, 253, 100, 253, 100]) + b"".join(raw) + struct.pack("<d", 1e9)
    tail = compressor.finish()
    assert tail[:8] == bytes([253, 0, 0, 0, 0, 0, 0, 0]) and len(tail) == 16  # NaN kept raw


def test_chunks_give_the_same_stream_as_one_piece() -> None:
    rng = random.Random(7)
    kinds = [True, False, True, True, False]
    cases = [case(*[float(rng.choice([rng.randint(-120, 170), rng.random(), SYSMIS])) if k
                    else rng.choice([b"", b"x", b"hello"]) for k in kinds]) for _ in range(101)]
    whole = BytecodeCompressor(kinds, SYSMIS)
    expected = whole.feed(b"".join(cases)) + whole.finish()
    pieces = BytecodeCompressor(kinds, SYSMIS)
    got = b"".join(pieces.feed(b"".join(cases[i:i + 7])) for i in range(0, len(cases), 7)) + pieces.finish()
    assert got == expected


def test_partial_cases_are_refused() -> None:
    with pytest.raises(ValueError, match="not whole cases of 2 slots"):
        BytecodeCompressor([True, True], SYSMIS).feed(case(1.0))
