"""The questionnaire logic language: show-if conditions and validation rules.

A small expression language, parsed by a lark LALR grammar into frozen syntax-tree values and
never ``eval``-ed. Full reference: ``docs/logic-language.md``. In short:

* references: ``q1``, ``sat_2``, ``${q1}``; ``.`` is the current question's value (validation);
* literals: ``3``, ``2.5``, ``'text'``/``"text"`` (a doubled quote escapes it), ``true``, ``false``;
* operators, loosest first: ``or``; ``and``; ``not``; ``= == != < <= > >=`` (one per
  comparison); ``+ -``; ``* / div mod``; unary ``-``; parentheses;
* functions: ``selected(q, 'x')``, ``count(q)`` (alias ``count-selected``), ``answered(q)``,
  ``empty(q)``, ``length(q)`` (alias ``string-length``), ``regex(q, 'pattern')`` (a linear-time
  pattern dialect, ``patterns``), ``today()``, ``now()``, ``if(c, a, b)``, ``coalesce(a, b, ...)``,
  ``sum``/``min``/``max(a, ...)``, ``selected-at(q, i)``; dates ('YYYY-MM-DD') plus/minus days and
  date minus date (days).

Unanswered is None: comparisons with None are false, arithmetic with None is None, division by
zero is None, and ``is_true`` accepts only a real True. The same evaluator runs at design and
collection time; ``survey/static/js/logic.js`` evaluates ``to_json`` output identically in the
browser.

Typical use::

    expr = parse("age >= 18 and selected(channels, 'web')")
    is_true(expr, {"age": 20, "channels": ["web", "shop"]})   # True
    issues = check_questionnaire(items)                      # [] when publishable
"""

from survey.questionnaire.logic.ast import (
    And,
    Arithmetic,
    Boolean,
    Call,
    Comparison,
    Current,
    Expr,
    Negate,
    Not,
    Number,
    Or,
    Reference,
    String,
    references,
)
from survey.questionnaire.logic.checker import check_questionnaire
from survey.questionnaire.logic.errors import (
    LogicArityError,
    LogicError,
    LogicEvaluationError,
    LogicJSONError,
    LogicSyntaxError,
    XLSFormConversionError,
)
from survey.questionnaire.logic.evaluator import evaluate, is_true, normalize_answer
from survey.questionnaire.logic.issues import (
    ISSUE_TEMPLATES,
    VALUE_TYPE_NAMES,
    ItemKind,
    LogicField,
    LogicIssue,
    LogicItem,
    Rule,
    ValueType,
)
from survey.questionnaire.logic.parser import MAX_DEPTH, MAX_LENGTH, parse
from survey.questionnaire.logic.serialize import from_json, to_json, to_text
from survey.questionnaire.logic.xlsform import from_xlsform, to_xlsform

__all__ = [
    "ISSUE_TEMPLATES",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "VALUE_TYPE_NAMES",
    "And",
    "Arithmetic",
    "Boolean",
    "Call",
    "Comparison",
    "Current",
    "Expr",
    "ItemKind",
    "LogicArityError",
    "LogicError",
    "LogicEvaluationError",
    "LogicField",
    "LogicIssue",
    "LogicItem",
    "LogicJSONError",
    "LogicSyntaxError",
    "Negate",
    "Not",
    "Number",
    "Or",
    "Reference",
    "Rule",
    "String",
    "ValueType",
    "XLSFormConversionError",
    "check_questionnaire",
    "evaluate",
    "from_json",
    "from_xlsform",
    "is_true",
    "normalize_answer",
    "parse",
    "references",
    "to_json",
    "to_text",
    "to_xlsform",
]
