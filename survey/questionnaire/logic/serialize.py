"""Write a syntax tree back out as canonical text (``to_text``) or JSON (``to_json``/``from_json``).

The JSON form is what the browser mirror (``survey/static/js/logic.js``) evaluates. Every node
is an object with a ``"type"`` key:

``{"type": "number", "value": 3}``, ``{"type": "string", "value": "x"}``,
``{"type": "boolean", "value": true}``, ``{"type": "reference", "name": "q1"}``,
``{"type": "current"}``, ``{"type": "not"|"negate", "operand": …}``,
``{"type": "and"|"or", "operands": […]}``,
``{"type": "comparison"|"arithmetic", "operator": "=", "left": …, "right": …}``,
``{"type": "call", "function": "selected", "arguments": […]}``.

``parse(to_text(expr)) == expr`` for every tree the parser can produce.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.errors import LogicJSONError
from survey.questionnaire.logic.grammar import BRACED_NAME_PATTERN, KEYWORDS, NAME_PATTERN
from survey.questionnaire.logic.parser import MAX_DEPTH

# Binding strength of each construct in the grammar; higher binds tighter.
OR_LEVEL, AND_LEVEL, NOT_LEVEL, COMPARISON_LEVEL = 1, 2, 3, 4
SUM_LEVEL, PRODUCT_LEVEL, UNARY_LEVEL, ATOM_LEVEL = 5, 6, 7, 8


def level(expr: ast.Expr) -> int:
    """Return how tightly ``expr``'s outermost construct binds (see the grammar's precedence)."""
    match expr:
        case ast.Or():
            return OR_LEVEL
        case ast.And():
            return AND_LEVEL
        case ast.Not():
            return NOT_LEVEL
        case ast.Comparison():
            return COMPARISON_LEVEL
        case ast.Arithmetic(operator) if operator in ("+", "-"):
            return SUM_LEVEL
        case ast.Arithmetic():
            return PRODUCT_LEVEL
        case ast.Negate():
            return UNARY_LEVEL
        case ast.Number(value) if value < 0 or math.copysign(1.0, value) < 0:
            return UNARY_LEVEL
        case _:
            return ATOM_LEVEL


def format_number(value: float) -> str:
    """Write a float as a plain decimal (no exponent) that reads back as exactly the same float."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value)) if math.copysign(1.0, value) > 0 else "-" + str(int(-value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def format_string(value: str) -> str:
    """Quote a text literal: single quotes unless it holds one; doubled quotes escape."""
    if "'" in value and '"' not in value:
        return '"' + value + '"'
    return "'" + value.replace("'", "''") + "'"


def format_reference(name: str) -> str:
    """Write a question code bare when possible, else as ``${code}``."""
    if re.fullmatch(NAME_PATTERN, name) and name not in KEYWORDS:
        return name
    if re.fullmatch(BRACED_NAME_PATTERN, name):
        return "${" + name + "}"
    raise ValueError(f"question code {name!r} cannot be written in the logic language")


def parenthesize(text: str, inner: int, needed: int) -> str:
    """Wrap ``text`` in parentheses when its construct binds looser than ``needed``."""
    return f"({text})" if inner < needed else text


def to_text(expr: ast.Expr) -> str:
    """Return canonical Xinsheng-dialect text for ``expr`` (minimal parentheses)."""

    def sub(child: ast.Expr, needed: int) -> str:
        return parenthesize(to_text(child), level(child), needed)

    match expr:
        case ast.Number(value):
            return format_number(value)
        case ast.String(value):
            return format_string(value)
        case ast.Boolean(value):
            return "true" if value else "false"
        case ast.Reference(name):
            return format_reference(name)
        case ast.Current():
            return "."
        case ast.Or(operands):
            return " or ".join(sub(operand, AND_LEVEL) for operand in operands)
        case ast.And(operands):
            return " and ".join(sub(operand, NOT_LEVEL) for operand in operands)
        case ast.Not(operand):
            return "not " + sub(operand, NOT_LEVEL)
        case ast.Comparison(operator, left, right):
            return f"{sub(left, SUM_LEVEL)} {operator} {sub(right, SUM_LEVEL)}"
        case ast.Arithmetic(operator, left, right):
            own = level(expr)
            return f"{sub(left, own)} {operator} {sub(right, own + 1)}"
        case ast.Negate(operand):
            inner = sub(operand, UNARY_LEVEL)
            return "- " + inner if inner.startswith("-") else "-" + inner
        case ast.Call(function, arguments):
            return f"{function}({', '.join(to_text(argument) for argument in arguments)})"
    raise TypeError(f"not a logic syntax tree node: {expr!r}")


