"""The patterns of ``regex(value, pattern)``: a small regular-expression dialect matched in linear time.

Patterns are not handed to Python's ``re`` or the browser's ``RegExp``: both backtrack, so a
hostile pattern such as ``(a+)+$`` can stall a server thread or a respondent's browser for
minutes. Instead a pattern is compiled here into a Thompson automaton and run by simulating every
possible state at once (no backtracking), which takes at most (answer length + 1) × (automaton
size) steps whatever the pattern. ``survey/static/js/logic.js`` holds the same compiler and
matcher, so the browser gives the same answers.

The dialect (what XLSForm forms use in practice), matched anywhere in the value (``search``
semantics, as ODK and Enketo do; anchor with ``^`` and ``$``):

* literal characters; ``.`` is any character but a newline;
* classes ``[abc]``, ``[a-z]``, ``[^0-9]``; escapes ``\\d`` = [0-9], ``\\w`` = [A-Za-z0-9_],
  ``\\s`` = [ \\t\\n\\r\\f\\v] (ASCII, identical in both languages) and ``\\D \\W \\S`` outside
  classes; ``\\n \\t \\r``, ``\\uXXXX``; a backslash before any ASCII punctuation means that
  character;
* ``^`` (start of the value), ``$`` (end of the value, not before a final newline);
* groups ``( )`` and ``(?: )``, alternation ``|``;
* quantifiers ``* + ? {m} {m,} {m,n}`` (a trailing ``?``, lazy matching, changes nothing for a
  yes/no match and is accepted).

Refused, with the position and a reason: look-around, back references, ``\\b``, named groups,
flags, a ``{`` that is not a quantifier, patterns longer than ``MAX_PATTERN_LENGTH`` characters or
whose automaton exceeds ``MAX_PROGRAM_SIZE`` steps (``{m,n}`` copies its operand).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from survey.questionnaire.logic.pattern_syntax import (
    MAX_PATTERN_LENGTH,
    MAX_PROGRAM_SIZE,
    PATTERN_PROBLEMS,
    PatternError,
    PatternParser,
    Ranges,
)

__all__ = ["MAX_PATTERN_LENGTH", "MAX_PROGRAM_SIZE", "PATTERN_PROBLEMS", "PatternError", "Program",
           "compile_pattern", "matches", "search"]

# Instructions of the automaton: ("char", negated, ranges), ("split", a, b), ("jump", a),
# ("start",), ("end",), ("match",).
Instruction: TypeAlias = tuple


@dataclass(frozen=True, slots=True)
class Program:
    """A compiled pattern: the automaton's instructions; matching starts at instruction 0 and
    the last instruction is the match."""

    instructions: tuple[Instruction, ...]


class _Compiler:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.code: list[list] = []

    def emit(self, *instruction: object) -> int:
        if len(self.code) >= MAX_PROGRAM_SIZE:
            raise PatternError("too_complex", 1, self.pattern)
        self.code.append(list(instruction))
        return len(self.code) - 1

    def node(self, node: tuple) -> None:
        match node[0]:
            case "chars":
                self.emit("char", node[1], node[2])
            case "start" | "end":
                self.emit(node[0])
            case "sequence":
                for item in node[1]:
                    self.node(item)
            case "alternation":
                jumps = []
                branches = node[1]
                for index, branch in enumerate(branches):
                    if index < len(branches) - 1:
                        split = self.emit("split", 0, 0)
                        self.code[split][1] = len(self.code)
                        self.node(branch)
                        jumps.append(self.emit("jump", 0))
                        self.code[split][2] = len(self.code)
                    else:
                        self.node(branch)
                for jump in jumps:
                    self.code[jump][1] = len(self.code)
            case "repeat":
                _, operand, minimum, maximum = node
                for _count in range(minimum):
                    self.node(operand)
                if maximum is None:
                    split = self.emit("split", 0, 0)
                    self.code[split][1] = len(self.code)
                    self.node(operand)
                    self.emit("jump", split)
                    self.code[split][2] = len(self.code)
                else:
                    splits = []
                    for _count in range(maximum - minimum):
                        split = self.emit("split", 0, 0)
                        self.code[split][1] = len(self.code)
                        splits.append(split)
                        self.node(operand)
                    for split in splits:
                        self.code[split][2] = len(self.code)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Program:
    """Compile ``pattern`` (see the module docstring for the dialect).

    Raises ``PatternError`` naming the problem and its 1-based position; ``TypeError`` when
    ``pattern`` is not a str.
    """
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str, got {type(pattern).__name__}")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError("too_long", MAX_PATTERN_LENGTH + 1, pattern)
    compiler = _Compiler(pattern)
    compiler.node(PatternParser(pattern).parse())
    compiler.emit("match")
    return Program(tuple(tuple(instruction) for instruction in compiler.code))


def _closure(instructions: tuple[Instruction, ...], starts: list[int], *, at_start: bool,
             at_end: bool) -> frozenset[int]:
    """The char and match instructions reachable from ``starts`` without reading a character;
    each instruction is visited at most once."""
    seen: set[int] = set()
    found: set[int] = set()
    stack = starts
    while stack:
        index = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        instruction = instructions[index]
        match instruction[0]:
            case "char" | "match":
                found.add(index)
            case "jump":
                stack.append(instruction[1])
            case "split":
                stack.extend((instruction[2], instruction[1]))
            case "start" if at_start:
                stack.append(index + 1)
            case "end" if at_end:
                stack.append(index + 1)
    return frozenset(found)


def _in_class(code: int, negated: bool, ranges: Ranges) -> bool:
    inside = any(low <= code <= high for low, high in ranges)
    return inside != negated


#: Most distinct (states, character) steps remembered during one search.
_STEP_MEMORY = 4096


def search(program: Program, text: str) -> bool:
    """Return True when ``program`` matches somewhere in ``text``.

    Every possible automaton state is followed at once, visiting each instruction at most once
    per character, so the work is at most (``len(text)`` + 1) × ``len(program.instructions)``
    steps whatever the pattern; repeated (states, character) steps are remembered, which makes
    the usual case much faster.
    """
    instructions = program.instructions
    match_index = len(instructions) - 1
    length = len(text)
    states = _closure(instructions, [0], at_start=True, at_end=length == 0)
    memory: dict[tuple[frozenset[int], str], frozenset[int]] = {}
    for position, character in enumerate(text):
        if match_index in states:
            return True
        at_end = position + 1 == length
        key = (states, character)
        remembered = None if at_end else memory.get(key)
        if remembered is not None:
            states = remembered
            continue
        code = ord(character)
        starts = [0]  # a match may also begin at the next character
        for index in states:
            instruction = instructions[index]
            if instruction[0] == "char" and _in_class(code, instruction[1], instruction[2]):
                starts.append(index + 1)
        states = _closure(instructions, starts, at_start=False, at_end=at_end)
        if not at_end and len(memory) < _STEP_MEMORY:
            memory[key] = states
    return match_index in states


def matches(value: str, pattern: str) -> bool:
    """Return True when ``pattern`` matches somewhere in ``value``; raises ``PatternError``."""
    return search(compile_pattern(pattern), value)
