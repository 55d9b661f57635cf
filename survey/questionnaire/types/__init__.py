"""The registry of question types that live in one module each (issue 16, Structure).

``TYPES`` maps a question type to its module (see ``survey.questionnaire.types.base`` for what a
module holds). The older types (choice, rating, NPS, matrix, Kano, yes/no, number, text, date,
information) are still spread over the document, the collect layer and the exports; a new type
is added here, as one module, one template macro (``templates/collect/_questions.html``) and its
tests, and the existing places ask the registry.
"""

from __future__ import annotations

from types import ModuleType

from survey.questionnaire.types import constant_sum, date_time, ranking, slider, time_of_day
from survey.questionnaire.types.base import AnswerProblem, LogicShape

__all__ = ["AnswerProblem", "CHOICE_TYPES", "LogicShape", "TYPES", "XLSFORM_TYPES", "analysis_role"]

TYPES: dict[str, ModuleType] = {module.NAME: module for module in (
    time_of_day, date_time, slider, ranking, constant_sum)}
#: Registered types whose answers are choices of ``Question.choices``.
CHOICE_TYPES: frozenset[str] = frozenset(name for name, module in TYPES.items()
                                         if module.HAS_CHOICES)
#: XLSForm type (as pyxform names it, and the spelling "datetime") → registered question type.
XLSFORM_TYPES: dict[str, str] = {
    **{module.XLSFORM_TYPE: name for name, module in TYPES.items() if module.XLSFORM_TYPE},
    "datetime": "datetime"}


def analysis_role(question_type: str) -> str:
    """The role a registered type's answers play in analysis ("none" for the older types)."""
    module = TYPES.get(question_type)
    return module.ANALYSIS_ROLE if module is not None else "none"
