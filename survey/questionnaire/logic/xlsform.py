"""Convert logic expressions to and from XLSForm ``relevant``/``constraint`` syntax.

Mapping (Xinsheng ↔ XLSForm): ``q`` ↔ ``${q}``; ``.`` ↔ ``.``; ``true``/``false`` ↔
``true()``/``false()``; ``not x`` ↔ ``not(x)``; ``/`` ↔ ``div``; ``count(q)`` ↔
``count-selected(${q})``; ``length(x)`` ↔ ``string-length(x)``; ``answered(x)`` ↔ ``x != ''``;
``empty(x)`` ↔ ``x = ''``; ``selected``, ``mod``, comparisons and ``and``/``or`` are spelt the same,
as are ``regex``, ``today``, ``now``, ``if``, ``min``, ``max`` and ``selected-at``. XPath's
``sum`` takes one node-set and ODK's ``coalesce`` two values, so ``sum(a)`` ↔ ``sum(${a})`` but
``sum(a, b, c)`` → ``${a} + ${b} + ${c}`` (the same value: an unanswered term gives no result
either way), and ``coalesce(a, b, c)`` ↔ ``coalesce(${a}, coalesce(${b}, ${c}))`` (read back
flat).

One difference in meaning remains: in XLSForm an unanswered question is ``''``, so
``${q} != 'x'`` is true when q is unanswered, while in Xinsheng every comparison with an
unanswered value is false. Write ``not (q = 'x')`` to include unanswered questions. And
``selected-at(m, i)`` counts the selected codes in code-point order here, in the order they are
stored (the choice list's) in ODK.
"""

from __future__ import annotations

import re

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.ast import walk
from survey.questionnaire.logic.errors import LogicSyntaxError, XLSFormConversionError
from survey.questionnaire.logic.grammar import BRACED_NAME_PATTERN
from survey.questionnaire.logic.parser import parse
from survey.questionnaire.logic.patterns import PatternError, compile_pattern
from survey.questionnaire.logic.serialize import (
    AND_LEVEL,
    ATOM_LEVEL,
    COMPARISON_LEVEL,
    NOT_LEVEL,
    SUM_LEVEL,
    UNARY_LEVEL,
    format_number,
    level,
    parenthesize,
)

#: Functions spelt differently in XLSForm; every other function keeps its name.
_XLSFORM_FUNCTIONS = {"count": "count-selected", "length": "string-length"}
_EMPTY = ast.String("")


def to_xlsform(expr: ast.Expr) -> str:
    """Return XLSForm syntax for ``expr``.

    Raises ``XLSFormConversionError`` when a text literal holds both quote characters (XPath 1.0
    has no escapes) or a question code is not a valid XLSForm name.
    """

    def sub(child: ast.Expr, needed: int) -> str:
        return parenthesize(to_xlsform(child), _xlsform_level(child), needed)

    match expr:
        case ast.Number(value):
            return format_number(value)
        case ast.String(value):
            if "'" not in value:
                return f"'{value}'"
            if '"' not in value:
                return f'"{value}"'
            raise XLSFormConversionError(
                f"text {value!r} holds both ' and \"; XLSForm (XPath 1.0) cannot quote it"
            )
        case ast.Boolean(value):
            return "true()" if value else "false()"
        case ast.Reference(name):
            if not re.fullmatch(BRACED_NAME_PATTERN, name):
                raise XLSFormConversionError(f"question code {name!r} is not a valid XLSForm name")
            return "${" + name + "}"
        case ast.Current():
            return "."
        case ast.Or(operands):
            return " or ".join(sub(operand, AND_LEVEL) for operand in operands)
        case ast.And(operands):
            return " and ".join(sub(operand, NOT_LEVEL) for operand in operands)
        case ast.Not(operand):
            return f"not({to_xlsform(operand)})"
        case ast.Comparison(operator, left, right):
            return f"{sub(left, SUM_LEVEL)} {operator} {sub(right, SUM_LEVEL)}"
        case ast.Arithmetic(operator, left, right):
            own = level(expr)
            spelling = "div" if operator == "/" else operator
            return f"{sub(left, own)} {spelling} {sub(right, own + 1)}"
        case ast.Negate(operand):
            inner = sub(operand, UNARY_LEVEL)
            return "- " + inner if inner.startswith("-") else "-" + inner
        case ast.Call("answered" | "empty" as function, (argument,)):
            operator = "!=" if function == "answered" else "="
            return f"{sub(argument, SUM_LEVEL)} {operator} ''"
        case ast.Call("sum", (first, second, *rest)):
            total = ast.Arithmetic("+", first, second)
            for term in rest:
                total = ast.Arithmetic("+", total, term)
            return to_xlsform(total)
        case ast.Call("coalesce", (first, second, third, *rest)):
            return to_xlsform(ast.Call("coalesce", (first, ast.Call("coalesce",
                                                                    (second, third, *rest)))))
        case ast.Call(function, arguments):
            rendered = ", ".join(to_xlsform(argument) for argument in arguments)
            return f"{_XLSFORM_FUNCTIONS.get(function, function)}({rendered})"
    raise TypeError(f"not a logic syntax tree node: {expr!r}")


