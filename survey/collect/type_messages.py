"""The respondent's messages for the answer problems of the registered question types
(``survey.questionnaire.types``): a type reports a rule code and its values, worded here in the
active Babel locale."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.questionnaire.types import AnswerProblem

#: Rule code -> message (``%(name)s`` are the problem's values).
PROBLEM_MESSAGES = {
    "time_format": _l("Enter a time as HH:MM, for example 09:30."),
    "time_range": _l("Enter a time from %(min)s to %(max)s."),
    "datetime_format": _l("Enter a date and time as YYYY-MM-DD HH:MM, for example 2027-01-31 18:00."),
    "datetime_range": _l("Enter a date and time from %(min)s to %(max)s."),
    "slider_step": _l("Choose a value in steps of %(step)s from %(min)s."),
    "ranking_incomplete": _l("Give every option a different rank from 1 to %(count)s."),
    "ranking_duplicate": _l("Rank %(rank)s is given twice: use each rank once."),
    "ranking_invalid": _l("Give every option a different rank from 1 to %(count)s."),
    "constant_sum_total": _l("Your numbers add up to %(sum)s; they must add up to %(total)s."),
}
#: Open-ended bounds of a range message.
_OPEN_MESSAGES = {
    ("time_range", "min"): _l("Enter a time no earlier than %(min)s."),
    ("time_range", "max"): _l("Enter a time no later than %(max)s."),
    ("datetime_range", "min"): _l("Enter a date and time no earlier than %(min)s."),
    ("datetime_range", "max"): _l("Enter a date and time no later than %(max)s."),
}


def _shown(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) == 16 and value[10:11] == "T":
        return value.replace("T", " ")
    return value


def problem_text(problem: AnswerProblem) -> str:
    """``problem`` as a sentence in the active locale."""
    params = {key: _shown(value) for key, value in problem.params.items()}
    message = PROBLEM_MESSAGES[problem.rule]
    if problem.rule.endswith("_range"):
        given = [bound for bound in ("min", "max") if params.get(bound)]
        if len(given) == 1:
            message = _OPEN_MESSAGES[(problem.rule, given[0])]
    return str(message) % params
