"""Designer forms. Every message a person sees is translated (zh_CN / en); choices are rows of
inputs (``survey.design.choice_rows``) with a one-per-line text box as the fallback; matrix rows
and Kano attributes are textareas with one entry per line."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, StopValidation, ValidationError
from wtforms.fields import IntegerField, DecimalField

from acsi.spec import BUILTIN_MODELS
from survey.services.bounded_numbers import NumberRejected, parse_number_text
from survey.design.choice_rows import MAX_ROWS, ChoiceRowForm, check_rows, fill_rows, row_problem_text
from survey.design.registered_type_fields import (
    REGISTERED_TYPE_FIELDS, RegisteredTypeFields, registered_type_labels,
)
from survey.design.entry_lines import LineProblem, ParsedLines, format_entry_lines, parse_entry_lines
from survey.questionnaire.constructs import model_display_name
from survey.questionnaire.document import (
    CODE_PATTERN, TITLE_MAX, Binding, KanoSettings,
    MultipleChoiceSettings, NumericSettings, Question, ScaleSettings, SingleChoiceSettings,
    TextSettings, Texts,
)
from survey.questionnaire.templates import TEMPLATES
from survey.questionnaire.types import CHOICE_TYPES
from survey.security_headers import MAX_EMBED_ORIGINS, OriginError, embed_origin
from survey.workspace_access import WorkspaceChoice

STATUS_FILTERS = ("active", "archived", "all")
TEXT_MAX = 5000
SCALES = {"1-5": (1, 5), "1-7": (1, 7), "1-10": (1, 10), "0-10": (0, 10)}


def question_type_labels() -> dict[str, str]:
    """Question type → its name in the current language."""
    return {
        "single_choice": _("Single choice"), "multiple_choice": _("Multiple choice"),
        "rating": _("Rating scale"), "nps": _("Net Promoter Score (0–10)"),
        "matrix": _("Matrix of rating rows"), "kano": _("Kano pair"), "yes_no": _("Yes / no"),
        "numeric": _("Number"), "text": _("Short text"), "long_text": _("Long text"),
        "date": _("Date"), "info": _("Information text"), **registered_type_labels(),
    }


def _strip(value):
    return value.strip() if isinstance(value, str) else value


_code_rule = Regexp(CODE_PATTERN, message=_l(
    "Use 1–64 ASCII letters, digits or '_', starting with a letter or '_'."))


class SearchForm(FlaskForm):
    """The list filter (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search titles"), filters=[_strip], validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), default="active", validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [("active", _("Active")), ("archived", _("Archived")),
                               ("all", _("All"))]


class DetailsForm(FlaskForm):
    """Title and description in both languages (blank questionnaire and the editor)."""

    title_zh = StringField(_l("Title (Chinese)"), filters=[_strip],
                           validators=[Length(max=TITLE_MAX)])
    title_en = StringField(_l("Title (English)"), filters=[_strip],
                           validators=[Length(max=TITLE_MAX)])
    description_zh = TextAreaField(_l("Description (Chinese)"), filters=[_strip],
                                   validators=[Length(max=TEXT_MAX)])
    description_en = TextAreaField(_l("Description (English)"), filters=[_strip],
                                   validators=[Length(max=TEXT_MAX)])

    def validate_title_zh(self, field) -> None:
        if not field.data and not self.title_en.data:
            raise ValidationError(_("Write the title in at least one language."))

    def texts(self) -> tuple[Texts, Texts]:
        return (Texts(self.title_zh.data or "", self.title_en.data or ""),
                Texts(self.description_zh.data or "", self.description_en.data or ""))


def parse_attribute_lines(text: str) -> list[Texts]:
    """Kano attributes, one per line as "中文 | English"; raises ValueError naming the line."""
    attributes = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(_("Line %(number)d: write the attribute as “中文 | English”.",
                               number=number))
        attributes.append(Texts(parts[0], parts[1]))
    if not attributes:
        raise ValueError(_("List at least one attribute, one per line as “中文 | English”."))
    return attributes


