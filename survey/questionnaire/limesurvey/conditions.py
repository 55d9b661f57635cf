"""LimeSurvey's ``<conditions>`` table (the pre-Expression-Manager logic) as one relevance
expression per question, which ``expressions.translate_relevance`` then maps."""
from __future__ import annotations

import re
from collections import defaultdict

from survey.questionnaire.limesurvey.expressions import Unmappable
from survey.questionnaire.limesurvey.structure import LssCondition
from survey.questionnaire.notices import notice

_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}

_SGQA = re.compile(r"^\+?(\d+)X(\d+)X(\d+)(.*)$")


def conditions_to_relevance(conditions: list[LssCondition], titles: dict[str, str]) -> str:
    """A relevance expression for one question's rows of the ``<conditions>`` table (scenarios
    are or-ed; in a scenario, conditions on the same answer are or-ed and different answers
    and-ed, as LimeSurvey does). ``titles`` maps qid to the LimeSurvey question code. Raises
    :class:`Unmappable` for a regular-expression test, a comparison with another answer or a
    participant attribute."""
    scenarios: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for condition in conditions:
        match = _SGQA.match(condition.field_name.strip())
        if not match:
            raise Unmappable(notice("condition_field", field=condition.field_name))
        qid, suffix = match.group(3), match.group(4)
        if qid not in titles:
            raise Unmappable(notice("condition_question", qid=qid))
        name = titles[qid] + (f"_{suffix}" if suffix else "")
        if condition.method not in _COMPARISONS:
            raise Unmappable(notice("condition_method", method=condition.method, name=name))
        if condition.value.startswith("@"):
            raise Unmappable(notice("condition_answer", name=name))
        value = condition.value.replace("\\", "\\\\").replace('"', '\\"')
        scenarios[condition.scenario][name].append(f'{name} {condition.method} "{value}"')
    return " or ".join(
        "(" + " and ".join("(" + " or ".join(parts) + ")" for parts in fields.values()) + ")"
        for _, fields in sorted(scenarios.items()))
