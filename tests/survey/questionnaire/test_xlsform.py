"""XLSForm import/export against the fixture forms (tests/xlsform_forms.py), hand-made forms and
bad uploads."""

import dataclasses
import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyxform.xls2xform import convert

from survey.questionnaire.document import (
    Binding, Choice, KanoSettings, MatrixRow, MultipleChoiceSettings, NumericSettings, Page,
    Question, Questionnaire, ScaleSettings, SingleChoiceSettings, TextSettings, Texts, nps_text,
)
from survey.questionnaire.sanitize import sanitize_questionnaire
from xlsform_forms import workbook
from survey.questionnaire.xlsform import (
    FormIdentity, MAX_UPLOAD_BYTES, QuestionnaireExportError, QuestionnaireImportError, export_xlsform,
    import_xlsform,
)

FIXTURES = Path(__file__).parent / "fixtures" / "xlsform"
EN_ONLY = "The following language declarations do not contain valid machine-readable codes"


def load(relative: str):
    path = FIXTURES / relative
    return import_xlsform(path.read_bytes(), filename=path.name)


def outline(questionnaire: Questionnaire) -> list:
    """(page code, [(question code, type, English text, required, show_if, choice codes)])."""
    return [(page.code, [(q.code, q.type, q.text.en, q.required, q.show_if,
                          [c.code for c in q.choices]) for q in page.questions])
            for page in questionnaire.pages]


def assert_round_trips(questionnaire: Questionnaire) -> None:
    exported = export_xlsform(questionnaire)
    convert(exported, file_type=".xlsx")  # pyxform accepts it (raises otherwise)
    again = import_xlsform(exported, filename="exported.xlsx")
    assert again.questionnaire == questionnaire


# --- good/ (the forms are defined in tests/xlsform_forms.py) ------------------------------------

def test_good_group():
    result = load("good/group.xlsx")
    assert outline(result.questionnaire) == [
        ("page_1", [("customer_name", "text", "What is your name?", False, None, [])]),
        ("contact", [("mobile", "text", "Your mobile number?", False, None, []),
                     ("years_client", "numeric", "How many years have you been our customer?",
                      False, None, [])]),
    ]
    assert result.questionnaire.pages[1].title == Texts("", "Contact")
    assert result.questionnaire.question("years_client").settings == NumericSettings(integer=True)
    assert result.warnings == ("'mobile' (phone number) was imported as a short text question.",)
    assert_round_trips(result.questionnaire)


def test_good_or_other_keeps_shared_list_clean():
    result = load("good/or_other.xlsx")
    channels = ["tv", "radio", "web", "app"]
    assert outline(result.questionnaire) == [("page_1", [
        ("heard_from", "single_choice", "Where did you hear of us?", False, None, channels),
        ("first_advert", "single_choice", "Where did you first see an advert?", False, None,
         channels),
    ])]
    assert result.questionnaire.question("heard_from").settings.other is True
    assert result.questionnaire.question("first_advert").settings.other is False
    assert [v.code for v in result.questionnaire.variables()] == [
        "heard_from", "heard_from_other", "first_advert"]
    assert result.warnings == ("'first_advert': the choice filter 'online=yes' is not supported; "
                               "all choices are shown.",)
    assert_round_trips(result.questionnaire)


def test_good_specify_other_with_translations():
    result = load("good/specify_other.xlsx")
    question = result.questionnaire.question("contact_way")
    assert question.settings == SingleChoiceSettings(other=True)
    assert [(c.code, c.label) for c in question.choices] == [
        ("email", Texts("", "Email")), ("phone", Texts("", "Phone"))]
    assert len(result.warnings) == 2
    assert result.warnings[0].startswith("This form uses or_other and translations")
    assert result.warnings[1].startswith(EN_ONLY)
    assert_round_trips(result.questionnaire)


