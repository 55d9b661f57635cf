"""Design-time types of the built-in functions: what each argument must be and what it gives.

``check_call(inference, function, arguments)`` returns the static type of the call and reports
mismatches through ``inference`` (a ``TypeInference``): the argument's issue names the function
(``operation`` is e.g. ``sum()``) and what it needs. A ``regex()`` pattern must be a quoted text,
so it is compiled here and an unsupported pattern is reported (rule ``invalid_pattern``) before
publishing rather than silently failing to match later. Wrong argument counts never get here:
the parser refuses them (reported as ``wrong_argument_count``/``too_few_arguments``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.patterns import PATTERN_PROBLEMS, PatternError, compile_pattern
from survey.questionnaire.logic.value_types import CHOICE_TYPES, TEXTUAL, common_type, comparable

if TYPE_CHECKING:
    from survey.questionnaire.logic.inference import TypeInference

_BOOLEAN = frozenset({"boolean"})
_NUMBER = frozenset({"number"})
_SELECTION = frozenset({"multi", "choice"})
#: Functions whose arguments are all numbers and whose result is a number.
_NUMERIC = frozenset({"sum", "min", "max"})
#: What if() and coalesce() need when their values differ (one fixed phrase, so it translates).
SAME_KIND = "values of the same kind as the first one"
#: Functions that take no arguments -> their type.
_CLOCK = {"today": "date", "now": "datetime"}


def check_call(inference: TypeInference, function: str, arguments: tuple[ast.Expr, ...]) -> str:
    """Return the static type of ``function(arguments...)``, reporting argument mismatches."""
    operation = f"{function}()"
    if function in _CLOCK:
        return _CLOCK[function]
    if function in _NUMERIC:
        for argument in arguments:
            inference.expect(argument, _NUMBER, operation, "numbers")
        return "number"
    first = arguments[0]
    match function:
        case "selected":
            found = inference.expect(first, CHOICE_TYPES, operation, "a choice question")
            inference.expect(arguments[1], TEXTUAL, operation, "a choice code as second argument")
            if found != "unknown":
                inference.check_literal(first, found, arguments[1])
            return "boolean"
        case "count":
            inference.expect(first, _SELECTION, operation, "a choice question")
            return "number"
        case "length":
            inference.expect(first, {"text", "string"}, operation, "a text")
            return "number"
        case "regex":
            inference.expect(first, TEXTUAL, operation, "a text as first argument")
            _check_pattern(inference, arguments[1])
            return "boolean"
        case "if":
            inference.expect(first, _BOOLEAN, operation, "a condition (true/false) as first argument")
            return _unify(inference, operation, arguments[1:])
        case "coalesce":
            return _unify(inference, operation, arguments)
        case "selected-at":
            inference.expect(first, _SELECTION, operation, "a choice question as first argument")
            inference.expect(arguments[1], _NUMBER, operation,
                             "a position (a number, 0 for the first) as second argument")
            return "choice"
        case _:  # answered, empty: any answer
            inference.type_of(first)
            return "boolean"


def _check_pattern(inference: TypeInference, pattern: ast.Expr) -> None:
    if not isinstance(pattern, ast.String):
        found = inference.type_of(pattern)
        if found != "unknown":
            inference.mismatch(pattern, found, "regex()",
                               "a pattern written as a quoted text as second argument")
        return
    try:
        compile_pattern(pattern.value)
    except PatternError as error:
        inference.report(
            "invalid_pattern", None, pattern=pattern.value, position=str(error.position),
            problem=PATTERN_PROBLEMS[error.problem], problem_key=error.problem,
        )


def _unify(inference: TypeInference, operation: str, values: tuple[ast.Expr, ...]) -> str:
    """The type of a result that is one of ``values``; they must be of the same kind."""
    result = "unknown"
    for value in values:
        found = inference.type_of(value)
        if found == "unknown":
            continue
        if result == "unknown":
            result = found
        elif comparable(result, found):
            result = common_type(result, found)
        else:
            inference.mismatch(value, found, operation, SAME_KIND)
    return result
