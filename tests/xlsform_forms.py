"""The XLSForm fixtures in tests/survey/questionnaire/fixtures/xlsform/, written for Xinsheng's
tests (not copied from another project).

Each form is defined here, sheet by sheet, row by row; the workbooks in that folder are these
definitions saved as .xlsx (openpyxl) or .xls (xlwt), and
tests/survey/questionnaire/test_xlsform_fixtures.py checks that every committed file still holds
exactly its definition and that no other file lies there.
To change a form, edit it here and write the files again (xlwt is needed for .xls only; it is not
a project dependency):

    python -m venv /tmp/xlsgen && /tmp/xlsgen/bin/pip install openpyxl xlwt
    /tmp/xlsgen/bin/python tests/xlsform_forms.py

- ``good/``: forms pyxform accepts cleanly; import keeps their questions, choices, groups,
  required flags and relevance, and the export of the result is accepted by pyxform again.
- ``quirky/``: forms pyxform accepts with oddities (a sheet named 'Choices', a blank second row,
  a header with spaces, a form with nothing to answer): import succeeds faithfully with the
  warnings shown, or fails with a message.
- ``broken/``: a form pyxform rejects (a duplicate column); import fails with its message.
"""
from __future__ import annotations

import io
from pathlib import Path

FOLDER = Path(__file__).parent / "survey" / "questionnaire" / "fixtures" / "xlsform"

Sheets = dict[str, list[list[object]]]

