"""Errors raised by the logic language; each message names the bad value and the rule it broke."""

from __future__ import annotations


class LogicError(Exception):
    """Base class of every error raised by ``survey.questionnaire.logic``."""


class LogicSyntaxError(LogicError, ValueError):
    """An expression's text is not valid.

    ``line`` and ``column`` (1-based) point at the offending character, or are None when the
    problem is the expression as a whole (e.g. it nests too deeply). ``expected`` lists short
    English descriptions of what could have come there instead (possibly empty).
    """

    def __init__(
        self,
        reason: str,
        *,
        text: str,
        line: int | None,
        column: int | None,
        expected: tuple[str, ...] = (),
    ) -> None:
        self.reason = reason
        self.text = text
        self.line = line
        self.column = column
        self.expected = expected
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"{reason}{where}")


class LogicArityError(LogicSyntaxError):
    """A known function is called with the wrong number of arguments.

    ``function`` is its name in the syntax tree (``count`` for ``count-selected``), ``spelling``
    as written, ``count`` the number of arguments given.
    """

    def __init__(self, reason: str, *, text: str, line: int | None, column: int | None,
                 function: str, spelling: str, count: int) -> None:
        super().__init__(reason, text=text, line=line, column=column)
        self.function = function
        self.spelling = spelling
        self.count = count


class LogicJSONError(LogicError, ValueError):
    """A JSON syntax tree (from ``to_json`` or the browser) does not have the expected shape."""


class LogicEvaluationError(LogicError, TypeError):
    """An answer handed to the evaluator has a type the language does not know."""


class XLSFormConversionError(LogicError, ValueError):
    """An expression cannot be expressed in (or read from) XLSForm ``relevant``/``constraint``."""
