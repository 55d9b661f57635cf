"""The questionnaire document: questions, pages and questionnaires, their construction rules,
answer variables, missing translations. (Settings rules: test_question_settings.py; texts and
standard wordings: test_values.py.)"""

import dataclasses

import pytest

from survey.questionnaire.document import (
    KANO_ANSWERS, Binding, Choice, DocumentError, KanoSettings, MatrixRow, NumericSettings, Page,
    Question, Questionnaire, ScaleSettings, SingleChoiceSettings, Texts, replace, replace_question,
)

T = Texts("中", "en")
ACSI = Binding("acsi", "CS", "CS1")


def choices(*codes: str) -> tuple[Choice, ...]:
    return tuple(Choice(code, Texts(f"选{code}", f"choice {code}")) for code in codes)


def one_page(*questions: Question, **options) -> Questionnaire:
    return Questionnaire(Texts("问卷", "Survey"), (Page("p1", Texts("第一页", "Page 1"), questions),),
                         **options)


@pytest.mark.parametrize("code", ["1abc", "a-b", "a b", "", "问题", "x" * 65])
def test_question_code_must_be_an_identifier(code):
    with pytest.raises(DocumentError, match="is invalid"):
        Question(code, "text", T)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (lambda: Question("q", "single_choice", T), r"setting 'choices' must list at least one"),
        (lambda: Question("q", "single_choice", T, choices=choices("a", "a")),
         r"unique codes"),
        (lambda: Question("q", "single_choice", T, choices=choices("a", "other"),
                          settings=SingleChoiceSettings(other=True)), r"'other'"),
        (lambda: Question("q", "matrix", T), r"setting 'rows' must list at least one row"),
        (lambda: Question("q", "text", T, rows=(MatrixRow("r", T),)), r"rows"),
        (lambda: Question("q", "text", T, binding=ACSI), r"setting 'binding' is only allowed"),
        (lambda: Question("q", "date", T, required=1), r"setting 'required'"),
        (lambda: Question("q", "essay", T), r"type 'essay' is not one of"),
    ],
)
def test_invalid_questions_name_the_code_setting_and_rule(question, message):
    with pytest.raises(DocumentError, match=message):
        question()


def test_variables_cover_every_type_in_order():
    questionnaire = one_page(
        Question("sc", "single_choice", T, choices=choices("a", "b"),
                 settings=SingleChoiceSettings(other=True)),
        Question("mc", "multiple_choice", T, choices=choices("x")),
        Question("r", "rating", T, binding=ACSI, settings=ScaleSettings(min=0, max=10,
                                                                        dont_know=True)),
        Question("n", "nps", T),
        Question("m", "matrix", T, rows=(MatrixRow("m1", T, Binding("acsi", "PQ", "PQ1")),
                                         MatrixRow("m2", T))),
        Question("k", "kano", T, settings=KanoSettings(T, importance=True)),
        Question("yn", "yes_no", T),
        Question("num", "numeric", T, settings=NumericSettings(min=0, max=99)),
        Question("t", "text", T), Question("lt", "long_text", T), Question("d", "date", T),
        Question("i", "info", Texts("<p>说明</p>", "<p>Note</p>")),
    )
    variables = questionnaire.variables()
    assert [(v.code, v.question_code, v.kind) for v in variables] == [
        ("sc", "sc", "choice"), ("sc_other", "sc", "text"), ("mc", "mc", "multi"),
        ("r", "r", "number"), ("n", "n", "number"), ("m1", "m", "number"),
        ("m2", "m", "number"), ("k_f", "k", "choice"), ("k_d", "k", "choice"),
        ("k_imp", "k", "number"), ("yn", "yn", "choice"), ("num", "num", "number"),
        ("t", "t", "text"), ("lt", "lt", "text"), ("d", "d", "date"),
    ]
    by_code = {v.code: v for v in variables}
    assert [c.code for c in by_code["sc"].choices] == ["a", "b", "other"]
    assert by_code["r"].binding == ACSI and by_code["r"].dont_know
    assert (by_code["r"].minimum, by_code["r"].maximum) == (0, 10)
    assert (by_code["n"].minimum, by_code["n"].maximum) == (0, 10)
    assert by_code["m1"].binding == Binding("acsi", "PQ", "PQ1") and by_code["m2"].binding is None
    assert by_code["k_f"].choices == KANO_ANSWERS
    assert (by_code["k_imp"].minimum, by_code["k_imp"].maximum) == (1, 9)
    assert [c.code for c in by_code["yn"].choices] == ["yes", "no"]
    assert (by_code["num"].minimum, by_code["num"].maximum) == (0, 99)


