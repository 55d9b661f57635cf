"""SurveyJS JSON export and import: the round trip, the mapping of a survey made in SurveyJS
Creator (fixture written here), expressions both ways, and refusals."""
import json
import random
import re
from pathlib import Path

import pytest

from survey.questionnaire.document import (
    Binding, Choice, KanoSettings, MatrixRow, MultipleChoiceSettings, NumericSettings, Page,
    Question, Questionnaire, ScaleSettings, SingleChoiceSettings, TextSettings, Texts,
)
from survey.questionnaire.logic import check_questionnaire, parse
from survey.questionnaire.surveyjs import export_surveyjs, import_surveyjs, is_surveyjs
from survey.questionnaire.surveyjs.expressions import (
    Target, Unmappable, from_surveyjs, to_surveyjs,
)
from survey.questionnaire.templates import TEMPLATES
from survey.questionnaire.xlsform import QuestionnaireExportError, QuestionnaireImportError
from survey.services.publishing import logic_items

FIXTURES = Path(__file__).parent / "fixtures"


def every_type() -> Questionnaire:
    acsi = Binding("acsi", "CS", "CS1")
    questions = (
        Question("visit", "single_choice", Texts("多久来一次", "How often"), required=True,
                 help=Texts("<b>一项</b>", "One"),
                 choices=(Choice("weekly", Texts("每周", "Weekly")),
                          Choice("monthly", Texts("每月", "Monthly"))),
                 settings=SingleChoiceSettings("dropdown", other=True, randomize=True)),
        Question("channels", "multiple_choice", Texts("渠道", "Channels"),
                 choices=(Choice("web", Texts("网站", "Web")), Choice("shop", Texts("门店", ""))),
                 settings=MultipleChoiceSettings(min_selected=1, max_selected=2)),
        Question("overall", "rating", Texts("总体", "Overall"), binding=acsi,
                 show_if="selected(channels, 'shop') and visit != 'monthly'",
                 settings=ScaleSettings(1, 10, Texts("差", "Bad"), Texts("好", "Good"), True)),
        Question("nps", "nps", Texts("推荐", "Recommend")),
        Question("sat", "matrix", Texts("满意度", "Satisfaction"),
                 rows=(MatrixRow("sat_staff", Texts("员工", "Staff"),
                                 Binding("acsi", "PQ", "PQ1")),
                       MatrixRow("sat_price", Texts("价格", "Price"))),
                 settings=ScaleSettings(0, 10, Texts("", "Low"), Texts("高", ""), True)),
        Question("feature", "kano", Texts("功能", "Feature"), required=True,
                 settings=KanoSettings(Texts("快充", "fast charging"), importance=True)),
        Question("member", "yes_no", Texts("会员", "Member")),
        Question("age", "numeric", Texts("年龄", "Age"), show_if="member = 'yes'",
                 validation=". >= 18 or answered(visit)",
                 validation_message=Texts("太小", "Too young"),
                 settings=NumericSettings(min=0, max=120, integer=True)),
        Question("spend", "numeric", Texts("花费", "Spend"), settings=NumericSettings(min=0.5, integer=False)),
        Question("name", "text", Texts("姓名", "Name"), settings=TextSettings(40)),
        Question("why", "long_text", Texts("原因", "Why"), show_if="empty(name)"),
        Question("when", "date", Texts("日期", "Date")),
        Question("note", "info", Texts("<p>谢谢</p>", "<p>Thanks</p>"),
                 help=Texts("", "more")),
    )
    return Questionnaire(
        title=Texts("全部类型", "Every type"), description=Texts("说明", ""),
        pages=(Page("p1", Texts("第一页", "One"), questions[:6]),
               Page("p2", Texts(), questions[6:], show_if="overall >= 5")),
        default_language="zh_CN", kind="acsi")


def roundtrip(questionnaire: Questionnaire) -> Questionnaire:
    result = import_surveyjs(export_surveyjs(questionnaire), filename="export.json")
    assert result.warnings == ()
    return result.questionnaire


def test_export_then_import_gives_the_same_questionnaire() -> None:
    questionnaire = every_type()
    assert roundtrip(questionnaire) == questionnaire


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_survives_the_round_trip(key: str) -> None:
    questionnaire = TEMPLATES[key].preview()
    assert roundtrip(questionnaire) == questionnaire


def strip_markers(value: object) -> object:
    if isinstance(value, dict):
        return {k: strip_markers(v) for k, v in value.items() if k != "xinsheng"}
    if isinstance(value, list):
        return [strip_markers(v) for v in value]
    return value


