"""Logic-language expressions <-> SurveyJS expressions (``visibleIf``, expression validators).

Mapping: ``q`` ↔ ``{q}``; a matrix row ``q_r`` ↔ ``{q.r}`` when the row came from SurveyJS;
``.`` → ``{code}`` of the question itself; ``=``/``!=``/``<``… ↔ the same (SurveyJS also spells
them ``==``, ``<>``, ``equal``, ``notequal``, ``less``, ``greater``, ``lessorequal``,
``greaterorequal``); ``and``/``or``/``not`` ↔ ``and``/``or``/``!``; ``mod`` ↔ ``%``;
``selected(q, 'x')`` ↔ ``{q} contains 'x'`` (``notcontains``, ``anyof [...]``, ``allof [...]``
are read too); ``answered(q)`` ↔ ``{q} notempty``; ``empty(q)`` ↔ ``{q} empty``. A yes/no
question compared with ``true``/``false`` in SurveyJS compares with ``'yes'``/``'no'`` here.
Other functions have no counterpart: :class:`Unmappable` names them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Literal

from survey.questionnaire import logic
from survey.questionnaire.logic import ast
from survey.questionnaire.logic.serialize import format_number
from survey.questionnaire.foreign_expressions import TokenCursor, Unmappable
from survey.questionnaire.notices import notice


# --- export -----------------------------------------------------------------------------------

_EXPORT_FUNCTIONS = {"answered": "notempty", "empty": "empty"}


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def to_surveyjs(expr: ast.Expr, *, current: str = "") -> str:
    """SurveyJS text for ``expr``; ``.`` becomes ``{current}``. Raises :class:`Unmappable`."""

    def sub(child: ast.Expr) -> str:
        text = to_surveyjs(child, current=current)
        atomic = isinstance(child, (ast.Number, ast.String, ast.Boolean, ast.Reference,
                                    ast.Current))
        return text if atomic else f"({text})"

    match expr:
        case ast.Number(value):
            return format_number(value)
        case ast.String(value):
            return _literal(value)
        case ast.Boolean(value):
            return "true" if value else "false"
        case ast.Reference(name):
            return "{" + name + "}"
        case ast.Current():
            if not current:
                raise Unmappable(notice("current_outside"))
            return "{" + current + "}"
        case ast.Or(operands):
            return " or ".join(sub(operand) for operand in operands)
        case ast.And(operands):
            return " and ".join(sub(operand) for operand in operands)
        case ast.Not(operand):
            return f"!{sub(operand)}"
        case ast.Comparison(operator, left, right):
            return f"{sub(left)} {operator} {sub(right)}"
        case ast.Arithmetic(operator, left, right):
            return f"{sub(left)} {'%' if operator == 'mod' else operator} {sub(right)}"
        case ast.Negate(operand):
            return f"-{sub(operand)}"
        case ast.Call("selected", (question, ast.String(value))):
            return f"{sub(question)} contains {_literal(value)}"
        case ast.Call(function, (argument,)) if function in _EXPORT_FUNCTIONS:
            return f"{sub(argument)} {_EXPORT_FUNCTIONS[function]}"
        case ast.Call(function, _):
            raise Unmappable(notice("sjs_function", name=function))
    raise Unmappable(notice("sjs_node", kind=type(expr).__name__))


# --- import -----------------------------------------------------------------------------------

TargetKind = Literal["choice", "multi", "yes_no", "number", "text", "date"]


@dataclass(frozen=True, slots=True)
class Target:
    """What a SurveyJS name became: the variable ``code`` of ``kind``; ``value`` turns a SurveyJS
    choice value into the stored code (names are cleaned on import)."""

    code: str
    kind: TargetKind
    value: Callable[[str], str] = str


_TOKEN = re.compile(r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<ref>\{[^{}]+\})
  | (?P<op>==|!=|<>|<=|>=|&&|\|\||[<>=!()+\-*/%,\[\]])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
)""", re.X)
_WORDS = {"and": "&&", "or": "||", "not": "!", "equal": "=", "notequal": "!=", "less": "<",
          "greater": ">", "lessorequal": "<=", "greaterorequal": ">=", "contains": "contains",
          "notcontains": "notcontains", "anyof": "anyof", "allof": "allof", "empty": "empty",
          "notempty": "notempty", "true": "true", "false": "false"}
_COMPARE = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">",
            ">=": ">="}


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Unmappable(notice("not_understood", part=text[position:position + 20]))
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "word":
            if value.lower() not in _WORDS:
                raise Unmappable(notice("function_or_word", word=value))
            kind, value = "op", _WORDS[value.lower()]
        found.append((kind, value))
        position = match.end()
    return found


