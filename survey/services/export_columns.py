"""The column plan of a response export, built from questionnaire documents (pure: no SQL, no files).

One plan serves every format (CSV, XLSX, SPSS .sav), so the columns are the same everywhere:

* ``response_id, version, status, channel, language, started_at, submitted_at`` (times in UTC);
* ``segment_<key>`` for every segment attribute key found in the exported responses (text);
* one column per answer variable in questionnaire order, except multiple choice, which becomes
  one 0/1 column per choice named ``<code>_<choice>`` (empty when the question was not answered),
  and ranking, which becomes one column per choice named ``<code>_<choice>`` holding the rank the
  choice was given (1 = first; the layout SPSS users expect for mean ranks and the Friedman
  test, rather than one column per rank holding a choice code);
* a time is the text 'HH:MM', a date-time the local time as entered ('YYYY-MM-DDTHH:MM', a
  DATETIME variable in .sav files).

Column names are valid SPSS variable names (letter first; letters, digits, ``_ . @ # $``; at most
64 bytes; unique ignoring case), so a file opens in SPSS, R and pandas under the same names.

Variable labels come from the question texts, value labels from the choice labels, the scale end
labels, the Kano meanings and "don't know", in the language asked for (falling back to the other
language where a text was not written). When several versions are exported, the variables are
the union in order of first appearance; choices are merged; the newest version's texts win; a
variable whose kind changed between versions is exported as text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from survey.questionnaire import document as doc
from survey.questionnaire.types import TYPES

ColumnSource = Literal["meta", "segment", "answer", "flag", "rank"]
ColumnKind = Literal["integer", "number", "text", "datetime", "date", "choice", "flag"]
Language = Literal["zh_CN", "en"]

# "Don't know" on a scale is stored as the string 'dont_know'; in a .sav file it becomes this
# numeric code, declared user-missing and labelled (scales never reach 99).
DONT_KNOW_CODE = 99
SPSS_RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR",
                           "TO", "WITH"})
_SPSS_INVALID = re.compile(r"[^A-Za-z0-9_.@#$]")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")

META_LABELS: dict[str, doc.Texts] = {
    "response_id": doc.Texts("回答编号", "Response ID"),
    "version": doc.Texts("问卷版本", "Questionnaire version"),
    "status": doc.Texts("状态（complete 完成 / partial 部分）", "Status (complete / partial)"),
    "channel": doc.Texts("渠道", "Channel"),
    "language": doc.Texts("作答语言", "Answer language"),
    "started_at": doc.Texts("开始时间（UTC）", "Started at (UTC)"),
    "submitted_at": doc.Texts("提交时间（UTC）", "Submitted at (UTC)"),
}
META_KINDS: dict[str, ColumnKind] = {
    "response_id": "integer", "version": "integer", "status": "text", "channel": "text",
    "language": "text", "started_at": "datetime", "submitted_at": "datetime",
}
SELECTED = (doc.Texts("未选", "Not selected"), doc.Texts("已选", "Selected"))
OTHER_TEXT = doc.Texts("其他（请注明）", "Other (please specify)")
KANO_FUNCTIONAL = doc.Texts("具备时", "functional")
KANO_DYSFUNCTIONAL = doc.Texts("不具备时", "dysfunctional")
KANO_IMPORTANCE = doc.Texts("重要性", "importance")
RANK = doc.Texts("排名（1 = 第一）", "rank (1 = first)")


@dataclass(frozen=True, slots=True)
class Column:
    """One exported column.

    ``source``/``key`` say where the value comes from: a response field (``meta``), a segment
    attribute, an answer variable, or the ``choice`` of a multiple-choice variable (``flag``).
    ``value_labels`` pairs each stored code with its label; ``spss_codes`` gives the numeric code
    a choice is written as in .sav files.
    """

    name: str
    source: ColumnSource
    key: str
    kind: ColumnKind
    label: str
    value_labels: tuple[tuple[str | int, str], ...] = ()
    choice: str | None = None
    dont_know: bool = False
    spss_codes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """The columns of an export, in order, and the language of their labels."""

    columns: tuple[Column, ...]
    language: Language

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``; raises ``KeyError`` if there is none."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def text_in(texts: doc.Texts, language: str) -> str:
    """The text in ``language``, else the other language; tags stripped, spaces collapsed."""
    chosen = texts.get(language) or texts.get("en" if language.startswith("zh") else "zh")
    return _SPACE.sub(" ", _TAG.sub("", chosen)).strip()


def spss_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused SPSS variable name close to ``wanted``; adds it (upper-cased) to ``taken``."""
    name = _SPSS_INVALID.sub("_", wanted).rstrip(".") or "v"
    if not name[0].isalpha():
        name = "v" + name
    name = name[:64]
    if name.upper() in SPSS_RESERVED:
        name += "_"
    candidate, number = name, 2
    while candidate.upper() in taken:
        suffix = f"_{number}"
        candidate, number = name[:64 - len(suffix)] + suffix, number + 1
    taken.add(candidate.upper())
    return candidate


