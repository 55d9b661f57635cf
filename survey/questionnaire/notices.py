"""What an import tells the designer, as a rule and the values it names (translated when shown).

A :class:`Notice` is a warning (an element left out or changed) or the reason a file is
refused. ``NOTICE_TEMPLATES`` holds the English wording of each rule; the web layer
(``survey.design.import_messages``) holds the same rules in the page's language, so a notice is
stored as data and worded where it is read. ``detail`` carries a nested notice (the reason an
expression has no equivalent). Used by the LimeSurvey and SurveyJS imports.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Rule -> English wording, ``%(name)s`` placeholders (``detail``: the nested notice).
NOTICE_TEMPLATES: dict[str, str] = {
    # refusals
    "file_empty": "%(file)s: the file is empty",
    "file_too_slow": "%(file)s: reading the file did not finish within %(seconds)s seconds; it "
                     "may be damaged: open it in a spreadsheet program, save it again (as .xlsx) "
                     "and import that",
    "file_too_demanding": "%(file)s: reading the file needed more than %(limit)s MB of memory; it "
                          "may be damaged: open it in a spreadsheet program, save it again (as "
                          ".xlsx) and import that",
    "file_too_large": "%(file)s: the file is %(size)s MB; %(format)s uploads are limited to "
                      "%(limit)s MB",
    "xml_forbidden": "%(file)s: the XML declares a DTD, entities or external references "
                     "(%(error)s); a LimeSurvey export never does, so it was refused",
    "xml_unreadable": "%(file)s: this is not a LimeSurvey .lss file: the XML cannot be read "
                      "(%(error)s)",
    "not_limesurvey": "%(file)s: this XML is not a LimeSurvey export (no <document> with a "
                      "<LimeSurveyDocType>); export the survey from LimeSurvey as a .lss "
                      "structure file",
    "lss_not_survey": "%(file)s: this LimeSurvey file is a '%(doc_type)s' export; import a whole "
                      "survey (a .lss file of type 'Survey')",
    "lss_nothing_to_ask": "%(file)s: no question could be imported from this LimeSurvey file: "
                          "none of its %(count)s questions is of a type Xinsheng can ask (the "
                          "questions and their LimeSurvey types: %(found)s)",
    "json_rejected": "%(file)s: %(path)s: %(message)s (rule %(check)s)",
    "not_surveyjs": "%(file)s: this JSON is not a SurveyJS survey: it needs a 'pages' list of "
                    "page objects (or an 'elements' list) at the top",
    "sjs_nothing_to_ask": "%(file)s: no question could be imported from this SurveyJS survey: "
                          "none of its elements is a question Xinsheng can ask (%(found)s)",
    "document_rule": "%(file)s: %(error)s",
    "sjs_export_question": "question '%(code)s': the %(field)s '%(expression)s' cannot be "
                           "written as a SurveyJS expression (%(detail)s); rewrite it or export "
                           "as XLSForm or JSON",
    "sjs_export_page": "page '%(code)s': the show-if '%(expression)s' cannot be written as a "
                       "SurveyJS expression (%(detail)s); rewrite it or export as XLSForm or JSON",
    # warnings shared by both formats
    "code_renamed": "'%(wanted)s' was renamed '%(code)s': codes are unique and use letters, "
                    "digits and '_'.",
    "choice_renamed": "'%(question)s': the answer code '%(wanted)s' was renamed '%(code)s'.",
    "question_not_imported": "'%(title)s' (%(type)s) could not be imported (%(error)s); it was "
                             "left out.",
    "other_code_taken": "'%(title)s': its 'other' option was not imported: an answer already "
                        "has the code '%(code)s'.",
    "setting_dropped": "'%(title)s': the %(setting)s '%(value)s' was not imported.",
    # LimeSurvey warnings
    "lss_no_zh_en": "The survey has no Chinese or English texts; its base language "
                    "'%(language)s' was imported as both the Chinese and the English text. "
                    "Translate them before publishing.",
    "lss_languages_left_out": "The texts in %(languages)s were not imported: a questionnaire "
                              "holds Chinese and English only (the Chinese text comes from "
                              "%(zh)s, the English text from %(en)s).",
    "lss_tables_left_out": "These parts of the survey were not imported (Xinsheng has no "
                           "equivalent): %(tables)s.",
    "lss_orphan_group": "Questions of group %(group)s, which is not in the file, were put on a "
                        "page of their own.",
    "lss_relevance_dropped": "'%(title)s': the relevance '%(expression)s' cannot be written in "
                             "the logic language (%(detail)s); it was dropped, so it is always "
                             "shown.",
    "lss_group_relevance_dropped": "group '%(group)s': the relevance '%(expression)s' cannot be "
                                   "written in the logic language (%(detail)s); it was dropped, "
                                   "so the page is always shown.",
    "lss_type_unsupported": "'%(title)s' has the LimeSurvey type %(type)s, which Xinsheng does "
                            "not support; it was left out.",
    "lss_hidden": "'%(title)s' is hidden in LimeSurvey; it was imported as a visible question.",
    "lss_pattern_dropped": "'%(title)s': the validation pattern '%(pattern)s' was not imported.",
    "lss_attribute_dropped": "'%(title)s': the %(label)s '%(value)s' (%(attribute)s) was not "
                             "imported.",
    "lss_subquestion_relevance_dropped": "'%(title)s': the relevance '%(expression)s' of its "
                                         "sub-question '%(sub)s' was not imported.",
    "lss_piping": "'%(title)s': its text uses LimeSurvey expressions in braces; they are shown "
                  "as written.",
    "lss_columns_dropped": "'%(title)s': its second set of sub-questions (columns) was not "
                           "imported.",
    "lss_comment_dropped": "'%(title)s': its comment box was not imported.",
    "lss_comments_dropped": "'%(title)s': the comment boxes of its options were not imported.",
    "lss_second_scale_dropped": "'%(title)s': its second answer scale was not imported.",
    "lss_scale_ends_only": "'%(title)s': imported as a %(first)s–%(last)s scale; only the "
                           "labels of its two ends were kept.",
    "lss_per_row": "'%(title)s' (%(type)s) was imported as an information text followed by one "
                   "%(kind)s question per row.",
    "lss_bounds_dropped": "'%(title)s': its minimum is above its maximum; neither was imported.",
    "lss_time_dropped": "'%(title)s': its time of day was not imported (a date is asked).",
    # SurveyJS warnings
    "sjs_survey_part_dropped": "The survey's %(key)s were not imported (Xinsheng has no "
                               "equivalent).",
    "sjs_type_unsupported": "'%(title)s' has the SurveyJS type '%(type)s', which Xinsheng does "
                            "not support; it was left out.",
    "sjs_property_dropped": "'%(title)s': its %(key)s was not imported.",
    "sjs_hidden": "'%(title)s' is hidden in SurveyJS; it was imported as a visible question.",
    "sjs_validator_dropped": "'%(title)s': its %(kind)s validator was not imported.",
    "sjs_visible_dropped": "'%(title)s': the visibleIf '%(expression)s' cannot be written in "
                           "the logic language (%(detail)s); it was dropped.",
    "sjs_page_visible_dropped": "page '%(page)s': the visibleIf '%(expression)s' cannot be "
                                "written in the logic language (%(detail)s); it was dropped.",
    "sjs_validation_dropped": "'%(title)s': the validation '%(expression)s' cannot be written "
                              "in the logic language (%(detail)s); it was dropped.",
    "sjs_languages_left_out": "The texts in %(languages)s were not imported: a questionnaire "
                              "holds Chinese and English only.",
    "sjs_not_an_object": "An element '%(element)s' is not an object; it was left out.",
    "sjs_limits_dropped": "'%(title)s': its limits on the number of choices were not imported.",
    "sjs_rating_values": "'%(title)s': its rating values were imported as a single choice.",
    "sjs_rating_scale": "'%(title)s': the %(first)s–%(last)s scale is not a scale Xinsheng "
                        "offers (1–5, 1–7, 1–10, 0–10); it was imported as a single choice.",
    "sjs_matrix_per_row": "'%(title)s': its columns are not a 1–5, 1–7, 1–10 or 0–10 scale; it "
                          "was imported as an information text followed by one single choice "
                          "per row.",
    "sjs_input_type": "'%(title)s': its input type '%(input)s' was imported as a short text.",
    # why an expression has no equivalent (the detail of a *_dropped notice)
    "not_understood": "'%(part)s' is not understood",
    "expected_token": "expected '%(expected)s', found '%(found)s'",
    "property": "%(name)s (the .%(suffix)s property) has no equivalent",
    "word": "'%(word)s' has no equivalent",
    "unknown_question": "%(name)s is not an imported question",
    "value_as_condition": "a value is used where a condition is needed",
    "condition_as_value": "a condition is used where a value is needed",
    "function": "the function %(name)s() has no equivalent",
    "multi_operator": "a multiple-choice answer cannot be compared with %(operator)s",
    "multi_value": "a multiple-choice answer compared with '%(value)s'",
    "multi_as_value": "the multiple-choice answer %(name)s used as a value",
    "yes_no_value": "a yes/no answer compared with '%(value)s'",
    "number_text": "a number compared with the text '%(value)s'",
    "too_deep": "the expression is nested too deeply",
    "membership": "'%(operator)s' is only understood after a question",
    "condition_field": "the condition on '%(field)s' (not a question)",
    "condition_question": "the condition on question id %(qid)s, which is not in the file",
    "condition_method": "the condition method '%(method)s' on %(name)s",
    "condition_answer": "the condition on %(name)s compares with another answer",
    "logic_rule": "%(error)s",
    "function_or_word": "the function or word '%(word)s' has no equivalent",
    "expected_value": "expected a value, found '%(found)s'",
    "multi_list": "a multiple-choice answer compared with a list",
    "current_outside": "'.' outside a question",
    "sjs_function": "the function %(name)s() has no SurveyJS equivalent",
    "sjs_node": "%(kind)s has no SurveyJS equivalent",
}


@dataclass(frozen=True, slots=True)
class Notice:
    """One message of an import: ``rule`` (a key of ``NOTICE_TEMPLATES``) and the values its
    placeholders name; ``detail`` is a nested notice filling ``%(detail)s``."""

    rule: str
    values: tuple[tuple[str, str], ...] = ()
    detail: Notice | None = None

    def arguments(self) -> dict[str, str]:
        """The placeholder values (without ``detail``)."""
        return dict(self.values)

    def text(self) -> str:
        """The English wording."""
        arguments = self.arguments()
        if self.detail is not None:
            arguments["detail"] = self.detail.text()
        return NOTICE_TEMPLATES[self.rule] % arguments

    def __str__(self) -> str:
        return self.text()


#: Longest value (an expression, a pattern …) quoted in a notice; longer ones are cut with "…".
VALUE_MAX = 200


def shorten(value: object) -> str:
    """``value`` as text of at most ``VALUE_MAX`` characters."""
    text = str(value)
    return text if len(text) <= VALUE_MAX else text[:VALUE_MAX - 1] + "…"


def notice(rule: str, *, detail: Notice | None = None, **values: object) -> Notice:
    """Make a notice (each value cut to ``VALUE_MAX`` characters); raises ``KeyError`` for a
    rule without a template (a programming error)."""
    NOTICE_TEMPLATES[rule]  # noqa: B018 - fail at the call, not when shown
    return Notice(rule, tuple((name, shorten(value)) for name, value in values.items()), detail)
