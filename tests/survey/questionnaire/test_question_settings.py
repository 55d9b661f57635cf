"""Question settings: the class of each type, its defaults and its rules."""

import pytest

from survey.questionnaire.document import (
    Choice, DocumentError, KanoSettings, MultipleChoiceSettings, NumericSettings, Question,
    ScaleSettings, SingleChoiceSettings, TextSettings, Texts,
)
from survey.questionnaire.question_settings import SCALE_RANGES, SETTINGS_CLASS

T = Texts("中", "en")


def choices(*codes: str) -> tuple[Choice, ...]:
    return tuple(Choice(code, Texts(f"选{code}", f"choice {code}")) for code in codes)


def test_default_settings_follow_the_type():
    assert Question("q", "rating", T).settings == ScaleSettings(min=1, max=5)
    assert Question("q", "numeric", T).settings == NumericSettings(integer=True)
    assert isinstance(Question("q", "single_choice", T, choices=choices("a")).settings,
                      SingleChoiceSettings)


def test_every_question_type_has_a_settings_class():
    from survey.questionnaire.document import QUESTION_TYPES

    assert set(SETTINGS_CLASS) == set(QUESTION_TYPES)
    assert SCALE_RANGES == {(1, 5), (1, 7), (1, 10), (0, 10)}


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (lambda: Question("q", "rating", T, settings=ScaleSettings(min=1, max=6)),
         r"question 'q': setting 'min/max' must be one of the scales"),
        (lambda: Question("q", "rating", T, settings=ScaleSettings(min=0, max=5)),
         r"min/max"),
        (lambda: Question("q", "rating", T, settings=NumericSettings()),
         r"setting 'settings' must be ScaleSettings"),
        (lambda: Question("q", "single_choice", T, choices=choices("a"),
                          settings=SingleChoiceSettings(display="slider")),
         r"setting 'display' must be 'radio' or 'dropdown'"),
        (lambda: Question("q", "multiple_choice", T, choices=choices("a", "b"),
                          settings=MultipleChoiceSettings(max_selected=3)),
         r"setting 'max_selected' must lie between"),
        (lambda: Question("q", "multiple_choice", T, choices=choices("a", "b"),
                          settings=MultipleChoiceSettings(min_selected=2, max_selected=1)),
         r"max_selected"),
        (lambda: Question("q", "numeric", T, settings=NumericSettings(min=5, max=1)),
         r"setting 'min' must not exceed max"),
        (lambda: Question("q", "numeric", T, settings=NumericSettings(min=float("nan"))),
         r"finite number"),
        (lambda: Question("q", "text", T, settings=TextSettings(max_length=0)),
         r"setting 'max_length'"),
        (lambda: Question("q", "kano", T, settings=KanoSettings(importance="yes")),
         r"setting 'importance' must be true or false"),
    ],
)
def test_invalid_settings_name_the_code_setting_and_rule(question, message):
    with pytest.raises(DocumentError, match=message):
        question()


def test_all_four_scales_are_accepted():
    for low, high in ((1, 5), (1, 7), (1, 10), (0, 10)):
        question = Question("q", "rating", T, settings=ScaleSettings(min=low, max=high))
        assert (question.variables()[0].minimum, question.variables()[0].maximum) == (low, high)
