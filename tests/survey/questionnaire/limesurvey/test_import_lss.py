"""LimeSurvey .lss import: both file layouts, the type mapping, relevance and conditions,
languages, and refusals of files that are not LimeSurvey surveys (fixtures written here)."""
import re
from pathlib import Path

import pytest

from survey.questionnaire.document import (
    MultipleChoiceSettings, NumericSettings, ScaleSettings, SingleChoiceSettings, TextSettings,
    Texts,
)
from survey.questionnaire.limesurvey import import_lss, looks_like_lss
from survey.questionnaire.limesurvey.expressions import Target, Unmappable, translate_relevance
from survey.questionnaire.limesurvey.languages import plan_languages
from survey.questionnaire.logic import check_questionnaire
from survey.questionnaire.xlsform import MAX_UPLOAD_BYTES, QuestionnaireImportError
from survey.services.publishing import logic_items

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return import_lss((FIXTURES / name).read_bytes(), filename=name)


def test_a_limesurvey_3_export_keeps_groups_types_answers_and_both_languages() -> None:
    result = load("ls3_bilingual.lss")
    questionnaire = result.questionnaire
    assert questionnaire.title == Texts("顾客调查", "Customer survey")
    assert questionnaire.default_language == "zh_CN"
    assert [(p.code, p.title.en) for p in questionnaire.pages] == [
        ("page_1", "About you"), ("page_2", "Ratings")]
    assert [(q.code, q.type) for q in questionnaire.questions()] == [
        ("visit", "single_choice"), ("channels", "multiple_choice"), ("member", "yes_no"),
        ("age", "numeric"), ("sat", "matrix"), ("ease", "matrix"), ("brand", "info"),
        ("brand_b1", "single_choice"), ("brand_b2", "single_choice"), ("comment", "long_text"),
        ("thanks", "info"), ("email", "text"), ("cond", "text")]
    visit = questionnaire.question("visit")
    assert visit.text == Texts("您多久来一次？", "How often do you visit?")  # HTML made plain
    assert visit.required is True
    assert visit.settings == SingleChoiceSettings(other=True)
    assert [(c.code, c.label) for c in visit.choices] == [
        ("A1", Texts("每周", "Weekly")), ("A2", Texts("每月", "Monthly"))]
    channels = questionnaire.question("channels")
    assert [c.code for c in channels.choices] == ["web", "shop"]
    assert channels.settings == MultipleChoiceSettings(other=True)
    assert questionnaire.question("age").settings == NumericSettings(min=18, max=99, integer=True)
    sat = questionnaire.question("sat")
    assert [(r.code, r.text.en) for r in sat.rows] == [("sat_staff", "Staff"),
                                                       ("sat_price", "Price")]
    assert sat.settings == ScaleSettings(1, 5)
    ease = questionnaire.question("ease").settings
    assert (ease.min, ease.max, ease.low_label, ease.high_label) == (
        1, 5, Texts("很难", "Very hard"), Texts("很容易", "Very easy"))
    assert [c.code for c in questionnaire.question("brand_b1").choices] == ["like", "no"]
    assert questionnaire.question("comment").settings == TextSettings(max_length=500)
    # rich text keeps allowed tags and loses scripts
    assert questionnaire.question("thanks").text.en == "<p>Thank <strong>you</strong>!</p>"


def test_relevance_and_conditions_become_show_if_in_the_logic_language() -> None:
    questionnaire = load("ls3_bilingual.lss").questionnaire
    show_if = {q.code: q.show_if for q in questionnaire.questions() if q.show_if}
    assert show_if == {
        "age": "member = 'yes'",
        "sat": "selected(channels, 'web') and answered(visit)",
        "comment": "sat_staff <= 2 or brand_b1 = 'like'",
        "cond": "(visit = 'A1' or visit = 'A2') and selected(channels, 'shop') or age > 30",
    }
    assert questionnaire.pages[1].show_if == "member = 'yes'"
    assert check_questionnaire(logic_items(questionnaire)) == []  # publishable as imported


def test_every_element_left_out_is_a_warning_naming_it() -> None:
    warnings = load("ls3_bilingual.lss").warnings
    text = "\n".join(warnings)
    assert "'de'" in text and "Chinese and English only" in text
    assert "quota" in text
    assert "'rank' (ranking) could not be imported" in text  # a ranking without answers
    assert "'email': the validation pattern '/^.+@.+$/' was not imported." in warnings
    assert any("'email': the relevance 'regexMatch('/x/', visit)'" in w
               and "regexMatch() has no equivalent" in w for w in warnings)
    assert any("'brand' (array) was imported as an information text" in w for w in warnings)
    assert any("'ease': imported as a 1–5 scale" in w for w in warnings)


