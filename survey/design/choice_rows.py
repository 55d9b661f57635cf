"""Choices edited as rows of inputs (code, 中文, English), with an error beside each bad row.

The question form (``survey.design.forms.QuestionForm``) holds the rows in ``choice_rows`` and,
as a fallback, the one-choice-per-line text box ``choices``; ``choices_input`` ("rows" or
"text") says which one the designer used. Without JavaScript, "Add a row" and the switch between
rows and text are submit buttons: the page is shown again with nothing saved
(:func:`apply_editing_action`).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, StringField
from wtforms.validators import Length

from survey.design.entry_lines import LineProblem, ParsedLines, format_entry_lines, parse_choice_rows, split_line

#: Blank rows offered under the choices.
BLANK_ROWS = 3
#: Most rows a form may post (the text box allows about as many lines).
MAX_ROWS = 500
#: The submit buttons that change the rows without saving.
ADD_ROW, SHOW_AS = "add_choice_row", "choices_as"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ChoiceRowForm(Form):
    """One choice row (a sub-form: the question form carries the CSRF token)."""

    code = StringField(_l("Code"), filters=[_strip], validators=[Length(max=64)])
    label_zh = StringField(_l("Chinese"), filters=[_strip], validators=[Length(max=300)])
    label_en = StringField(_l("English"), filters=[_strip], validators=[Length(max=300)])


#: A bad row, shown beside it and in the summary at the top, in the reader's language.
ROW_RULES = {
    "no_code": _l("Row %(line)s: give the choice a code."),
    "choice_code": _l("Row %(line)s: the code “%(code)s” is not allowed: use 1–64 ASCII letters, "
                      "digits, '_', '.' or '-', starting with a letter, digit or '_'."),
    "duplicate": _l("Row %(line)s: the code “%(code)s” is already used in row %(first)s; each code "
                    "may be used once."),
    "reserved_other": _l("Row %(line)s: the code “%(code)s” belongs to “Other, please specify”, "
                         "which this question adds; give this choice another code."),
}


def row_problem_text(problem: LineProblem) -> str:
    """A bad row's message in the reader's language."""
    return str(ROW_RULES[problem.rule]) % problem.arguments()


def posted_rows(form) -> list[tuple[str, str, str]]:
    """The (code, 中文, English) of every row of ``form.choice_rows``."""
    return [(row.code.data or "", row.label_zh.data or "", row.label_en.data or "")
            for row in form.choice_rows]


def check_rows(form) -> ParsedLines:
    """Read ``form``'s rows; put each bad row's message on its code input."""
    parsed = parse_choice_rows(posted_rows(form), other=bool(form.other.data))
    for problem in parsed.problems:
        form.choice_rows[problem.line - 1].code.errors = [row_problem_text(problem)]
    return parsed


def set_rows(form, rows: list[tuple[str, str, str]]) -> None:
    """Replace ``form``'s rows with ``rows`` and ``BLANK_ROWS`` blank ones."""
    while form.choice_rows.entries:
        form.choice_rows.pop_entry()
    for code, zh, en in [*rows, *[("", "", "")] * BLANK_ROWS][:MAX_ROWS]:
        form.choice_rows.append_entry({"code": code, "label_zh": zh, "label_en": en})


def rows_from_text(text: str) -> list[tuple[str, str, str]]:
    """The rows the lines of ``text`` show (parts beyond three joined back into the English)."""
    rows = []
    for line in (text or "").splitlines():
        if line.strip():
            parts = split_line(line) + ["", ""]
            rows.append((parts[0], parts[1], " | ".join(p for p in parts[2:] if p)))
    return rows


def text_from_rows(rows: list[tuple[str, str, str]]) -> str:
    """The lines that show ``rows`` (blank rows left out)."""
    return "\n".join(" | ".join(row) for row in rows if any(part.strip() for part in row))


def apply_editing_action(form, posted) -> bool:
    """When ``posted`` (the request's form data) asks to add a row or to switch between rows
    and text, do it on ``form`` and return True (the page is shown again, nothing saved)."""
    if ADD_ROW in posted and form.choices_input.data != "text":
        form.choice_rows.append_entry()
        return True
    target = posted.get(SHOW_AS)
    if target == "text":
        form.choices.data = text_from_rows(posted_rows(form))
    elif target == "rows":
        set_rows(form, rows_from_text(form.choices.data))
    else:
        return False
    form.choices_input.data = target
    return True


def fill_rows(form, choices) -> None:
    """Show the stored ``choices`` (possibly none) as rows (and as text, for the fallback)."""
    set_rows(form, [(c.code, c.label.zh, c.label.en) for c in choices])
    form.choices.data = format_entry_lines(choices)
    form.choices_input.data = "rows"