FORMS: dict[str, Sheets] = {
    # Sheet names, column headers and settings in capitals; types pyxform knows but Xinsheng
    # does not (an external select, an OpenStreetMap question) and an entities sheet.
    "good/case_insensitivity.xlsx": {
        "SURVEY": [["TYPE", "NAME", "LABEL::EN", "CHOICE_FILTER"],
                   ["select_one visit", "visited", "Did you visit our shop?", ""],
                   ["select_one_external visit", "branch", "Which branch?", "VISITED=${visited}"],
                   ["osm visit", "map_pin", "Where is the entrance?", ""]],
        "CHOICES": [["LIST_NAME", "NAME", "LABEL::EN"],
                    ["visit", "v-yes", "Yes"], ["visit", "v-no", "No"]],
        "SETTINGS": [["FORM_TITLE", "FORM_ID", "DEFAULT_LANGUAGE"],
                     ["Shop visit", "shop_visit", "EN"]],
        "EXTERNAL_CHOICES": [["LIST_NAME", "NAME", "LABEL", "VISITED"],
                             ["visit", "b-north", "North", "v-yes"],
                             ["visit", "b-south", "South", "v-yes"]],
        "ENTITIES": [["DATASET", "LABEL"], ["shops", "Shop"]],
        "OSM": [["LIST_NAME", "NAME", "LABEL"], ["visit", "o-door", "Door"]],
    },
    # A field-list group; the survey labels in English only, the choices in the default
    # language and Chinese.
    "good/field-list.xlsx": {
        "survey": [["type", "name", "label::english", "hint", "appearance"],
                   ["begin group", "delivery", "", "", "field-list"],
                   ["select_one yes_no", "on_time", "Did the parcel arrive on time?",
                    "Think of your last order", ""],
                   ["end_group", "", "", "", ""]],
        "choices": [["list_name", "name", "label", "image", "label::chinese"],
                    ["yes_no", "yes", "Yes", "", "是"], ["yes_no", "no", "No", "", "否"]],
    },
    # A question before a group; a phone number inside it.
    "good/group.xlsx": {
        "survey": [["type", "name", "label:English (en)"],
                   ["text", "customer_name", "What is your name?"],
                   ["begin group", "contact", "Contact"],
                   ["phone number", "mobile", "Your mobile number?"],
                   ["integer", "years_client", "How many years have you been our customer?"],
                   ["end group", "", ""]],
    },
    # or_other on one select; a second select shares the list through a choice filter.
    "good/or_other.xlsx": {
        "survey": [["type", "name", "label", "choice_filter"],
                   ["select_one channels or_other", "heard_from", "Where did you hear of us?", ""],
                   ["select_one channels", "first_advert", "Where did you first see an advert?",
                    "online=yes"]],
        "choices": [["list name", "name", "label", "online"],
                    ["channels", "tv", "TV", "no"], ["channels", "radio", "Radio", "no"],
                    ["channels", "web", "Website", "yes"], ["channels", "app", "App", "yes"]],
    },
    # The long form of or_other ("or specify other") with a language-suffixed label column.
    "good/specify_other.xlsx": {
        "survey": [["type", "name", "label:English"],
                   ["select one from contact_ways or specify other", "contact_way",
                    "How should we contact you?"]],
        "choices": [["list name", "name", "label:English"],
                    ["contact_ways", "email", "Email"], ["contact_ways", "phone", "Phone"]],
    },
    # Two table-list groups (pyxform adds a header row of choice labels to each); the second
    # list's choices are images without text. Saved as .xls.
    "good/table-list.xls": {
        "survey": [["type", "name", "label", "hint", "appearance"],
                   ["note", "intro", "Rate our service", "", ""],
                   ["begin group", "service_table", "Service, rated in a table",
                    "One row per aspect", "table-list"],
                   ["select_one good_bad", "speed", "Speed", "How fast were we?", ""],
                   ["select_one good_bad", "staff", "Staff", "How kind were we?", ""],
                   ["end group", "", "", "", ""],
                   ["begin group", "mood_table", "How did you feel? (faces)", "Tick the faces",
                    "table-list"],
                   ["select_multiple faces", "mood_checkout", "At the checkout", "", ""],
                   ["select_multiple faces", "mood_delivery", "At the delivery", "", ""],
                   ["end group", "", "", "", ""]],
        "choices": [["list name", "name", "label", "image"],
                    ["good_bad", "good", "Good", ""], ["good_bad", "bad", "Bad", ""],
                    ["", "", "", ""],
                    ["faces", "smile", "", "smile.png"], ["faces", "frown", "", "frown.png"]],
    },
    "good/text_and_integer.xlsx": {
        "survey": [["type", "name", "label:english"],
                   ["text", "favourite_dish", "What is your favourite dish?"],
                   ["integer", "visits", "How many times did you eat here this month?"]],
        "choices": [["list name", "name", "label:english"]],
    },
    "good/yes_or_no_question.xlsx": {
        "survey": [["type", "name", "label:english"],
                   ["select one from yes_or_no", "recommend",
                    "Would you recommend us to a friend?"]],
        "choices": [["list name", "name", "label:english"],
                    ["yes_or_no", "yes", "yes"], ["yes_or_no", "no", "no"]],
    },
    # The choices sheet is called 'Choices'; a relevance in a bind:relevant column.
    "quirky/badly_named_choices_sheet.xls": {
        "survey": [["type", "name", "label", "hint", "bind:relevant"],
                   ["integer", "age", "How old are you?", "In full years.", ""],
                   ["string", "newsletter_email", "Your e-mail for the newsletter?", "",
                    "${age} >= 16"],
                   ["select one from sizes", "shirt_size", "Your T-shirt size?", "", ""]],
        "Choices": [["list name", "name", "label"],
                    ["sizes", "s", "Small"], ["sizes", "m", "Medium"], ["sizes", "l", "Large"]],
    },
    # The survey sheet's second row is blank; the settings give a title and a version.
    "quirky/blank_second_row.xls": {
        "survey": [["type", "name", "label"], ["", "", ""],
                   ["decimal", "bill", "Your bill (yuan)"]],
        "choices": [["list_name", "name", "label"]],
        "settings": [["form_title", "form_id", "version"], ["Bill", "bill_form", "3"]],
    },
    # A choices header with spaces, an unnamed column with a value; a constraint with its
    # message, a default and a choice filter that keeps every choice.
    "quirky/spaces_in_choices_header.xls": {
        "survey": [["type", "name", "label", "hint", "bind:constraint", "bind:jr:constraintMsg",
                    "default", "choice_filter"],
                   ["select_multiple extras", "extras_ordered", "Which extras did you order?",
                    "Not both check-in times",
                    "not(selected(., 'late_out') and selected(., 'early_in'))",
                    "a late check-out and an early check-in cannot be booked together",
                    "breakfast parking", "true()"],
                   ["select one from extras", "main_extra", "Which extra mattered most?", "", "",
                    "", "", ""]],
        "choices": [["list name", "name", "label", "header with spaces", "", ""],
                    ["extras", "breakfast", "Breakfast", "x", "", ""],
                    ["extras", "parking", "Parking", "x", "", "no header"],
                    ["extras", "late_out", "Late check-out", "x", "", ""],
                    ["extras", "early_in", "Early check-in", "x", "", ""]],
    },
    # Nothing a respondent answers: one hidden field.
    "quirky/hidden.xls": {
        "survey": [["type", "name", "label"], ["hidden", "campaign", ""]],
    },
    # Two 'label' columns: pyxform refuses the form.
    "broken/duplicate_columns.xlsx": {
        "survey": [["type", "name", "label", "label", "hint"],
                   ["text", "city", "Your city?", "Your town?", "Where you live"]],
    },
}


def workbook(survey: list[list], choices: list[list] | None = None,
             settings: list[list] | None = None) -> bytes:
    """An .xlsx XLSForm with the given survey, choices and settings rows (sheets left out when
    None), for forms built inside a test."""
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_xlsx(path: Path, sheets: Sheets) -> None:
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if value != "":
                    sheet.cell(row_number, column_number, value)
    book.save(path)


def _write_xls(path: Path, sheets: Sheets) -> None:
    import xlwt  # only to write the fixtures again; see the module docstring
    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for row_number, row in enumerate(rows):
            for column_number, value in enumerate(row):
                if value != "":
                    sheet.write(row_number, column_number, value)
    book.save(str(path))


def write_fixtures(folder: Path = FOLDER) -> None:
    """Save every form in ``FORMS`` under ``folder``."""
    for relative, sheets in FORMS.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        (_write_xls if path.suffix == ".xls" else _write_xlsx)(path, sheets)


if __name__ == "__main__":
    write_fixtures()
