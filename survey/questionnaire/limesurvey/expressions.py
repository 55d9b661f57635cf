"""LimeSurvey relevance (Expression Manager syntax) and conditions -> the logic language.

Only what has the same meaning in both is mapped: references to imported questions (``Q1``,
``Q1.NAOK``, ``Q1.value``, ``Q1_SQ001`` for a sub-question), text and number literals,
``== != < <= > >=`` (and ``eq ne lt le gt ge``), ``and or not`` (``&& || !``), ``+ - * /``,
``is_empty(x)`` and ``strlen(x)``. Values are translated to what Xinsheng stores: ``"Y"``/``"N"``
of a yes/no question become ``'yes'``/``'no'``; ``Q_SQ == "Y"`` on a multiple-choice
sub-question becomes ``selected(Q, 'SQ')``; a numeric answer is compared with a number; ``""``
(no answer) becomes ``empty(q)``/``answered(q)``. Anything else raises :class:`Unmappable`
naming the part, so the caller can drop the expression with a warning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from survey.questionnaire import logic
from survey.questionnaire.logic import ast
from survey.questionnaire.foreign_expressions import TokenCursor, Unmappable
from survey.questionnaire.notices import notice

TargetKind = Literal["choice", "yes_no", "number", "text", "date", "multi", "multi_item"]


@dataclass(frozen=True, slots=True)
class Target:
    """What a LimeSurvey variable name became: an answer variable of ``kind`` (for a
    multiple-choice sub-question, the question ``code`` and its ``choice``)."""

    code: str
    kind: TargetKind
    choice: str = ""


_TOKEN = re.compile(r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()+\-*/,])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)
)""", re.X)
_WORDS = {"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=", "lt": "<", "le": "<=",
          "gt": ">", "ge": ">="}
_COMPARISONS = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_YES_NO = {"Y": "yes", "N": "no"}
_SUFFIXES = {"", "NAOK", "value"}


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position, text = [], 0, text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Unmappable(notice("not_understood", part=text[position:position + 20]))
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "name" and value.lower() in _WORDS:
            kind, value = "op", _WORDS[value.lower()]
        found.append((kind, value))
        position = match.end()
    return found


class _Parser(TokenCursor):
    """Recursive descent over the Expression Manager subset, to nested tuples."""

    def __init__(self, text: str) -> None:
        super().__init__(_tokens(text))

    def parse(self) -> tuple:
        tree = self.or_()
        if self.peek()[0] != "end":
            raise Unmappable(notice("not_understood", part=self.peek()[1]))
        return tree

    def or_(self) -> tuple:
        parts = [self.and_()]
        while self.peek() == ("op", "||"):
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def and_(self) -> tuple:
        parts = [self.not_()]
        while self.peek() == ("op", "&&"):
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def not_(self) -> tuple:
        if self.peek() == ("op", "!"):
            self.take()
            return ("not", self.not_())
        return self.comparison()

    def comparison(self) -> tuple:
        left = self.sum()
        if self.peek()[0] == "op" and self.peek()[1] in _COMPARISONS:
            return ("cmp", self.take()[1], left, self.sum())
        return left

    def sum(self) -> tuple:
        tree = self.product()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            tree = ("arith", self.take()[1], tree, self.product())
        return tree

    def product(self) -> tuple:
        tree = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in "*/":
            tree = ("arith", self.take()[1], tree, self.unary())
        return tree

    def unary(self) -> tuple:
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        kind, value = self.take()
        if kind == "number":
            return ("num", float(value))
        if kind == "string":
            return ("str", re.sub(r"\\(.)", r"\1", value[1:-1]))
        if kind == "name" and self.peek() == ("op", "("):
            self.take()
            arguments = []
            while self.peek() != ("op", ")"):
                arguments.append(self.or_())
                if self.peek() == ("op", ","):
                    self.take()
                elif self.peek() != ("op", ")"):
                    raise Unmappable(notice("expected_token", expected=")",
                                            found=self.peek()[1]))
            self.take(")")
            return ("call", value, arguments)
        if kind == "name":
            name, _, suffix = value.partition(".")
            return ("ref", name, suffix)
        if (kind, value) == ("op", "("):
            tree = self.or_()
            self.take(")")
            return tree
        raise Unmappable(notice("not_understood", part=value))