def test_good_field_list_maps_languages():
    result = load("good/field-list.xlsx")
    question = result.questionnaire.question("on_time")
    assert result.questionnaire.pages[0].code == "delivery"
    assert question.text == Texts("", "Did the parcel arrive on time?")
    assert question.help == Texts("", "Think of your last order")
    assert [(c.code, c.label) for c in question.choices] == [
        ("yes", Texts("是", "Yes")), ("no", Texts("否", "No"))]
    assert result.warnings[0].startswith("Language 'default' is missing the survey label column")
    assert_round_trips(result.questionnaire)


def test_good_table_list_warns_about_image_choices():
    result = load("good/table-list.xls")
    assert outline(result.questionnaire) == [
        ("page_1", [("intro", "info", "Rate our service", False, None, [])]),
        ("service_table", [
            ("generated_table_list_label_3", "info", "Service, rated in a table", False, None, []),
            ("speed", "single_choice", "Speed", False, None, ["good", "bad"]),
            ("staff", "single_choice", "Staff", False, None, ["good", "bad"])]),
        ("mood_table", [
            ("generated_table_list_label_7", "info", "How did you feel? (faces)", False, None, []),
            ("mood_checkout", "multiple_choice", "At the checkout", False, None,
             ["smile", "frown"]),
            ("mood_delivery", "multiple_choice", "At the delivery", False, None,
             ["smile", "frown"])]),
    ]
    assert result.questionnaire.question("speed").help.en == "How fast were we?"
    assert result.questionnaire.question("mood_checkout").choices[0].label == Texts("", "smile")
    assert [w for w in result.warnings if "Choices should have a label" not in w] == [
        "Choice list 'faces': the choices' media were not imported ('smile': image 'smile.png'; "
        "'frown': image 'frown.png').",
        "Choice list 'faces': the choice(s) 'smile', 'frown' have no text; their names were used "
        "as their labels.",
    ]
    assert_round_trips(result.questionnaire)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("text_and_integer.xlsx", [("page_1", [
            ("favourite_dish", "text", "What is your favourite dish?", False, None, []),
            ("visits", "numeric", "How many times did you eat here this month?", False, None,
             [])])]),
        ("yes_or_no_question.xlsx", [("page_1", [
            ("recommend", "single_choice", "Would you recommend us to a friend?", False, None,
             ["yes", "no"])])]),
    ],
)
def test_good_simple_forms(name, expected):
    result = load(f"good/{name}")
    assert outline(result.questionnaire) == expected
    assert result.questionnaire.title == Texts("", Path(name).stem)
    assert result.questionnaire.default_language == "en"
    assert len(result.warnings) == 1 and result.warnings[0].startswith(EN_ONLY)
    assert_round_trips(result.questionnaire)


def test_good_case_insensitivity_leaves_out_unsupported_types_with_warnings():
    result = load("good/case_insensitivity.xlsx")
    assert outline(result.questionnaire) == [("page_1", [
        ("visited", "single_choice", "Did you visit our shop?", False, None, ["v-yes", "v-no"])])]
    assert result.questionnaire.title == Texts("", "Shop visit")
    assert result.warnings == (
        "'branch' has type 'select one external', which Xinsheng does not support; it was left "
        "out.",
        "'map_pin' has type 'osm', which Xinsheng does not support; it was left out.",
        "The entities sheet is not used by Xinsheng and was ignored.",
    )
    assert_round_trips(result.questionnaire)


# --- quirky/ ----------------------------------------------------------------------------------

def test_quirky_hidden_only_form_is_refused_with_what_was_left_out():
    with pytest.raises(QuestionnaireImportError) as caught:
        load("quirky/hidden.xls")
    assert str(caught.value) == (
        "hidden.xls: nothing in this form can be answered in Xinsheng: every question was left "
        "out ('campaign' (hidden)). Add at least one question of a supported type (text, "
        "integer, decimal, date, select_one, select_multiple) and import it again")


