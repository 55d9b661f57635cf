"""Per-question results of the responses an inbox filter selects: for each choice question the
count and share of each choice with a 95 % Wilson interval, for each number (rating, NPS,
numeric) the mean with a 95 % interval (normal approximation) — all from one aggregate query, so
the database reads the selected rows once whatever the number of questions.

:func:`breakdown` gives the same per value of a segment attribute (one GROUP BY query), each
segment tested against the rest of the selection: Welch's t for numbers, the chi-square test of
the answer distribution for single choices, and for multiple choices a 2 × 2 chi-square per
choice (Holm within the question; the question's p is the smallest). Holm runs over every
(question, segment) test of the page, counting the two segments of a two-valued attribute that
holds every response as one comparison. :func:`crosstab` counts the answers of two single-choice
questions or segment attributes against each other, with the chi-square test and Cramér's V.

Shares are of the responses that answered the question; a multiple-choice question's shares add
up to more than 100 %. Answers outside the question's choices (an "other" text) are not counted
as a choice. Pure computation plus SQL; no Flask.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Float, String, and_, case, cast, func, select
from sqlalchemy.orm import Session

from acsi.crosstabs import ChiSquare, Moments, chi_square, welch_from_sums
from acsi.intervals import wilson_interval
from acsi.multiple_testing import holm_adjust
from models import Response
from survey.questionnaire import document as doc
from survey.questionnaire.types import analysis_role
from survey.services.inbox import InboxFilter, conditions

NUMBER_TYPES = frozenset({"rating", "nps", "numeric"})
Z95 = 1.959963984540054
#: A breakdown or cross-tab names at most this many values of one variable.
MAX_VALUES = 50
ALPHA = 0.05


class BreakdownError(ValueError):
    """A breakdown or cross-tab that cannot be made: ``code`` ("too_many_values", "bad_key",
    "same_variable", "unknown_variable") and its parameters, translated by the page."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code, self.params = code, params


@dataclass(frozen=True, slots=True)
class VersusRest:
    """One segment's answers to a question against the rest of the selection."""

    test: str  # "welch_t" | "chi_square" | "chi_square_per_choice"
    difference: float | None  # numbers: segment mean − rest mean
    statistic: float | None
    p_value: float | None
    p_value_holm: float | None = None
    sparse: bool = False  # an expected count below 5 in over 20 % of the cells

    @property
    def mark(self) -> str:
        """"higher" / "lower" (numbers) or "differs" (choices) when Holm's p < ALPHA, else "none"."""
        if self.p_value_holm is None or self.p_value_holm >= ALPHA:
            return "none"
        if self.difference is None:
            return "differs"
        return "higher" if self.difference > 0 else "lower"


@dataclass(frozen=True, slots=True)
class ChoiceShare:
    code: str
    label: str
    count: int
    share: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class QuestionResult:
    code: str
    title: str
    kind: str  # choice, multi, number
    n: int
    shares: tuple[ChoiceShare, ...] = ()
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    test: VersusRest | None = None  # a breakdown's segment against the rest


