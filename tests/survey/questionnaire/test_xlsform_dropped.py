"""XLSForm import of what Xinsheng cannot keep as written: expressions the logic language cannot
read, repeats, loops, media, external choices, duplicate choice names, names that are no codes,
and forms with nothing to answer. Each is imported with a warning naming it, or refused whole
with a message."""

import pytest

from survey.questionnaire.document import Texts
from survey.questionnaire.xlsform import QuestionnaireImportError, export_xlsform, import_xlsform
from xlsform_forms import workbook

HEADER = ["type", "name", "label", "relevant", "constraint"]


def form(*rows: list[str], choices: list[list] | None = None) -> bytes:
    return workbook([HEADER, *[row + [""] * (len(HEADER) - len(row)) for row in rows]], choices)


def codes(questionnaire) -> list[str]:
    return [question.code for question in questionnaire.questions()]


def test_an_unreadable_constraint_is_dropped_with_a_warning_naming_it():
    data = form(["text", "ref", "Reference", "", "digest(., 'MD5') != ''"],
                ["integer", "n", "N", "", ". > 0"])
    result = import_xlsform(data, filename="f.xlsx")
    assert result.questionnaire.question("ref").validation is None
    assert result.questionnaire.question("n").validation == ". > 0"
    [warning] = [w for w in result.warnings if w.startswith("'ref'")]
    assert warning.startswith("'ref': the constraint expression \"digest(., 'MD5') != ''\" cannot "
                              "be written in Xinsheng's logic language (")
    assert warning.endswith("it was dropped, so answers are not checked by it.")


def test_an_unreadable_relevance_on_a_question_or_group_is_dropped_with_a_warning():
    data = form(["integer", "n", "N"],
                ["text", "t", "T", "pulldata('shops', 'name', 'key', ${n}) = 'x'"],
                ["begin_group", "g", "G", "pulldata('a', 'b', 'c', 'd') = 'e'"],
                ["text", "u", "U", "${n} > 2"],
                ["end_group"])
    result = import_xlsform(data, filename="f.xlsx")
    questionnaire = result.questionnaire
    assert questionnaire.question("t").show_if is None
    assert questionnaire.question("u").show_if == "n > 2"
    assert [page.show_if for page in questionnaire.pages] == [None, None]
    assert sum("the show-if (relevant) expression" in w and "it is always shown" in w
               for w in result.warnings) == 2
    assert any(w.startswith("'g': the show-if (relevant) expression \"pulldata(")
               for w in result.warnings)


@pytest.mark.parametrize("constraint", ["regex(., '^[0-9]{6}$')", ". <= today()"])
def test_regex_and_today_never_refuse_the_form(constraint):
    """Whether or not the logic language reads them yet, the form imports: the constraint is
    kept, or dropped with a warning that names the question and the expression."""
    data = form(["text", "postcode", "Postcode", "", constraint], ["integer", "n", "N"])
    result = import_xlsform(data, filename="f.xlsx")
    question = result.questionnaire.question("postcode")
    assert question.validation is not None or any(
        w.startswith("'postcode': the constraint expression") and constraint in w
        for w in result.warnings)


def test_a_repeat_is_imported_once_as_a_page_with_a_warning():
    data = form(["integer", "size", "Household size"],
                ["begin_repeat", "member", "Member"],
                ["text", "member_name", "Name"],
                ["end_repeat"])
    result = import_xlsform(data, filename="f.xlsx")
    assert [(p.code, [q.code for q in p.questions]) for p in result.questionnaire.pages] == [
        ("page_1", ["size"]), ("member", ["member_name"])]
    assert ("Repeat 'member' was imported once, as a page: Xinsheng questionnaires have no "
            "repeating sections, so its questions are asked one time.") in result.warnings


def test_a_loop_is_unrolled_into_one_page_per_column():
    data = workbook([["type", "name", "label"],
                     ["begin loop over rooms", "per_room", "Rooms"],
                     ["integer", "beds", "How many beds in the %(label)s?"],
                     ["end loop", "", ""]],
                    [["list_name", "name", "label"],
                     ["rooms", "kitchen", "kitchen"], ["rooms", "hall", "hall"]])
    result = import_xlsform(data, filename="f.xlsx")
    questionnaire = result.questionnaire
    assert [(p.code, p.title.en, codes_of(p)) for p in questionnaire.pages] == [
        ("per_room_kitchen", "kitchen", ["beds_kitchen"]), ("per_room_hall", "hall", ["beds_hall"])]
    assert questionnaire.question("beds_hall").text == Texts("", "How many beds in the hall?")
    assert any(w.startswith("Loop 'per_room' was imported as one page per column")
               for w in result.warnings)


def codes_of(page) -> list[str]:
    return [question.code for question in page.questions]


def test_duplicate_choice_names_under_a_choice_filter_keep_the_first_with_a_warning():
    data = workbook([["type", "name", "label", "choice_filter"],
                     ["select_one region", "region", "Region", ""],
                     ["select_one city", "city", "City", "region=${region}"]],
                    [["list_name", "name", "label", "region"],
                     ["region", "north", "North", ""], ["region", "south", "South", ""],
                     ["city", "centre", "North centre", "north"],
                     ["city", "centre", "South centre", "south"],
                     ["city", "harbour", "Harbour", "south"]],
                    [["allow_choice_duplicates"], ["yes"]])
    result = import_xlsform(data, filename="f.xlsx")
    city = result.questionnaire.question("city")
    assert [(c.code, c.label.en) for c in city.choices] == [("centre", "North centre"),
                                                            ("harbour", "Harbour")]
    assert ("'city': the choice list 'city' has the name(s) 'centre' more than once (for its "
            "choice filter); choice codes must be unique, so only the first of each was kept."
            ) in result.warnings