def test_quirky_badly_named_choices_sheet_keeps_relevance():
    result = load("quirky/badly_named_choices_sheet.xls")
    assert outline(result.questionnaire) == [("page_1", [
        ("age", "numeric", "How old are you?", False, None, []),
        ("newsletter_email", "text", "Your e-mail for the newsletter?", False, "age >= 16", []),
        ("shirt_size", "single_choice", "Your T-shirt size?", False, None, ["s", "m", "l"]),
    ])]
    assert result.questionnaire.question("age").help.en == "In full years."
    assert result.warnings == ()
    assert_round_trips(result.questionnaire)


def test_quirky_blank_second_row():
    result = load("quirky/blank_second_row.xls")
    assert outline(result.questionnaire) == [("page_1", [
        ("bill", "numeric", "Your bill (yuan)", False, None, [])])]
    assert result.questionnaire.question("bill").settings == NumericSettings(integer=False)
    assert result.questionnaire.title == Texts("", "Bill")
    assert_round_trips(result.questionnaire)


def test_quirky_spaces_in_choices_header_shows_pyxform_warning():
    result = load("quirky/spaces_in_choices_header.xls")
    extras = ["breakfast", "parking", "late_out", "early_in"]
    assert outline(result.questionnaire) == [("page_1", [
        ("extras_ordered", "multiple_choice", "Which extras did you order?", False, None, extras),
        ("main_extra", "single_choice", "Which extra mattered most?", False, None, extras),
    ])]
    question = result.questionnaire.question("extras_ordered")
    assert question.validation == "not (selected(., 'late_out') and selected(., 'early_in'))"
    assert question.validation_message == Texts(
        "", "a late check-out and an early check-in cannot be booked together")
    assert result.warnings == (
        "[row : 1] On the 'choices' sheet, the 'header with spaces' value is invalid. Column "
        "headers must not be empty and must not contain spaces. Learn more: "
        "https://xlsform.org/en/#setting-up-your-worksheets",
        "'extras_ordered': the choice filter 'true()' is not supported; all choices are shown.",
        "'extras_ordered': the default 'breakfast parking' is not supported and was ignored.",
    )
    assert_round_trips(result.questionnaire)


# --- broken/ ----------------------------------------------------------------------------------

def test_broken_duplicate_columns_fails_clearly():
    with pytest.raises(QuestionnaireImportError) as caught:
        load("broken/duplicate_columns.xlsx")
    assert str(caught.value) == ("duplicate_columns.xlsx: pyxform rejected the form: "
                                 "Duplicate column header: label")


# --- hand-made forms --------------------------------------------------------------------------

def test_bilingual_columns_required_relevant_constraint_and_nested_groups():
    data = workbook(
        [["type", "name", "label::Chinese (zh)", "label::English (en)", "label::French (fr)",
          "required", "relevant", "constraint", "appearance", "parameters"],
         ["begin_group", "outer", "外", "Outer", "Ext", "", "${n} > 1", "", "", ""],
         ["integer", "n", "数量", "Count", "Nombre", "yes", "", ". >= 0", "", ""],
         ["begin_group", "inner", "内", "Inner", "Int", "", "${n} < 9", "", "", ""],
         ["select_multiple c", "pick", "选", "Pick", "Choix", "true()", "", "", "",
          "randomize=true"],
         ["end_group", "", "", "", "", "", "", "", "", ""],
         ["text", "note_text", "说", "Say", "Dire", "${n} = 2", "", "", "multiline", ""],
         ["end_group", "", "", "", "", "", "", "", "", ""]],
        [["list_name", "name", "label::Chinese (zh)", "label::English (en)", "label::French (fr)"],
         ["c", "a", "甲", "A", "A"], ["c", "b", "乙", "B", "B"]],
        [["form_title", "default_language"], ["标题", "Chinese (zh)"]])
    result = import_xlsform(data, filename="nested.xlsx")
    questionnaire = result.questionnaire
    assert [(p.code, p.show_if, [q.code for q in p.questions]) for p in questionnaire.pages] == [
        ("outer", "n > 1", ["n"]),
        ("inner", "n > 1 and n < 9", ["pick"]),
        ("outer_2", "n > 1", ["note_text"]),
    ]
    assert questionnaire.title == Texts("标题", "") and questionnaire.default_language == "zh_CN"
    assert questionnaire.question("n").required and questionnaire.question("pick").required
    assert questionnaire.question("n").validation == ". >= 0"
    assert questionnaire.question("pick").settings == MultipleChoiceSettings(randomize=True)
    assert questionnaire.question("pick").choices == (Choice("a", Texts("甲", "A")),
                                                       Choice("b", Texts("乙", "B")))
    assert questionnaire.question("note_text").type == "long_text"
    assert not questionnaire.question("note_text").required
    assert result.warnings == (
        "Language 'French (fr)' is not Chinese or English; its texts were not imported.",
        "Group 'inner' is inside group 'outer'; it was imported as a page of its own.",
        "'note_text': required '${n} = 2' depends on other answers, which is not supported; the "
        "question is optional.",
    )
    assert_round_trips(questionnaire)


