"""The questionnaire document: small immutable values describing a bilingual survey.

A ``Questionnaire`` holds ``Page`` values, each holding ``Question`` values. Every question has a
type (``QuestionType``) and typed settings for that type (``SingleChoiceSettings``,
``ScaleSettings`` …, in ``question_settings``); constructing a value validates it and raises
``DocumentError`` naming the question code, the setting and the rule. The small values (``Texts``,
``Choice`` …) live in ``values``; this module re-exports both, so ``document`` is the one import.
Nothing here touches Flask, the database or files.

Answer variables (what a response stores) are listed by ``Questionnaire.variables()``:

* most questions store one variable named after the question code;
* "other, please specify" adds a text variable ``<code>_other``;
* a matrix stores one number per row, named after the row code (the matrix code stores nothing);
* a Kano pair stores ``<code>_f`` and ``<code>_d`` (values ``KANO_ANSWER_CODES``) and, when
  importance is asked, ``<code>_imp`` (1–9);
* the types of the registry (``survey.questionnaire.types``) name their own variables: time
  'HH:MM', date-time 'YYYY-MM-DDTHH:MM', slider a number, ranking the list of choice codes in
  rank order, constant sum one number ``<code>_<choice>`` per choice;
* yes/no stores the strings ``'yes'``/``'no'``; a "don't know" answer on a scale is stored as
  the string ``DONT_KNOW``; an information text stores nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterator, Literal, TypeVar, get_args

from survey.questionnaire.question_settings import (  # noqa: F401 (re-exported)
    SCALE_RANGES, SETTINGS_CLASS, DateSettings, InfoSettings, KanoSettings, MatrixSettings,
    MultipleChoiceSettings, NpsSettings, NumericSettings, RatingSettings, ScaleSettings, Settings,
    SingleChoiceSettings, TextSettings, YesNoSettings, check_settings,
)
from survey.questionnaire.types import CHOICE_TYPES, TYPES
from survey.questionnaire.variables import Variable, VariableKind  # noqa: F401 (re-exported)
from survey.questionnaire.values import (  # noqa: F401 (re-exported)
    CHOICE_CODE_PATTERN, CODE_PATTERN, DONT_KNOW, DONT_KNOW_LABEL, KANO_ANSWER_CODES, KANO_ANSWERS,
    KANO_DYSFUNCTIONAL_PROMPT, KANO_FUNCTIONAL_PROMPT, KANO_IMPORTANCE_PROMPT, NO_TEXT,
    NPS_HIGH_LABEL, NPS_LOW_LABEL, NPS_WORDING, OTHER_CHOICE, OTHER_CODE, OTHER_SPECIFY,
    BINDING_PART_MAX, TITLE_MAX, YES_NO_CHOICES, Binding, Choice, DocumentError, MatrixRow, Texts, check_texts,
    check_title, nps_text, setting_error,
)

QuestionType = Literal[
    "single_choice", "multiple_choice", "rating", "nps", "matrix", "kano",
    "yes_no", "numeric", "text", "long_text", "date", "info",
    "time", "datetime", "slider", "ranking", "constant_sum",
]
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
Language = Literal["zh_CN", "en"]
QuestionnaireKind = Literal["acsi", "kano", "complaint_followup", "nps", "custom"]
BINDABLE_TYPES: frozenset[str] = frozenset({"rating", "nps", "yes_no", "numeric"})


def _check_code(code: object, what: str) -> None:
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise DocumentError(f"{what} code {code!r} is invalid: it must start with a letter or '_' "
                            "and contain only ASCII letters, digits and '_' (at most 64)")


@dataclass(frozen=True, slots=True)
class Question:
    """One question. ``settings=None`` means the defaults for ``type``.

    Raises ``DocumentError`` when the code, the type, the settings, the choices, the rows or the
    binding break a rule for that type.
    """

    code: str
    type: QuestionType
    text: Texts
    help: Texts = NO_TEXT
    required: bool = False
    show_if: str | None = None
    validation: str | None = None
    validation_message: Texts = NO_TEXT
    binding: Binding | None = None
    settings: Settings | None = None
    choices: tuple[Choice, ...] = ()
    rows: tuple[MatrixRow, ...] = ()
    # Derived once (the submission paths ask for it many times per request).
    _variables: tuple[Variable, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_code(self.code, "question")
        check_texts(f"question {self.code!r}", text=self.text, help=self.help,
                     validation_message=self.validation_message)
        if self.type not in QUESTION_TYPES:
            raise DocumentError(f"question {self.code!r}: type {self.type!r} is not one of "
                                f"{', '.join(QUESTION_TYPES)}")
        if self.settings is None:
            object.__setattr__(self, "settings", SETTINGS_CLASS[self.type]())
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "rows", tuple(self.rows))
        if not isinstance(self.required, bool):
            raise setting_error(self.code, "required", "must be true or false", self.required)
        for name in ("show_if", "validation"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise setting_error(self.code, name, "must be empty or an expression string", value)
        self._check_choices()
        self._check_rows()
        if self.binding is not None and not isinstance(self.binding, Binding):
            raise setting_error(self.code, "binding", "must be a Binding or None", self.binding)
        if self.binding is not None and self.type not in BINDABLE_TYPES:
            raise setting_error(self.code, "binding", "is only allowed on rating, nps, yes_no and "
                        "numeric questions (bind matrix rows one by one)", self.binding)
        check_settings(self)
        object.__setattr__(self, "_variables", self._derive_variables())

    def _check_choices(self) -> None:
        has_choices = self.type in ("single_choice", "multiple_choice") or self.type in CHOICE_TYPES
        if has_choices and not self.choices:
            raise setting_error(self.code, "choices", "must list at least one choice", ())
        if not has_choices and self.choices:
            raise setting_error(self.code, "choices", f"are not used by a {self.type} question",
                        tuple(c.code for c in self.choices))
        codes = [choice.code for choice in self.choices]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise setting_error(self.code, "choices", "must have unique codes", duplicates)
        if getattr(self.settings, "other", False) and OTHER_CODE in codes:
            raise setting_error(self.code, "other", f"adds the choice {OTHER_CODE!r}, so no listed choice "
                        "may use that code", OTHER_CODE)

    def _check_rows(self) -> None:
        if self.type == "matrix" and not self.rows:
            raise setting_error(self.code, "rows", "must list at least one row", ())
        if self.type != "matrix" and self.rows:
            raise setting_error(self.code, "rows", f"are not used by a {self.type} question",
                        tuple(r.code for r in self.rows))
        for row in self.rows:
            _check_code(row.code, f"matrix {self.code!r} row")
            check_texts(f"matrix {self.code!r} row {row.code!r}", text=row.text)
            if row.binding is not None and not isinstance(row.binding, Binding):
                raise setting_error(self.code, f"rows[{row.code}].binding", "must be a Binding",
                            row.binding)

    def variables(self) -> tuple[Variable, ...]:
        """Return the answer variables of this question, in display order."""
        return self._variables

    def _derive_variables(self) -> tuple[Variable, ...]:
        settings, code = self.settings, self.code
        if self.type in TYPES:
            return TYPES[self.type].variables(self)
        if self.type in ("single_choice", "multiple_choice"):
            kind: VariableKind = "choice" if self.type == "single_choice" else "multi"
            choices = self.choices + ((OTHER_CHOICE,) if settings.other else ())
            main = Variable(code, code, kind, choices)
            return (main, Variable(f"{code}_other", code, "text")) if settings.other else (main,)
        if self.type == "rating":
            return (Variable(code, code, "number", binding=self.binding, minimum=settings.min,
                             maximum=settings.max, dont_know=settings.dont_know),)
        if self.type == "matrix":
            return tuple(Variable(row.code, code, "number", binding=row.binding,
                                  minimum=settings.min, maximum=settings.max,
                                  dont_know=settings.dont_know) for row in self.rows)
        if self.type == "nps":
            return (Variable(code, code, "number", binding=self.binding, minimum=0, maximum=10),)
        if self.type == "kano":
            pair = (Variable(f"{code}_f", code, "choice", KANO_ANSWERS),
                    Variable(f"{code}_d", code, "choice", KANO_ANSWERS))
            importance = Variable(f"{code}_imp", code, "number", minimum=1, maximum=9)
            return pair + ((importance,) if settings.importance else ())
        if self.type == "yes_no":
            return (Variable(code, code, "choice", YES_NO_CHOICES, binding=self.binding),)
        if self.type == "numeric":
            return (Variable(code, code, "number", binding=self.binding, minimum=settings.min,
                             maximum=settings.max),)
        if self.type in ("text", "long_text"):
            return (Variable(code, code, "text"),)
        if self.type == "date":
            return (Variable(code, code, "date"),)
        return ()

    def reserved_codes(self) -> tuple[str, ...]:
        """Return the question code plus every variable code it stores (all must be unique)."""
        names = [self.code] + [variable.code for variable in self.variables()]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Page:
    """A page (a group in XLSForm) of questions, shown when ``show_if`` holds."""

    code: str
    title: Texts
    questions: tuple[Question, ...]
    show_if: str | None = None

    def __post_init__(self) -> None:
        _check_code(self.code, "page")
        check_texts(f"page {self.code!r}", title=self.title)
        check_title(f"page {self.code!r}", self.title)
        object.__setattr__(self, "questions", tuple(self.questions))
        if self.show_if is not None and not isinstance(self.show_if, str):
            raise DocumentError(f"page {self.code!r}: show_if must be empty or an expression "
                                f"string, got {self.show_if!r}")


@dataclass(frozen=True, slots=True)
class MissingTranslation:
    """A text that is written in one language but not the other (or in none)."""

    location: str
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A whole questionnaire. Raises ``DocumentError`` if any code is used twice."""

    title: Texts
    pages: tuple[Page, ...]
    description: Texts = NO_TEXT
    default_language: Language = "zh_CN"
    kind: QuestionnaireKind = "custom"

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", tuple(self.pages))
        check_texts("questionnaire", title=self.title, description=self.description)
        check_title("questionnaire", self.title)
        if self.default_language not in get_args(Language):
            raise DocumentError(f"default_language {self.default_language!r} must be 'zh_CN' or "
                                "'en'")
        if self.kind not in get_args(QuestionnaireKind):
            raise DocumentError(f"kind {self.kind!r} must be one of "
                                f"{', '.join(get_args(QuestionnaireKind))}")
        seen: dict[str, str] = {}
        for page in self.pages:
            owners = [(page.code, f"page {page.code!r}")]
            for question in page.questions:
                owners += [(name, f"question {question.code!r}")
                           for name in question.reserved_codes()]
            for name, owner in owners:
                if name in seen:
                    raise DocumentError(f"code {name!r} is used twice ({seen[name]} and {owner}); "
                                        "codes must be unique across the questionnaire, "
                                        "including matrix rows and Kano _f/_d/_imp variables")
                seen[name] = owner

    def questions(self) -> Iterator[Question]:
        """Yield every question, page by page."""
        for page in self.pages:
            yield from page.questions

    def question(self, code: str) -> Question:
        """Return the question with ``code``; raises ``KeyError`` if there is none."""
        for question in self.questions():
            if question.code == code:
                return question
        raise KeyError(code)

    def variables(self) -> tuple[Variable, ...]:
        """Return every answer variable in questionnaire order."""
        return tuple(v for question in self.questions() for v in question.variables())

    def missing_translations(self) -> tuple[MissingTranslation, ...]:
        """Return texts missing a language; required texts are flagged even when both are empty.

        Locations read like ``page:p1/question:q1/choice:a`` or ``page:p1/question:q1/help``.
        """
        found: list[MissingTranslation] = []

        def check(location: str, texts: Texts, *, required: bool) -> None:
            missing = texts.missing()
            if missing and (required or len(missing) == 1):
                found.append(MissingTranslation(location, missing))

        check("title", self.title, required=True)
        check("description", self.description, required=False)
        for page in self.pages:
            where = f"page:{page.code}"
            check(f"{where}/title", page.title, required=True)
            for question in page.questions:
                here = f"{where}/question:{question.code}"
                check(f"{here}/text", question.text, required=True)
                check(f"{here}/help", question.help, required=False)
                check(f"{here}/validation_message", question.validation_message, required=False)
                for name in ("low_label", "high_label", "attribute"):
                    if isinstance(getattr(question.settings, name, None), Texts):
                        check(f"{here}/{name}", getattr(question.settings, name),
                              required=name == "attribute")
                for choice in question.choices:
                    check(f"{here}/choice:{choice.code}", choice.label, required=True)
                for row in question.rows:
                    check(f"{here}/row:{row.code}", row.text, required=True)
        return tuple(found)


DocumentValue = TypeVar("DocumentValue")


def replace(value: DocumentValue, /, **changes: object) -> DocumentValue:
    """Return a copy of ``value`` with ``changes`` applied, validated again (raises
    ``DocumentError`` like the constructor). ``dataclasses.replace`` under a short name."""
    return dataclasses.replace(value, **changes)


def replace_question(questionnaire: Questionnaire, code: str, /,
                     **changes: object) -> Questionnaire:
    """Return ``questionnaire`` with question ``code`` changed; ``KeyError`` if there is none."""
    questionnaire.question(code)
    pages = tuple(dataclasses.replace(page, questions=tuple(
        dataclasses.replace(question, **changes) if question.code == code else question
        for question in page.questions)) for page in questionnaire.pages)
    return dataclasses.replace(questionnaire, pages=pages)
