"""The one validator for every JSON document that comes in (API bodies, questionnaire imports).

:func:`load_json` reads bytes into Python data and refuses, with the JSON path and the rule
broken, a document that

* is larger than ``max_bytes`` (rule ``size``) or not UTF-8 (``encoding``) or not JSON
  (``syntax``; the line and column are named);
* nests arrays and objects deeper than ``max_depth`` (``depth``) — checked by a scan of the
  text *before* parsing, so a deeply nested document never reaches the recursive parser;
* holds ``NaN``, ``Infinity`` or ``-Infinity`` (``not_finite``; Python's reader accepts them),
  a number too large to be a float (``not_finite``) or with more than :data:`MAX_NUMBER_CHARS`
  characters (``number_length``: Python's integer conversion is quadratic and limited);
* holds a NUL character or a lone surrogate (``"\\ud800"`` escapes included) in any string or
  key (``characters``): neither can be stored in PostgreSQL nor written to an export.

Pure: no Flask, no SQL. Paths are JSON pointers (``/answers/q1``; ``/`` is the whole document).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

#: Deepest nesting of arrays and objects accepted by default.
MAX_DEPTH = 32
#: Largest document accepted by default, in bytes.
MAX_BYTES = 8 * 1024 * 1024
#: Longest number literal (digits, sign, point and exponent).
MAX_NUMBER_CHARS = 100
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Escapes that could spell NUL or a surrogate (paired or not): only a document holding one is
# walked string by string. A literal prefix, so the scan runs at memchr speed (a pattern with
# look-behinds took 12 ms per MB).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
# Number literals the reader could not hold exactly or finitely (only then are numbers hooked):
# a run of MAX_NUMBER_CHARS // 2 digits or points, or an exponent of three digits. Found by
# mapping every byte to its class and searching the classes' text (a regex took 15 ms per MB).
_NUMBER_CLASSES = bytes(
    ord("0") if chr(b) in "0123456789." else ord("e") if chr(b) in "eE" else ord("+") if chr(b) in "+-"
    else ord(" ") for b in range(256))
_LONG_DIGITS = b"0" * (MAX_NUMBER_CHARS // 2)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class JsonRejected(ValueError):
    """A document breaks ``rule`` at ``path``; ``str(error)`` is ``"<path>: <message>"``."""

    def __init__(self, path: str, rule: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.rule = rule
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "message": self.message}


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts) if parts else "/"


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in the JSON text ``data`` (a scan of the text at
    C speed, not a parse; brackets inside strings do not count)."""
    # Every backslash starts a two-character escape: drop escaped backslashes, then escaped
    # quotes, and every quote left delimits a string, which can be dropped whole.
    text = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = _STRING.sub(b"", text).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    steps = np.frombuffer(brackets, dtype=np.uint8)
    return int(np.cumsum(np.where((steps == ord("[")) | (steps == ord("{")), 1, -1)).max())


def _suspect_number(data: bytes) -> bool:
    classes = data.translate(_NUMBER_CLASSES)
    return _LONG_DIGITS in classes or b"e000" in classes or b"e+000" in classes


def _deeper_than(data: bytes, max_depth: int) -> int | None:
    """The nesting depth when it may exceed ``max_depth``, else None (a document with no more
    brackets than the limit cannot nest deeper, and needs no scan)."""
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return None
    depth = nesting_depth(data)
    return depth if depth > max_depth else None


class _Refused:
    """A number the reader refused, kept in place so the walk can name its path."""

    __slots__ = ("rule", "message")

    def __init__(self, rule: str, message: str) -> None:
        self.rule, self.message = rule, message


def _read_constant(name: str) -> _Refused:
    return _Refused("not_finite", f"{name} is not a finite number; JSON numbers must be finite")


def _read_float(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused("number_length", f"a number has more than {MAX_NUMBER_CHARS} characters")
    value = float(text)
    if not math.isfinite(value):
        return _Refused("not_finite", f"{text[:40]} is too large to be a finite number")
    return value


def _read_int(text: str) -> int | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused("number_length", f"a number has more than {MAX_NUMBER_CHARS} characters")
    return int(text)


def _check_values(value: Any, path: tuple[str | int, ...]) -> None:
    """Raise for the first refused number, or string or key holding NUL or a lone surrogate
    (recursive: the depth is bounded already)."""
    if isinstance(value, _Refused):
        raise JsonRejected(_pointer(path), value.rule, value.message)
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise JsonRejected(_pointer(path), "characters",
                               "text holds a NUL character or a lone surrogate")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _UNSTORABLE.search(key):
                raise JsonRejected(_pointer(path + (key.encode("utf-8", "replace").decode(),)),
                                   "characters", "a key holds a NUL character or a lone surrogate")
            _check_values(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, path + (index,))


def load_json(data: bytes | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """The document in ``data`` (UTF-8 bytes, or text), checked by every rule of the module
    docstring. Raises :class:`JsonRejected` naming the path and the rule of the first problem."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise JsonRejected("/", "size", f"the document has {len(raw):,} bytes; at most {max_bytes:,} are accepted")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonRejected(f"(byte {error.start})", "encoding", "the document is not UTF-8 text") from None
    depth = _deeper_than(raw, max_depth)
    if depth is not None:
        raise JsonRejected("/", "depth", f"arrays and objects nest {depth} levels deep; "
                           f"at most {max_depth} are accepted")
    refused: list[_Refused] = []

    def constant(name: str) -> _Refused:
        refused.append(_read_constant(name))
        return refused[-1]

    def number(read):
        def hook(text: str):
            value = read(text)
            if isinstance(value, _Refused):
                refused.append(value)
            return value
        return hook
    hooks = {"parse_float": number(_read_float), "parse_int": number(_read_int)} \
        if _suspect_number(raw) else {}
    try:
        value = json.loads(text, parse_constant=constant, **hooks)
    except json.JSONDecodeError as error:
        raise JsonRejected(f"(line {error.lineno}, column {error.colno})", "syntax",
                           f"not valid JSON: {error.msg}") from None
    except RecursionError:  # not reached below the depth limit; kept so nothing gives a 500
        raise JsonRejected("/", "depth", f"arrays and objects nest more than {max_depth} levels deep") from None
    if refused or _SUSPECT_ESCAPE.search(raw):
        _check_values(value, ())
    return value
