"""Parse logic-language text into a syntax tree (``Expr``) with lark; nothing is ever ``eval``-ed.

``parse(text)`` reads the Xinsheng dialect; ``parse(text, dialect="xlsform")`` reads XLSForm
``relevant``/``constraint`` syntax (used by the XLSForm importer, ``survey.questionnaire.xlsform.importer``). Every failure is a
``LogicSyntaxError`` carrying a line, a column and what was expected there.
"""

from __future__ import annotations

from functools import cache

from lark import Lark, Token, Transformer_NonRecursive
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.errors import LogicArityError, LogicSyntaxError
from survey.questionnaire.logic.grammar import (
    OPERATORS,
    TERMINAL_DESCRIPTIONS,
    VALUE_STARTS,
    Dialect,
    grammar_text,
)

#: Longest accepted expression, in characters.
MAX_LENGTH = 2000
#: Deepest accepted nesting of the syntax tree (a literal has depth 1).
MAX_DEPTH = 64

#: Spelling in the source -> function in the syntax tree (its arity is ``ast.FUNCTION_ARITY``),
#: per dialect; XLSForm's ``not``, ``true`` and ``false`` become operators and literals.
_COMMON_FUNCTIONS = {
    "selected": "selected", "count-selected": "count", "string-length": "length",
    "regex": "regex", "today": "today", "now": "now", "if": "if", "coalesce": "coalesce",
    "sum": "sum", "min": "min", "max": "max", "selected-at": "selected-at",
}
_FUNCTIONS: dict[str, dict[str, str]] = {
    "xinsheng": {**_COMMON_FUNCTIONS, "count": "count", "answered": "answered", "empty": "empty",
                 "length": "length"},
    "xlsform": {**_COMMON_FUNCTIONS, "not": "not", "true": "true", "false": "false"},
}
_XLSFORM_ONLY_ARITY = {"not": (1, 1), "true": (0, 0), "false": (0, 0)}
_OPERATOR_SPELLINGS = {"==": "=", "div": "/"}


def parse(text: str, *, dialect: Dialect = "xinsheng") -> ast.Expr:
    """Parse ``text`` into a syntax tree.

    Raises ``LogicSyntaxError`` (a ``ValueError``) when the text is empty, longer than
    ``MAX_LENGTH`` characters, nests deeper than ``MAX_DEPTH``, or is not valid in ``dialect``;
    ``TypeError`` when ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"logic expression must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        line, column = _position(text, MAX_LENGTH)
        raise LogicSyntaxError(
            f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            text=text, line=line, column=column,
        )
    if not text.strip():
        raise LogicSyntaxError("expression is empty", text=text, line=1, column=1,
                               expected=("a value",))
    try:
        tree = _lark(dialect).parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, text) from None
    try:
        expr = _ToSyntaxTree(text, dialect).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, LogicSyntaxError):
            raise error.orig_exc from None
        raise
    if ast.depth(expr) > MAX_DEPTH:
        raise LogicSyntaxError(
            f"expression nests {ast.depth(expr)} levels deep; the limit is {MAX_DEPTH}",
            text=text, line=None, column=None,
        )
    return expr


@cache
def _lark(dialect: Dialect) -> Lark:
    return Lark(grammar_text(dialect), parser="lalr", lexer="basic", maybe_placeholders=True)


def _position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def describe_expected(terminals: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Turn lark terminal names into short English descriptions, grouped where possible."""
    remaining = set(terminals)
    parts: list[str] = []
    if len(remaining & VALUE_STARTS) >= 4:
        parts.append("a value")
        remaining -= VALUE_STARTS
    if len(remaining & OPERATORS) >= 3:
        parts.append("an operator")
        remaining -= OPERATORS
    end = "$END" in remaining
    remaining.discard("$END")
    parts.extend(sorted({TERMINAL_DESCRIPTIONS.get(name, name) for name in remaining}))
    if end:
        parts.append(TERMINAL_DESCRIPTIONS["$END"])
    return tuple(parts)


def _describe_token(token: Token) -> str:
    match token.type:
        case "$END":
            return "end of the expression"
        case "NAME":
            return f"question code '{token.value}'"
        case "NUMBER":
            return f"number {token.value}"
        case "STRING":
            return f"text {token.value}"
        case _:
            return f"'{token.value}'"