def test_the_surveyjs_properties_alone_keep_what_the_format_can_hold() -> None:
    exported = json.loads(export_surveyjs(every_type()))
    plain = json.dumps(strip_markers(exported)).encode()
    result = import_surveyjs(plain, filename="plain.json")
    questionnaire = result.questionnaire
    original = every_type()
    kept = {q.code: q for q in questionnaire.questions()}
    for question in original.questions():
        if question.type in ("kano", "nps", "info"):
            continue
        mine = kept[question.code]
        assert (mine.type, mine.text, mine.required, mine.choices, mine.show_if) == (
            question.type, question.text, question.required, question.choices,
            question.show_if), question.code
    # what SurveyJS cannot say: bindings, the rating's don't-know, the validation's '.'
    assert kept["overall"].binding is None
    assert kept["overall"].settings == ScaleSettings(1, 10, Texts("差", "Bad"), Texts("好", "Good"))
    assert kept["sat"].settings == original.question("sat").settings
    assert [r.code for r in kept["sat"].rows] == ["sat_sat_staff", "sat_sat_price"]
    assert kept["age"].validation == "age >= 18 or answered(visit)"
    assert kept["age"].settings == NumericSettings(min=0, max=120, integer=True)
    assert kept["spend"].settings == NumericSettings(min=0.5, integer=False)
    assert kept["nps"].type == "rating" and kept["nps"].settings.min == 0
    assert [q.code for q in questionnaire.questions() if q.code.startswith("feature")] == [
        "feature_f", "feature_d", "feature_imp"]  # a Kano pair becomes its parts
    assert questionnaire.pages[1].show_if == "overall >= 5"
    assert questionnaire.default_language == "zh_CN"


def test_a_survey_made_in_surveyjs_creator_is_mapped_with_warnings() -> None:
    data = (FIXTURES / "creator_survey.json").read_bytes()
    result = import_surveyjs(data, filename="creator_survey.json")
    questionnaire = result.questionnaire
    assert questionnaire.title == Texts("门店到访", "Store visit")
    assert [(q.code, q.type) for q in questionnaire.questions()] == [
        ("visited", "yes_no"), ("how_often", "single_choice"), ("channels", "multiple_choice"),
        ("staff", "rating"), ("age", "numeric"), ("sat", "matrix"), ("agree", "info"),
        ("agree_r1", "single_choice"), ("why", "long_text"), ("when", "date"),
        ("mail", "text"), ("note", "info"), ("odd", "single_choice"),
        ("hidden_one", "single_choice")]
    how_often = questionnaire.question("how_often")
    assert [c.code for c in how_often.choices] == ["weekly", "monthly", "3", "none"]
    assert how_often.choices[0].label == Texts("每周", "Weekly")
    assert how_often.settings == SingleChoiceSettings(other=True)
    assert questionnaire.question("channels").settings == MultipleChoiceSettings(
        max_selected=2, randomize=True)
    assert questionnaire.question("staff").settings == ScaleSettings(
        1, 7, Texts("", "Poor"), Texts("", "Great"))
    age = questionnaire.question("age")
    assert age.settings == NumericSettings(min=18, max=99, integer=True)
    assert (age.validation, age.validation_message) == ("age > staff", Texts("", "Too small"))
    assert [r.code for r in questionnaire.question("sat").rows] == ["sat_clean", "sat_speed"]
    assert questionnaire.question("sat").settings == ScaleSettings(
        1, 5, Texts("", "Bad"), Texts("", "Good"))
    assert questionnaire.question("note").text.en == "<p>Thanks</p>"
    show_if = {q.code: q.show_if for q in questionnaire.questions() if q.show_if}
    assert show_if == {
        "how_often": "visited = 'yes'",
        "staff": "selected(channels, 'shop')",
        "age": "selected(channels, 'shop') and (selected(how_often, 'weekly') or "
               "selected(how_often, 'monthly'))",
        "why": "sat_clean <= 2 or agree_r1 = 'no'",
    }
    assert questionnaire.pages[1].show_if == "answered(visited)"
    assert check_questionnaire(logic_items(questionnaire)) == []
    text = "\n".join(result.warnings)
    for expected in ("triggers were not imported", "'photo' has the SurveyJS type 'file'",
                     "'mail': its email validator", "'odd': the 2–4 scale",
                     "'hidden one' is hidden", "'hidden one': its defaultValue",
                     "'age({visited}) > 3'", "The texts in de were not imported",
                     "'agree': its columns are not a 1–5"):
        assert expected in text