@pytest.mark.parametrize(
    ("questions", "clash"),
    [
        ((Question("a", "text", T), Question("a", "date", T)), "'a'"),
        ((Question("k", "kano", T), Question("k_f", "text", T)), "'k_f'"),
        ((Question("m", "matrix", T, rows=(MatrixRow("x", T),)), Question("x", "text", T)), "'x'"),
        ((Question("s", "single_choice", T, choices=choices("a"),
                   settings=SingleChoiceSettings(other=True)), Question("s_other", "text", T)),
         "'s_other'"),
        ((Question("p1", "text", T),), "'p1'"),
    ],
)
def test_codes_are_unique_across_the_questionnaire(questions, clash):
    with pytest.raises(DocumentError, match=f"code {clash} is used twice"):
        one_page(*questions)


def test_questionnaire_options_are_checked():
    with pytest.raises(DocumentError, match="default_language 'fr'"):
        one_page(default_language="fr")
    with pytest.raises(DocumentError, match="kind 'poll'"):
        one_page(kind="poll")


def test_missing_translations_flag_required_and_half_written_texts():
    questionnaire = one_page(
        Question("q1", "single_choice", Texts("只有中文", ""), help=Texts("", "help only"),
                 choices=(Choice("a", Texts("甲", "A")), Choice("b", Texts("乙", "")))),
        Question("q2", "rating", Texts("评分", "Rate"),
                 settings=ScaleSettings(low_label=Texts("差", ""))),
        Question("q3", "matrix", Texts("矩阵", "Matrix"), rows=(MatrixRow("r1", Texts()),)),
    )
    found = {(m.location, m.languages) for m in questionnaire.missing_translations()}
    assert found == {
        ("page:p1/question:q1/text", ("en",)),
        ("page:p1/question:q1/help", ("zh",)),
        ("page:p1/question:q1/choice:b", ("en",)),
        ("page:p1/question:q2/low_label", ("en",)),
        ("page:p1/question:q3/row:r1", ("zh", "en")),
    }


def test_values_are_frozen_and_replace_revalidates():
    question = Question("q", "text", T)
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.code = "other"
    assert dataclasses.replace(question, required=True).required
    with pytest.raises(DocumentError):
        dataclasses.replace(question, code="bad code")


def test_lookup_helpers():
    questionnaire = one_page(Question("q", "text", T), Question("n", "nps", T))
    assert [q.code for q in questionnaire.questions()] == ["q", "n"]
    assert questionnaire.question("n").type == "nps"
    with pytest.raises(KeyError):
        questionnaire.question("zz")


def test_replace_question_revalidates_the_whole_questionnaire():
    questionnaire = one_page(Question("q", "text", T), Question("n", "nps", T))
    changed = replace_question(questionnaire, "q", required=True, text=Texts("新", "new"))
    assert changed.question("q").required and changed.question("q").text.en == "new"
    assert not questionnaire.question("q").required
    with pytest.raises(DocumentError, match="code 'n' is used twice"):
        replace_question(questionnaire, "q", code="n")
    with pytest.raises(KeyError):
        replace_question(questionnaire, "missing", required=True)
    assert replace(T, en="x") == Texts("中", "x")


def test_texts_and_bindings_must_have_the_right_type():
    with pytest.raises(DocumentError, match=r"question 'q': text must be Texts"):
        Question("q", "text", "plain string")
    with pytest.raises(DocumentError, match=r"choice 'a': label must be Texts"):
        Choice("a", "A")
    with pytest.raises(DocumentError, match=r"page 'p': title must be Texts"):
        Page("p", None, ())
    with pytest.raises(DocumentError, match=r"setting 'binding' must be a Binding"):
        Question("q", "rating", T, binding=("acsi", "CS", "CS1"))
    with pytest.raises(DocumentError, match=r"row 'r': text must be Texts"):
        Question("m", "matrix", T, rows=(MatrixRow("r", "Row"),))
