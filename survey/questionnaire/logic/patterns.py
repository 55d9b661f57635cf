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
    """A compiled pattern: the automaton's instructions (matching starts at instruction 0, the
    last one is the match) and, per instruction, the bit set (bit i = instruction i) of the
    character-reading and match instructions reachable from it without reading, away from the
    ends of the value (where ``^`` and ``$`` cannot hold)."""

    instructions: tuple[Instruction, ...]
    closures: tuple[int, ...]


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
    instructions = tuple(tuple(instruction) for instruction in compiler.code)
    closures = tuple(_closure(instructions, [index], at_start=False, at_end=False)
                     for index in range(len(instructions)))
    return Program(instructions, closures)


def _closure(instructions: tuple[Instruction, ...], starts: list[int], *, at_start: bool,
             at_end: bool) -> int:
    """The bit set of the char and match instructions reachable from ``starts`` without reading
    a character; each instruction is visited at most once."""
    seen: set[int] = set()
    found = 0
    stack = starts
    while stack:
        index = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        instruction = instructions[index]
        match instruction[0]:
            case "char" | "match":
                found |= 1 << index
            case "jump":
                stack.append(instruction[1])
            case "split":
                stack.extend((instruction[2], instruction[1]))
            case "start" if at_start:
                stack.append(index + 1)
            case "end" if at_end:
                stack.append(index + 1)
    return found


def _in_class(code: int, negated: bool, ranges: Ranges) -> bool:
    inside = any(low <= code <= high for low, high in ranges)
    return inside != negated


#: Most distinct (states, character) steps remembered during one search.
_STEP_MEMORY = 4096


def _reading(program: Program, character: str) -> int:
    """The bit set of the char instructions that accept ``character``."""
    code = ord(character)
    found = 0
    for index, instruction in enumerate(program.instructions):
        if instruction[0] == "char" and _in_class(code, instruction[1], instruction[2]):
            found |= 1 << index
    return found


def search(program: Program, text: str) -> bool:
    """Return True when ``program`` matches somewhere in ``text``.

    Every possible automaton state is followed at once (a bit set), so each character costs at
    most one step per instruction whatever the pattern: the work is at most
    (``len(text)`` + 1) × ``len(program.instructions)`` steps. Repeated (states, character)
    steps are remembered, which makes the usual case much faster.
    """
    instructions, closures = program.instructions, program.closures
    match_bit = 1 << (len(instructions) - 1)
    length = len(text)
    states = _closure(instructions, [0], at_start=True, at_end=length == 0)
    readers: dict[str, int] = {}
    memory: dict[tuple[int, str], int] = {}
    for position, character in enumerate(text):
        if states & match_bit:
            return True
        at_end = position + 1 == length
        key = (states, character)
        remembered = None if at_end else memory.get(key)
        if remembered is not None:
            states = remembered
            continue
        reader = readers.get(character)
        if reader is None:
            reader = readers[character] = _reading(program, character)
        moved = states & reader
        if at_end:  # '$' may hold here: follow the instructions themselves
            starts = [0]
            while moved:
                lowest = moved & -moved
                starts.append(lowest.bit_length())  # the instruction after the one that read
                moved ^= lowest
            states = _closure(instructions, starts, at_start=False, at_end=True)
            continue
        following = closures[0]  # a match may also begin at the next character
        while moved:
            lowest = moved & -moved
            following |= closures[lowest.bit_length()]  # the instruction after the one that read
            moved ^= lowest
        states = following
        if len(memory) < _STEP_MEMORY:
            memory[key] = states
    return bool(states & match_bit)


def matches(value: str, pattern: str) -> bool:
    """Return True when ``pattern`` matches somewhere in ``value``; raises ``PatternError``."""
    return search(compile_pattern(pattern), value)
