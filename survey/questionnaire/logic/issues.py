"""What the design-time checker reads (``LogicItem``) and reports (``LogicIssue``).

Each issue carries a stable machine key, ``rule``, from a small closed set. ``ISSUE_TEMPLATES``
maps every rule to an English sentence with named placeholders; ``LogicIssue.template_arguments()``
supplies the values, so the web layer can format a translated template (e.g. Chinese) the same way:
``ZH_TEMPLATES[issue.rule].format(**issue.template_arguments())``. ``VALUE_TYPE_NAMES`` maps
the type key in ``found_type`` (type_mismatch, not_a_condition) to the English ``found`` phrase,
so a translation can swap in its own phrase for that key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

ValueType: TypeAlias = Literal["number", "text", "choice", "multi", "date", "datetime", "bool",
                              "none"]
ItemKind: TypeAlias = Literal["page", "question"]
LogicField: TypeAlias = Literal["show_if", "validation"]
Rule: TypeAlias = Literal[
    "syntax_error",
    "unknown_reference",
    "reference_without_value",
    "forward_reference",
    "self_reference",
    "cycle",
    "current_value_in_show_if",
    "type_mismatch",
    "unknown_choice",
    "not_a_condition",
    "wrong_argument_count",
    "too_few_arguments",
    "invalid_pattern",
]

#: Rule -> English message template. Placeholders always available: {code}, {field}, {reference}.
ISSUE_TEMPLATES: dict[str, str] = {
    "syntax_error": "{code} {field}: syntax error: {detail}",
    "unknown_reference": (
        "{code} {field}: unknown reference '{reference}'; no question has this code"
    ),
    "reference_without_value": "{code} {field}: '{reference}' is a {kind} and has no answer to use",
    "forward_reference": (
        "{code} {field}: '{reference}' comes later in the questionnaire; {field} may only use "
        "answers to earlier questions"
    ),
    "self_reference": (
        "{code} {field}: refers to its own answer '{reference}'; whether a question is shown "
        "cannot depend on its own answer"
    ),
    "cycle": "{code} {field}: depends on itself through the cycle {path}",
    "current_value_in_show_if": (
        "{code} {field}: '.' (the current answer) can only be used in a validation rule"
    ),
    "type_mismatch": "{code} {field}: {operation} needs {expected}, but {subject} is {found}",
    "unknown_choice": (
        "{code} {field}: '{choice}' is not a choice of '{reference}'; its choices are {choices}"
    ),
    "not_a_condition": (
        "{code} {field}: the rule must be a condition (true or false), but {subject} is {found}"
    ),
    "wrong_argument_count": (
        "{code} {field}: {function}() takes {arity} argument(s), but is given {count}"
    ),
    "too_few_arguments": (
        "{code} {field}: {function}() takes at least {arity} argument(s), but is given {count}"
    ),
    "invalid_pattern": (
        "{code} {field}: regex() cannot use the pattern '{pattern}': at character {position}, "
        "{problem}"
    ),
}

#: Type key -> English phrase used in the {found}/{expected} placeholders.
VALUE_TYPE_NAMES: dict[str, str] = {
    "number": "a number",
    "text": "a text answer",
    "choice": "a single-choice answer",
    "multi": "a multiple-choice answer",
    "date": "a date",
    "yes_no": "a yes/no answer ('yes' or 'no')",
    "boolean": "a condition (true/false)",
    "string": "a quoted text",
    "datetime": "a date and time",
}


@dataclass(frozen=True, slots=True)
class LogicItem:
    """One page or question as the checker sees it.

    ``position`` is the order in the questionnaire (pages come before their questions);
    ``value_type`` is "none" for pages and information texts; ``choices`` holds the choice
    codes of choice/multi questions (None when unknown; yes/no questions use 'yes'/'no').
    """

    code: str
    kind: ItemKind
    position: int
    value_type: ValueType
    choices: frozenset[str] | None = None
    show_if: str | None = None
    validation: str | None = None


@dataclass(frozen=True, slots=True)
class LogicIssue:
    """A problem that blocks publishing; ``message`` is the English template filled in.

    ``arguments`` holds the rule-specific placeholders (e.g. ``found``, ``expected``) as pairs.
    """

    code: str
    field: LogicField
    rule: Rule
    reference: str | None
    message: str
    arguments: tuple[tuple[str, str], ...] = ()

    def template_arguments(self) -> dict[str, str]:
        """Return every placeholder value for this issue's template."""
        return {"code": self.code, "field": self.field, "reference": self.reference or "",
                **dict(self.arguments)}


def make_issue(
    code: str, field: LogicField, rule: Rule, reference: str | None = None, **arguments: str
) -> LogicIssue:
    """Build a ``LogicIssue`` whose message is ``ISSUE_TEMPLATES[rule]`` filled in."""
    pairs = tuple(sorted(arguments.items()))
    values = {"code": code, "field": field, "reference": reference or "", **arguments}
    return LogicIssue(code, field, rule, reference, ISSUE_TEMPLATES[rule].format(**values), pairs)
