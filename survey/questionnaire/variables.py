"""The answer variables a question stores (``Variable``), below the document and the question
types so both can build them. ``survey.questionnaire.document`` re-exports every name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from survey.questionnaire.values import Binding, Choice

VariableKind = Literal["number", "text", "choice", "multi", "date", "time", "datetime", "ranking"]


@dataclass(frozen=True, slots=True)
class Variable:
    """One answer variable a response stores (see ``survey.questionnaire.document``).

    ``time`` holds 'HH:MM', ``datetime`` 'YYYY-MM-DDTHH:MM' (local time as entered) and
    ``ranking`` the list of ``choices`` codes in rank order."""

    code: str
    question_code: str
    kind: VariableKind
    choices: tuple[Choice, ...] = ()
    binding: Binding | None = None
    minimum: float | None = None
    maximum: float | None = None
    dont_know: bool = False