def _choice_codes(choices: Sequence[doc.Choice]) -> tuple[tuple[str, int], ...]:
    """Numeric codes for .sav: the code itself when every code is a small whole number other
    than the don't-know code, else the position 1…k."""
    codes = [choice.code for choice in choices]
    if all(re.fullmatch(r"-?\d{1,6}", code) for code in codes) \
            and DONT_KNOW_CODE not in {int(code) for code in codes} \
            and len({int(code) for code in codes}) == len(codes):
        return tuple((code, int(code)) for code in codes)
    return tuple((code, position) for position, code in enumerate(codes, start=1))


def _merge(variables: list[tuple[doc.Variable, doc.Question]]) -> list[tuple[doc.Variable, doc.Question]]:
    """Union of the variables of several versions (newest first in ``variables`` order wins
    texts); choices merged; a kind clash degrades to text."""
    merged: dict[str, tuple[doc.Variable, doc.Question]] = {}
    for variable, question in variables:
        if variable.code not in merged:
            merged[variable.code] = (variable, question)
            continue
        kept, kept_question = merged[variable.code]
        if kept.kind != variable.kind:
            merged[variable.code] = (doc.Variable(kept.code, kept.question_code, "text"), kept_question)
        elif variable.choices:
            known = {choice.code for choice in kept.choices}
            extra = tuple(c for c in variable.choices if c.code not in known)
            if extra:
                merged[variable.code] = (doc.replace(kept, choices=kept.choices + extra), kept_question)
    return list(merged.values())


def _variable_label(variable: doc.Variable, question: doc.Question, language: str) -> str:
    text = text_in(question.text, language)
    if question.type == "matrix":
        row = next(r for r in question.rows if r.code == variable.code)
        return f"{text} – {text_in(row.text, language)}"
    if question.type == "kano":
        attribute = text_in(question.settings.attribute, language) or text
        part = {"_f": KANO_FUNCTIONAL, "_d": KANO_DYSFUNCTIONAL}.get(variable.code[-2:], KANO_IMPORTANCE)
        return f"{attribute} ({text_in(part, language)})"
    part = TYPES[question.type].part_label(question, variable) if question.type in TYPES else None
    if part is not None:
        return f"{text} – {text_in(part, language)}"
    if variable.code == f"{question.code}_other" and variable.kind == "text":
        return f"{text} – {text_in(OTHER_TEXT, language)}"
    return text


def _number_labels(variable: doc.Variable, question: doc.Question, language: str) -> tuple[tuple[str | int, str], ...]:
    labels: list[tuple[str | int, str]] = []
    settings = question.settings
    if question.type == "nps":
        labels += [(0, text_in(doc.NPS_LOW_LABEL, language)), (10, text_in(doc.NPS_HIGH_LABEL, language))]
    elif isinstance(settings, doc.ScaleSettings):
        for value, texts in ((settings.min, settings.low_label), (settings.max, settings.high_label)):
            if not texts.is_empty():
                labels.append((value, text_in(texts, language)))
    for value, texts in getattr(TYPES.get(question.type), "value_labels", lambda _q: ())(question):
        labels.append((value, text_in(texts, language)))
    if variable.dont_know:
        labels.append((doc.DONT_KNOW, text_in(doc.DONT_KNOW_LABEL, language)))
    return tuple(labels)


def _answer_columns(variable: doc.Variable, question: doc.Question, language: str,
                    taken: set[str]) -> list[Column]:
    label = _variable_label(variable, question, language)
    if variable.kind == "multi":
        return [
            Column(spss_name(f"{variable.code}_{choice.code}", taken), "flag", variable.code,
                   "flag", f"{label} – {text_in(choice.label, language)}",
                   ((0, text_in(SELECTED[0], language)), (1, text_in(SELECTED[1], language))),
                   choice=choice.code)
            for choice in variable.choices
        ]
    if variable.kind == "ranking":
        return [
            Column(spss_name(f"{variable.code}_{choice.code}", taken), "rank", variable.code,
                   "integer", f"{label} – {text_in(choice.label, language)} – {text_in(RANK, language)}",
                   choice=choice.code)
            for choice in variable.choices
        ]
    name = spss_name(variable.code, taken)
    if variable.kind == "time":
        return [Column(name, "answer", variable.code, "text", label)]
    if variable.kind == "choice":
        value_labels = tuple((c.code, text_in(c.label, language)) for c in variable.choices)
        return [Column(name, "answer", variable.code, "choice", label, value_labels,
                       spss_codes=_choice_codes(variable.choices))]
    if variable.kind == "number":
        return [Column(name, "answer", variable.code, "number", label,
                       _number_labels(variable, question, language), dont_know=variable.dont_know)]
    return [Column(name, "answer", variable.code, variable.kind, label)]


def build_plan(documents: Sequence[doc.Questionnaire], *, segment_keys: Sequence[str] = (),
               language: Language = "zh_CN") -> ColumnPlan:
    """The columns for responses to ``documents`` (the exported versions, newest first) with
    the given segment attribute keys, labelled in ``language``."""
    taken: set[str] = set()
    columns = [Column(spss_name(key, taken), "meta", key, META_KINDS[key], text_in(texts, language))
               for key, texts in META_LABELS.items()]
    columns += [Column(spss_name(f"segment_{key}", taken), "segment", key, "text", key)
                for key in sorted(segment_keys)]
    variables = [(variable, question) for document in documents
                 for question in document.questions() for variable in question.variables()]
    for variable, question in _merge(variables):
        columns += _answer_columns(variable, question, language, taken)
    return ColumnPlan(tuple(columns), language)
