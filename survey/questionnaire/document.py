"""The questionnaire document: small immutable values describing a bilingual survey.

A ``Questionnaire`` holds ``Page`` values, each holding ``Question`` values. Every question has a
type (``QuestionType``) and typed settings for that type (``SingleChoiceSettings``,
``ScaleSettings`` …); constructing a value validates it and raises ``DocumentError`` naming the
question code, the setting and the rule. Nothing here touches Flask, the database or files.

Answer variables (what a response stores) are listed by ``Questionnaire.variables()``:

* most questions store one variable named after the question code;
* "other, please specify" adds a text variable ``<code>_other``;
* a matrix stores one number per row, named after the row code (the matrix code stores nothing);
* a Kano pair stores ``<code>_f`` and ``<code>_d`` (values ``KANO_ANSWER_CODES``) and, when
  importance is asked, ``<code>_imp`` (1–9);
* yes/no stores the strings ``'yes'``/``'no'``; a "don't know" answer on a scale is stored as
  the string ``DONT_KNOW``; an information text stores nothing.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Iterator, Literal, TypeVar, get_args

QuestionType = Literal[
    "single_choice", "multiple_choice", "rating", "nps", "matrix", "kano",
    "yes_no", "numeric", "text", "long_text", "date", "info",
]
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
Language = Literal["zh_CN", "en"]
QuestionnaireKind = Literal["acsi", "kano", "complaint_followup", "nps", "custom"]
VariableKind = Literal["number", "text", "choice", "multi", "date"]
BINDABLE_TYPES: frozenset[str] = frozenset({"rating", "nps", "yes_no", "numeric"})
SCALE_RANGES: frozenset[tuple[int, int]] = frozenset({(1, 5), (1, 7), (1, 10), (0, 10)})
DONT_KNOW = "dont_know"
OTHER_CODE = "other"
CODE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
CHOICE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")


class DocumentError(ValueError):
    """A questionnaire document breaks a rule; the message names the value and the rule."""


@dataclass(frozen=True, slots=True)
class Texts:
    """One text in both interface languages; an empty string means "not written yet"."""

    zh: str = ""
    en: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.zh, str) or not isinstance(self.en, str):
            raise DocumentError(f"texts must be strings, got zh={self.zh!r}, en={self.en!r}")

    def get(self, locale: str) -> str:
        """Return the text for ``locale`` ('zh', 'zh_CN', 'en', 'en_US' …); '' if not written."""
        return self.zh if locale.lower().startswith("zh") else self.en

    def missing(self) -> tuple[str, ...]:
        """Return the languages ('zh', 'en') whose text is empty or only whitespace."""
        return tuple(lang for lang in ("zh", "en") if not getattr(self, lang).strip())

    def is_empty(self) -> bool:
        """True when neither language has text."""
        return len(self.missing()) == 2


NO_TEXT = Texts()


def _check_texts(owner: str, **fields: object) -> None:
    for name, value in fields.items():
        if not isinstance(value, Texts):
            raise DocumentError(f"{owner}: {name} must be Texts(zh=..., en=...), got {value!r}")


@dataclass(frozen=True, slots=True)
class Binding:
    """Ties an answer variable to a measurement model's indicator, e.g. ('acsi', 'CS', 'CS1')."""

    model: str
    construct: str
    indicator: str

    def __post_init__(self) -> None:
        for name in ("model", "construct", "indicator"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise DocumentError(f"binding {name} must be a non-empty string, got {value!r}")


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer option: a stable code (the stored value) and its label."""

    code: str
    label: Texts

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not CHOICE_CODE_PATTERN.match(self.code):
            raise DocumentError(
                f"choice code {self.code!r} is invalid: use 1-64 letters, digits, '_', '.', '-'"
            )
        _check_texts(f"choice {self.code!r}", label=self.label)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One row of a matrix; its code names the row's answer variable."""

    code: str
    text: Texts
    binding: Binding | None = None


YES_NO_CHOICES: tuple[Choice, ...] = (
    Choice("yes", Texts("是", "Yes")),
    Choice("no", Texts("否", "No")),
)
OTHER_CHOICE = Choice(OTHER_CODE, Texts("其他", "Other"))
OTHER_SPECIFY = Texts("请注明", "Please specify")
DONT_KNOW_LABEL = Texts("不知道", "Don't know")
KANO_ANSWERS: tuple[Choice, ...] = (
    Choice("like", Texts("非常喜欢", "I like it")),
    Choice("must_be", Texts("理应如此", "I expect it")),
    Choice("neutral", Texts("无所谓", "I am neutral")),
    Choice("live_with", Texts("勉强接受", "I can live with it")),
    Choice("dislike", Texts("很不喜欢", "I dislike it")),
)
KANO_ANSWER_CODES: tuple[str, ...] = tuple(choice.code for choice in KANO_ANSWERS)
KANO_FUNCTIONAL_PROMPT = Texts("如果产品具备“{attribute}”，您的感受是？",
                               "If the product has {attribute}, how do you feel?")
KANO_DYSFUNCTIONAL_PROMPT = Texts("如果产品不具备“{attribute}”，您的感受是？",
                                  "If the product does not have {attribute}, how do you feel?")
KANO_IMPORTANCE_PROMPT = Texts("“{attribute}”对您有多重要？（1–9）",
                               "How important is {attribute} to you? (1–9)")
NPS_WORDING = Texts("您向朋友或同事推荐{subject}的可能性有多大？",
                    "How likely are you to recommend {subject} to a friend or colleague?")
NPS_LOW_LABEL = Texts("完全不可能", "Not at all likely")
NPS_HIGH_LABEL = Texts("极有可能", "Extremely likely")


def nps_text(subject: Texts) -> Texts:
    """Return the standard NPS question with ``subject`` filled in, in both languages."""
    return Texts(NPS_WORDING.zh.format(subject=subject.zh),
                 NPS_WORDING.en.format(subject=subject.en))


# --- settings, one class per question type ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class SingleChoiceSettings:
    """One answer from ``choices``; ``other`` adds "other, please specify" (``<code>_other``)."""

    display: Literal["radio", "dropdown"] = "radio"
    other: bool = False
    randomize: bool = False


@dataclass(frozen=True, slots=True)
class MultipleChoiceSettings:
    """Any number of ``choices`` between ``min_selected`` and ``max_selected`` (None: no limit)."""

    min_selected: int | None = None
    max_selected: int | None = None
    other: bool = False
    randomize: bool = False


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """Settings of a rating question and of a matrix (all rows share the scale)."""

    min: Literal[0, 1] = 1
    max: Literal[5, 7, 10] = 5
    low_label: Texts = NO_TEXT
    high_label: Texts = NO_TEXT
    dont_know: bool = False


RatingSettings = ScaleSettings
MatrixSettings = ScaleSettings


@dataclass(frozen=True, slots=True)
class NpsSettings:
    """NPS is always 0–10 with the standard end labels; nothing to configure."""


@dataclass(frozen=True, slots=True)
class KanoSettings:
    """A functional/dysfunctional pair about ``attribute``; ``importance`` adds a 1–9 rating."""

    attribute: Texts = NO_TEXT
    importance: bool = False


@dataclass(frozen=True, slots=True)
class NumericSettings:
    """A number within ``min``..``max`` (None: open); whole numbers only when ``integer``."""

    min: float | None = None
    max: float | None = None
    integer: bool = True


@dataclass(frozen=True, slots=True)
class TextSettings:
    """Settings of short and long text questions."""

    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class YesNoSettings:
    """Yes/no stores 'yes' or 'no'; nothing to configure."""


@dataclass(frozen=True, slots=True)
class DateSettings:
    """A date question has nothing to configure."""


@dataclass(frozen=True, slots=True)
class InfoSettings:
    """An information text shows ``Question.text`` (sanitised rich text) and asks nothing."""


Settings = (SingleChoiceSettings | MultipleChoiceSettings | ScaleSettings | NpsSettings
            | KanoSettings | YesNoSettings | NumericSettings | TextSettings | DateSettings
            | InfoSettings)
SETTINGS_CLASS: dict[str, type] = {
    "single_choice": SingleChoiceSettings, "multiple_choice": MultipleChoiceSettings,
    "rating": ScaleSettings, "nps": NpsSettings, "matrix": ScaleSettings, "kano": KanoSettings,
    "yes_no": YesNoSettings, "numeric": NumericSettings, "text": TextSettings,
    "long_text": TextSettings, "date": DateSettings, "info": InfoSettings,
}


def _fail(code: str, setting: str, rule: str, value: object) -> DocumentError:
    return DocumentError(f"question {code!r}: setting {setting!r} {rule}, got {value!r}")


def _check_bool(code: str, settings: object, *names: str) -> None:
    for name in names:
        if not isinstance(getattr(settings, name), bool):
            raise _fail(code, name, "must be true or false", getattr(settings, name))


def _check_optional_count(code: str, name: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise _fail(code, name, "must be empty or a whole number ≥ 0", value)


def _check_settings(question: Question) -> None:
    code, settings, kind = question.code, question.settings, question.type
    if type(settings) is not SETTINGS_CLASS[kind]:
        raise _fail(code, "settings", f"must be {SETTINGS_CLASS[kind].__name__} for a {kind} "
                    "question", type(settings).__name__)
    if isinstance(settings, SingleChoiceSettings):
        if settings.display not in ("radio", "dropdown"):
            raise _fail(code, "display", "must be 'radio' or 'dropdown'", settings.display)
        _check_bool(code, settings, "other", "randomize")
    elif isinstance(settings, MultipleChoiceSettings):
        _check_bool(code, settings, "other", "randomize")
        _check_optional_count(code, "min_selected", settings.min_selected)
        _check_optional_count(code, "max_selected", settings.max_selected)
        available = len(question.choices) + (1 if settings.other else 0)
        low, high = settings.min_selected or 0, settings.max_selected
        if high is not None and not low <= high <= available:
            raise _fail(code, "max_selected", f"must lie between min_selected ({low}) and the "
                        f"number of choices ({available})", high)
        if low > available:
            raise _fail(code, "min_selected", f"must not exceed the number of choices "
                        f"({available})", low)
    elif isinstance(settings, ScaleSettings):
        bounds = (settings.min, settings.max)
        if not all(type(bound) is int for bound in bounds) or bounds not in SCALE_RANGES:
            raise _fail(code, "min/max", "must be one of the scales 1–5, 1–7, 1–10, 0–10",
                        (settings.min, settings.max))
        for name in ("low_label", "high_label"):
            if not isinstance(getattr(settings, name), Texts):
                raise _fail(code, name, "must be Texts", getattr(settings, name))
        _check_bool(code, settings, "dont_know")
    elif isinstance(settings, KanoSettings):
        if not isinstance(settings.attribute, Texts):
            raise _fail(code, "attribute", "must be Texts", settings.attribute)
        _check_bool(code, settings, "importance")
    elif isinstance(settings, NumericSettings):
        _check_bool(code, settings, "integer")
        for name in ("min", "max"):
            value = getattr(settings, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise _fail(code, name, "must be empty or a finite number", value)
            if settings.integer and value != int(value):
                raise _fail(code, name, "must be a whole number for an integer question", value)
        if settings.min is not None and settings.max is not None and settings.min > settings.max:
            raise _fail(code, "min", f"must not exceed max ({settings.max})", settings.min)
    elif isinstance(settings, TextSettings):
        value = settings.max_length
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 1):
            raise _fail(code, "max_length", "must be empty or a whole number ≥ 1", value)


def _check_code(code: object, what: str) -> None:
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise DocumentError(f"{what} code {code!r} is invalid: it must start with a letter or '_' "
                            "and contain only ASCII letters, digits and '_' (at most 64)")


@dataclass(frozen=True, slots=True)
class Variable:
    """One answer variable a response stores (see the module docstring for the naming)."""

    code: str
    question_code: str
    kind: VariableKind
    choices: tuple[Choice, ...] = ()
    binding: Binding | None = None
    minimum: float | None = None
    maximum: float | None = None
    dont_know: bool = False


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
        _check_texts(f"question {self.code!r}", text=self.text, help=self.help,
                     validation_message=self.validation_message)
        if self.type not in QUESTION_TYPES:
            raise DocumentError(f"question {self.code!r}: type {self.type!r} is not one of "
                                f"{', '.join(QUESTION_TYPES)}")
        if self.settings is None:
            object.__setattr__(self, "settings", SETTINGS_CLASS[self.type]())
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "rows", tuple(self.rows))
        if not isinstance(self.required, bool):
            raise _fail(self.code, "required", "must be true or false", self.required)
        for name in ("show_if", "validation"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise _fail(self.code, name, "must be empty or an expression string", value)
        self._check_choices()
        self._check_rows()
        if self.binding is not None and not isinstance(self.binding, Binding):
            raise _fail(self.code, "binding", "must be a Binding or None", self.binding)
        if self.binding is not None and self.type not in BINDABLE_TYPES:
            raise _fail(self.code, "binding", "is only allowed on rating, nps, yes_no and "
                        "numeric questions (bind matrix rows one by one)", self.binding)
        _check_settings(self)
        object.__setattr__(self, "_variables", self._derive_variables())

    def _check_choices(self) -> None:
        has_choices = self.type in ("single_choice", "multiple_choice")
        if has_choices and not self.choices:
            raise _fail(self.code, "choices", "must list at least one choice", ())
        if not has_choices and self.choices:
            raise _fail(self.code, "choices", f"are not used by a {self.type} question",
                        tuple(c.code for c in self.choices))
        codes = [choice.code for choice in self.choices]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise _fail(self.code, "choices", "must have unique codes", duplicates)
        if getattr(self.settings, "other", False) and OTHER_CODE in codes:
            raise _fail(self.code, "other", f"adds the choice {OTHER_CODE!r}, so no listed choice "
                        "may use that code", OTHER_CODE)

    def _check_rows(self) -> None:
        if self.type == "matrix" and not self.rows:
            raise _fail(self.code, "rows", "must list at least one row", ())
        if self.type != "matrix" and self.rows:
            raise _fail(self.code, "rows", f"are not used by a {self.type} question",
                        tuple(r.code for r in self.rows))
        for row in self.rows:
            _check_code(row.code, f"matrix {self.code!r} row")
            _check_texts(f"matrix {self.code!r} row {row.code!r}", text=row.text)
            if row.binding is not None and not isinstance(row.binding, Binding):
                raise _fail(self.code, f"rows[{row.code}].binding", "must be a Binding",
                            row.binding)

    def variables(self) -> tuple[Variable, ...]:
        """Return the answer variables of this question, in display order."""
        return self._variables

    def _derive_variables(self) -> tuple[Variable, ...]:
        settings, code = self.settings, self.code
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
        _check_texts(f"page {self.code!r}", title=self.title)
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
        _check_texts("questionnaire", title=self.title, description=self.description)
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
