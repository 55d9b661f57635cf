"""LimeSurvey survey structure (.lss) import.

``import_lss(data, filename=…)`` reads a LimeSurvey 2.x–6.x survey export (XML, parsed with
defusedxml: no DTD, no entities) and returns an ``ImportResult`` (the questionnaire and the
warnings) or raises ``QuestionnaireImportError``; nothing is stored either way.

Mapping: question groups become pages (group relevance → page show-if); list (radio/dropdown,
with "other"), multiple choice, 5-point choice (rating 1–5), arrays of 5 or 10 points and arrays
whose answer codes are a 1–5, 1–7, 1–10 or 0–10 scale (matrix), numerical input, short/long/huge
text, yes/no, gender, date and text display map to the types of the same meaning; other arrays
(yes/no/uncertain, increase/same/decrease, arbitrary answers), multiple numerical and multiple
short text become an information text followed by one question per row. Ranking, file upload,
equation, number/text arrays and the language switch are left out with a warning, as are
comments, validation patterns, defaults, quotas, assessments and hidden-question flags.
Relevance and conditions are translated when the logic language can say the same thing
(``limesurvey.expressions``), otherwise dropped with a warning naming the question and the
expression. Languages: see ``limesurvey.languages``.
"""
from __future__ import annotations

from survey.questionnaire.limesurvey.importer import import_lss, looks_like_lss

__all__ = ["import_lss", "looks_like_lss"]