def _syntax_error(error: UnexpectedInput, text: str) -> LogicSyntaxError:
    if isinstance(error, UnexpectedCharacters):
        expected: tuple[str, ...] = ()
        found = f"unexpected character {text[error.pos_in_stream]!r}"
        line, column = error.line, error.column
    elif isinstance(error, UnexpectedToken):
        # LALR merges look-aheads, so ask the parser which terminals really fit at this point.
        parser_state = error.interactive_parser
        acceptable = parser_state.accepts() if parser_state is not None else error.expected
        expected = describe_expected(acceptable)
        found = f"unexpected {_describe_token(error.token)}"
        if error.token.type == "$END":
            line, column = _position(text, len(text))
        else:
            line, column = error.token.line, error.token.column
    else:  # other lark input errors (not produced by the LALR parser, kept for safety)
        expected, found = (), "invalid expression"
        line, column = error.line, error.column
    reason = f"{found}; expected {_join_or(expected)}" if expected else found
    return LogicSyntaxError(reason, text=text, line=line, column=column, expected=expected)


def _join_or(parts: tuple[str, ...]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


class _ToSyntaxTree(Transformer_NonRecursive):
    """Build ``ast`` nodes from lark's parse tree (iteratively, so deep input cannot overflow)."""

    def __init__(self, text: str, dialect: Dialect) -> None:
        super().__init__()
        self._text = text
        self._dialect = dialect

    def _error(self, reason: str, token: Token) -> LogicSyntaxError:
        return LogicSyntaxError(reason, text=self._text, line=token.line, column=token.column)

    def or_(self, children: list[ast.Expr]) -> ast.Expr:
        return ast.Or(tuple(children))

    def and_(self, children: list[ast.Expr]) -> ast.Expr:
        return ast.And(tuple(children))

    def not_(self, children: list[ast.Expr]) -> ast.Expr:
        return ast.Not(children[0])

    def comparison(self, children: list) -> ast.Expr:
        left, operator, right = children
        return ast.Comparison(_OPERATOR_SPELLINGS.get(operator.value, operator.value), left, right)

    def arithmetic(self, children: list) -> ast.Expr:
        left, operator, right = children
        return ast.Arithmetic(_OPERATOR_SPELLINGS.get(operator.value, operator.value), left, right)

    def negate(self, children: list) -> ast.Expr:
        return ast.Negate(children[1])

    def number(self, children: list[Token]) -> ast.Expr:
        value = float(children[0].value)
        if value == float("inf"):
            raise self._error(f"number {children[0].value[:20]}... is too large", children[0])
        return ast.Number(value)

    def string(self, children: list[Token]) -> ast.Expr:
        quoted = children[0].value
        quote = quoted[0]
        return ast.String(quoted[1:-1].replace(quote * 2, quote))

    def true(self, children: list) -> ast.Expr:
        return ast.Boolean(True)

    def false(self, children: list) -> ast.Expr:
        return ast.Boolean(False)

    def reference(self, children: list[Token]) -> ast.Expr:
        name = children[0]
        if self._dialect == "xlsform":
            code = name.value
            reason = f"bare name '{code}' is not an XLSForm reference; write ${{{code}}}"
            raise self._error(reason, name)
        return ast.Reference(name.value)

    def braced_reference(self, children: list[Token]) -> ast.Expr:
        return ast.Reference(children[0].value[2:-1])

    def current(self, children: list) -> ast.Expr:
        return ast.Current()

    def arguments(self, children: list[ast.Expr]) -> tuple[ast.Expr, ...]:
        return tuple(children)

    def call(self, children: list) -> ast.Expr:
        name, arguments = children[0], children[1] or ()
        known = _FUNCTIONS[self._dialect]
        if name.value not in known:
            raise self._error(
                f"unknown function '{name.value}'; known functions are {', '.join(sorted(known))}",
                name,
            )
        function = known[name.value]
        fewest, most = _XLSFORM_ONLY_ARITY.get(function) or ast.FUNCTION_ARITY[function]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            if most is None:
                needed = f"at least {fewest} argument{'s' if fewest != 1 else ''}"
            else:
                needed = f"{fewest} argument{'s' if fewest != 1 else ''}"
            raise LogicArityError(
                f"function '{name.value}' takes {needed}, got {len(arguments)}",
                text=self._text, line=name.line, column=name.column, function=function,
                spelling=name.value, count=len(arguments),
            )
        match function:
            case "not":
                return ast.Not(arguments[0])
            case "true" | "false":
                return ast.Boolean(function == "true")
            case _:
                return ast.Call(function, arguments)
