"""Designer-facing texts of logic issues and missing translations, in the page's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
}
FIELD_NAMES = {"show_if": _l("show-if rule"), "validation": _l("validation rule")}

def issue_message(issue: LogicIssue) -> str:
    """The issue in the current language."""
    arguments = issue.template_arguments()
    arguments["field"] = str(FIELD_NAMES.get(issue.field, issue.field))
    template = ISSUE_MESSAGES.get(issue.rule)
    if template is None:
        return issue.message
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
