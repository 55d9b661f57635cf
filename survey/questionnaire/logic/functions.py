"""The built-in functions of the logic language on evaluated arguments (``today``/``now``
read the evaluation's clock and live in the evaluator). The rules are summarised in
``survey.questionnaire.logic.evaluator``; ``survey/static/js/logic.js`` mirrors them."""

from __future__ import annotations

from survey.questionnaire.logic.operators import Value, arithmetic
from survey.questionnaire.logic.patterns import PatternError, matches


def _numbers(arguments: list[Value]) -> list[float] | None:
    if all(isinstance(argument, float) for argument in arguments):
        return arguments  # type: ignore[return-value]
    return None


def _selected_at(selection: Value, index: Value) -> Value:
    if isinstance(selection, str):
        codes = [selection]
    elif isinstance(selection, frozenset):
        codes = sorted(selection)  # Python orders str by code point
    else:
        return None
    if not isinstance(index, float) or not index.is_integer() or not 0 <= index < len(codes):
        return None
    return codes[int(index)]


def _regex(value: Value, pattern: Value) -> bool:
    if not isinstance(value, str) or not isinstance(pattern, str):
        return False
    try:
        return matches(value, pattern)
    except PatternError:
        return False


def call(function: str, arguments: list[Value]) -> Value:
    """Apply a built-in function (not ``today``/``now``) to already evaluated arguments."""
    first = arguments[0] if arguments else None
    match function:
        case "answered":
            return first is not None
        case "empty":
            return first is None
        case "selected":
            choice = arguments[1]
            if not isinstance(choice, str):
                return False
            if isinstance(first, frozenset):
                return choice in first
            return isinstance(first, str) and first == choice
        case "count":
            if first is None:
                return 0.0
            if isinstance(first, frozenset):
                return float(len(first))
            return 1.0 if isinstance(first, str) else None
        case "length":
            if first is None:
                return 0.0
            return float(len(first)) if isinstance(first, str) else None
        case "regex":
            return _regex(first, arguments[1])
        case "if":
            return arguments[1] if first is True else arguments[2]
        case "coalesce":
            return next((argument for argument in arguments if argument is not None), None)
        case "sum":
            numbers = _numbers(arguments)
            if numbers is None:
                return None
            total: Value = numbers[0]
            for number in numbers[1:]:
                total = arithmetic("+", total, number)
            return total
        case "min" | "max":
            numbers = _numbers(arguments)
            if numbers is None:
                return None
            best = numbers[0]
            for number in numbers[1:]:
                if (number < best) if function == "min" else (number > best):
                    best = number
            return best
        case "selected-at":
            return _selected_at(first, arguments[1])
    raise ValueError(f"unknown function {function!r}")
