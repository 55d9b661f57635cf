"""Designer-facing texts of logic issues and missing translations, in the page's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.design.logic_syntax import syntax_error_text
from survey.questionnaire.logic import LogicIssue

#: Logic issue rule → message (the same placeholders as ``ISSUE_TEMPLATES``), translated.
ISSUE_MESSAGES = {
    "syntax_error": _l("%(code)s %(field)s: syntax error: %(detail)s"),
    "unknown_reference": _l("%(code)s %(field)s: unknown reference '%(reference)s'; no question has this code"),
    "reference_without_value": _l("%(code)s %(field)s: '%(reference)s' is a %(kind)s and has no answer to use"),
    "forward_reference": _l("%(code)s %(field)s: '%(reference)s' comes later in the questionnaire; "
                            "%(field)s may only use answers to earlier questions"),
    "self_reference": _l("%(code)s %(field)s: refers to its own answer '%(reference)s'; whether a "
                         "question is shown cannot depend on its own answer"),
    "cycle": _l("%(code)s %(field)s: depends on itself through the cycle %(path)s"),
    "current_value_in_show_if": _l("%(code)s %(field)s: '.' (the current answer) can only be used in a validation rule"),
    "type_mismatch": _l("%(code)s %(field)s: %(operation)s needs %(expected)s, but %(subject)s is %(found)s"),
    "unknown_choice": _l("%(code)s %(field)s: '%(choice)s' is not a choice of '%(reference)s'; its choices are %(choices)s"),
    "not_a_condition": _l("%(code)s %(field)s: the rule must be a condition (true or false), but %(subject)s is %(found)s"),
    "wrong_argument_count": _l("%(code)s %(field)s: %(function)s() takes %(arity)s argument(s), but is given %(count)s"),
    "too_few_arguments": _l("%(code)s %(field)s: %(function)s() takes at least %(arity)s argument(s), but is given %(count)s"),
    "invalid_pattern": _l("%(code)s %(field)s: regex() cannot use the pattern '%(pattern)s': at character "
                          "%(position)s, %(problem)s"),
}
#: ``problem_key`` of an invalid_pattern issue → the ``problem`` phrase.
PATTERN_PROBLEM_TEXTS = {
    "too_long": _l("it is too long"),
    "too_complex": _l("it is too complex (repetitions such as {m,n} make it too large)"),
    "unbalanced_parenthesis": _l("its parentheses do not match"),
    "nothing_to_repeat": _l("a repetition (* + ? {m,n}) has nothing before it to repeat"),
    "bad_repetition": _l("a '{' is not a repetition {m}, {m,} or {m,n} with m <= n <= 1000 (write \\{ for the character)"),
    "bad_range": _l("a character range runs backwards (like z-a)"),
    "unterminated_class": _l("a '[' has no closing ']'"),
    "unsupported_group": _l("look-around, named groups and flags (?...) are not supported"),
    "unsupported_escape": _l("this backslash escape is not supported (supported: \\d \\w \\s \\D \\W \\S \\n \\t \\r \\uXXXX and escaped punctuation)"),
    "trailing_backslash": _l("it ends with a lone backslash"),
}
PATTERN_WITHOUT_PROBLEM = _l("%(code)s %(field)s: regex() cannot use the pattern '%(pattern)s' (at character %(position)s)")
FIELD_NAMES = {"show_if": _l("show-if rule"), "validation": _l("validation rule")}
#: ``found_type`` of an issue (the keys of ``logic.VALUE_TYPE_NAMES``) → the ``found`` phrase.
VALUE_TYPE_TEXTS = {
    "number": _l("a number"), "text": _l("a text answer"), "choice": _l("a single-choice answer"),
    "multi": _l("a multiple-choice answer"), "date": _l("a date"),
    "yes_no": _l("a yes/no answer ('yes' or 'no')"), "boolean": _l("a condition (true/false)"),
    "string": _l("a quoted text"), "datetime": _l("a date and time"),
}
#: ``kind`` of a reference_without_value issue → its name.
ITEM_KINDS = {"page": _l("page"), "information text": _l("information text")}
#: The ``expected`` and ``operation`` phrases the checker writes (survey/questionnaire/logic/
#: inference.py), which carry no code of their own: matched whole, never taken apart. A phrase
#: missing here is left out of the message rather than shown in English.
EXPECTED_TEXTS = {
    "a condition (true/false)": _l("a condition (true/false)"),
    "conditions (true/false)": _l("conditions (true/false)"),
    "numbers": _l("numbers"), "a number": _l("a number"), "a text": _l("a text"),
    "a choice question": _l("a choice question"),
    "a choice code as second argument": _l("a choice code as second argument"),
    "two numbers or two dates": _l("two numbers or two dates"),
    "a date written 'YYYY-MM-DD'": _l("a date written 'YYYY-MM-DD'"),
    "single values (use selected(q, 'x') or count(q) for a multiple choice)":
        _l("single values (use selected(q, 'x') or count(q) for a multiple choice)"),
    "a date and time written 'YYYY-MM-DDTHH:MM' (or a date 'YYYY-MM-DD')":
        _l("a date and time written 'YYYY-MM-DDTHH:MM' (or a date 'YYYY-MM-DD')"),
    "numbers, or a date and a number of days": _l("numbers, or a date and a number of days"),
    "numbers, a date minus a number of days, or two dates":
        _l("numbers, a date minus a number of days, or two dates"),
    "a text as first argument": _l("a text as first argument"),
    "a condition (true/false) as first argument": _l("a condition (true/false) as first argument"),
    "a choice question as first argument": _l("a choice question as first argument"),
    "a pattern written as a quoted text as second argument":
        _l("a pattern written as a quoted text as second argument"),
    "a position (a number, 0 for the first) as second argument":
        _l("a position (a number, 0 for the first) as second argument"),
    "two dates and times (like now() and 'YYYY-MM-DDTHH:MM')":
        _l("two dates and times (like now() and 'YYYY-MM-DDTHH:MM')"),
    "values of the same kind as the first one": _l("values of the same kind as the first one"),
}
OPERATION_TEXTS = {"comparing with a date": _l("comparing with a date"),
                   "comparing with a date and time": _l("comparing with a date and time")}
MISMATCH_WITHOUT_EXPECTED = _l("%(code)s %(field)s: %(operation)s cannot use %(subject)s, which is %(found)s")


def issue_message(issue: LogicIssue, *, text: str | None = None) -> str:
    """The issue in the current language. ``text``: the rule as written, which lets a syntax
    error say where it is and what could come there (without it, only where)."""
    arguments = issue.template_arguments()
    arguments["field"] = str(FIELD_NAMES.get(issue.field, issue.field))
    template = ISSUE_MESSAGES.get(issue.rule)
    if template is None:
        return issue.message
    if issue.rule == "syntax_error":
        arguments["detail"] = syntax_error_text(text, line=arguments.get("line"),
                                                column=arguments.get("column"))
    if "kind" in arguments:
        arguments["kind"] = str(ITEM_KINDS.get(arguments["kind"], arguments["kind"]))
    if "found_type" in arguments and arguments["found_type"] in VALUE_TYPE_TEXTS:
        arguments["found"] = str(VALUE_TYPE_TEXTS[arguments["found_type"]])
    if "operation" in arguments:
        arguments["operation"] = str(OPERATION_TEXTS.get(arguments["operation"], arguments["operation"]))
    if issue.rule == "invalid_pattern":
        problem = PATTERN_PROBLEM_TEXTS.get(arguments.get("problem_key", ""))
        if problem is None:
            template = PATTERN_WITHOUT_PROBLEM
        else:
            arguments["problem"] = str(problem)
    if "expected" in arguments:
        expected = EXPECTED_TEXTS.get(arguments["expected"])
        if expected is None:
            template = MISMATCH_WITHOUT_EXPECTED
        else:
            arguments["expected"] = str(expected)
    try:
        return str(template) % arguments
    except (KeyError, ValueError):
        return issue.message


def translation_location(location: str) -> str:
    """``page:p1/question:q1/choice:a`` → "page p1 › question q1 › choice a" (translated words)."""
    words = {"page": _("page"), "question": _("question"), "choice": _("choice"), "row": _("row"),
             "title": _("title"), "description": _("description"), "text": _("text"),
             "help": _("help text"), "validation_message": _("validation message"),
             "low_label": _("low end label"), "high_label": _("high end label"),
             "attribute": _("feature")}
    parts = []
    for part in location.split("/"):
        name, _sep, value = part.partition(":")
        parts.append(f"{words.get(name, name)} {value}".strip())
    return " › ".join(parts)


def language_names(languages) -> str:
    names = {"zh": _("Chinese"), "en": _("English")}
    return ", ".join(names.get(language, language) for language in languages)


#: Why a stored answer does not fit a question's new type (``type_change.MisfitReason``).
MISFIT_REASONS = {
    "not_a_choice": _l("it is not one of the new question's choices"),
    "several_choices": _l("it holds more than one choice"),
    "not_a_number": _l("it is not a number"),
    "not_whole": _l("it is not a whole number"),
    "out_of_range": _l("it lies outside the new question's range"),
    "too_long": _l("it is longer than the new question allows"),
    "not_a_text": _l("it is not a text"),
    "not_a_date": _l("it is not a date"),
}
TYPE_CHANGE_REFUSALS = {
    "not_convertible": _l("%(question)s cannot become a “%(new)s” question: %(answers)s answer(s) to it "
                          "are already stored, and answers to a “%(old)s” question cannot be read as "
                          "“%(new)s” answers. Keep its type, or add a new question."),
    "answers_do_not_fit": _l("%(question)s cannot become a “%(new)s” question: %(misfits)s of the "
                             "%(answers)s answer(s) already stored for %(variable)s would not be valid, "
                             "such as “%(example)s” (%(reason)s). Keep its type, or set the new question "
                             "up so that these answers fit."),
}


def type_change_message(refusal, type_labels: dict[str, str]) -> str:
    """A :class:`~survey.services.type_change.TypeChangeRefusal` in the current language;
    ``type_labels``: question type → its name."""
    reason = MISFIT_REASONS.get(refusal.reason or "", "")
    return str(TYPE_CHANGE_REFUSALS[refusal.rule]) % {
        "question": refusal.question, "variable": refusal.variable, "example": refusal.example,
        "old": type_labels.get(refusal.old_type, refusal.old_type),
        "new": type_labels.get(refusal.new_type, refusal.new_type),
        "answers": f"{refusal.answers:,}", "misfits": f"{refusal.misfits:,}", "reason": str(reason),
    }