@dataclass(frozen=True, slots=True)
class SegmentResults:
    """The per-question results of one value of the breakdown's attribute."""

    value: str
    responses: int
    results: tuple[QuestionResult, ...]


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Per-question results per value of segment attribute ``key`` (``unset``: responses
    without it, counted in the overall results only)."""

    key: str
    total: int
    overall: tuple[QuestionResult, ...]
    segments: tuple[SegmentResults, ...]
    unset: int


@dataclass(frozen=True, slots=True)
class CrossTab:
    """Counts of ``rows`` × ``columns`` answers ((code, label) each) with the chi-square test."""

    row_title: str
    column_title: str
    rows: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    counts: tuple[tuple[int, ...], ...]
    test: ChiSquare

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(r) for r in self.counts)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(c) for c in zip(*self.counts)) if self.counts else ()


@dataclass(frozen=True, slots=True)
class _Column:
    variable: doc.Variable
    title: str
    kind: str


def _columns(document: doc.Questionnaire, locale: str) -> list[_Column]:
    questions = {q.code: q for page in document.pages for q in page.questions}
    found = []
    for variable in document.variables():
        question = questions.get(variable.question_code)
        if question is None:
            continue
        title = question.text.get(locale)
        if variable.code != question.code:  # a matrix row or a Kano half: name the row too
            title = f"{title} — {variable.code}"
        if question.type in NUMBER_TYPES or analysis_role(question.type) == "number" or (
                question.type == "matrix" and variable.kind == "number"):
            found.append(_Column(variable, title, "number"))
        elif variable.kind in ("choice", "multi") and variable.choices:
            found.append(_Column(variable, title, variable.kind))
    return found


def _number(session: Session, code: str):
    """The answer as a float where it is a JSON number (a "don't know" text is left out)."""
    if session.get_bind().dialect.name == "postgresql":
        is_number = func.jsonb_typeof(Response.answers[code]) == "number"
    else:
        is_number = func.json_type(Response.answers, f'$."{code}"').in_(("integer", "real"))
    return case((is_number, cast(Response.answers[code].as_string(), Float)), else_=None)


# Per column, what the aggregate query gives: Moments for numbers, (answered, counts per choice)
# for choices. Both add up over groups, so the overall results are the sum of the segments'.
Raw = Moments | tuple[int, tuple[int, ...]]


def _aggregates(session: Session, columns: list[_Column]) -> tuple[list, list[slice]]:
    aggregates: list = []
    plan: list[slice] = []
    for column in columns:
        code = column.variable.code
        start = len(aggregates)
        answered = cast(Response.answers[code].as_string(), String)
        if column.kind == "number":
            x = _number(session, code)
            aggregates += [func.count(x), func.sum(x), func.sum(x * x)]
        else:
            aggregates.append(func.count(answered))
            for choice in column.variable.choices:
                if column.kind == "choice":
                    hit = answered == choice.code
                else:  # a list of codes: the code appears quoted in the JSON text
                    hit = cast(Response.answers[code], String).like(f'%"{choice.code}"%')
                aggregates.append(func.sum(case((hit, 1), else_=0)))
        plan.append(slice(start, len(aggregates)))
    return aggregates, plan


def _raw(column: _Column, values) -> Raw:
    if column.kind == "number":
        return Moments(int(values[0] or 0), float(values[1] or 0.0), float(values[2] or 0.0))
    return int(values[0] or 0), tuple(int(v or 0) for v in values[1:])


def _add(first: Raw, second: Raw) -> Raw:
    if isinstance(first, Moments):
        return Moments(first.n + second.n, first.total + second.total, first.squares + second.squares)  # type: ignore[union-attr]
    return first[0] + second[0], tuple(a + b for a, b in zip(first[1], second[1]))  # type: ignore[index]


def _subtract(first: Raw, second: Raw) -> Raw:
    if isinstance(first, Moments):
        return first - second  # type: ignore[operator]
    return first[0] - second[0], tuple(a - b for a, b in zip(first[1], second[1]))  # type: ignore[index]


def _result(column: _Column, raw: Raw, locale: str) -> QuestionResult:
    code = column.variable.code
    if isinstance(raw, Moments):
        if raw.n == 0:
            return QuestionResult(code, column.title, "number", 0)
        variance = raw.variance
        half = Z95 * math.sqrt(variance / raw.n) if variance is not None else 0.0
        return QuestionResult(code, column.title, "number", raw.n, mean=raw.mean,
                              low=raw.mean - half, high=raw.mean + half)  # type: ignore[operator]
    n, counts = raw
    shares = []
    for choice, count in zip(column.variable.choices, counts):
        share = count / n if n else 0.0
        low, high = wilson_interval(share, n) if n else (0.0, 0.0)
        shares.append(ChoiceShare(choice.code, choice.label.get(locale), count, share, low, high))
    return QuestionResult(code, column.title, column.kind, n, tuple(shares))


def results(session: Session, questionnaire_id: int, f: InboxFilter, document: doc.Questionnaire,
            locale: str) -> tuple[int, list[QuestionResult]]:
    """(responses selected, per-question results) for the filter ``f``."""
    columns = _columns(document, locale)
    aggregates, plan = _aggregates(session, columns)
    row = session.execute(select(func.count(Response.id), *aggregates)
                          .where(and_(*conditions(session, questionnaire_id, f.check())))).one()
    return int(row[0] or 0), [_result(column, _raw(column, row[1:][positions]), locale)
                               for column, positions in zip(columns, plan)]


def _versus_rest(column: _Column, segment: Raw, rest: Raw) -> VersusRest | None:
    """The test of a segment's answers against the rest's (None when a side has no answer)."""
    if isinstance(segment, Moments):
        if segment.n == 0 or rest.n == 0:  # type: ignore[union-attr]
            return None
        c = welch_from_sums(segment, rest)  # type: ignore[arg-type]
        return VersusRest("welch_t", c.difference, c.statistic, c.p_value)
    (n1, counts1), (n2, counts2) = segment, rest  # type: ignore[misc]
    if n1 == 0 or n2 == 0:
        return None
    if column.kind == "choice":
        result = chi_square([counts1, counts2])
        return VersusRest("chi_square", None, result.statistic, result.p_value, sparse=result.sparse)
    per_choice = [chi_square([[a, n1 - a], [b, n2 - b]]) for a, b in zip(counts1, counts2)]
    adjusted = [p for p in holm_adjust([r.p_value for r in per_choice]) if p is not None]
    return VersusRest("chi_square_per_choice", None, None, min(adjusted) if adjusted else None,
                      sparse=any(r.sparse for r in per_choice))


def _values(session: Session, questionnaire_id: int, f: InboxFilter, expression) -> None:
    """Refuse an attribute or question with more than MAX_VALUES distinct values."""
    distinct = session.scalar(select(func.count(func.distinct(expression)))
                              .where(and_(*conditions(session, questionnaire_id, f.check()))))
    if distinct and distinct > MAX_VALUES:
        raise BreakdownError("too_many_values", count=int(distinct), limit=MAX_VALUES)


def breakdown(session: Session, questionnaire_id: int, f: InboxFilter, document: doc.Questionnaire,
              locale: str, key: str) -> Breakdown:
    """Per-question results of ``f``'s responses per value of segment attribute ``key``, each
    segment tested against the rest. Raises :class:`BreakdownError` for an attribute with more
    than :data:`MAX_VALUES` values."""
    if not key or len(key) > 100:
        raise BreakdownError("bad_key", key=key[:100])
    group = cast(Response.segment[key].as_string(), String)
    _values(session, questionnaire_id, f, group)
    columns = _columns(document, locale)
    aggregates, plan = _aggregates(session, columns)
    rows = session.execute(select(group, func.count(Response.id), *aggregates)
                           .where(and_(*conditions(session, questionnaire_id, f.check())))
                           .group_by(group).order_by(group)).all()
    raws = {row[0]: (int(row[1]), [_raw(c, row[2:][p]) for c, p in zip(columns, plan)]) for row in rows}
    totals = [_raw(c, (0,) * (p.stop - p.start)) for c, p in zip(columns, plan)]
    for _count, group_raws in raws.values():
        totals = [_add(a, b) for a, b in zip(totals, group_raws)]
    unset = raws.pop(None, (0, []))[0]
    # Two values that hold every response: "a vs rest" is "b vs rest", one comparison for Holm.
    paired = len(raws) == 2 and unset == 0
    tests, keys = [], []
    for value, (_count, group_raws) in raws.items():
        for column, raw, total in zip(columns, group_raws, totals):
            test = _versus_rest(column, raw, _subtract(total, raw))
            tests.append(test)
            keys.append((column.variable.code, "pair" if paired else value))
    adjusted = iter(holm_adjust([t.p_value if t else None for t in tests], families=keys))
    tested = iter(tests)
    segments = []
    for value, (count, group_raws) in raws.items():
        found = []
        for column, raw in zip(columns, group_raws):
            test, p = next(tested), next(adjusted)
            result = _result(column, raw, locale)
            found.append(result if test is None else QuestionResult(
                result.code, result.title, result.kind, result.n, result.shares, result.mean, result.low, result.high,
                VersusRest(test.test, test.difference, test.statistic, test.p_value, p, test.sparse)))
        segments.append(SegmentResults(str(value), count, tuple(found)))
    total = sum(count for count, _raws in raws.values()) + unset
    return Breakdown(key, total, tuple(_result(c, t, locale) for c, t in zip(columns, totals)), tuple(segments), unset)


def crosstab_variables(document: doc.Questionnaire, locale: str) -> list[tuple[str, str]]:
    """(spec, title) of the single-choice variables a cross-tab can use: ``q:<code>``."""
    return [(f"q:{c.variable.code}", c.title) for c in _columns(document, locale) if c.kind == "choice"]


def _dimension(spec: str, document: doc.Questionnaire, locale: str):
    """(SQL expression, title, {code: label}) of a cross-tab variable: ``q:<single-choice
    variable>`` or ``s:<segment attribute>``."""
    kind, _, name = spec.partition(":")
    if kind == "s" and name and len(name) <= 100:
        return cast(Response.segment[name].as_string(), String), name, {}
    if kind == "q":
        column = next((c for c in _columns(document, locale) if c.variable.code == name and c.kind == "choice"), None)
        if column is not None:
            return (cast(Response.answers[name].as_string(), String), column.title,
                    {c.code: c.label.get(locale) for c in column.variable.choices})
    raise BreakdownError("unknown_variable", spec=spec[:100])


def crosstab(session: Session, questionnaire_id: int, f: InboxFilter, document: doc.Questionnaire, locale: str,
             rows: str, columns: str) -> CrossTab:
    """The counts of ``rows`` × ``columns`` (each ``q:<code>`` or ``s:<key>``) among ``f``'s
    responses that answered both, with the chi-square test of independence. Raises
    :class:`BreakdownError` naming a variable that cannot be used."""
    if rows == columns:
        raise BreakdownError("same_variable")
    (row_expr, row_title, row_labels), (column_expr, column_title, column_labels) = (
        _dimension(rows, document, locale), _dimension(columns, document, locale))
    for expression in (row_expr, column_expr):
        _values(session, questionnaire_id, f, expression)
    found = session.execute(select(row_expr, column_expr, func.count(Response.id))
                            .where(and_(*conditions(session, questionnaire_id, f.check()),
                                        row_expr.is_not(None), column_expr.is_not(None)))
                            .group_by(row_expr, column_expr)).all()

    def ordered(values: set[str], labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
        known = [code for code in labels if code in values]  # the questionnaire's order first
        return tuple((code, labels.get(code, code)) for code in [*known, *sorted(values - set(known))])
    row_values = ordered({r for r, _c, _n in found}, row_labels)
    column_values = ordered({c for _r, c, _n in found}, column_labels)
    cells = {(r, c): int(n) for r, c, n in found}
    counts = tuple(tuple(cells.get((r, c), 0) for c, _l in column_values) for r, _l in row_values)
    test = chi_square(counts) if counts else ChiSquare(None, 0, None, None, 0)
    return CrossTab(row_title, column_title, row_values, column_values, counts, test)
