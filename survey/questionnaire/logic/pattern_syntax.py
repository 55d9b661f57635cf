"""The syntax of ``regex()`` patterns: read a pattern into a small tree, or say where and why it
is outside the dialect (``PatternError``). The dialect and the matcher: ``patterns``."""

from __future__ import annotations

from typing import Literal, TypeAlias

from survey.questionnaire.logic.errors import LogicError

#: Longest accepted pattern, in characters.
MAX_PATTERN_LENGTH = 500
#: Largest accepted automaton (instructions); bounds the work per character of the answer.
MAX_PROGRAM_SIZE = 256
#: Largest number in ``{m,n}``.
MAX_REPEAT = 1000

PatternProblem: TypeAlias = Literal[
    "too_long", "too_complex", "unbalanced_parenthesis", "nothing_to_repeat", "bad_repetition",
    "bad_range", "unterminated_class", "unsupported_group", "unsupported_escape",
    "trailing_backslash",
]
#: Problem key -> English description (``PatternError.problem`` holds the key).
PATTERN_PROBLEMS: dict[str, str] = {
    "too_long": f"it is longer than {MAX_PATTERN_LENGTH} characters",
    "too_complex": "it is too complex (repetitions such as {m,n} make it too large)",
    "unbalanced_parenthesis": "its parentheses do not match",
    "nothing_to_repeat": "a repetition (* + ? {m,n}) has nothing before it to repeat",
    "bad_repetition": "a '{' is not a repetition {m}, {m,} or {m,n} with m <= n <= 1000 (write \\{ for the character)",
    "bad_range": "a character range runs backwards (like z-a)",
    "unterminated_class": "a '[' has no closing ']'",
    "unsupported_group": "look-around, named groups and flags (?...) are not supported",
    "unsupported_escape": "this backslash escape is not supported (supported: \\d \\w \\s \\D \\W \\S \\n \\t \\r \\uXXXX and escaped punctuation)",
    "trailing_backslash": "it ends with a lone backslash",
}

Ranges: TypeAlias = tuple[tuple[int, int], ...]
_DIGIT: Ranges = ((0x30, 0x39),)
_WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACE: Ranges = ((0x09, 0x0D), (0x20, 0x20))
_NEWLINE: Ranges = ((0x0A, 0x0A),)
_CLASS_ESCAPES: dict[str, tuple[bool, Ranges]] = {
    "d": (False, _DIGIT), "w": (False, _WORD), "s": (False, _SPACE),
    "D": (True, _DIGIT), "W": (True, _WORD), "S": (True, _SPACE),
}
_CONTROL_ESCAPES = {"n": 0x0A, "t": 0x09, "r": 0x0D}
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class PatternError(LogicError, ValueError):
    """A ``regex()`` pattern outside the supported dialect; ``problem`` is a ``PatternProblem``
    key and ``position`` the 1-based character where it was found."""

    def __init__(self, problem: PatternProblem, position: int, pattern: str) -> None:
        self.problem = problem
        self.position = position
        self.pattern = pattern
        super().__init__(
            f"pattern {pattern!r} cannot be used at character {position}: {PATTERN_PROBLEMS[problem]}"
        )


# Parsed pattern nodes: ("chars", negated, ranges) | ("start",) | ("end",) | ("sequence", [nodes])
# | ("alternation", [nodes]) | ("repeat", node, minimum, maximum-or-None)


