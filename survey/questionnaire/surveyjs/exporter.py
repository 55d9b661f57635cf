"""Questionnaire -> SurveyJS JSON (see the package docstring)."""
from __future__ import annotations

import json
from typing import Any

from survey.questionnaire import logic
from survey.questionnaire.document import (
    DONT_KNOW, DONT_KNOW_LABEL, KANO_ANSWERS, KANO_DYSFUNCTIONAL_PROMPT, KANO_FUNCTIONAL_PROMPT,
    KANO_IMPORTANCE_PROMPT, NPS_HIGH_LABEL, NPS_LOW_LABEL, YES_NO_CHOICES, Question,
    Questionnaire, Texts,
)
from survey.questionnaire.jsonio import binding_to_json, settings_to_json
from survey.questionnaire.notices import notice
from survey.questionnaire.surveyjs.expressions import Unmappable, to_surveyjs
from survey.questionnaire.surveyjs.texts import texts_to_surveyjs
from survey.questionnaire.types import TYPES
from survey.questionnaire.xlsform.common import QuestionnaireExportError

#: The key of the element property that carries what SurveyJS cannot hold (the question's
#: type, settings, binding and the exact show-if/validation texts); SurveyJS ignores it.
MARKER = "xinsheng"


def _expression(rule: str, code: str, text: str | None, *, field: str = "show-if",
                current: str = "") -> str | None:
    if text is None:
        return None
    try:
        return to_surveyjs(logic.parse(text), current=current)
    except (Unmappable, logic.LogicError) as error:
        detail = error.notice if isinstance(error, Unmappable) \
            else notice("logic_rule", error=error)
        refusal = notice(rule, code=code, expression=text, detail=detail,
                         **({"field": field} if rule == "sjs_export_question" else {}))
        raise QuestionnaireExportError(refusal.text(), refusal) from None


def _choices(choices) -> list[dict[str, Any]]:
    return [{"value": choice.code, "text": texts_to_surveyjs(choice.label)} for choice in choices]


def _scale_columns(first: int, last: int, low: Texts, high: Texts,
                   dont_know: bool) -> list[dict[str, Any]]:
    columns: list[dict[str, Any]] = []
    for value in range(first, last + 1):
        end = low if value == first else high if value == last else Texts()
        label = Texts(*(f"{value} {text}".strip() for text in (end.zh, end.en)))
        columns.append({"value": value, "text": texts_to_surveyjs(label)})
    if dont_know:
        columns.append({"value": DONT_KNOW, "text": texts_to_surveyjs(DONT_KNOW_LABEL)})
    return columns