def test_plain_chinese_labels_go_to_zh():
    data = workbook([["type", "name", "label"], ["text", "q", "您的名字？"]])
    questionnaire = import_xlsform(data, filename="plain.xlsx").questionnaire
    assert questionnaire.question("q").text == Texts("您的名字？", "")
    assert questionnaire.default_language == "zh_CN"


def test_forms_outside_the_model_fail_with_a_clear_message():
    rows = [["text", "q", "Name"], ["text", "q_x", "X"], ["begin_group", "q", "G"],
            ["end_group", "", ""]]
    with pytest.raises(QuestionnaireImportError, match="pyxform rejected the form"):
        import_xlsform(workbook([["type", "name", "label"], *rows]), filename="form.xlsx")


def test_csv_xlsform_imports():
    data = "survey,type,name,label\n,text,q1,café 咖啡\n".encode()
    questionnaire = import_xlsform(data, filename="form.csv").questionnaire
    assert questionnaire.question("q1").text == Texts("café 咖啡", "")


# --- bad uploads ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.xlsx", "empty.xlsx: the file is empty"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "huge.xlsx", "uploads are limited to 5 MB"),
        (b"\x00junk\xff" * 100, "junk.xlsx", "this is not an Excel workbook"),
        (b"<html>not a workbook</html>", "page.xls", "this is not an Excel workbook"),
        ("survey,type,name,label\n,text,q1,caf\xe9\n".encode("latin-1"), "latin.csv",
         r"latin.csv: the file is not UTF-8 text \(byte 36 is not valid UTF-8\)"),
        (b"PK\x03\x04" + b"\x00" * 200, "damaged.xlsx", "the workbook is damaged"),
    ],
)
def test_bad_uploads_get_a_clear_error(data, filename, message):
    with pytest.raises(QuestionnaireImportError, match=message):
        import_xlsform(data, filename=filename)