def test_a_limesurvey_6_export_reads_texts_from_the_l10n_tables() -> None:
    result = load("ls6_l10ns.lss")
    questionnaire = result.questionnaire
    assert questionnaire.title == Texts("問卷", "")
    assert questionnaire.default_language == "zh_CN"
    again = questionnaire.question("again")
    assert again.settings.display == "dropdown"
    assert again.help == Texts("單選", "")
    assert [(c.code, c.label.zh) for c in again.choices] == [("1", "會"), ("2", "不會")]
    assert [(q.code, q.type, q.show_if) for q in questionnaire.questions()][1:] == [
        ("spend", "info", "again = '1'"), ("spend_food", "numeric", "again = '1'"),
        ("spend_drink", "numeric", "again = '1'")]
    text = "\n".join(result.warnings)
    assert "The texts in 'ja' were not imported" in text and "the English text from —" in text
    assert "'total' has the LimeSurvey type equation" in text
    assert "'spend_food > 0' of its sub-question 'drink' was not imported" in text


def test_languages_zh_variants_and_english_fill_their_slots_and_others_are_warned() -> None:
    plan = plan_languages(("en", "zh-Hant-HK", "zh-Hans", "fr"), "en")
    assert plan.sources == {"en": "en", "zh": "zh-Hant-HK"}
    assert plan.default_slot == "en"
    assert "'zh-Hans', 'fr'" in plan.warnings[0].text()
    only_german = plan_languages(("de",), "de")
    assert only_german.sources == {"zh": "de", "en": "de"}
    assert only_german.texts({"de": "Hallo"}) == Texts("Hallo", "Hallo")
    assert "base language 'de' was imported as both" in only_german.warnings[0].text()


TARGETS = {"q": Target("q", "choice"), "n": Target("n", "number"), "y": Target("y", "yes_no"),
           "m_a": Target("m", "multi_item", "a"), "t": Target("t", "text")}


@pytest.mark.parametrize(("expression", "expected"), [
    ('q == "a"', "q = 'a'"),
    ("q.NAOK eq 'a' && n ge 3", "q = 'a' and n >= 3"),
    ('!is_empty(t)', "not empty(t)"),
    ('m_a == "Y" || y == "N"', "selected(m, 'a') or y = 'no'"),
    ('m_a != "Y"', "not selected(m, 'a')"),
    ('is_empty(m_a)', "not selected(m, 'a')"),
    ('"3" < n', "n > 3"),
    ("(n + 2) * 3 > 10", "(n + 2) * 3 > 10"),
    ('{q == ""}', "empty(q)"),
    ("strlen(t) > 2", "length(t) > 2"),
])
def test_expression_manager_syntax_is_translated(expression: str, expected: str) -> None:
    assert translate_relevance(expression, TARGETS) == expected


@pytest.mark.parametrize(("expression", "reason"), [
    ("unknown == 1", "unknown is not an imported question"),
    ("q.shown == 'Y'", "the .shown property"),
    ("sum(n, n) > 2", "sum() has no equivalent"),
    ('y == "maybe"', "a yes/no answer compared with 'maybe'"),
    ("n == 'abc'", "a number compared with the text 'abc'"),
    ("n === 2", "not understood"),
    ("self.NAOK > 1", "'self' has no equivalent"),
])
def test_expressions_without_an_equivalent_name_the_reason(expression: str, reason: str) -> None:
    with pytest.raises(Unmappable, match=re.escape(reason)):
        translate_relevance(expression, TARGETS)


def _lss(body: str, doc_type: str = "Survey") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<document><LimeSurveyDocType>{doc_type}'
            f"</LimeSurveyDocType><DBVersion>177</DBVersion>{body}</document>").encode()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"type,name\ntext,q1\n", "this is not a LimeSurvey .lss file: the XML cannot be read"),
    (b"<html><body>hi</body></html>", "this XML is not a LimeSurvey export"),
    (_lss("", doc_type="Question"), "is a 'Question' export; import a whole survey"),
    (_lss("<languages><language>en</language></languages>"), "no question could be imported"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     b"<document><LimeSurveyDocType>&b;</LimeSurveyDocType></document>",
     "declares a DTD, entities or external references"),
    (b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd"><document/>',
     "declares a DTD"),
])
def test_files_that_are_not_limesurvey_surveys_are_refused_with_a_message(
        data: bytes, message: str) -> None:
    with pytest.raises(QuestionnaireImportError, match=message) as raised:
        import_lss(data, filename="upload.lss")
    assert str(raised.value).startswith("upload.lss: ")


