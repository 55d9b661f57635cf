"""Syntax tree of the logic language: small frozen values, one class per construct.

A parsed expression is a tree of the node classes below (the union type is ``Expr``). Nodes are
immutable and compare by value, so ``parse("a = 1") == parse("a  =  1")``. The parser normalises
spelling variants: ``==`` becomes ``=``, ``div`` becomes ``/``, ``count-selected`` becomes
``count`` and ``string-length`` becomes ``length``; ``a or b or c`` is one ``Or`` with three
operands (likewise ``and``), while explicit parentheses keep their nesting.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

ComparisonOperator: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]
ArithmeticOperator: TypeAlias = Literal["+", "-", "*", "/", "mod"]
FunctionName: TypeAlias = Literal[
    "selected", "count", "answered", "empty", "length", "regex", "today", "now", "if", "coalesce",
    "sum", "min", "max", "selected-at",
]

COMPARISON_OPERATORS: frozenset[str] = frozenset({"=", "!=", "<", "<=", ">", ">="})
ARITHMETIC_OPERATORS: frozenset[str] = frozenset({"+", "-", "*", "/", "mod"})
#: Function name -> (fewest, most) arguments it takes; most is None when unlimited.
FUNCTION_ARITY: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count": (1, 1),
    "answered": (1, 1),
    "empty": (1, 1),
    "length": (1, 1),
    "regex": (2, 2),
    "today": (0, 0),
    "now": (0, 0),
    "if": (3, 3),
    "coalesce": (2, None),
    "sum": (1, None),
    "min": (1, None),
    "max": (1, None),
    "selected-at": (2, 2),
}


def arity_fits(function: str, count: int) -> bool:
    """Return True when ``function`` (a key of ``FUNCTION_ARITY``) accepts ``count`` arguments."""
    fewest, most = FUNCTION_ARITY[function]
    return count >= fewest and (most is None or count <= most)


def describe_arity(function: str) -> str:
    """``'takes 2 arguments'``, ``'takes no arguments'``, ``'takes at least 1 argument'``."""
    fewest, most = FUNCTION_ARITY[function]
    noun = "argument" if fewest == 1 else "arguments"
    if most is None:
        return f"takes at least {fewest} {noun}"
    return "takes no arguments" if fewest == 0 else f"takes {fewest} {noun}"


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal; always a finite float (numbers are IEEE doubles, as in the browser)."""

    value: float

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise TypeError(f"Number value must be an int or float, got {self.value!r}")
        if not math.isfinite(self.value):
            raise ValueError(f"Number value must be finite, got {self.value!r}")
        object.__setattr__(self, "value", float(self.value))


@dataclass(frozen=True, slots=True)
class String:
    """A text literal such as ``'yes'`` or a choice code."""

    value: str


@dataclass(frozen=True, slots=True)
class Boolean:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True, slots=True)
class Reference:
    """The answer to the question (or variable) with this code: ``q1`` or ``${q1}``."""

    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """``.``: the value of the question a validation rule belongs to."""


@dataclass(frozen=True, slots=True)
class Not:
    """``not operand``."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    """``a and b and ...`` (two or more operands)."""

    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """``a or b or ...`` (two or more operands)."""

    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left operator right`` with one of ``= != < <= > >=``."""

    operator: ComparisonOperator
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``left operator right`` with one of ``+ - * / mod``."""

    operator: ArithmeticOperator
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Negate:
    """Unary minus: ``-operand``."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """A built-in function call such as ``selected(q, 'x')``."""

    function: FunctionName
    arguments: tuple[Expr, ...]


Expr: TypeAlias = (
    Number | String | Boolean | Reference | Current | Not | And | Or | Comparison | Arithmetic
    | Negate | Call
)


def children(expr: Expr) -> tuple[Expr, ...]:
    """Return the direct sub-expressions of ``expr`` (empty for literals and references)."""
    match expr:
        case Not(operand) | Negate(operand):
            return (operand,)
        case And(operands) | Or(operands):
            return operands
        case Comparison(_, left, right) | Arithmetic(_, left, right):
            return (left, right)
        case Call(_, arguments):
            return arguments
        case _:
            return ()


def walk(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and every node below it, parents before children (no recursion)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def depth(expr: Expr) -> int:
    """Return the nesting depth of ``expr`` (a literal has depth 1), computed without recursion."""
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(node))
    return deepest


def references(expr: Expr) -> frozenset[str]:
    """Return the codes of all questions ``expr`` refers to (``.`` is not included)."""
    return frozenset(node.name for node in walk(expr) if isinstance(node, Reference))


def uses_current(expr: Expr) -> bool:
    """Return True when ``expr`` uses ``.`` (the current question's value)."""
    return any(isinstance(node, Current) for node in walk(expr))