def test_truncated_workbooks_are_reported_as_damaged():
    xlsx = (FIXTURES / "good/group.xlsx").read_bytes()
    xls = (FIXTURES / "good/table-list.xls").read_bytes()
    with pytest.raises(QuestionnaireImportError, match="the workbook is damaged"):
        import_xlsform(xlsx[: len(xlsx) // 2], filename="cut.xlsx")
    with pytest.raises(QuestionnaireImportError, match="the .xls workbook is damaged"):
        import_xlsform(xls[: len(xls) // 2], filename="cut.xls")


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(QuestionnaireImportError, match="not an Excel file"):
        import_xlsform(buffer.getvalue(), filename="fake.xlsx")


# --- export -----------------------------------------------------------------------------------

def full_questionnaire() -> Questionnaire:
    t = Texts
    return Questionnaire(
        t("满意度调查", "Satisfaction survey"),
        (Page("intro", t("介绍", "Intro"),
              (Question("welcome", "info", t("<p>欢迎</p>", "<p>Hi</p>")),)),
         Page("main", t("主要", "Main"), (
             Question("sat", "rating", t("满意度", "Satisfaction"), help=t("帮助", "Help"),
                      required=True, binding=Binding("acsi", "CS", "CS1"),
                      settings=ScaleSettings(1, 10, t("差", "Bad"), t("好", "Good"), True)),
             Question("rec", "nps", nps_text(t("我们", "us")), required=True),
             Question("grid", "matrix", t("矩阵", "Grid"), required=True,
                      validation_message=t("错", "Wrong"), settings=ScaleSettings(0, 10),
                      rows=(MatrixRow("g1", t("行1", "Row 1"), Binding("acsi", "PQ", "PQ1")),
                            MatrixRow("g2", t("行2", "Row 2")))),
             Question("feat", "kano", t("功能", "Feature"),
                      settings=KanoSettings(t("夜间模式", "dark mode"), True)),
             Question("colour", "single_choice", t("颜色", "Colour"), show_if="sat >= 5",
                      choices=(Choice("red", t("红", "Red")), Choice("blue", t("蓝", "Blue"))),
                      settings=SingleChoiceSettings("dropdown", True, True)),
             Question("chan", "multiple_choice", t("渠道", "Channels"),
                      validation="count(.) <= 2",
                      choices=(Choice("web", t("网", "Web")), Choice("shop", t("店", "Shop"))),
                      settings=MultipleChoiceSettings(1, 2, True, False)),
             Question("again", "yes_no", t("再来？", "Again?"), binding=Binding("acsi", "L", "L1")),
             Question("age", "numeric", t("年龄", "Age"), validation=". >= 0",
                      validation_message=t("不能为负", "Not negative"),
                      settings=NumericSettings(0, 120, True)),
             Question("spend", "numeric", t("花费", "Spend"), settings=NumericSettings(0.5, 99.5,
                                                                                     False)),
             Question("name", "text", t("名字", "Name"), settings=TextSettings(40)),
             Question("story", "long_text", t("故事", "Story"),
                      show_if="answered(name) and ${sat} < 5"),
             Question("when", "date", t("日期", "When")),
         ), "sat > 0")),
        description=t("<p>说明</p>", ""), default_language="en", kind="acsi")


def test_export_every_type_round_trips_and_pyxform_accepts_it():
    questionnaire = full_questionnaire()
    exported = export_xlsform(questionnaire)
    result = convert(exported, file_type=".xlsx")
    assert result.warnings == []
    assert 'relevant="${sat} &gt;= 5"' not in result.xform  # relevant is translated to a path
    again = import_xlsform(exported, filename="export.xlsx")
    assert again.warnings == ()
    assert again.questionnaire == questionnaire


def test_export_layout_is_readable_by_other_xlsform_tools():
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(full_questionnaire())))
    survey = [[cell for cell in row] for row in book["survey"].iter_rows(values_only=True)]
    header = survey[0]
    rows = {row[header.index("name")]: dict(zip(header, row)) for row in survey[1:]}
    assert rows["colour"]["type"] == "select_one colour"
    assert rows["colour"]["relevant"] == "${sat} >= 5"
    assert rows["colour"]["appearance"] == "minimal"
    assert rows["colour"]["parameters"] == "randomize=true"
    assert rows["colour_other"]["relevant"] == "selected(${colour}, 'other')"
    assert rows["chan"]["type"] == "select_multiple chan"
    assert rows["chan"]["constraint"] == "count-selected(.) <= 2"
    assert rows["grid"]["type"] == "begin_group" and rows["g1"]["type"] == "select_one grid"
    assert rows["feat_f"]["label::English (en)"] == "If the product has dark mode, how do you feel?"
    assert rows["age"]["type"] == "integer" and rows["spend"]["type"] == "decimal"
    assert rows["story"]["appearance"] == "multiline"
    assert rows["welcome"]["type"] == "note"
    assert rows["sat"]["required"] == "yes"
    choices = [row for row in book["choices"].iter_rows(values_only=True)]
    assert ("sat", "10", "10 好", "10 Good") in choices
    assert ("sat", "dont_know", "不知道", "Don't know") in choices
    assert ("feat", "must_be", "理应如此", "I expect it") in choices
    settings = [dict(zip(*book["settings"].iter_rows(values_only=True)))][0]
    assert settings["form_title"] == "Satisfaction survey"
    assert settings["default_language"] == "English (en)"
    assert settings["form_id"].startswith("xinsheng_") and settings["version"] == "1"


def settings_of(exported: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(exported))
    return dict(zip(*book["settings"].iter_rows(values_only=True)))


def test_exports_carry_a_form_id_of_their_own_and_a_version():
    first = full_questionnaire()
    second = dataclasses.replace(first, title=Texts("另一个", "Another survey"))
    ids = {settings_of(export_xlsform(q))["form_id"] for q in (first, second)}
    assert len(ids) == 2
    assert settings_of(export_xlsform(first)) == settings_of(export_xlsform(first))  # stable
    stored = [settings_of(export_xlsform(first, identity=FormIdentity(questionnaire_id, number)))
              for questionnaire_id, number in ((3, 1), (3, 2), (4, 1))]
    assert [s["version"] for s in stored] == ["1", "2", "1"]
    assert [s["form_id"].rsplit("_", 1)[0] for s in stored] == [
        "xinsheng_q3_v1", "xinsheng_q3_v2", "xinsheng_q4_v1"]
    exported = export_xlsform(second, identity=FormIdentity(3, 1))
    assert settings_of(exported)["form_id"] != stored[0]["form_id"]  # same id, other document
    xform = convert(exported, file_type=".xlsx").xform
    assert f'id="{settings_of(exported)["form_id"]}"' in xform and 'version="1"' in xform
    assert import_xlsform(exported, filename="f.xlsx").questionnaire == second


def test_export_passes_odk_validate():
    """ODK Validate (the jar pyxform ships; it needs Java) accepts an export of every type. (The
    page show-if of full_questionnaire uses an answer on that page, which publishing refuses and
    ODK Validate reports as a cycle, so it is left out here.)"""
    questionnaire = full_questionnaire()
    questionnaire = dataclasses.replace(questionnaire, pages=(
        questionnaire.pages[0], dataclasses.replace(questionnaire.pages[1], show_if=None)))
    exported = export_xlsform(questionnaire, identity=FormIdentity(12, 3))
    result = convert(exported, file_type=".xlsx", validate=True)
    assert 'id="xinsheng_q12_v3_' in result.xform


def test_edits_made_in_excel_win_over_the_stored_originals():
    exported = export_xlsform(full_questionnaire())
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["survey"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("name")].value == "colour":
            row[header.index("label::English (en)")].value = "Favourite colour"
            row[header.index("relevant")].value = "${sat} >= 7"
    buffer = io.BytesIO()
    book.save(buffer)
    question = import_xlsform(buffer.getvalue(), filename="edited.xlsx").questionnaire.question(
        "colour")
    assert question.text == Texts("颜色", "Favourite colour")
    assert question.show_if == "sat >= 7"


def test_export_refuses_a_question_without_text():
    questionnaire = Questionnaire(Texts("问卷", "Q"), (Page("p", Texts(), (
        Question("q", "text", Texts()),)),))
    with pytest.raises(QuestionnaireExportError, match="question 'q' has no text"):
        export_xlsform(questionnaire)


def edited_export(column: str, name: str, value: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(full_questionnaire())))
    sheet = book["survey"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("name")].value == name:
            row[header.index(column)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_damaged_xinsheng_column_fails_clearly():
    data = edited_export("xinsheng_settings", "sat", "{not json")
    with pytest.raises(QuestionnaireImportError,
                       match="'sat': the xinsheng column is not valid JSON"):
        import_xlsform(data, filename="edited.xlsx")
    data = edited_export("xinsheng_settings", "sat", '{"settings": {"max": 6}}')
    with pytest.raises(QuestionnaireImportError, match="question 'sat': setting 'min/max'"):
        import_xlsform(data, filename="edited.xlsx")


def test_unknown_xinsheng_type_falls_back_to_the_xlsform_type():
    result = import_xlsform(edited_export("xinsheng_type", "name", "hologram"), filename="e.xlsx")
    assert result.questionnaire.question("name").type == "text"
    assert "'name': xinsheng_type 'hologram' is unknown and was ignored." in result.warnings


# Cell text pyxform keeps verbatim: no control characters, no U+00A0 (pyxform turns it into a
# space), no surrounding whitespace (pyxform trims cells) and no '${' (a reference in XLSForm).
cell_text = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\xa0"),
                    min_size=1, max_size=15).map(str.strip).filter(lambda t: t and "${" not in t)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_round_trip_keeps_arbitrary_texts_and_flags(data):
    base = full_questionnaire()

    def relabel(question: Question) -> Question:
        return dataclasses.replace(
            question, text=Texts(data.draw(cell_text), data.draw(cell_text)),
            required=data.draw(st.booleans()),
            choices=tuple(Choice(c.code, Texts(data.draw(cell_text), data.draw(cell_text)))
                          for c in question.choices))
    pages = tuple(dataclasses.replace(page, title=Texts(data.draw(cell_text), ""),
                                      questions=tuple(relabel(q) for q in page.questions))
                  for page in base.pages)
    # The title travels in a JSON cell; control characters are dropped on export (documented).
    json_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=15)
    title = Texts(data.draw(json_text), data.draw(json_text))
    questionnaire = sanitize_questionnaire(dataclasses.replace(base, pages=pages, title=title))
    assert import_xlsform(export_xlsform(questionnaire),
                          filename="random.xlsx").questionnaire == questionnaire


