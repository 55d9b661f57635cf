"""The checks a questionnaire passes before it is published.

:func:`logic_items` adapts a questionnaire document to what the logic checker reads (one
``LogicItem`` per page, question and answer variable, in questionnaire order);
:func:`publish_checks` runs the logic checker, the construct-binding completeness report and the
missing-translation scan, and says whether anything blocks publishing.

Blocking: every logic issue (unknown reference, type mismatch, reference to a later question,
cycle, syntax error …), every binding problem (unknown construct or indicator, an indicator
bound twice) and every text piping an answer it cannot have (``survey.questionnaire.piping``). Incomplete constructs and missing translations are shown but do not block.
Nothing here touches Flask or the database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from acsi.spec import BUILTIN_MODELS, ModelSpec
from survey.questionnaire.constructs import CompletenessReport, completeness
from survey.questionnaire.document import (
    KANO_ANSWER_CODES, OTHER_CODE, MissingTranslation, Question, Questionnaire,
)
from survey.questionnaire.logic import LogicIssue, LogicItem, check_questionnaire
from survey.questionnaire.piping import PipingIssue, piping_issues
from survey.questionnaire.types import TYPES

__all__ = ["PublishReport", "logic_items", "publish_checks", "check_expression"]

_NUMBER_TYPES = frozenset({"rating", "nps", "numeric"})
_TEXT_TYPES = frozenset({"text", "long_text"})


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What stands between a draft and publishing.

    ``issues`` are the logic issues (all blocking), ``completeness`` the per-model coverage of
    construct bindings (its ``problems`` block), ``missing_translations`` the texts lacking a
    language (shown, not blocking).
    """

    issues: tuple[LogicIssue, ...]
    completeness: CompletenessReport
    missing_translations: tuple[MissingTranslation, ...]
    piping: tuple[PipingIssue, ...] = ()

    @property
    def blocking(self) -> bool:
        """True when publishing must wait: a logic issue, a binding problem or a text showing an
        answer it cannot have yet is present."""
        return bool(self.issues) or bool(self.completeness.problems) or bool(self.piping)


def _question_items(question: Question, position: int) -> list[LogicItem]:
    """The question's own item (carrying its rules) followed by its extra answer variables."""
    kind, code, settings = question.type, question.code, question.settings
    rules = {"show_if": question.show_if, "validation": question.validation}
    extra: list[tuple[str, str, frozenset[str] | None]] = []
    if kind in ("single_choice", "multiple_choice"):
        codes = [choice.code for choice in question.choices]
        if settings.other:
            codes.append(OTHER_CODE)
            extra.append((f"{code}_other", "text", None))
        own = ("choice" if kind == "single_choice" else "multi", frozenset(codes))
    elif kind in _NUMBER_TYPES:
        own = ("number", None)
    elif kind == "yes_no":
        own = ("bool", frozenset({"yes", "no"}))
    elif kind in _TEXT_TYPES:
        own = ("text", None)
    elif kind == "date":
        own = ("date", None)
    elif kind in TYPES:
        shape = TYPES[kind].logic_shape(question)
        own = (shape.own_type, shape.choices)
        extra += [(name, value_type, None) for name, value_type in shape.extras]
    elif kind == "matrix":
        own = ("none", None)
        extra += [(row.code, "number", None) for row in question.rows]
    elif kind == "kano":
        own = ("none", None)
        answers = frozenset(KANO_ANSWER_CODES)
        extra += [(f"{code}_f", "choice", answers), (f"{code}_d", "choice", answers)]
        if settings.importance:
            extra.append((f"{code}_imp", "number", None))
    else:  # info
        own = ("none", None)
    items = [LogicItem(code, "question", position, own[0], own[1], **rules)]
    items += [LogicItem(name, "question", position + offset, value_type, choices)
              for offset, (name, value_type, choices) in enumerate(extra, start=1)]
    return items


def logic_items(questionnaire: Questionnaire) -> list[LogicItem]:
    """Return the checker's view of ``questionnaire``: pages before their questions, each
    question followed by its extra answer variables (matrix rows, Kano ``_f``/``_d``/``_imp``,
    ``_other``), positions increasing in display order."""
    items: list[LogicItem] = []
    position = 0
    for page in questionnaire.pages:
        items.append(LogicItem(page.code, "page", position, "none", show_if=page.show_if))
        position += 1
        for question in page.questions:
            added = _question_items(question, position)
            items += added
            position += len(added)
    return items


def publish_checks(
    questionnaire: Questionnaire, *, models: Mapping[str, ModelSpec] = BUILTIN_MODELS
) -> PublishReport:
    """Run every pre-publication check on ``questionnaire`` and return a :class:`PublishReport`."""
    return PublishReport(
        issues=tuple(check_questionnaire(logic_items(questionnaire))),
        completeness=completeness(questionnaire, models),
        missing_translations=questionnaire.missing_translations(),
        piping=tuple(piping_issues(questionnaire)),
    )


def check_expression(
    questionnaire: Questionnaire, code: str, field: str, text: str | None
) -> list[LogicIssue]:
    """The logic issues of one rule (``field`` is "show_if" or "validation") of the page or
    question ``code``, as if ``text`` were stored there; used to validate a form on save.

    Raises ``KeyError`` if no page or question has ``code``.
    """
    items = logic_items(questionnaire)
    if not any(item.code == code for item in items):
        raise KeyError(code)
    changed = [
        replace(item, **{field: text}) if item.code == code else item for item in items
    ]
    return [issue for issue in check_questionnaire(changed)
            if issue.code == code and issue.field == field]