def test_a_survey_of_only_unsupported_questions_is_refused_naming_them() -> None:
    body = ("<groups><rows><row><gid>1</gid><group_order>1</group_order><group_name>G"
            "</group_name><language>en</language></row></rows></groups><questions><rows><row>"
            "<qid>1</qid><parent_qid>0</parent_qid><gid>1</gid><type>|</type><title>r</title>"
            "<question>Upload</question><language>en</language></row></rows></questions>")
    with pytest.raises(QuestionnaireImportError) as raised:
        import_lss(_lss(body), filename="x.lss")
    assert str(raised.value) == (
        "x.lss: no question could be imported from this LimeSurvey file: none of its 1 "
        "questions is of a type Xinsheng can ask (the questions and their LimeSurvey types: "
        "'r': file upload)")


def test_an_oversized_upload_is_refused_before_parsing() -> None:
    with pytest.raises(QuestionnaireImportError, match="limited to 5 MB"):
        import_lss(b"<" + b" " * MAX_UPLOAD_BYTES, filename="big.lss")


def test_question_codes_that_break_the_code_rule_are_renamed_with_a_warning() -> None:
    body = ("<groups><rows><row><gid>1</gid><group_order>1</group_order><group_name>G"
            "</group_name><language>en</language></row></rows></groups><questions><rows>"
            + "".join(f"<row><qid>{qid}</qid><parent_qid>0</parent_qid><gid>1</gid><type>S</type>"
                      f"<title>{title}</title><question>T</question><language>en</language>"
                      f"<question_order>{qid}</question_order>"
                      f"<relevance>{relevance}</relevance></row>"
                      for qid, title, relevance in ((1, "1st", ""), (2, "page_1", "q_1st == 'x'")))
            + "</rows></questions>")
    result = import_lss(_lss(body), filename="x.lss")
    assert [q.code for q in result.questionnaire.questions()] == ["q_1st", "page_1"]
    # a relevance names LimeSurvey codes: a renamed question is not found under its new name
    assert result.questionnaire.question("page_1").show_if is None
    assert result.questionnaire.pages[0].code == "page_1_2"
    text = "\n".join(result.warnings)
    assert "'1st' was renamed 'q_1st'" in text and "'page_1_2'" not in text
    assert "q_1st is not an imported question" in text


def test_detection_by_content() -> None:
    assert looks_like_lss((FIXTURES / "ls6_l10ns.lss").read_bytes())
    assert not looks_like_lss(b'{"pages": []}')
    assert not looks_like_lss(b"<document><x/></document>")


def test_a_long_relevance_is_quoted_cut_short_in_its_warning() -> None:
    body = ("<groups><rows><row><gid>1</gid><group_order>1</group_order><group_name>G"
            "</group_name><language>en</language></row></rows></groups><questions><rows><row>"
            "<qid>1</qid><parent_qid>0</parent_qid><gid>1</gid><type>Y</type><title>y</title>"
            "<language>en</language><relevance>" + "(" * 3000 + "1" + ")" * 3000
            + "</relevance></row></rows></questions>")
    result = import_lss(_lss(body), filename="x.lss")
    assert result.questionnaire.question("y").show_if is None
    (warning,) = [w for w in result.warnings if "relevance" in w]
    assert "nested too deeply" in warning and "…'" in warning and len(warning) < 400


def test_rankings_and_dates_with_a_time_become_the_registered_types() -> None:
    def question(qid: int, kind: str, title: str) -> str:
        return (f"<row><qid>{qid}</qid><parent_qid>0</parent_qid><gid>1</gid><type>{kind}</type>"
                f"<title>{title}</title><question>{title}?</question><language>en</language></row>")

    answers = "".join(f"<row><qid>1</qid><code>{code}</code><answer>{code.upper()}</answer>"
                      f"<sortorder>{n}</sortorder><language>en</language><scale_id>0</scale_id></row>"
                      for n, code in enumerate(("a", "b", "c"), start=1))
    attributes = "".join(f"<row><qid>{qid}</qid><attribute>{name}</attribute><value>{value}</value></row>"
                         for qid, name, value in ((1, "random_order", "1"), (2, "date_format", "HH:MM"),
                                                  (3, "date_format", "dd/mm/yyyy HH:MM"),
                                                  (4, "date_format", "dd.mm.yyyy")))
    body = ("<groups><rows><row><gid>1</gid><group_order>1</group_order><group_name>G</group_name>"
            "<language>en</language></row></rows></groups><questions><rows>"
            + question(1, "R", "order") + question(2, "D", "at") + question(3, "D", "when")
            + question(4, "D", "day") + "</rows></questions>"
            f"<answers><rows>{answers}</rows></answers>"
            f"<question_attributes><rows>{attributes}</rows></question_attributes>")
    result = import_lss(_lss(body), filename="types.lss")
    questions = {q.code: q for q in result.questionnaire.questions()}
    assert {code: q.type for code, q in questions.items()} == {
        "order": "ranking", "at": "time", "when": "datetime", "day": "date"}
    assert [c.code for c in questions["order"].choices] == ["a", "b", "c"]
    assert questions["order"].settings.randomize is True
    assert not any("time of day" in warning for warning in result.warnings)
