"""What the template macro of each registered question type (``survey.questionnaire.types``)
needs beyond the common view of ``survey.collect.rendering``: bounds, the choices in display
order with their ranks, the shares of a constant sum. Pure apart from the form's data."""
from __future__ import annotations

from collections.abc import Callable

from survey.collect.forms import SurveyPageForm
from survey.questionnaire import document as doc
from survey.questionnaire.types.ranking import rank_positions


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _clock(question: doc.Question, form: SurveyPageForm, locale: str,
           piped: Callable[[str], str]) -> dict:
    settings = question.settings
    return {"bounds": {key: value for key, value in (("min", settings.min), ("max", settings.max))
                       if value is not None}}


def _slider(question: doc.Question, form: SurveyPageForm, locale: str,
            piped: Callable[[str], str]) -> dict:
    settings = question.settings
    return {"slider": {"min": _number(settings.min), "max": _number(settings.max),
                       "step": _number(settings.step),
                       "inputmode": "numeric" if settings.integer and settings.min >= 0 else "decimal"},
            "ends": (piped(settings.low_label.get(locale)), piped(settings.high_label.get(locale))),
            "end_values": (_number(settings.min), _number(settings.max))}


def _ranking(question: doc.Question, form: SurveyPageForm, locale: str,
             piped: Callable[[str], str]) -> dict:
    ranks = rank_positions(form[question.code].data)
    choices = form.choice_order[question.code]
    return {"ranking": [(choice.code, piped(choice.label.get(locale)), ranks.get(choice.code))
                        for choice in choices],
            "rank_count": len(choices), "first_id": f"q-{question.code}-0"}


def _constant_sum(question: doc.Question, form: SurveyPageForm, locale: str,
                  piped: Callable[[str], str]) -> dict:
    parts = [(variable.code, piped(choice.label.get(locale)), form[variable.code].data)
             for variable, choice in zip(question.variables(), question.choices)]
    found = 0.0
    for _code, _label, value in parts:
        try:
            found += float(str(value).strip()) if value not in (None, "") else 0.0
        except ValueError:
            pass
    return {"shares": parts, "total": question.settings.total, "found": _number(found)}


_VIEWS: dict[str, Callable[..., dict]] = {
    "time": _clock, "datetime": _clock, "slider": _slider, "ranking": _ranking,
    "constant_sum": _constant_sum,
}


def type_view(question: doc.Question, form: SurveyPageForm, locale: str,
              piped: Callable[[str], str]) -> dict:
    """The extra view keys of ``question`` (empty for the older types); ``piped`` fills
    ``${…}`` references into a text as the respondent reads it."""
    builder = _VIEWS.get(question.type)
    return builder(question, form, locale, piped) if builder else {}


__all__ = ["type_view"]