def test_export_writes_formula_like_labels_as_text():
    questionnaire = Questionnaire(Texts("问卷", "Q"), (Page("p", Texts("页", "P"), (
        Question("q", "text", Texts('=HYPERLINK("http://evil.example","x")', "=1+1")),)),))
    exported = export_xlsform(questionnaire)
    book = openpyxl.load_workbook(io.BytesIO(exported))
    cells = [cell for row in book["survey"].iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert len(cells) == 2 and all(cell.data_type == "s" for cell in cells)
    assert import_xlsform(exported, filename="f.xlsx").questionnaire == questionnaire


@pytest.mark.parametrize("name", ["good/or_other.xlsx", "good/table-list.xls"])
def test_corrupted_workbooks_never_escape_as_unexpected_errors(name):
    """Seeded fuzzing: every damaged copy either imports or fails with the import error."""
    original = (FIXTURES / name).read_bytes()
    generator = random.Random(20261123)
    outcomes = {"imported": 0, "refused": 0}
    for attempt in range(40):
        damaged = bytearray(original)
        if attempt % 4 == 0:
            damaged = damaged[: generator.randrange(8, len(damaged))]
        else:
            for _ in range(generator.choice([1, 5, 50])):
                damaged[generator.randrange(8, len(damaged))] = generator.randrange(256)
        try:
            import_xlsform(bytes(damaged), filename=Path(name).name)
            outcomes["imported"] += 1
        except QuestionnaireImportError:
            outcomes["refused"] += 1
    assert outcomes["refused"] > 0


def test_stray_reference_syntax_in_a_label_is_refused_on_export():
    questionnaire = Questionnaire(Texts("价格 ${", "Price ${"), (Page("p", Texts("页", "P"), (
        Question("q", "text", Texts("金额 ${不是引用}", "Amount")),)),))
    with pytest.raises(QuestionnaireExportError, match=r"pyxform does not accept.*'\$\{'"):
        export_xlsform(questionnaire)
    fixed = dataclasses.replace(questionnaire, pages=(Page("p", Texts("页", "P"), (
        Question("q", "text", Texts("金额", "Amount")),)),))
    assert import_xlsform(export_xlsform(fixed), filename="f.xlsx").questionnaire == fixed
