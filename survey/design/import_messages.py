"""Import and export notices (``survey.questionnaire.notices``) in the page's language: the
LimeSurvey and SurveyJS imports (and the SurveyJS export) give each warning and refusal as a rule
and values; this module words them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.questionnaire.notices import Notice

#: Notice rule -> message (the placeholders of ``NOTICE_TEMPLATES``), translated.
NOTICE_MESSAGES = {
    "sjs_export_question": _l("question '%(code)s': the %(field)s '%(expression)s' cannot be "
                              "written as a SurveyJS expression (%(detail)s); rewrite it or "
                              "export as XLSForm or JSON"),
    "sjs_export_page": _l("page '%(code)s': the show-if '%(expression)s' cannot be written as a "
                          "SurveyJS expression (%(detail)s); rewrite it or export as XLSForm or "
                          "JSON"),
    "file_empty": _l("%(file)s: the file is empty"),
    "file_too_slow": _l("%(file)s: reading the file did not finish within %(seconds)s seconds; "
                        "it may be damaged: open it in a spreadsheet program, save it again (as "
                        ".xlsx) and import that"),
    "file_too_demanding": _l("%(file)s: reading the file needed more than %(limit)s MB of memory; "
                             "it may be damaged: open it in a spreadsheet program, save it again "
                             "(as .xlsx) and import that"),
    "file_too_large": _l("%(file)s: the file is %(size)s MB; %(format)s uploads are limited to "
                 "%(limit)s MB"),
    "xml_forbidden": _l("%(file)s: the XML declares a DTD, entities or external references "
                 "(%(error)s); a LimeSurvey export never does, so it was refused"),
    "xml_unreadable": _l("%(file)s: this is not a LimeSurvey .lss file: the XML cannot be read "
                 "(%(error)s)"),
    "not_limesurvey": _l("%(file)s: this XML is not a LimeSurvey export (no <document> with a "
                 "<LimeSurveyDocType>); export the survey from LimeSurvey as a .lss "
                 "structure file"),
    "lss_not_survey": _l("%(file)s: this LimeSurvey file is a '%(doc_type)s' export; import a "
                 "whole survey (a .lss file of type 'Survey')"),
    "lss_nothing_to_ask": _l("%(file)s: no question could be imported from this LimeSurvey file: "
                 "none of its %(count)s questions is of a type Xinsheng can ask (the "
                 "questions and their LimeSurvey types: %(found)s)"),
    "json_rejected": _l("%(file)s: %(path)s: %(message)s (rule %(check)s)"),
    "not_surveyjs": _l("%(file)s: this JSON is not a SurveyJS survey: it needs a 'pages' list "
                 "of page objects (or an 'elements' list) at the top"),
    "sjs_nothing_to_ask": _l("%(file)s: no question could be imported from this SurveyJS survey: "
                 "none of its elements is a question Xinsheng can ask (%(found)s)"),
    "document_rule": _l("%(file)s: %(error)s"),
    "code_renamed": _l("'%(wanted)s' was renamed '%(code)s': codes are unique and use letters, "
                 "digits and '_'."),
    "choice_renamed": _l("'%(question)s': the answer code '%(wanted)s' was renamed '%(code)s'."),
    "question_not_imported": _l("'%(title)s' (%(type)s) could not be imported (%(error)s); it was left "
                 "out."),
    "other_code_taken": _l("'%(title)s': its 'other' option was not imported: an answer already "
                 "has the code '%(code)s'."),
    "setting_dropped": _l("'%(title)s': the %(setting)s '%(value)s' was not imported."),
    "lss_no_zh_en": _l("The survey has no Chinese or English texts; its base language "
                 "'%(language)s' was imported as both the Chinese and the English text. "
                 "Translate them before publishing."),
    "lss_languages_left_out": _l("The texts in %(languages)s were not imported: a questionnaire holds "
                 "Chinese and English only (the Chinese text comes from %(zh)s, the "
                 "English text from %(en)s)."),
    "lss_tables_left_out": _l("These parts of the survey were not imported (Xinsheng has no "
                 "equivalent): %(tables)s."),
    "lss_orphan_group": _l("Questions of group %(group)s, which is not in the file, were put on a "
                 "page of their own."),
    "lss_relevance_dropped": _l("'%(title)s': the relevance '%(expression)s' cannot be written in the "
                 "logic language (%(detail)s); it was dropped, so it is always shown."),
    "lss_group_relevance_dropped": _l("group '%(group)s': the relevance '%(expression)s' cannot be written in "
                 "the logic language (%(detail)s); it was dropped, so the page is always "
                 "shown."),
    "lss_type_unsupported": _l("'%(title)s' has the LimeSurvey type %(type)s, which Xinsheng does not "
                 "support; it was left out."),
    "lss_hidden": _l("'%(title)s' is hidden in LimeSurvey; it was imported as a visible question."),
    "lss_pattern_dropped": _l("'%(title)s': the validation pattern '%(pattern)s' was not imported."),
    "lss_attribute_dropped": _l("'%(title)s': the %(label)s '%(value)s' (%(attribute)s) was not "
                 "imported."),
    "lss_subquestion_relevance_dropped": _l("'%(title)s': the relevance '%(expression)s' of its sub-question "
                 "'%(sub)s' was not imported."),
    "lss_piping": _l("'%(title)s': its text uses LimeSurvey expressions in braces; they are "
                 "shown as written."),
    "lss_columns_dropped": _l("'%(title)s': its second set of sub-questions (columns) was not "
                 "imported."),
    "lss_comment_dropped": _l("'%(title)s': its comment box was not imported."),
    "lss_comments_dropped": _l("'%(title)s': the comment boxes of its options were not imported."),
    "lss_second_scale_dropped": _l("'%(title)s': its second answer scale was not imported."),
    "lss_scale_ends_only": _l("'%(title)s': imported as a %(first)s–%(last)s scale; only the labels "
                 "of its two ends were kept."),
    "lss_per_row": _l("'%(title)s' (%(type)s) was imported as an information text followed by "
                 "one %(kind)s question per row."),
    "lss_bounds_dropped": _l("'%(title)s': its minimum is above its maximum; neither was imported."),
    "lss_time_dropped": _l("'%(title)s': its time of day was not imported (a date is asked)."),
    "sjs_survey_part_dropped": _l("The survey's %(key)s were not imported (Xinsheng has no equivalent)."),
    "sjs_type_unsupported": _l("'%(title)s' has the SurveyJS type '%(type)s', which Xinsheng does not "
                 "support; it was left out."),
    "sjs_property_dropped": _l("'%(title)s': its %(key)s was not imported."),
    "sjs_hidden": _l("'%(title)s' is hidden in SurveyJS; it was imported as a visible question."),
    "sjs_validator_dropped": _l("'%(title)s': its %(kind)s validator was not imported."),
    "sjs_visible_dropped": _l("'%(title)s': the visibleIf '%(expression)s' cannot be written in the "
                 "logic language (%(detail)s); it was dropped."),
    "sjs_page_visible_dropped": _l("page '%(page)s': the visibleIf '%(expression)s' cannot be written in "
                 "the logic language (%(detail)s); it was dropped."),
    "sjs_validation_dropped": _l("'%(title)s': the validation '%(expression)s' cannot be written in the "
                 "logic language (%(detail)s); it was dropped."),
    "sjs_languages_left_out": _l("The texts in %(languages)s were not imported: a questionnaire holds "
                 "Chinese and English only."),
    "sjs_not_an_object": _l("An element '%(element)s' is not an object; it was left out."),
    "sjs_limits_dropped": _l("'%(title)s': its limits on the number of choices were not imported."),
    "sjs_rating_values": _l("'%(title)s': its rating values were imported as a single choice."),
    "sjs_rating_scale": _l("'%(title)s': the %(first)s–%(last)s scale is not a scale Xinsheng "
                 "offers (1–5, 1–7, 1–10, 0–10); it was imported as a single choice."),
    "sjs_matrix_per_row": _l("'%(title)s': its columns are not a 1–5, 1–7, 1–10 or 0–10 scale; it "
                 "was imported as an information text followed by one single choice per "
                 "row."),
    "sjs_input_type": _l("'%(title)s': its input type '%(input)s' was imported as a short text."),
    "not_understood": _l("'%(part)s' is not understood"),
    "expected_token": _l("expected '%(expected)s', found '%(found)s'"),
    "property": _l("%(name)s (the .%(suffix)s property) has no equivalent"),
    "word": _l("'%(word)s' has no equivalent"),
    "unknown_question": _l("%(name)s is not an imported question"),
    "value_as_condition": _l("a value is used where a condition is needed"),
    "condition_as_value": _l("a condition is used where a value is needed"),
    "function": _l("the function %(name)s() has no equivalent"),
    "multi_operator": _l("a multiple-choice answer cannot be compared with %(operator)s"),
    "multi_value": _l("a multiple-choice answer compared with '%(value)s'"),
    "multi_as_value": _l("the multiple-choice answer %(name)s used as a value"),
    "yes_no_value": _l("a yes/no answer compared with '%(value)s'"),
    "number_text": _l("a number compared with the text '%(value)s'"),
    "too_deep": _l("the expression is nested too deeply"),
    "membership": _l("'%(operator)s' is only understood after a question"),
    "condition_field": _l("the condition on '%(field)s' (not a question)"),
    "condition_question": _l("the condition on question id %(qid)s, which is not in the file"),
    "condition_method": _l("the condition method '%(method)s' on %(name)s"),
    "condition_answer": _l("the condition on %(name)s compares with another answer"),
    "logic_rule": _l("%(error)s"),
    "function_or_word": _l("the function or word '%(word)s' has no equivalent"),
    "expected_value": _l("expected a value, found '%(found)s'"),
    "multi_list": _l("a multiple-choice answer compared with a list"),
    "current_outside": _l("'.' outside a question"),
    "sjs_function": _l("the function %(name)s() has no SurveyJS equivalent"),
    "sjs_node": _l("%(kind)s has no SurveyJS equivalent"),
}
#: Words a notice carries as values (LimeSurvey type names, attribute names, question kinds).
TERMS = {
    "list (radio)": _l("list (radio)"),
    "list (dropdown)": _l("list (dropdown)"),
    "list with comment": _l("list with comment"),
    "multiple choice": _l("multiple choice"),
    "multiple choice with comments": _l("multiple choice with comments"),
    "array (5 point choice)": _l("array (5 point choice)"),
    "array (10 point choice)": _l("array (10 point choice)"),
    "array": _l("array"),
    "array by column": _l("array by column"),
    "array dual scale": _l("array dual scale"),
    "array (yes/no/uncertain)": _l("array (yes/no/uncertain)"),
    "array (increase/same/decrease)": _l("array (increase/same/decrease)"),
    "numerical input": _l("numerical input"),
    "multiple numerical input": _l("multiple numerical input"),
    "short free text": _l("short free text"),
    "long free text": _l("long free text"),
    "huge free text": _l("huge free text"),
    "multiple short text": _l("multiple short text"),
    "yes/no": _l("yes/no"),
    "gender": _l("gender"),
    "date/time": _l("date/time"),
    "text display": _l("text display"),
    "5 point choice": _l("5 point choice"),
    "ranking": _l("ranking"),
    "file upload": _l("file upload"),
    "equation": _l("equation"),
    "array (numbers)": _l("array (numbers)"),
    "array (texts)": _l("array (texts)"),
    "language switch": _l("language switch"),
    "array filter": _l("array filter"),
    "array filter exclusion": _l("array filter exclusion"),
    "validation expression": _l("validation expression"),
    "sub-question validation": _l("sub-question validation"),
    "exclusive option": _l("exclusive option"),
    "minimum from an answer": _l("minimum from an answer"),
    "maximum from an answer": _l("maximum from an answer"),
    "single choice": _l("single choice"),
    "numeric": _l("numeric"),
    "text": _l("text"),
    "show-if": _l("show-if"),
    "validation": _l("validation"),
}
_TERM_VALUES = frozenset({"type", "label", "kind", "field"})


def notice_message(notice: Notice) -> str:
    """``notice`` in the current language (its English text when its rule has no message)."""
    template = NOTICE_MESSAGES.get(notice.rule)
    if template is None:
        return notice.text()
    arguments = {name: str(TERMS[value]) if name in _TERM_VALUES and value in TERMS else value
                 for name, value in notice.arguments().items()}
    if notice.detail is not None:
        arguments["detail"] = notice_message(notice.detail)
    try:
        return str(template) % arguments
    except (KeyError, ValueError):
        return notice.text()