class _Translator:
    def __init__(self, targets: dict[str, Target]) -> None:
        self.targets = targets

    def target(self, node: tuple) -> Target:
        _, name, suffix = node
        if suffix not in _SUFFIXES:
            raise Unmappable(notice("property", name=f"{name}.{suffix}", suffix=suffix))
        if name in ("self", "that"):
            raise Unmappable(notice("word", word=name))
        if name not in self.targets:
            raise Unmappable(notice("unknown_question", name=name))
        return self.targets[name]

    def condition(self, node: tuple) -> ast.Expr:
        kind = node[0]
        if kind == "or":
            return ast.Or(tuple(self.condition(part) for part in node[1]))
        if kind == "and":
            return ast.And(tuple(self.condition(part) for part in node[1]))
        if kind == "not":
            return ast.Not(self.condition(node[1]))
        if kind == "cmp":
            return self.comparison(*node[1:])
        if kind == "num" or (kind == "str" and node[1] in ("0", "1")):
            return ast.Boolean(float(node[1]) != 0)
        if kind == "ref":
            target = self.target(node)
            if target.kind == "multi_item":
                return _selected(target)
            return ast.Call("answered", (ast.Reference(target.code),))
        if kind == "call":
            return self.call(node)
        raise Unmappable(notice("value_as_condition"))

    def call(self, node: tuple) -> ast.Expr:
        _, name, arguments = node
        if name == "is_empty" and len(arguments) == 1 and arguments[0][0] == "ref":
            target = self.target(arguments[0])
            if target.kind == "multi_item":
                return ast.Not(_selected(target))
            return ast.Call("empty", (ast.Reference(target.code),))
        if name == "strlen" and len(arguments) == 1:
            return ast.Call("length", (self.value(arguments[0]),))
        raise Unmappable(notice("function", name=name))

    def comparison(self, operator: str, left: tuple, right: tuple) -> ast.Expr:
        if right[0] == "ref" and left[0] in ("str", "num"):
            mirrored = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(operator, operator)
            return self.comparison(mirrored, right, left)
        if left[0] == "ref" and right[0] in ("str", "num"):
            target = self.target(left)
            literal = right[1] if right[0] == "str" else _number_text(right[1])
            if literal == "" and operator in ("==", "!="):
                if target.kind == "multi_item":
                    selected = _selected(target)
                    return ast.Not(selected) if operator == "==" else selected
                call = ast.Call("empty" if operator == "==" else "answered",
                                (ast.Reference(target.code),))
                return call
            return self.compare_literal(operator, target, literal)
        return ast.Comparison(_COMPARISONS[operator], self.value(left), self.value(right))

    def compare_literal(self, operator: str, target: Target, literal: str) -> ast.Expr:
        reference = ast.Reference(target.code)
        if target.kind in ("multi_item", "multi"):
            if operator not in ("==", "!="):
                raise Unmappable(notice("multi_operator", operator=operator))
            if target.kind == "multi_item" and literal != "Y":
                raise Unmappable(notice("multi_value", value=literal))
            choice = target.choice if target.kind == "multi_item" else literal
            selected = _selected(Target(target.code, "multi_item", choice))
            return selected if operator == "==" else ast.Not(selected)
        value: ast.Expr
        if target.kind == "yes_no":
            if literal not in _YES_NO:
                raise Unmappable(notice("yes_no_value", value=literal))
            value = ast.String(_YES_NO[literal])
        elif target.kind == "number":
            try:
                value = ast.Number(float(literal))
            except ValueError:
                raise Unmappable(notice("number_text", value=literal)) from None
        else:
            value = ast.String(literal)
        return ast.Comparison(_COMPARISONS[operator], reference, value)

    def value(self, node: tuple) -> ast.Expr:
        kind = node[0]
        if kind == "num":
            return ast.Number(node[1])
        if kind == "str":
            return ast.String(node[1])
        if kind == "ref":
            target = self.target(node)
            if target.kind in ("multi", "multi_item"):
                raise Unmappable(notice("multi_as_value", name=node[1]))
            return ast.Reference(target.code)
        if kind == "arith":
            return ast.Arithmetic(node[1], self.value(node[2]), self.value(node[3]))
        if kind == "neg":
            return ast.Negate(self.value(node[1]))
        if kind == "call":
            return self.call(node)
        raise Unmappable(notice("condition_as_value"))


def _selected(target: Target) -> ast.Expr:
    return ast.Call("selected", (ast.Reference(target.code), ast.String(target.choice)))


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def is_always(expression: str) -> bool:
    """True for an empty relevance or the constant ``1`` (LimeSurvey's "always shown")."""
    return expression.strip() in ("", "1", "true")


def translate_relevance(expression: str, targets: dict[str, Target]) -> str:
    """Logic-language text for a LimeSurvey relevance expression (``targets`` maps LimeSurvey
    variable names to what they became). Raises :class:`Unmappable` naming what has no
    equivalent."""
    text = expression.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    try:
        tree = _Parser(text).parse()
    except RecursionError:
        raise Unmappable(notice("too_deep")) from None
    expr = _Translator(targets).condition(tree)
    result = logic.to_text(expr)
    logic.parse(result)  # raises LogicError if the result breaks a limit of the language
    return result