class NewQuestionnaireForm(WorkspaceChoice, DetailsForm):
    """A blank questionnaire: its texts and the workspace it goes to."""


class WorkspaceMoveForm(WorkspaceChoice, FlaskForm):
    """Give a questionnaire to another of the user's workspaces."""


class TemplateForm(WorkspaceChoice, FlaskForm):
    template = RadioField(_l("Template"), validators=[DataRequired(message=_l("Choose a template."))])
    attributes = TextAreaField(_l("Kano attributes, one per line: 中文 | English"),
                               validators=[Length(max=TEXT_MAX)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template.choices = [(key, key) for key in TEMPLATES]
        self.parsed_attributes: list[Texts] = []

    def validate_attributes(self, field) -> None:
        template = TEMPLATES.get(self.template.data or "")
        if template is None or not template.needs_attributes:
            return
        try:
            self.parsed_attributes = parse_attribute_lines(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class ImportForm(WorkspaceChoice, FlaskForm):
    file = FileField(_l("Questionnaire file (XLSForm .xlsx, .xls, .csv; LimeSurvey .lss; "
                        "SurveyJS or Xinsheng .json)"),
                     validators=[FileRequired(message=_l("Choose a file to upload."))])


class EmbeddingForm(FlaskForm):
    """The sites (https origins, one per line) allowed to show the respondent pages in a frame."""

    origins = TextAreaField(_l("Sites allowed to embed the survey, one per line"),
                            validators=[Length(max=MAX_EMBED_ORIGINS * 210)])

    def validate_origins(self, field) -> None:
        origins: list[str] = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            try:
                origin = embed_origin(line)
            except OriginError:
                raise ValidationError(_("“%(value)s” is not a site address: write https://host or "
                                        "https://host:port, one per line.", value=line.strip()[:80])) from None
            if origin not in origins:
                origins.append(origin)
        if len(origins) > MAX_EMBED_ORIGINS:
            raise ValidationError(_("List at most %(max)d sites.", max=MAX_EMBED_ORIGINS))
        self.parsed_origins = tuple(origins)


class ConfirmForm(FlaskForm):
    """A bare POST button (publish, new draft, clone, archive, delete)."""


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])


class MoveToPageForm(FlaskForm):
    target = SelectField(_l("Move to page"), coerce=int)


class AddQuestionForm(FlaskForm):
    type = SelectField(_l("Question type"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = list(question_type_labels().items())


class PageForm(FlaskForm):
    code = StringField(_l("Page code"), filters=[_strip],
                       validators=[DataRequired(message=_l("Give the page a code.")), _code_rule])
    title_zh = StringField(_l("Page title (Chinese)"), filters=[_strip],
                           validators=[Length(max=TITLE_MAX)])
    title_en = StringField(_l("Page title (English)"), filters=[_strip],
                           validators=[Length(max=TITLE_MAX)])
    show_if = StringField(_l("Show this page only if"), filters=[_strip],
                          validators=[Length(max=2000)])


#: Rules of the choice and row lines (survey.design.entry_lines), in the reader's language.
ENTRY_LINE_RULES = {
    "format": _l("Line %(line)s: write “code | 中文 | English”, 3 parts separated by “|”; "
                 "this line has %(parts)s part(s)."),
    "row_format": _l("Line %(line)s: write “code | 中文 | English”, optionally followed by "
                     "“| model.construct.indicator”; this line has %(parts)s part(s)."),
    "choice_code": _l("Line %(line)s: the code “%(code)s” is not allowed: use 1–64 ASCII letters, "
                      "digits, '_', '.' or '-', starting with a letter, digit or '_'."),
    "row_code": _l("Line %(line)s: the code “%(code)s” is not allowed: use 1–64 ASCII letters, "
                   "digits or '_', starting with a letter or '_'."),
    "duplicate": _l("Line %(line)s: the code “%(code)s” is already used on line %(first)s; "
                    "each code may be used once."),
    "reserved_other": _l("Line %(line)s: the code “%(code)s” belongs to “Other, please specify”, "
                         "which this question adds; give this choice another code."),
    "binding_format": _l("Line %(line)s: “%(binding)s” is not a binding: write "
                         "model.construct.indicator, e.g. acsi.value.PQ."),
    "binding_length": _l("Line %(line)s: each part of the binding may have at most %(max)s "
                         "characters."),
}


def line_problem_text(problem: LineProblem) -> str:
    """A :class:`~survey.design.entry_lines.LineProblem` in the reader's language."""
    return str(ENTRY_LINE_RULES[problem.rule]) % problem.arguments()


def binding_choices() -> dict[str, list[tuple[str, str]]]:
    """Grouped choices for the binding picker: model — construct → indicators."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for model, spec in BUILTIN_MODELS.items():
        for construct in spec.constructs:
            label = construct.label_zh if str(get_locale()).startswith("zh") else construct.label_en
            group = f"{model_display_name(model)} — {label or construct.name}"
            groups[group] = [(f"{model}.{construct.name}.{item}", item) for item in construct.items]
    return {_("No binding"): [("", _("Not bound"))], **groups}


def _bounded_number(form, field) -> None:  # noqa: ANN001 - WTForms' validator signature
    """The bounds of a numeric question go through the one bounded number parser: ``1e1000000``
    would otherwise cost minutes of CPU when the settings turn it into an integer."""
    text = (field.raw_data or [""])[0]
    try:
        parse_number_text(str(text))
    except NumberRejected:
        raise StopValidation(_l("Enter a number smaller than 10¹⁵ in size, such as 0, 10 or 2.5.")) from None


class QuestionForm(RegisteredTypeFields, FlaskForm):
    """Every field of a question; the template shows those that apply to ``question_type``."""

    code = StringField(_l("Question code"), filters=[_strip],
                       validators=[DataRequired(message=_l("Give the question a code.")), _code_rule])
    text_zh = TextAreaField(_l("Question text (Chinese)"), filters=[_strip],
                            validators=[Length(max=TEXT_MAX)])
    text_en = TextAreaField(_l("Question text (English)"), filters=[_strip],
                            validators=[Length(max=TEXT_MAX)])
    help_zh = TextAreaField(_l("Help text (Chinese)"), filters=[_strip], validators=[Length(max=TEXT_MAX)])
    help_en = TextAreaField(_l("Help text (English)"), filters=[_strip], validators=[Length(max=TEXT_MAX)])
    required = BooleanField(_l("An answer is required"))
    show_if = StringField(_l("Show this question only if"), filters=[_strip], validators=[Length(max=2000)])
    validation = StringField(_l("Validation rule"), filters=[_strip], validators=[Length(max=2000)])
    validation_message_zh = StringField(_l("Message when the rule fails (Chinese)"), filters=[_strip],
                                        validators=[Length(max=TITLE_MAX)])
    validation_message_en = StringField(_l("Message when the rule fails (English)"), filters=[_strip],
                                        validators=[Length(max=TITLE_MAX)])
    binding = SelectField(_l("Measures model indicator"), validators=[Optional()])
    choice_rows = FieldList(FormField(ChoiceRowForm), min_entries=0, max_entries=MAX_ROWS)
    choices_input = HiddenField(default="text")  # "rows" or "text": which of the two was used
    choices = TextAreaField(_l("Choices, one per line: code | 中文 | English"),
                            validators=[Length(max=20000)])
    rows = TextAreaField(_l("Rows, one per line: code | 中文 | English | model.construct.indicator (optional)"),
                         validators=[Length(max=20000)])
    display = SelectField(_l("Show choices as"), validators=[Optional()])
    other = BooleanField(_l("Add “Other, please specify”"))
    randomize = BooleanField(_l("Shuffle the choices"))
    min_selected = IntegerField(_l("At least this many choices"), validators=[Optional(), NumberRange(min=0, max=1000)])
    max_selected = IntegerField(_l("At most this many choices"), validators=[Optional(), NumberRange(min=0, max=1000)])
    scale = SelectField(_l("Scale"), validators=[Optional()])
    low_label_zh = StringField(_l("Low end label (Chinese)"), filters=[_strip], validators=[Length(max=TITLE_MAX)])
    low_label_en = StringField(_l("Low end label (English)"), filters=[_strip], validators=[Length(max=TITLE_MAX)])
    high_label_zh = StringField(_l("High end label (Chinese)"), filters=[_strip], validators=[Length(max=TITLE_MAX)])
    high_label_en = StringField(_l("High end label (English)"), filters=[_strip], validators=[Length(max=TITLE_MAX)])
    dont_know = BooleanField(_l("Offer “Don't know”"))
    attribute_zh = StringField(_l("Feature (Chinese)"), filters=[_strip], validators=[Length(max=TITLE_MAX)])
    attribute_en = StringField(_l("Feature (English)"), filters=[_strip], validators=[Length(max=TITLE_MAX)])
    importance = BooleanField(_l("Also ask how important the feature is (1–9)"))
    minimum = DecimalField(_l("Smallest allowed number"), validators=[Optional(), _bounded_number])
    maximum = DecimalField(_l("Largest allowed number"), validators=[Optional(), _bounded_number])
    integer = BooleanField(_l("Whole numbers only"))
    max_length = IntegerField(_l("Longest answer (characters)"), validators=[Optional(), NumberRange(min=1, max=100000)])

    def __init__(self, question_type: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        self.binding.choices = binding_choices()
        self.display.choices = [("radio", _("Buttons")), ("dropdown", _("Drop-down list"))]
        self.scale.choices = [(key, key.replace("-", "–")) for key in SCALES]
        self.parsed_choices: list = []
        self.parsed_rows: list = []

    def validate_text_zh(self, field) -> None:
        if not field.data and not self.text_en.data:
            raise ValidationError(_("Write the question in at least one language."))

    def validate_choices(self, field) -> None:
        if self.question_type not in ("single_choice", "multiple_choice", *CHOICE_TYPES):
            return
        if self.choices_input.data == "rows":
            field.label.text = _("Choices")  # as the rows are headed (the summary names it)
            parsed = check_rows(self)
            for problem in parsed.problems:
                field.errors.append(row_problem_text(problem))
            if parsed.problems:
                raise StopValidation()
        else:
            parsed = parse_entry_lines(field.data, rows=False, other=bool(self.other.data))
        self.parsed_choices = list(parsed.entries)
        _report_lines(field, parsed, _("List at least one choice."))

    def validate_rows(self, field) -> None:
        if self.question_type != "matrix":
            return
        parsed = parse_entry_lines(field.data, rows=True)
        self.parsed_rows = list(parsed.entries)
        _report_lines(field, parsed, _("List at least one row."))

    def validate_attribute_zh(self, field) -> None:
        if self.question_type == "kano" and not field.data and not self.attribute_en.data:
            raise ValidationError(_("Name the feature in at least one language."))

    def validate_max_selected(self, field) -> None:
        low = self.min_selected.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_("Must not be smaller than the minimum."))

    def validate_maximum(self, field) -> None:
        low = self.minimum.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_("Must not be smaller than the smallest allowed number."))

    # --- form ↔ document ------------------------------------------------------------------

    def fill_from(self, question: Question) -> None:
        """Put a stored question's values into the (unsubmitted) form."""
        self.code.data = question.code
        self.text_zh.data, self.text_en.data = question.text.zh, question.text.en
        self.help_zh.data, self.help_en.data = question.help.zh, question.help.en
        self.required.data = question.required
        self.show_if.data, self.validation.data = question.show_if or "", question.validation or ""
        self.validation_message_zh.data = question.validation_message.zh
        self.validation_message_en.data = question.validation_message.en
        binding = question.binding
        self.binding.data = f"{binding.model}.{binding.construct}.{binding.indicator}" if binding else ""
        fill_rows(self, question.choices)
        self.rows.data = format_entry_lines(question.rows)
        settings = question.settings
        if isinstance(settings, SingleChoiceSettings):
            self.display.data = settings.display
        if isinstance(settings, (SingleChoiceSettings, MultipleChoiceSettings)):
            self.other.data, self.randomize.data = settings.other, settings.randomize
        if isinstance(settings, MultipleChoiceSettings):
            self.min_selected.data, self.max_selected.data = settings.min_selected, settings.max_selected
        if isinstance(settings, ScaleSettings):
            self.scale.data = f"{settings.min}-{settings.max}"
            self.low_label_zh.data, self.low_label_en.data = settings.low_label.zh, settings.low_label.en
            self.high_label_zh.data, self.high_label_en.data = settings.high_label.zh, settings.high_label.en
            self.dont_know.data = settings.dont_know
        if isinstance(settings, KanoSettings):
            self.attribute_zh.data, self.attribute_en.data = settings.attribute.zh, settings.attribute.en
            self.importance.data = settings.importance
        if isinstance(settings, NumericSettings):
            self.minimum.data, self.maximum.data = settings.min, settings.max
            self.integer.data = settings.integer
        if isinstance(settings, TextSettings):
            self.max_length.data = settings.max_length
        self.fill_registered(question)

    def _settings(self):
        kind = self.question_type
        if kind == "single_choice":
            return SingleChoiceSettings(self.display.data or "radio", bool(self.other.data),
                                        bool(self.randomize.data))
        if kind == "multiple_choice":
            return MultipleChoiceSettings(self.min_selected.data, self.max_selected.data,
                                          bool(self.other.data), bool(self.randomize.data))
        if kind in ("rating", "matrix"):
            low, high = SCALES.get(self.scale.data or "", (1, 5))
            return ScaleSettings(low, high, Texts(self.low_label_zh.data or "", self.low_label_en.data or ""),
                                 Texts(self.high_label_zh.data or "", self.high_label_en.data or ""),
                                 bool(self.dont_know.data))
        if kind == "kano":
            return KanoSettings(Texts(self.attribute_zh.data or "", self.attribute_en.data or ""),
                                bool(self.importance.data))
        if kind == "numeric":
            integer = bool(self.integer.data)

            def number(value):
                if value is None:
                    return None
                return int(value) if integer and value == int(value) else float(value)

            return NumericSettings(number(self.minimum.data), number(self.maximum.data), integer)
        if kind in ("text", "long_text"):
            return TextSettings(self.max_length.data)
        return self.registered_settings()

    def question(self) -> Question:
        """Build the question from the submitted form; raises DocumentError if a rule breaks."""
        binding = None
        if self.question_type in ("rating", "nps", "yes_no", "numeric") and self.binding.data:
            pieces = self.binding.data.split(".")
            binding = Binding(*pieces) if len(pieces) == 3 else None
        return Question(
            code=self.code.data, type=self.question_type,
            text=Texts(self.text_zh.data or "", self.text_en.data or ""),
            help=Texts(self.help_zh.data or "", self.help_en.data or ""),
            required=bool(self.required.data) and self.question_type != "info",
            show_if=self.show_if.data or None, validation=self.validation.data or None,
            validation_message=Texts(self.validation_message_zh.data or "",
                                     self.validation_message_en.data or ""),
            binding=binding, settings=self._settings(),
            choices=tuple(self.parsed_choices) if self.question_type in (
                "single_choice", "multiple_choice", *CHOICE_TYPES) else (),
            rows=tuple(self.parsed_rows) if self.question_type == "matrix" else (),
        )


def _report_lines(field, parsed: ParsedLines, empty_message: str) -> None:
    """Put a message for every bad line of ``parsed`` on ``field`` (or ``empty_message`` when
    there is no line at all) and stop its validation."""
    if parsed.problems:
        field.errors.extend(line_problem_text(problem) for problem in parsed.problems)
        raise StopValidation()
    if not parsed.entries:
        raise StopValidation(empty_message)


#: Which optional fields each question type shows (beyond code, texts, help, required, rules).
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single_choice": ("choices", "display", "other", "randomize"),
    "multiple_choice": ("choices", "min_selected", "max_selected", "other", "randomize"),
    "rating": ("scale", "low_label_zh", "low_label_en", "high_label_zh", "high_label_en",
               "dont_know", "binding"),
    "matrix": ("rows", "scale", "low_label_zh", "low_label_en", "high_label_zh", "high_label_en",
               "dont_know"),
    "nps": ("binding",),
    "kano": ("attribute_zh", "attribute_en", "importance"),
    "yes_no": ("binding",),
    "numeric": ("minimum", "maximum", "integer", "binding"),
    "text": ("max_length",),
    "long_text": ("max_length",),
    "date": (),
    "info": (),
    **REGISTERED_TYPE_FIELDS,
}


#: Quota rules (survey/services/quotas.py) by code, in the reader's language.
QUOTA_RULES = {
    "line_format": _l("Line %(line)s: “%(text)s” is not “segment.ATTRIBUTE = VALUE : LIMIT” or "
                      "“answer.VARIABLE = VALUE : LIMIT”."),
    "value_too_long": _l("Line %(line)s: a value has at most %(most)s characters."),
    "duplicate": _l("Line %(line)s: the same quota as line %(first)s."),
    "limit_number": _l("Line %(line)s: “%(value)s” is not a whole number from 1 to %(most)s."),
    "too_many": _l("At most %(most)s quotas."),
    "below_filled": _l("%(where)s: %(filled)s responses are already counted, so the limit cannot be %(limit)s."),
}


class LimitsForm(FlaskForm):
    """Close date, response limit and quotas of a questionnaire (all versions)."""

    close_at = StringField(_l("Close the survey at (optional)"), render_kw={"type": "datetime-local"})
    response_limit = IntegerField(_l("Response limit (optional)"),
                                  validators=[Optional(), NumberRange(min=1, max=10_000_000)])
    quotas = TextAreaField(_l("Quotas, one per line"), validators=[Length(max=40_000)])

    def validate_close_at(self, field) -> None:
        from datetime import UTC, datetime

        from survey.timezones import local_zone

        text = (field.data or "").strip()
        self.parsed_close_at = None
        if not text:
            return
        try:
            naive = datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a date and time such as 2027-01-31 18:00.",
                                    value=text[:40])) from None
        if naive.tzinfo is not None:
            naive = naive.replace(tzinfo=None)
        self.parsed_close_at = naive.replace(tzinfo=local_zone()).astimezone(UTC)

    def validate_quotas(self, field) -> None:
        from survey.services.quotas import QuotaError, parse_quota_lines

        try:
            self.parsed_quotas = parse_quota_lines(field.data or "")
        except QuotaError as error:
            raise ValidationError(quota_error_text(error)) from None


def quota_error_text(error) -> str:
    """A :class:`~survey.services.quotas.QuotaError` in the reader's language."""
    message = QUOTA_RULES.get(error.rule)
    if message is None:
        return error.message
    return str(message) % {k: f"{v:,}" if isinstance(v, int) and k not in ("line", "first") else v
                           for k, v in error.params.items()}


class ConsentForm(FlaskForm):
    """The consent statement respondents accept before starting."""

    required = BooleanField(_l("Ask every respondent to agree before the survey starts"))
    statement_zh = TextAreaField(_l("Consent statement (Chinese)"), validators=[Length(max=20_000)])
    statement_en = TextAreaField(_l("Consent statement (English)"), validators=[Length(max=20_000)])
