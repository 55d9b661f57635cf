"""LimeSurvey question types (one-letter codes) and how each is imported.

``KIND`` maps a type code to the importer's treatment; ``TYPE_NAMES`` names every type in
warnings. Fixed answer sets (gender, yes/no/uncertain, increase/same/decrease) are literal
tables here, written in both languages.
"""
from __future__ import annotations

from typing import Literal

from survey.questionnaire.document import Choice, Texts

Treatment = Literal[
    "single", "dropdown", "single_comment", "multiple", "multiple_comment", "matrix_5",
    "matrix_10", "flexible_array", "fixed_array", "numeric", "multi_numeric", "text",
    "long_text", "multi_text", "yes_no", "gender", "date", "info", "rating_5", "ranking",
]

KIND: dict[str, Treatment] = {
    "L": "single", "!": "dropdown", "O": "single_comment", "M": "multiple",
    "P": "multiple_comment", "A": "matrix_5", "B": "matrix_10", "F": "flexible_array",
    "H": "flexible_array", "1": "flexible_array", "C": "fixed_array", "E": "fixed_array",
    "N": "numeric", "K": "multi_numeric", "S": "text", "T": "long_text", "U": "long_text",
    "Q": "multi_text", "Y": "yes_no", "G": "gender", "D": "date", "X": "info", "5": "rating_5",
    "R": "ranking",
}

TYPE_NAMES: dict[str, str] = {
    "L": "list (radio)", "!": "list (dropdown)", "O": "list with comment",
    "M": "multiple choice", "P": "multiple choice with comments", "A": "array (5 point choice)",
    "B": "array (10 point choice)", "F": "array", "H": "array by column",
    "1": "array dual scale", "C": "array (yes/no/uncertain)",
    "E": "array (increase/same/decrease)", "N": "numerical input",
    "K": "multiple numerical input", "S": "short free text", "T": "long free text",
    "U": "huge free text", "Q": "multiple short text", "Y": "yes/no", "G": "gender",
    "D": "date/time", "X": "text display", "5": "5 point choice", "R": "ranking",
    "|": "file upload", "*": "equation", ":": "array (numbers)", ";": "array (texts)",
    "I": "language switch",
}

GENDER_CHOICES = (Choice("F", Texts("女", "Female")), Choice("M", Texts("男", "Male")))
FIXED_ARRAY_CHOICES: dict[str, tuple[Choice, ...]] = {
    "C": (Choice("Y", Texts("是", "Yes")), Choice("N", Texts("否", "No")),
          Choice("U", Texts("不确定", "Uncertain"))),
    "E": (Choice("I", Texts("增加", "Increase")), Choice("S", Texts("不变", "Same")),
          Choice("D", Texts("减少", "Decrease"))),
}
#: Numeric scales a matrix can hold: (first code, last code).
MATRIX_SCALES = {(1, 5), (1, 7), (1, 10), (0, 10)}