def _xlsform_level(expr: ast.Expr) -> int:
    """Like ``serialize.level``, but ``not(...)`` is a call and answered/empty are comparisons."""
    match expr:
        case ast.Not():
            return ATOM_LEVEL
        case ast.Call("answered" | "empty"):
            return COMPARISON_LEVEL
        case ast.Call("sum", arguments) if len(arguments) > 1:
            return SUM_LEVEL
    return level(expr)


def from_xlsform(text: str) -> ast.Expr:
    """Parse an XLSForm ``relevant``/``constraint`` expression into a syntax tree.

    ``x != ''`` becomes ``answered(x)`` and ``x = ''`` becomes ``empty(x)``; a ``coalesce`` whose
    last argument is a ``coalesce`` becomes one ``coalesce`` of them all. Raises
    ``XLSFormConversionError`` (with the parser's position and expectation in the message) for
    syntax errors, for XLSForm functions the logic language does not have, and for a
    ``regex()`` whose pattern is not a quoted text in the supported dialect (ODK reads Java-style
    patterns such as ``\\p{L}``; importing one would only block publishing later).
    """
    try:
        expr = parse(text, dialect="xlsform")
    except LogicSyntaxError as error:
        raise XLSFormConversionError(f"cannot read XLSForm expression {text!r}: {error}") from error
    for node in walk(expr):
        if isinstance(node, ast.Call) and node.function == "regex":
            _check_pattern(text, node.arguments[1])
    return _answered_and_empty(expr)


def _check_pattern(text: str, pattern: ast.Expr) -> None:
    if not isinstance(pattern, ast.String):
        raise XLSFormConversionError(
            f"cannot read XLSForm expression {text!r}: the pattern of regex() must be a quoted text"
        )
    try:
        compile_pattern(pattern.value)
    except PatternError as error:
        raise XLSFormConversionError(f"cannot read XLSForm expression {text!r}: {error}") from error


def _answered_and_empty(expr: ast.Expr) -> ast.Expr:
    """Rewrite comparisons with '' into answered()/empty() throughout ``expr``."""
    match expr:
        case ast.Comparison("=" | "!=" as operator, left, right) if _EMPTY in (left, right):
            subject = _answered_and_empty(right if left == _EMPTY else left)
            return ast.Call("answered" if operator == "!=" else "empty", (subject,))
        case ast.Comparison(operator, left, right):
            return ast.Comparison(operator, _answered_and_empty(left), _answered_and_empty(right))
        case ast.Arithmetic(operator, left, right):
            return ast.Arithmetic(operator, _answered_and_empty(left), _answered_and_empty(right))
        case ast.Not(operand):
            return ast.Not(_answered_and_empty(operand))
        case ast.Negate(operand):
            return ast.Negate(_answered_and_empty(operand))
        case ast.And(operands):
            return ast.And(tuple(map(_answered_and_empty, operands)))
        case ast.Or(operands):
            return ast.Or(tuple(map(_answered_and_empty, operands)))
        case ast.Call("coalesce", arguments):
            *leading, last = map(_answered_and_empty, arguments)
            if isinstance(last, ast.Call) and last.function == "coalesce":
                return ast.Call("coalesce", (*leading, *last.arguments))
            return ast.Call("coalesce", (*leading, last))
        case ast.Call(function, arguments):
            return ast.Call(function, tuple(map(_answered_and_empty, arguments)))
    return expr
