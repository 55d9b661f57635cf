"""Design-time check of every show-if and validation rule in a questionnaire.

``check_questionnaire(items)`` parses each rule and reports, as ``LogicIssue`` values: syntax
errors, unknown references, references to pages/information texts (no answer), references to
questions that come later, a show-if that uses its own answer, ``.`` outside validation rules,
type mismatches (also of function arguments), functions given the wrong number of arguments,
``regex()`` patterns outside the supported dialect, choice codes a question does not have, rules
that are not conditions, and cycles between show-if rules. Any issue blocks publishing. A show-if may use answers to earlier items
only; a validation rule may use ``.`` (its own answer, also spelt by its own code) and earlier
answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from survey.questionnaire.logic import ast
from survey.questionnaire.logic.errors import LogicArityError, LogicSyntaxError
from survey.questionnaire.logic.inference import TypeInference
from survey.questionnaire.logic.issues import LogicField, LogicIssue, LogicItem, make_issue
from survey.questionnaire.logic.parser import parse

_FIELDS: tuple[LogicField, ...] = ("show_if", "validation")


def check_questionnaire(items: Sequence[LogicItem]) -> list[LogicIssue]:
    """Return every logic issue in ``items`` (empty when the questionnaire may be published).

    Issues come in questionnaire order (by position, show_if before validation), with cycles
    last. Raises ``ValueError`` when two items share a code.
    """
    by_code: dict[str, LogicItem] = {}
    for item in items:
        if item.code in by_code:
            raise ValueError(f"item code {item.code!r} is used twice; codes must be unique")
        by_code[item.code] = item
    issues: list[LogicIssue] = []
    dependencies: dict[str, frozenset[str]] = {}
    for item in sorted(items, key=lambda each: each.position):
        for field in _FIELDS:
            text = getattr(item, field)
            if text is None or not text.strip():
                continue
            expr = _parse_or_report(item, field, text, issues)
            if expr is None:
                continue
            _check_references(item, field, expr, by_code, issues)
            TypeInference(item, field, by_code, issues.append).check_condition(expr)
            if field == "show_if":
                dependencies[item.code] = frozenset(
                    name for name in ast.references(expr) if name in by_code and name != item.code
                )
    issues.extend(_cycle_issues(dependencies, by_code))
    return issues


def _parse_or_report(
    item: LogicItem, field: LogicField, text: str, issues: list[LogicIssue]
) -> ast.Expr | None:
    try:
        return parse(text)
    except LogicArityError as error:
        fewest, most = ast.FUNCTION_ARITY[error.function]
        issues.append(make_issue(
            item.code, field, "wrong_argument_count" if most is not None else "too_few_arguments",
            None, function=error.spelling, arity=str(fewest), count=str(error.count),
        ))
        return None
    except LogicSyntaxError as error:
        issues.append(make_issue(
            item.code, field, "syntax_error", None, detail=str(error),
            line=str(error.line or ""), column=str(error.column or ""),
        ))
        return None


def _check_references(
    item: LogicItem, field: LogicField, expr: ast.Expr, by_code: dict[str, LogicItem],
    issues: list[LogicIssue],
) -> None:
    if ast.uses_current(expr):
        if field == "show_if":
            issues.append(make_issue(item.code, field, "current_value_in_show_if", "."))
        elif item.value_type == "none":
            issues.append(
                make_issue(item.code, field, "reference_without_value", ".",
                           kind="page" if item.kind == "page" else "information text")
            )
    for name in sorted(ast.references(expr)):
        target = by_code.get(name)
        if target is None:
            issues.append(make_issue(item.code, field, "unknown_reference", name))
        elif target.value_type == "none":
            kind = "page" if target.kind == "page" else "information text"
            issues.append(make_issue(item.code, field, "reference_without_value", name, kind=kind))
        elif name == item.code:
            if field == "show_if":
                issues.append(make_issue(item.code, field, "self_reference", name))
        elif target.position >= item.position:
            issues.append(make_issue(item.code, field, "forward_reference", name))


def _cycle_issues(
    dependencies: dict[str, frozenset[str]], by_code: dict[str, LogicItem]
) -> list[LogicIssue]:
    """Report, for each item on a show-if cycle, the shortest cycle through it."""
    issues = []
    for code in sorted(dependencies, key=lambda each: by_code[each].position):
        path = _shortest_cycle(code, dependencies)
        if path is not None:
            issues.append(make_issue(code, "show_if", "cycle", path[1], path=" → ".join(path)))
    return issues


def _shortest_cycle(start: str, dependencies: dict[str, frozenset[str]]) -> list[str] | None:
    """Breadth-first search from ``start`` back to itself; the path, or None when there is none."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for code in frontier:
            for target in sorted(dependencies.get(code, ())):
                if target == start:
                    path = [target, code]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return list(reversed(path))
                if target not in previous:
                    previous[target] = code
                    following.append(target)
        frontier = following
    return None
