"""Per-question results of the responses an inbox filter selects: for each choice question the
count and share of each choice with a 95 % Wilson interval, for each number (rating, NPS,
numeric) the mean with a 95 % interval (normal approximation) — all from one aggregate query, so
the database reads the selected rows once whatever the number of questions.

Shares are of the responses that answered the question; a multiple-choice question's shares add
up to more than 100 %. Answers outside the question's choices (an "other" text) are not counted
as a choice. Pure computation plus SQL; no Flask.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Float, String, and_, case, cast, func, select
from sqlalchemy.orm import Session

from acsi.intervals import wilson_interval
from models import Response
from survey.questionnaire import document as doc
from survey.services.inbox import InboxFilter, conditions

NUMBER_TYPES = frozenset({"rating", "nps", "numeric"})
Z95 = 1.959963984540054


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
        if question.type in NUMBER_TYPES or (question.type == "matrix" and variable.kind == "number"):
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


def results(session: Session, questionnaire_id: int, f: InboxFilter, document: doc.Questionnaire,
            locale: str) -> tuple[int, list[QuestionResult]]:
    """(responses selected, per-question results) for the filter ``f``."""
    columns = _columns(document, locale)
    aggregates = [func.count(Response.id)]
    plan: list[tuple[_Column, slice]] = []
    for column in columns:
        code = column.variable.code
        start = len(aggregates)
        answered = cast(Response.answers[code].as_string(), String)
        if column.kind == "number":
            x = _number(session, code)
            aggregates += [func.count(x), func.avg(x), func.avg(x * x)]
        else:
            aggregates.append(func.count(answered))
            for choice in column.variable.choices:
                if column.kind == "choice":
                    hit = answered == choice.code
                else:  # a list of codes: the code appears quoted in the JSON text
                    hit = cast(Response.answers[code], String).like(f'%"{choice.code}"%')
                aggregates.append(func.sum(case((hit, 1), else_=0)))
        plan.append((column, slice(start, len(aggregates))))
    row = session.execute(select(*aggregates).where(and_(*conditions(session, questionnaire_id, f.check())))).one()
    total = int(row[0] or 0)
    found = []
    for column, positions in plan:
        values = row[positions]
        if column.kind == "number":
            n, mean, mean_square = int(values[0] or 0), values[1], values[2]
            if n == 0:
                found.append(QuestionResult(column.variable.code, column.title, "number", 0))
                continue
            mean = float(mean)
            variance = max(0.0, float(mean_square) - mean * mean) * (n / (n - 1) if n > 1 else 0.0)
            half = Z95 * math.sqrt(variance / n) if n > 1 else 0.0
            found.append(QuestionResult(column.variable.code, column.title, "number", n,
                                        mean=mean, low=mean - half, high=mean + half))
            continue
        n = int(values[0] or 0)
        shares = []
        for choice, count in zip(column.variable.choices, values[1:]):
            count = int(count or 0)
            share = count / n if n else 0.0
            low, high = wilson_interval(share, n) if n else (0.0, 0.0)
            shares.append(ChoiceShare(choice.code, choice.label.get(locale), count, share, low, high))
        found.append(QuestionResult(column.variable.code, column.title, column.kind, n, tuple(shares)))
    return total, found
