"""What every question type module of the registry shares: the answer problem it reports and
the shape it gives the logic checker. Pure: no Flask, no database.

A type module (``survey.questionnaire.types.<name>``) holds, for one question type: its
settings class and their rules, its answer variables, parsing and checking of answers (problems
as a rule code and its values, worded by the web layer in the respondent's language), its
logic value type, its analysis role and its XLSForm and SurveyJS mappings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

AnalysisRole = Literal["none", "number"]


class AnswerProblem(ValueError):
    """An answer breaks ``rule``; ``params`` are the values the message names (e.g. the sum
    found and the total). ``str(problem)`` is an English sentence for logs and the CLI."""

    def __init__(self, rule: str, **params: object) -> None:
        super().__init__(f"{rule}: " + ", ".join(f"{k}={v!r}" for k, v in params.items()))
        self.rule = rule
        self.params: dict[str, object] = params


@dataclass(frozen=True, slots=True)
class LogicShape:
    """What the logic checker reads for one question: the value type of the question's own
    code (``"none"`` when it stores nothing under it), the choice codes it can take, and its
    extra variables as ``(code, value type)``."""

    own_type: str
    choices: frozenset[str] | None = None
    extras: tuple[tuple[str, str], ...] = field(default=())


def all_given(values: Mapping[str, object], codes: tuple[str, ...]) -> bool:
    """Whether every one of ``codes`` has a value in ``values``."""
    return all(values.get(code) is not None for code in codes)