def to_json(expr: ast.Expr) -> dict[str, Any]:
    """Return the JSON-ready dict form of ``expr`` (see the module docstring)."""
    match expr:
        case ast.Number(value):
            return {"type": "number", "value": value}
        case ast.String(value):
            return {"type": "string", "value": value}
        case ast.Boolean(value):
            return {"type": "boolean", "value": value}
        case ast.Reference(name):
            return {"type": "reference", "name": name}
        case ast.Current():
            return {"type": "current"}
        case ast.Not(operand) | ast.Negate(operand):
            node_type = "not" if isinstance(expr, ast.Not) else "negate"
            return {"type": node_type, "operand": to_json(operand)}
        case ast.And(operands) | ast.Or(operands):
            return {"type": "and" if isinstance(expr, ast.And) else "or",
                    "operands": [to_json(operand) for operand in operands]}
        case ast.Comparison(operator, left, right) | ast.Arithmetic(operator, left, right):
            return {"type": "comparison" if isinstance(expr, ast.Comparison) else "arithmetic",
                    "operator": operator, "left": to_json(left), "right": to_json(right)}
        case ast.Call(function, arguments):
            return {"type": "call", "function": function,
                    "arguments": [to_json(argument) for argument in arguments]}
    raise TypeError(f"not a logic syntax tree node: {expr!r}")


def from_json(data: object) -> ast.Expr:
    """Rebuild a syntax tree from ``to_json`` output.

    Raises ``LogicJSONError`` naming the bad key or value when ``data`` is not a well-formed
    tree, uses an unknown operator or function, or nests deeper than ``MAX_DEPTH``.
    """
    return _node_from_json(data, 1)


def _node_from_json(data: object, depth: int) -> ast.Expr:
    if depth > MAX_DEPTH:
        raise LogicJSONError(f"syntax tree nests deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict):
        raise LogicJSONError(f"syntax tree node must be an object, got {data!r}")
    node_name = data.get("type")

    def field(key: str, expected: type | tuple[type, ...]) -> Any:
        value = data.get(key)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise LogicJSONError(f"node {node_name!r}: '{key}' is {value!r}, not a valid value")
        return value

    def child(key: str) -> ast.Expr:
        return _node_from_json(data.get(key), depth + 1)

    def child_list(key: str, minimum: int) -> tuple[ast.Expr, ...]:
        items = field(key, list)
        if len(items) < minimum:
            raise LogicJSONError(f"node {node_name!r}: '{key}' needs at least {minimum} items")
        return tuple(_node_from_json(item, depth + 1) for item in items)

    match data.get("type"):
        case "number":
            value = field("value", (int, float))
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
            if not math.isfinite(number):
                raise LogicJSONError(f"number node: 'value' {value!r} is not a finite number")
            return ast.Number(number)
        case "string":
            return ast.String(field("value", str))
        case "boolean":
            return ast.Boolean(field("value", bool))
        case "reference":
            return ast.Reference(field("name", str))
        case "current":
            return ast.Current()
        case "not":
            return ast.Not(child("operand"))
        case "negate":
            return ast.Negate(child("operand"))
        case "and":
            return ast.And(child_list("operands", 2))
        case "or":
            return ast.Or(child_list("operands", 2))
        case "comparison" | "arithmetic" as node_type:
            operator = field("operator", str)
            is_comparison = node_type == "comparison"
            operators = ast.COMPARISON_OPERATORS if is_comparison else ast.ARITHMETIC_OPERATORS
            if operator not in operators:
                raise LogicJSONError(f"{node_type} node: unknown operator {operator!r}")
            node_class = ast.Comparison if is_comparison else ast.Arithmetic
            return node_class(operator, child("left"), child("right"))
        case "call":
            function = field("function", str)
            if function not in ast.FUNCTION_ARITY:
                raise LogicJSONError(f"call node: unknown function {function!r}")
            arguments = child_list("arguments", 0)
            if not ast.arity_fits(function, len(arguments)):
                raise LogicJSONError(
                    f"call node: '{function}' {ast.describe_arity(function)}, got {len(arguments)}"
                )
            return ast.Call(function, arguments)
        case other:
            raise LogicJSONError(f"unknown syntax tree node type {other!r}")
