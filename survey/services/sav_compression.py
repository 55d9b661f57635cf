"""SPSS "bytecode" row compression (bias 100), the compression every SPSS reader accepts.

A compressed data section is a stream of blocks: 8 command bytes, then the 8-byte slots of the
commands that carry data, in order. Commands: 1–251 a whole number (the code minus 100, so
−99…151), 253 the next uncompressed 8-byte slot follows, 254 a string slot of 8 spaces, 255
system-missing, 0 padding. Commands run on across cases; the last block is padded with 0.

:class:`BytecodeCompressor` turns uncompressed cases (as written by ``export_sav``) into that
stream, a chunk at a time and vectorised with numpy, so a million cases stay fast and memory
stays flat. Survey answers are mostly small whole numbers, which shrink from 8 bytes to 1.
"""
from __future__ import annotations

import numpy as np

BIAS = 100
PADDING, RAW, SPACES, SYSMIS_CODE = 0, 253, 254, 255
_SPACES = np.frombuffer(b" " * 8, dtype=np.uint8)


class BytecodeCompressor:
    """Compress whole cases; ``numeric[i]`` says whether 8-byte slot ``i`` of a case holds a
    double (else string bytes). ``sysmis`` is the system-missing value of the file."""

    def __init__(self, numeric: list[bool], sysmis: float) -> None:
        self._numeric = np.asarray(numeric, dtype=bool)
        self._sysmis = sysmis
        self._commands = np.empty(0, dtype=np.uint8)  # not yet in a full block
        self._slots = np.empty((0, 8), dtype=np.uint8)  # their uncompressed slots

    def _codes(self, slots: np.ndarray) -> np.ndarray:
        numeric = np.tile(self._numeric, len(slots) // len(self._numeric))
        codes = np.full(len(slots), RAW, dtype=np.uint8)
        values = slots[numeric].copy().view("<f8").ravel()
        small = (values == np.floor(values)) & (values >= 1 - BIAS) & (values <= 251 - BIAS)
        numeric_codes = np.full(len(values), RAW, dtype=np.uint8)
        numeric_codes[small] = (values[small] + BIAS).astype(np.uint8)
        numeric_codes[values == self._sysmis] = SYSMIS_CODE
        codes[numeric] = numeric_codes
        text = ~numeric
        codes[text] = np.where((slots[text] == _SPACES).all(axis=1), SPACES, RAW)
        return codes

    def feed(self, cases: bytes) -> bytes:
        """The compressed bytes of ``cases`` (whole cases, uncompressed) that complete blocks."""
        if not cases:
            return b""
        slots = np.frombuffer(cases, dtype=np.uint8).reshape(-1, 8)
        if len(slots) % len(self._numeric):
            raise ValueError(f"{len(slots)} slots are not whole cases of {len(self._numeric)} slots")
        commands = np.concatenate([self._commands, self._codes(slots)])
        slots = np.concatenate([self._slots, slots])
        full = len(commands) // 8 * 8
        self._commands, self._slots = commands[full:], slots[full:]
        return _blocks(commands[:full], slots[:full])

    def finish(self) -> bytes:
        """The last block, padded; the compressor is empty afterwards."""
        if not len(self._commands):
            return b""
        pad = 8 - len(self._commands)
        commands = np.concatenate([self._commands, np.full(pad, PADDING, dtype=np.uint8)])
        slots = np.concatenate([self._slots, np.zeros((pad, 8), dtype=np.uint8)])
        self._commands, self._slots = commands[:0], slots[:0]
        return _blocks(commands, slots)


def _blocks(commands: np.ndarray, slots: np.ndarray) -> bytes:
    """Blocks of 8 commands, each followed by the slots of its RAW commands."""
    if not len(commands):
        return b""
    groups = commands.reshape(-1, 8)
    raw = groups == RAW
    sizes = 8 + 8 * raw.sum(axis=1)
    starts = np.cumsum(sizes) - sizes
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    out[(starts[:, None] + np.arange(8)).ravel()] = groups.ravel()
    flat = raw.ravel()
    if flat.any():
        rank = (np.cumsum(raw, axis=1) - 1)[raw]
        group = np.flatnonzero(flat) // 8
        destination = starts[group] + 8 + 8 * rank
        out[(destination[:, None] + np.arange(8)).ravel()] = slots[flat].ravel()
    return out.tobytes()
