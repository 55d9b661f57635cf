"""A logic rule's syntax error in the designer's language.

The parser's ``LogicSyntaxError`` carries an English ``reason``, the position (line, column) and
``expected``: descriptions of the grammar's terminals (``grammar.TERMINAL_DESCRIPTIONS``) or "a
value" / "an operator". This module reads only what is not English prose: the position, what the
rule has there (quoted from the rule itself), the terminals expected (mapped back to their
terminal names) and, on an arity error, the function and the number of arguments.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.questionnaire.logic import MAX_DEPTH, MAX_LENGTH, LogicSyntaxError, parse
from survey.questionnaire.logic.grammar import TERMINAL_DESCRIPTIONS

#: Terminal name (or the two summaries) → what the designer reads. Quoted symbols such as
#: ``'('`` need no translation and are shown as the grammar writes them.
TERMINAL_TEXTS = {
    "NUMBER": _l("a number"), "STRING": _l("a quoted text"), "NAME": _l("a question code"),
    "BRACED_REFERENCE": _l("a ${code} reference"), "HYPHENATED_NAME": _l("a function name"),
    "COMPARISON_OPERATOR": _l("a comparison (=, !=, <, <=, >, >=)"),
    "$END": _l("the end of the rule"), "a value": _l("a value"), "an operator": _l("an operator"),
}
_TERMINAL_OF = {description: name for name, description in TERMINAL_DESCRIPTIONS.items()}
_WORD = re.compile(r"\$\{[^}]*\}?|[A-Za-z_][\w.-]*|\d+(?:\.\d+)?|'[^']*'?|\"[^\"]*\"?|\S")
_CALL = re.compile(r"[A-Za-z_][\w-]*\s*\(")


def expected_text(description: str) -> str | None:
    """One entry of ``LogicSyntaxError.expected`` for the reader: a quoted symbol as written
    (in “ ” quotes),
    a known terminal translated, None for a description this module does not know."""
    if len(description) >= 3 and description[0] == description[-1] == "'":
        return f"“{description[1:-1]}”"
    name = _TERMINAL_OF.get(description, description)
    text = TERMINAL_TEXTS.get(name)
    return str(text) if text is not None else None


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(each) + 1 for each in lines[:line - 1]) + column - 1


def _one_of(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s or %(last)s", items=_(", ").join(items[:-1]), last=items[-1])


def syntax_error_text(text: str | None, *, line: object = None, column: object = None) -> str:
    """What is wrong with the rule ``text`` (which the checker found not to parse), translated.
    ``line``/``column`` are the checker's position (used when ``text`` is None)."""
    if text is None:
        if str(line or "").isdigit() and str(column or "").isdigit():
            return _("at line %(line)s, column %(column)s", line=line, column=column)
        return _("the rule cannot be read")
    try:
        parse(text)
    except LogicSyntaxError as error:
        return _describe(text, error)
    return _("the rule cannot be read")


def _describe(text: str, error: LogicSyntaxError) -> str:
    if not text.strip():
        return _("the rule is empty")
    if len(text) > MAX_LENGTH:
        return _("the rule has %(length)s characters; at most %(max)s are allowed",
                 length=f"{len(text):,}", max=f"{MAX_LENGTH:,}")
    if error.line is None or error.column is None:
        return _("the rule nests more than %(max)s levels deep", max=MAX_DEPTH)
    where = {"line": error.line, "column": error.column}
    spelling, count = getattr(error, "spelling", None), getattr(error, "count", None)
    if spelling is not None and count is not None:  # an arity error
        return _("at line %(line)s, column %(column)s: the function “%(name)s” cannot take "
                 "%(count)s argument(s)", name=spelling, count=count, **where)
    offset = _offset(text, error.line, error.column)
    found_match = _WORD.match(text, offset) if offset < len(text) else None
    found = f"“{found_match.group(0)[:30]}”" if found_match else _("the end of the rule")
    expected = [each for each in (expected_text(d) for d in error.expected) if each]
    if expected:
        return _("at line %(line)s, column %(column)s, %(found)s: expected %(expected)s",
                 found=found, expected=_one_of(expected), **where)
    call = _CALL.match(text, offset)
    if call:
        name = call.group(0).rstrip("( \t\n")
        return _("at line %(line)s, column %(column)s: “%(name)s” is not a function of the logic "
                 "language", name=name, **where)
    return _("at line %(line)s, column %(column)s: %(found)s cannot be used here", found=found, **where)