def _element(question: Question) -> dict[str, Any]:
    code, settings = question.code, question.settings
    element: dict[str, Any] = {"name": code, "title": texts_to_surveyjs(question.text)}
    if not question.help.is_empty():
        element["description"] = texts_to_surveyjs(question.help)
    if question.required:
        element["isRequired"] = True
    visible = _expression("sjs_export_question", code, question.show_if)
    if visible:
        element["visibleIf"] = visible
    validation = _expression("sjs_export_question", code, question.validation,
                             field="validation", current=code)
    if validation:
        validator: dict[str, Any] = {"type": "expression", "expression": validation}
        if not question.validation_message.is_empty():
            validator["text"] = texts_to_surveyjs(question.validation_message)
        element["validators"] = [validator]
    kind = question.type
    if kind in TYPES:
        own = TYPES[kind].surveyjs_element(question, texts_to_surveyjs)
        element.setdefault("validators", []).extend(own.pop("validators", []))
        element.update(own)
        if question.choices and kind != "constant_sum":
            element["choices"] = _choices(question.choices)
        if not element["validators"]:
            del element["validators"]
    elif kind == "single_choice":
        element.update(type="dropdown" if settings.display == "dropdown" else "radiogroup",
                       choices=_choices(question.choices))
    elif kind == "multiple_choice":
        element.update(type="checkbox", choices=_choices(question.choices))
        if settings.min_selected:
            element["minSelectedChoices"] = settings.min_selected
        if settings.max_selected:
            element["maxSelectedChoices"] = settings.max_selected
    if getattr(settings, "other", False):
        element["showOtherItem"] = True
    if getattr(settings, "randomize", False):
        element["choicesOrder"] = "random"
    if kind in ("rating", "nps"):
        low, high = (NPS_LOW_LABEL, NPS_HIGH_LABEL) if kind == "nps" else (settings.low_label,
                                                                            settings.high_label)
        first, last = (0, 10) if kind == "nps" else (settings.min, settings.max)
        element.update(type="rating", rateMin=first, rateMax=last)
        if not low.is_empty():
            element["minRateDescription"] = texts_to_surveyjs(low)
        if not high.is_empty():
            element["maxRateDescription"] = texts_to_surveyjs(high)
    elif kind == "matrix":
        element.update(type="matrix", columns=_scale_columns(
            settings.min, settings.max, settings.low_label, settings.high_label,
            settings.dont_know),
            rows=[{"value": row.code, "text": texts_to_surveyjs(row.text)}
                  for row in question.rows])
    elif kind == "yes_no":
        yes, no = YES_NO_CHOICES
        element.update(type="boolean", valueTrue=yes.code, valueFalse=no.code,
                       labelTrue=texts_to_surveyjs(yes.label),
                       labelFalse=texts_to_surveyjs(no.label))
    elif kind == "numeric":
        element.update(type="text", inputType="number")
        if settings.integer:
            element["step"] = 1
        limits = {key: value for key, value in (("minValue", settings.min),
                                                ("maxValue", settings.max)) if value is not None}
        element.update({own: limits[key] for own, key in (("min", "minValue"),
                                                          ("max", "maxValue")) if key in limits})
        if limits:
            element.setdefault("validators", []).insert(0, {"type": "numeric", **limits})
    elif kind in ("text", "long_text"):
        element["type"] = "text" if kind == "text" else "comment"
        if settings.max_length:
            element["maxLength"] = settings.max_length
    elif kind == "date":
        element.update(type="text", inputType="date")
    elif kind == "info":
        element = {"type": "html", "name": code, "html": texts_to_surveyjs(question.text),
                   **({"visibleIf": visible} if visible else {})}
    elif kind == "kano":
        attribute = settings.attribute
        parts = [{"type": "radiogroup", "name": f"{code}_{suffix}", "isRequired": question.required,
                  "title": texts_to_surveyjs(Texts(prompt.zh.format(attribute=attribute.zh),
                                                   prompt.en.format(attribute=attribute.en))),
                  "choices": _choices(KANO_ANSWERS)}
                 for suffix, prompt in (("f", KANO_FUNCTIONAL_PROMPT),
                                        ("d", KANO_DYSFUNCTIONAL_PROMPT))]
        if settings.importance:
            prompt = KANO_IMPORTANCE_PROMPT
            parts.append({"type": "rating", "name": f"{code}_imp", "rateMin": 1, "rateMax": 9,
                          "isRequired": question.required,
                          "title": texts_to_surveyjs(Texts(
                              prompt.zh.format(attribute=attribute.zh),
                              prompt.en.format(attribute=attribute.en)))})
        element.update(type="panel", elements=parts)
    element[MARKER] = {
        "type": kind, "settings": settings_to_json(settings),
        "binding": binding_to_json(question.binding), "show_if": question.show_if,
        "validation": question.validation,
        "rows": {row.code: binding_to_json(row.binding) for row in question.rows
                 if row.binding is not None},
        **({"required": question.required,
            "validation_message": texts_to_surveyjs(question.validation_message)}
           if kind in ("info", "kano") else {}),
        **({"help": texts_to_surveyjs(question.help)} if kind == "info" else {}),
    }
    return element


def export_surveyjs(questionnaire: Questionnaire) -> bytes:
    """Return ``questionnaire`` as SurveyJS JSON (UTF-8 bytes).

    Pages become pages, questions elements: single choice → ``radiogroup``/``dropdown``,
    multiple choice → ``checkbox``, rating and NPS → ``rating``, matrix → ``matrix``, yes/no →
    ``boolean`` (values ``yes``/``no``), numeric/date → ``text`` with ``inputType``, text →
    ``text``, long text → ``comment``, information → ``html``, Kano → a ``panel`` of its
    questions. Show-if becomes ``visibleIf`` and validation an expression validator. Each
    element also carries a ``xinsheng`` property with what SurveyJS cannot hold, so that
    ``import_surveyjs`` rebuilds the questionnaire exactly. Raises ``QuestionnaireExportError``
    naming the question when a show-if or validation has no SurveyJS equivalent.
    """
    pages = []
    for page in questionnaire.pages:
        entry: dict[str, Any] = {"name": page.code}
        if not page.title.is_empty():
            entry["title"] = texts_to_surveyjs(page.title)
        visible = _expression("sjs_export_page", page.code, page.show_if)
        if visible:
            entry["visibleIf"] = visible
        entry[MARKER] = {"show_if": page.show_if}
        entry["elements"] = [_element(question) for question in page.questions]
        pages.append(entry)
    survey: dict[str, Any] = {"title": texts_to_surveyjs(questionnaire.title)}
    if not questionnaire.description.is_empty():
        survey["description"] = texts_to_surveyjs(questionnaire.description)
    if questionnaire.default_language == "zh_CN":
        survey["locale"] = "zh-cn"
    survey[MARKER] = {"kind": questionnaire.kind}
    survey["pages"] = pages
    return json.dumps(survey, ensure_ascii=False, indent=2).encode("utf-8")
