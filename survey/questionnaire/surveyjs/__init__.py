"""SurveyJS JSON import and export.

``export_surveyjs(questionnaire)`` writes SurveyJS JSON (pages, elements, localized texts
``{"default": English, "zh-cn": Chinese}``, ``visibleIf`` from show-if); ``import_surveyjs(data,
filename=…)`` reads SurveyJS JSON back into a questionnaire with warnings, or raises
``QuestionnaireImportError``. Types: radiogroup/dropdown ↔ single choice, checkbox (and tagbox)
↔ multiple choice, rating ↔ rating (NPS is a 0–10 rating), matrix ↔ matrix, boolean ↔ yes/no,
text ↔ text (``inputType`` number → numeric, date → date), comment ↔ long text, html ↔
information. Each exported element carries a ``xinsheng`` property with what SurveyJS cannot hold
(type, settings, binding, exact show-if and validation), so export then import gives the same
questionnaire; a survey made elsewhere is mapped from its SurveyJS properties alone.
"""
from __future__ import annotations

from survey.questionnaire.surveyjs.exporter import export_surveyjs
from survey.questionnaire.surveyjs.importer import import_surveyjs, is_surveyjs

__all__ = ["export_surveyjs", "import_surveyjs", "is_surveyjs"]