class _Reader(TokenCursor):
    """Recursive descent over SurveyJS expressions straight to the logic syntax tree."""

    def __init__(self, text: str, targets: dict[str, Target]) -> None:
        super().__init__(_tokens(text))
        self.targets = targets
        self.by_code = {target.code: target for target in targets.values()}

    def read(self) -> ast.Expr:
        expr = self.or_()
        if self.peek()[0] != "end":
            raise Unmappable(notice("not_understood", part=self.peek()[1]))
        return expr

    def or_(self) -> ast.Expr:
        parts = [self.and_()]
        while self.peek() == ("op", "||"):
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else ast.Or(tuple(parts))

    def and_(self) -> ast.Expr:
        parts = [self.not_()]
        while self.peek() == ("op", "&&"):
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else ast.And(tuple(parts))

    def not_(self) -> ast.Expr:
        if self.peek() == ("op", "!"):
            self.take()
            return ast.Not(self.not_())
        return self.comparison()

    def target(self, token: str) -> Target:
        name = token[1:-1].strip()
        if name not in self.targets:
            raise Unmappable(notice("unknown_question", name="{" + name + "}"))
        return self.targets[name]

    def comparison(self) -> ast.Expr:
        start = self.position
        left = self.sum()
        kind, operator = self.peek()
        if kind != "op":
            return left
        if operator in ("empty", "notempty"):
            self.take()
            call = ast.Call("empty" if operator == "empty" else "answered", (left,))
            return call
        if operator in ("contains", "notcontains", "anyof", "allof"):
            self.take()
            return self.membership(start, operator)
        if operator in _COMPARE:
            self.take()
            right = self.sum()
            return self.compare(_COMPARE[operator], left, right)
        return left

    def membership(self, start: int, operator: str) -> ast.Expr:
        kind, token = self.tokens[start]
        if kind != "ref" or start + 1 != self.position - 1:
            raise Unmappable(notice("membership", operator=operator))
        target = self.target(token)
        if operator in ("anyof", "allof"):
            self.take("[")
            values = [self.literal()]
            while self.peek() == ("op", ","):
                self.take()
                values.append(self.literal())
            self.take("]")
        else:
            values = [self.literal()]
        tests = [ast.Call("selected", (ast.Reference(target.code),
                                       ast.String(target.value(value)))) for value in values]
        if operator == "notcontains":
            return ast.Not(tests[0])
        if len(tests) == 1:
            return tests[0]
        return ast.Or(tuple(tests)) if operator == "anyof" else ast.And(tuple(tests))

    def literal(self) -> str:
        kind, value = self.take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind == "number":
            return value
        raise Unmappable(notice("expected_value", found=value))

    def compare(self, operator: str, left: ast.Expr, right: ast.Expr) -> ast.Expr:
        if isinstance(left, (ast.String, ast.Number, ast.Boolean)) \
                and isinstance(right, ast.Reference):
            mirrored = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(operator, operator)
            return self.compare(mirrored, right, left)
        if isinstance(left, ast.Reference):
            target = self.by_code.get(left.name)
            kind = target.kind if target else None
            if kind == "yes_no" and isinstance(right, ast.Boolean):
                right = ast.String("yes" if right.value else "no")
            elif kind in ("choice", "multi") and isinstance(right, (ast.String, ast.Number)):
                raw = right.value if isinstance(right, ast.String) else format_number(right.value)
                right = ast.String(target.value(raw))
            elif kind == "multi":
                raise Unmappable(notice("multi_list"))
        return ast.Comparison(operator, left, right)

    def sum(self) -> ast.Expr:
        expr = self.product()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            expr = ast.Arithmetic(self.take()[1], expr, self.product())
        return expr

    def product(self) -> ast.Expr:
        expr = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "%"):
            operator = self.take()[1]
            expr = ast.Arithmetic("mod" if operator == "%" else operator, expr, self.unary())
        return expr

    def unary(self) -> ast.Expr:
        if self.peek() == ("op", "-"):
            self.take()
            return ast.Negate(self.unary())
        kind, value = self.take()
        if kind == "number":
            return ast.Number(float(value))
        if kind == "string":
            return ast.String(re.sub(r"\\(.)", r"\1", value[1:-1]))
        if kind == "ref":
            return ast.Reference(self.target(value).code)
        if (kind, value) in (("op", "true"), ("op", "false")):
            return ast.Boolean(value == "true")
        if (kind, value) == ("op", "("):
            expr = self.or_()
            self.take(")")
            return expr
        raise Unmappable(notice("not_understood", part=value))


def from_surveyjs(text: str, targets: dict[str, Target]) -> str:
    """Logic-language text for a SurveyJS expression; ``targets`` maps SurveyJS names (and
    ``question.row`` names of matrix rows) to what they became. Raises :class:`Unmappable`."""
    try:
        expr = _Reader(text, targets).read()
    except RecursionError:
        raise Unmappable(notice("too_deep")) from None
    result = logic.to_text(expr)
    logic.parse(result)
    return result
