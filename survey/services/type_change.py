"""Whether a question may change its type, given the answers already stored for it.

Pure: no Flask, no SQL (``survey.services.stored_answers`` loads the values). A question nobody
has answered may become any type. Once answers are stored, only the changes in
``CONVERTIBLE_TYPES`` are possible, and only when every stored answer is also a valid answer of
the changed question, read as the changed question reads it (:func:`fitted_answer`): a single
choice becomes a one-element multiple choice, a multiple choice with at most one choice a single
one, a rating its choice code ("4") and back, a number its text and a text of digits its number.
Otherwise :func:`check_type_change` returns a :class:`TypeChangeRefusal` naming the variable,
how many answers do not fit, one of them and the reason — as codes, translated where shown.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from survey.questionnaire.document import DONT_KNOW, NumericSettings, Question, TextSettings, Variable
from survey.services.bounded_numbers import NumberRejected, bounded_value, check_bounds, parse_number_text

#: Question type → the types it may become once answers are stored.
CONVERTIBLE_TYPES: dict[str, frozenset[str]] = {
    "single_choice": frozenset({"multiple_choice", "rating"}),
    "multiple_choice": frozenset({"single_choice"}),
    "rating": frozenset({"single_choice"}),
    "text": frozenset({"numeric", "long_text"}),
    "long_text": frozenset({"text"}),
    "numeric": frozenset({"text"}),
}
MisfitReason: TypeAlias = Literal[
    "not_a_choice", "several_choices", "not_a_number", "not_whole", "out_of_range", "too_long",
    "not_a_text", "not_a_date",
]
RefusalRule: TypeAlias = Literal["not_convertible", "answers_do_not_fit"]


class AnswerMisfit(ValueError):
    """A stored answer is not a valid answer of the changed question; ``reason`` says why."""

    def __init__(self, reason: MisfitReason) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TypeChangeRefusal:
    """Why ``question`` cannot change from ``old_type`` to ``new_type``: ``rule`` is
    "not_convertible" (answers are stored and this change is not in ``CONVERTIBLE_TYPES``) or
    "answers_do_not_fit" (``misfits`` of the ``answers`` stored for ``variable`` are not valid
    answers of the changed question; ``example`` is one of them, ``reason`` its ``MisfitReason``)."""

    rule: RefusalRule
    question: str
    old_type: str
    new_type: str
    answers: int
    variable: str = ""
    misfits: int = 0
    example: str = ""
    reason: MisfitReason | None = None


def _choice_code(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise AnswerMisfit("not_a_choice")


def _number(value: object, variable: Variable, integer: bool) -> int | float | str:
    if variable.dont_know and value == DONT_KNOW:
        return value
    try:
        if isinstance(value, str):
            number = parse_number_text(value, integer=integer)
        else:
            number = bounded_value(value)
            if integer and float(number) != int(number):
                raise NumberRejected("not_whole", "")
            number = int(number) if integer else number
        check_bounds(number, variable.minimum, variable.maximum)
    except NumberRejected as rejected:
        reasons = {"not_whole": "not_whole", "below_minimum": "out_of_range", "above_maximum": "out_of_range"}
        raise AnswerMisfit(reasons.get(rejected.rule, "not_a_number")) from None
    return number


def fitted_answer(value: object, question: Question, variable: Variable) -> object:
    """``value`` (a stored answer) as an answer to ``variable`` of ``question``; raises
    :class:`AnswerMisfit` when it is not a valid one."""
    allowed = {choice.code for choice in variable.choices}
    if variable.kind == "multi":
        codes = [_choice_code(item) for item in (value if isinstance(value, list) else [value])]
        if not codes or any(code not in allowed for code in codes):
            raise AnswerMisfit("not_a_choice")
        return codes
    if variable.kind == "choice":
        if isinstance(value, list):
            if len(value) != 1:
                raise AnswerMisfit("several_choices")
            value = value[0]
        code = _choice_code(value)
        if code not in allowed:
            raise AnswerMisfit("not_a_choice")
        return code
    if variable.kind == "number":
        settings = question.settings
        return _number(value, variable, settings.integer if isinstance(settings, NumericSettings) else True)
    if variable.kind == "date":
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise AnswerMisfit("not_a_date") from None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise AnswerMisfit("not_a_text")
    text = value if isinstance(value, str) else (str(int(value)) if float(value).is_integer() else str(value))
    settings = question.settings
    limit = settings.max_length if isinstance(settings, TextSettings) and variable.code == question.code else None
    if limit is not None and len(text) > limit:
        raise AnswerMisfit("too_long")
    return text


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_type_change(old: Question, new: Question,
                      stored: Mapping[str, Iterable[object]]) -> TypeChangeRefusal | None:
    """None when ``old`` may become ``new`` given ``stored`` (variable code → the answers stored
    for it, None for unanswered); else the first reason it may not. Only the variables ``old``
    and ``new`` share are read; a change that keeps the type is not judged here."""
    if old.type == new.type:
        return None
    values = {v.code: [value for value in stored.get(v.code, ()) if value is not None] for v in old.variables()}
    shared = [v for v in new.variables() if v.code in values]
    answers = sum(len(found) for found in values.values())
    if not answers:
        return None
    if new.type not in CONVERTIBLE_TYPES.get(old.type, frozenset()):
        return TypeChangeRefusal("not_convertible", old.code, old.type, new.type, answers)
    for variable in shared:
        misfits, example, reason = 0, "", None
        for value in values[variable.code]:
            try:
                fitted_answer(value, new, variable)
            except AnswerMisfit as misfit:
                if not misfits:
                    example, reason = _shown(value), misfit.reason
                misfits += 1
        if misfits:
            return TypeChangeRefusal("answers_do_not_fit", old.code, old.type, new.type, answers,
                                     variable.code, misfits, example, reason)
    return None