def test_media_of_questions_and_choices_are_warned_about():
    data = workbook([["type", "name", "label", "image", "media::audio"],
                     ["select_one look", "look", "Which look?", "looks.png", "intro.mp3"]],
                    [["list_name", "name", "label", "image"],
                     ["look", "light", "", "light.png"], ["look", "dark", "Dark", "dark.png"]])
    result = import_xlsform(data, filename="f.xlsx")
    question = result.questionnaire.question("look")
    assert [(c.code, c.label.en) for c in question.choices] == [("light", "light"),
                                                               ("dark", "Dark")]
    assert "'look': its media were not imported (audio 'intro.mp3', image 'looks.png')." \
        in result.warnings
    assert ("Choice list 'look': the choices' media were not imported ('light': image "
            "'light.png'; 'dark': image 'dark.png').") in result.warnings
    assert ("Choice list 'look': the choice(s) 'light' have no text; their names were used as "
            "their labels.") in result.warnings


def test_choices_from_an_external_file_leave_the_question_out_with_a_warning():
    data = form(["select_one_from_file shops.csv", "shop", "Shop"], ["text", "why", "Why?"])
    result = import_xlsform(data, filename="f.xlsx")
    assert codes(result.questionnaire) == ["why"]
    assert ("'shop' takes its choices from 'shops.csv', which is not in the uploaded form (an "
            "external file); it was left out.") in result.warnings


def test_location_and_barcode_become_text_questions_with_a_warning():
    result = import_xlsform(form(["geopoint", "spot", "Where?"], ["barcode", "code", "Code"]),
                            filename="f.xlsx")
    assert [(q.code, q.type) for q in result.questionnaire.questions()] == [("spot", "text"),
                                                                           ("code", "text")]
    assert ("'spot' (geopoint) asks for a location; Xinsheng has no such question, so it was "
            "imported as a short text question the respondent types into.") in result.warnings


def test_names_that_are_not_codes_are_renamed_and_references_follow():
    data = form(["begin_group", "about-you", "About you"],
                ["integer", "age.years", "Age"],
                ["text", "job", "Job", "${age.years} >= 16"],
                ["end_group"],
                ["text", "age_years", "Taken name"])
    result = import_xlsform(data, filename="f.xlsx")
    questionnaire = result.questionnaire
    assert questionnaire.pages[0].code == "about_you"
    assert codes(questionnaire) == ["age_years_2", "job", "age_years"]
    assert questionnaire.question("job").show_if == "age_years_2 >= 16"
    assert ("'age.years' was renamed 'age_years_2': Xinsheng codes start with a letter or '_' and "
            "hold only ASCII letters, digits and '_' (at most 64).") in result.warnings
    export_xlsform(questionnaire)  # the renamed codes are valid XLSForm names too


@pytest.mark.parametrize(
    ("rows", "what"),
    [
        ([["note", "hello", "Hello"]], "it has no question, only notes or groups"),
        ([["begin_group", "g", "G"], ["end_group"]], "it has no question, only notes or groups"),
        ([["calculate", "total", "", "", ""], ["hidden", "source", ""]],
         "every question was left out ('total' (calculate), 'source' (hidden))"),
    ],
)
def test_a_form_with_nothing_to_answer_is_refused_with_a_message(rows, what):
    data = workbook([["type", "name", "label", "calculation"],
                     *[row[:3] + (["1"] if row[0] == "calculate" else [""]) for row in rows]])
    with pytest.raises(QuestionnaireImportError) as caught:
        import_xlsform(data, filename="empty.xlsx")
    assert str(caught.value).startswith(
        f"empty.xlsx: nothing in this form can be answered in Xinsheng: {what}")
    assert "Add at least one question of a supported type" in str(caught.value)


def test_rules_using_a_question_that_was_left_out_are_dropped_with_a_warning():
    data = workbook([["type", "name", "label", "relevant", "constraint", "calculation"],
                     ["calculate", "limit", "", "", "", "10"],
                     ["photo", "receipt", "Receipt", "", "", ""],
                     ["integer", "n", "N", "", ". <= ${limit}", ""],
                     ["text", "why", "Why?", "${receipt} != '' and ${n} > 1", "", ""],
                     ["text", "more", "More?", "${n} > 2", "", ""]])
    result = import_xlsform(data, filename="f.xlsx")
    questionnaire = result.questionnaire
    assert questionnaire.question("n").validation is None
    assert questionnaire.question("why").show_if is None
    assert questionnaire.question("more").show_if == "n > 2"
    assert ("'n': the constraint expression '. <= limit' uses 'limit', which the import left out; "
            "it was dropped, so answers are not checked by it.") in result.warnings
    assert ("'why': the show-if (relevant) expression 'answered(receipt) and n > 1' uses 'receipt', "
            "which the import left out; it was dropped, so it is always shown.") in result.warnings
