"""The ``ranking`` question type: the respondent puts the choices in order.

Posted without JavaScript as one rank select per choice (each value ``'<choice>:<rank>'``, all
under the question's code), or by the API as the list of choice codes in order; stored as the
list of choice codes in rank order, every choice ranked once.
Logic: a multiple-choice value (``count(q)`` and ``selected(q, 'x')``; the order itself is not
reachable, as ``selected-at`` sorts the codes). Analysis role: none. Export: one column per choice holding its
rank (1 = first), the layout SPSS users expect for mean ranks and the Friedman test. XLSForm
``rank``; SurveyJS ``ranking``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.questionnaire.types.base import AnalysisRole, AnswerProblem, LogicShape, all_given
from survey.questionnaire.values import Texts, setting_error
from survey.questionnaire.variables import Variable

if TYPE_CHECKING:
    from survey.questionnaire.document import Question

NAME = "ranking"
HAS_CHOICES = True
ANALYSIS_ROLE: AnalysisRole = "none"
XLSFORM_TYPE = "rank"
#: Most choices a ranking may have (one rank select each).
MAX_CHOICES = 30
_POSTED = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}):([0-9]{1,3})")


@dataclass(frozen=True, slots=True)
class RankingSettings:
    """``randomize`` shows the choices in a random order (kept per response)."""

    randomize: bool = False


SETTINGS = RankingSettings


def check_settings(question: Question) -> None:
    """Raise ``DocumentError`` unless there are 2 to ``MAX_CHOICES`` choices."""
    if not isinstance(question.settings.randomize, bool):
        raise setting_error(question.code, "randomize", "must be true or false",
                            question.settings.randomize)
    if not 2 <= len(question.choices) <= MAX_CHOICES:
        raise setting_error(question.code, "choices", f"must list 2 to {MAX_CHOICES} choices to rank",
                            len(question.choices))


def variables(question: Question) -> tuple[Variable, ...]:
    return (Variable(question.code, question.code, "ranking", question.choices),)


def rank_positions(value: object) -> dict[str, int]:
    """Choice code → rank (1 = first) of a stored ranking (a list of codes) or of what was
    posted (``'<choice>:<rank>'`` items); unreadable items are skipped. For showing the page
    again."""
    ranks: dict[str, int] = {}
    for position, item in enumerate(value if isinstance(value, list) else [], start=1):
        match = _POSTED.fullmatch(item) if isinstance(item, str) else None
        if match:
            ranks[match.group(1)] = int(match.group(2))
        elif isinstance(item, str) and item and ":" not in item:
            ranks[item] = position
    return ranks


def parse(question: Question, variable: Variable, raw: object) -> list[str] | None:
    """The choice codes in rank order; None when nothing was ranked.

    ``raw`` is a list of ``'<choice>:<rank>'`` texts (empty ones: not ranked) or a list of
    choice codes in order. Raises ``AnswerProblem``: ``ranking_incomplete`` (some but not all
    choices ranked), ``ranking_duplicate`` (a rank given twice, named), ``ranking_invalid``."""
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    items = [item.strip() if isinstance(item, str) else item for item in items]
    items = [item for item in items if item not in ("", None)]
    if not items:
        return None
    codes = [choice.code for choice in variable.choices]
    if all(isinstance(item, str) and item in codes for item in items):  # codes in order
        pairs = [(item, position) for position, item in enumerate(items, start=1)]
    else:
        pairs = []
        for item in items:
            match = _POSTED.fullmatch(item) if isinstance(item, str) else None
            if match is None or match.group(1) not in codes \
                    or not 1 <= int(match.group(2)) <= len(codes):
                raise AnswerProblem("ranking_invalid", count=len(codes))
            pairs.append((match.group(1), int(match.group(2))))
    ranked = [code for code, _rank in pairs]
    if len(set(ranked)) != len(ranked):
        raise AnswerProblem("ranking_invalid", count=len(codes))
    ranks = [rank for _code, rank in pairs]
    twice = sorted({rank for rank in ranks if ranks.count(rank) > 1})
    if twice:
        raise AnswerProblem("ranking_duplicate", rank=twice[0])
    if len(pairs) != len(codes):
        raise AnswerProblem("ranking_incomplete", count=len(codes))
    return [code for code, _rank in sorted(pairs, key=lambda pair: pair[1])]


def check(question: Question, values: Mapping[str, object]) -> AnswerProblem | None:
    return None


def answered(question: Question, values: Mapping[str, object]) -> bool:
    return all_given(values, (question.code,))


def logic_shape(question: Question) -> LogicShape:
    return LogicShape("multi", frozenset(choice.code for choice in question.choices))


def part_label(question: Question, variable: Variable):
    return None


def xlsform_row(question: Question) -> dict[str, str]:
    row = {"type": f"{XLSFORM_TYPE} {question.code}"}
    if question.settings.randomize:
        row["parameters"] = "randomize=true"
    return row


def settings_from_xlsform(node: Mapping[str, Any]) -> RankingSettings:
    parameters = node.get("parameters")
    randomize = isinstance(parameters, dict) and str(parameters.get("randomize", "")).lower() \
        in ("true", "yes", "true()")
    return RankingSettings(randomize=randomize)


def surveyjs_element(question: Question, texts: Callable[[Texts], object]) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "ranking"}
    if question.settings.randomize:
        element["choicesOrder"] = "random"
    return element
