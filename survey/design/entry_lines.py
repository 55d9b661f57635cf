"""The designer's one-entry-per-line lists: choices ``code | 中文 | English`` and matrix rows
``code | 中文 | English | model.construct.indicator`` (the binding optional).

Pure: no Flask. :func:`parse_entry_lines` reads every line and reports every bad one, each as a
:class:`LineProblem` — the line number, a rule code and the values the message names — so the
editor can show all of them at once, in the reader's language (``survey.design.forms``).
:func:`parse_choice_rows` applies the same rules to choices typed as rows of inputs.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from survey.questionnaire.document import (
    BINDING_PART_MAX, CHOICE_CODE_PATTERN, CODE_PATTERN, OTHER_CODE, Binding, Choice, MatrixRow, Texts,
)

LineRule: TypeAlias = Literal[
    "format", "row_format", "no_code", "choice_code", "row_code", "duplicate", "reserved_other",
    "binding_format", "binding_length",
]
Entry: TypeAlias = Choice | MatrixRow


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Line ``line`` (1-based, blank lines counted) breaks ``rule``; ``params`` are the values
    its message names (e.g. ``code``, ``first`` — the line that used a code first)."""

    line: int
    rule: LineRule
    params: tuple[tuple[str, str | int], ...] = ()

    def arguments(self) -> dict[str, str | int]:
        """The message's placeholders: ``line`` and ``params``."""
        return {"line": self.line, **dict(self.params)}


@dataclass(frozen=True, slots=True)
class ParsedLines:
    """The entries of the good lines, in order, and a problem for every bad line."""

    entries: tuple[Entry, ...]
    problems: tuple[LineProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_entry_lines(text: str | None, *, rows: bool, other: bool = False) -> ParsedLines:
    """Read choices (``rows=False``) or matrix rows (``rows=True``) from ``text``, one per line;
    blank lines are skipped. ``other``: the question adds "other, please specify", whose code
    ``OTHER_CODE`` a listed choice may then not use. Never raises for bad lines: every bad line
    is a ``LineProblem`` (one per line, the first rule it breaks)."""
    entries: list[Entry] = []
    problems: list[LineProblem] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        entry_or_problem = _parse_line(number, line, rows=rows, other=other, first_line=first_line)
        if isinstance(entry_or_problem, LineProblem):
            problems.append(entry_or_problem)
        else:
            entries.append(entry_or_problem)
    return ParsedLines(tuple(entries), tuple(problems))


def parse_choice_rows(rows: Sequence[tuple[str, str, str]], *, other: bool = False) -> ParsedLines:
    """Read choices typed as rows of inputs, each (code, 中文, English); a row left blank is
    skipped. Each bad row is a ``LineProblem`` whose ``line`` is the row's number (1-based):
    "no_code" for labels without a code, otherwise the rules of :func:`parse_entry_lines`."""
    entries: list[Entry] = []
    problems: list[LineProblem] = []
    first_line: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        parts = [part.strip() for part in row]
        if not any(parts):
            continue
        if not parts[0]:
            problems.append(LineProblem(number, "no_code"))
            continue
        entry_or_problem = _entry(number, parts, rows=False, other=other, first_line=first_line)
        (problems if isinstance(entry_or_problem, LineProblem) else entries).append(entry_or_problem)
    return ParsedLines(tuple(entries), tuple(problems))


def split_line(line: str) -> list[str]:
    """The parts of one line, split at "|" and stripped."""
    return [part.strip() for part in line.split("|")]


def _parse_line(number: int, line: str, *, rows: bool, other: bool,
                first_line: dict[str, int]) -> Entry | LineProblem:
    parts = split_line(line)
    if len(parts) not in ((3, 4) if rows else (3,)):
        return LineProblem(number, "row_format" if rows else "format", (("parts", len(parts)),))
    return _entry(number, parts, rows=rows, other=other, first_line=first_line)


def _entry(number: int, parts: list[str], *, rows: bool, other: bool,
           first_line: dict[str, int]) -> Entry | LineProblem:
    code = parts[0]
    pattern = CODE_PATTERN if rows else CHOICE_CODE_PATTERN
    if not pattern.match(code):
        return LineProblem(number, "row_code" if rows else "choice_code", (("code", code[:80]),))
    if code in first_line:
        return LineProblem(number, "duplicate", (("code", code), ("first", first_line[code])))
    first_line[code] = number
    if not rows and other and code == OTHER_CODE:
        return LineProblem(number, "reserved_other", (("code", code),))
    texts = Texts(parts[1], parts[2])
    if not rows:
        return Choice(code, texts)
    binding = None
    if len(parts) == 4 and parts[3]:
        pieces = parts[3].split(".")
        if len(pieces) != 3 or not all(pieces):
            return LineProblem(number, "binding_format", (("binding", parts[3][:80]),))
        if any(len(piece) > BINDING_PART_MAX for piece in pieces):
            return LineProblem(number, "binding_length", (("max", BINDING_PART_MAX),))
        binding = Binding(*pieces)
    return MatrixRow(code, texts, binding)


def format_entry_lines(entries: Iterable[Entry]) -> str:
    """The text :func:`parse_entry_lines` reads back as ``entries``."""
    lines = []
    for entry in entries:
        texts = entry.label if isinstance(entry, Choice) else entry.text
        line = f"{entry.code} | {texts.zh} | {texts.en}"
        binding = getattr(entry, "binding", None)
        if binding is not None:
            line += f" | {binding.model}.{binding.construct}.{binding.indicator}"
        lines.append(line)
    return "\n".join(lines)