class PatternParser:
    """Reads one pattern: ``PatternParser(text).parse()`` gives its tree or raises ``PatternError``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.position = 0

    def fail(self, problem: PatternProblem, position: int | None = None) -> PatternError:
        return PatternError(problem, (self.position if position is None else position) + 1,
                            self.pattern)

    def peek(self) -> str | None:
        return self.pattern[self.position] if self.position < len(self.pattern) else None

    def parse(self) -> tuple:
        node = self.alternation()
        if self.position < len(self.pattern):  # only a ')' stops an alternation early
            raise self.fail("unbalanced_parenthesis")
        return node

    def alternation(self) -> tuple:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.position += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else ("alternation", branches)

    def sequence(self) -> tuple:
        items: list[tuple] = []
        while (character := self.peek()) is not None and character not in "|)":
            atom = self.atom()
            items.append(self.quantified(atom))
        return ("sequence", items)

    def atom(self) -> tuple:
        character = self.pattern[self.position]
        self.position += 1
        match character:
            case "(":
                if self.pattern.startswith("?:", self.position):
                    self.position += 2
                elif self.peek() == "?":
                    raise self.fail("unsupported_group")
                inner = self.alternation()
                if self.peek() != ")":
                    raise self.fail("unbalanced_parenthesis")
                self.position += 1
                return inner
            case "[":
                return self.character_class()
            case ".":
                return ("chars", True, _NEWLINE)
            case "^":
                return ("start",)
            case "$":
                return ("end",)
            case "\\":
                return self.escape(in_class=False)
            case "*" | "+" | "?":
                raise self.fail("nothing_to_repeat", self.position - 1)
            case "{":
                raise self.fail("bad_repetition", self.position - 1)
            case _:
                code = ord(character)
                return ("chars", False, ((code, code),))

    def escape(self, *, in_class: bool) -> tuple:
        escape_at = self.position - 1
        character = self.peek()
        if character is None:
            raise self.fail("trailing_backslash", escape_at)
        self.position += 1
        if character in _CLASS_ESCAPES:
            negated, ranges = _CLASS_ESCAPES[character]
            if negated and in_class:
                raise self.fail("unsupported_escape", escape_at)
            return ("chars", negated, ranges)
        if character in _CONTROL_ESCAPES:
            code = _CONTROL_ESCAPES[character]
        elif character == "u":
            digits = self.pattern[self.position:self.position + 4]
            if len(digits) != 4 or any(each not in "0123456789abcdefABCDEF" for each in digits):
                raise self.fail("unsupported_escape", escape_at)
            self.position += 4
            code = int(digits, 16)
        elif character in _ASCII_PUNCTUATION:
            code = ord(character)
        else:
            raise self.fail("unsupported_escape", escape_at)
        return ("chars", False, ((code, code),))

    def class_member(self) -> tuple:
        """One character or escape inside [...]: ("chars", negated, ranges)."""
        character = self.pattern[self.position]
        self.position += 1
        if character == "\\":
            return self.escape(in_class=True)
        return ("chars", False, ((ord(character), ord(character)),))

    def character_class(self) -> tuple:
        opened_at = self.position - 1
        negated = self.peek() == "^"
        if negated:
            self.position += 1
        ranges: list[tuple[int, int]] = []
        first = True
        while True:
            character = self.peek()
            if character is None:
                raise self.fail("unterminated_class", opened_at)
            if character == "]" and not first:
                self.position += 1
                break
            first = False
            member_at = self.position
            member = self.class_member()
            single = len(member[2]) == 1 and member[2][0][0] == member[2][0][1]
            if (single and self.peek() == "-" and self.position + 1 < len(self.pattern)
                    and self.pattern[self.position + 1] != "]"):
                self.position += 1
                upper = self.class_member()
                if not (len(upper[2]) == 1 and upper[2][0][0] == upper[2][0][1]):
                    raise self.fail("bad_range", member_at)
                low, high = member[2][0][0], upper[2][0][0]
                if low > high:
                    raise self.fail("bad_range", member_at)
                ranges.append((low, high))
            else:
                ranges.extend(member[2])
        return ("chars", negated, tuple(sorted(ranges)))

    def quantified(self, atom: tuple) -> tuple:
        character = self.peek()
        if character is None or character not in "*+?{":
            return atom
        quantifier_at = self.position
        if atom[0] in ("start", "end"):
            raise self.fail("nothing_to_repeat", quantifier_at)
        if character == "{":
            minimum, maximum = self.braces()
        else:
            self.position += 1
            minimum, maximum = {"*": (0, None), "+": (1, None), "?": (0, 1)}[character]
        if self.peek() == "?":  # lazy: the same yes/no answer
            self.position += 1
        if self.peek() is not None and self.peek() in "*+{":
            raise self.fail("nothing_to_repeat")
        return ("repeat", atom, minimum, maximum)

    def braces(self) -> tuple[int, int | None]:
        opened_at = self.position
        closing = self.pattern.find("}", opened_at)
        body = self.pattern[opened_at + 1:closing] if closing != -1 else ""
        low, comma, high = body.partition(",")
        if (closing == -1 or not low.isascii() or not low.isdigit()
                or (high and not (high.isascii() and high.isdigit()))):
            raise self.fail("bad_repetition", opened_at)
        minimum = int(low)
        maximum = None if comma and not high else int(high) if comma else minimum
        if minimum > MAX_REPEAT or (maximum is not None and not minimum <= maximum <= MAX_REPEAT):
            raise self.fail("bad_repetition", opened_at)
        self.position = closing + 1
        return minimum, maximum