@pytest.mark.parametrize(("expression", "surveyjs"), [
    ("selected(q, 'a') and not empty(t)", "({q} contains 'a') and (!({t} empty))"),
    ("n + 2 > 3 or n mod 2 = 1", "(({n} + 2) > 3) or (({n} % 2) = 1)"),
    ("answered(t) and b = 'yes'", "({t} notempty) and ({b} = 'yes')"),
    ("t = \"it's\"", "{t} = 'it\\'s'"),
])
def test_expressions_are_written_in_surveyjs_syntax_and_read_back(
        expression: str, surveyjs: str) -> None:
    targets = {"q": Target("q", "multi"), "t": Target("t", "text"), "n": Target("n", "number"),
               "b": Target("b", "text")}
    assert to_surveyjs(parse(expression)) == surveyjs
    assert from_surveyjs(surveyjs, targets) == expression


def test_surveyjs_spellings_are_read() -> None:
    targets = {"q": Target("q", "choice"), "b": Target("b", "yes_no"),
               "m": Target("m", "multi")}
    assert from_surveyjs("{q} equal 'a' && {b} == false", targets) == "q = 'a' and b = 'no'"
    assert from_surveyjs("{q} <> 'a' || {m} allof ['x', 'y']", targets) == \
        "q != 'a' or selected(m, 'x') and selected(m, 'y')"
    assert from_surveyjs("{m} notcontains 'x'", targets) == "not selected(m, 'x')"
    for text, reason in (("{zz} = 1", "{zz} is not an imported question"),
                         ("iif({q}, 1, 2)", "'iif' has no equivalent"),
                         ("{q} = 'a' ~", "not understood")):
        with pytest.raises(Unmappable, match=re.escape(reason)):
            from_surveyjs(text, targets)


def test_an_expression_without_a_surveyjs_equivalent_refuses_the_export_naming_it() -> None:
    questionnaire = Questionnaire(Texts("", "T"), (Page("p", Texts(), (
        Question("n", "text", Texts("", "N")),
        Question("m", "text", Texts("", "M"), show_if="length(n) > 3"))),))
    with pytest.raises(QuestionnaireExportError,
                       match=r"question 'm': the show-if 'length\(n\) > 3' cannot be written"):
        export_surveyjs(questionnaire)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"{not json", "rule"),
    (b'{"schema": "xinsheng.questionnaire", "pages": []}', "not a SurveyJS survey"),
    (b'[1, 2]', "not a SurveyJS survey"),
    (b'{"pages": [{"name": "p", "elements": [{"type": "file", "name": "f"}]}]}',
     "no question could be imported from this SurveyJS survey: none of its elements is a "
     "question Xinsheng can ask \\('f': file\\)$"),
    (b'{"pages": [{"elements": [{"type": "html", "name": "h", "html": "x"}]}]}',
     "no question could be imported.*\\('h': html\\)$"),
    (b'{"pages": [' + b"[" * 40 + b"]" * 40 + b"]}", "rule"),
])
def test_files_that_are_not_surveyjs_surveys_are_refused_with_a_message(
        data: bytes, message: str) -> None:
    with pytest.raises(QuestionnaireImportError, match=message) as raised:
        import_surveyjs(data, filename="up.json")
    assert str(raised.value).startswith("up.json: ") and "up.json: up.json" not in str(raised.value)


def test_detection_tells_surveyjs_from_the_own_format() -> None:
    assert is_surveyjs({"pages": [{"elements": []}]})
    assert is_surveyjs({"elements": []})
    assert not is_surveyjs({"schema": "xinsheng.questionnaire", "pages": []})
    assert not is_surveyjs({"title": "x"})


WRONG_VALUES = [None, 5, "x", [], {}, [1, "a", None, {}], {"a": 1}, True, -3.5, 10**30]
PROPERTIES = ["choices", "columns", "rows", "validators", "rateValues", "elements", "rateMin",
              "rateMax", "rateStep", "rateCount", "min", "max", "step", "maxLength", "title",
              "name", "visibleIf", "type", "inputType", "valueTrue", "xinsheng", "html",
              "minSelectedChoices", "showOtherItem"]


@pytest.mark.parametrize("seed", range(4))
def test_properties_of_the_wrong_type_are_warned_or_refused_never_a_traceback(seed: int) -> None:
    survey = json.loads((FIXTURES / "creator_survey.json").read_bytes())
    chosen = random.Random(seed)
    outcomes = set()
    for _ in range(150):
        changed = json.loads(json.dumps(survey))
        flat = [e for page in changed["pages"] for e in page["elements"]]
        flat += [child for e in flat for child in e.get("elements", [])]
        for _ in range(chosen.randint(1, 4)):
            chosen.choice(flat)[chosen.choice(PROPERTIES)] = chosen.choice(WRONG_VALUES)
        try:
            import_surveyjs(json.dumps(changed).encode(), filename="f.json")
            outcomes.add("imported")
        except QuestionnaireImportError as error:
            assert str(error).startswith("f.json: ")
            outcomes.add("refused")
    assert "imported" in outcomes
