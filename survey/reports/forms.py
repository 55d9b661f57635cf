"""Forms of the analysis-run and dashboard pages (every one a FlaskForm, CSRF on for POSTs)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, ValidationError
from wtforms.validators import Optional as OptionalValue
from wtforms.widgets import CheckboxInput, ListWidget

from survey.services.analysis_pipeline import DEFAULT_BOOTSTRAP
from survey.services.run_weights import MarginsError, parse_margins

MODEL_LABELS = {"acsi": _l("ACSI (American Customer Satisfaction Index)"),
                "ecsi": _l("ECSI (European Customer Satisfaction Index)"),
                "ccsi": _l("CCSI (China Customer Satisfaction Index)")}
METHOD_LABELS = {"pls": _l("PLS path modelling"), "plsc": _l("Consistent PLS (PLSc)")}


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (inside a fieldset with a legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuestionnaireChoiceForm(FlaskForm):
    """Step one of a new run: which questionnaire (a GET form; it changes nothing)."""

    class Meta:
        csrf = False

    questionnaire = SelectField(_l("Questionnaire"), coerce=int, choices=[])


class RunForm(FlaskForm):
    """Step two: the settings of the run for one questionnaire."""

    versions = CheckboxListField(_l("Questionnaire versions"), coerce=int, choices=[],
                                 validators=[DataRequired(_l("Choose at least one version."))])
    submitted_from = DateField(_l("Responses submitted from"), validators=[OptionalValue()])
    submitted_to = DateField(_l("Responses submitted before"), validators=[OptionalValue()])
    segments = CheckboxListField(_l("Segment dimensions"), choices=[], validate_choice=True)
    model = RadioField(_l("Model"), choices=[SelectChoice(k, v) for k, v in MODEL_LABELS.items()], default="acsi")
    method = RadioField(_l("Estimation method"), choices=[SelectChoice(k, v) for k, v in METHOD_LABELS.items()], default="pls")
    bootstrap = IntegerField(_l("Bootstrap resamples"), default=DEFAULT_BOOTSTRAP,
                             validators=[NumberRange(0, 5000, _l("Enter a number between %(min)s and %(max)s."))])
    seed = IntegerField(_l("Random seed"), default=1, validators=[NumberRange(0, 2**31 - 1)])
    weight_attribute = SelectField(_l("Weight attribute"), choices=[], default="", validate_choice=True)
    margins = TextAreaField(_l("Population shares to rake the sample to"), validators=[OptionalValue()])

    def validate_margins(self, field: TextAreaField) -> None:
        try:
            self.parsed_margins = parse_margins(field.data or "")
        except MarginsError as error:
            raise ValidationError(str(error)) from error
        known = {choice.value for choice in self.segments.choices or ()}
        for dimension, _levels in self.parsed_margins:
            if dimension not in known:
                raise ValidationError(_l("%(name)s is not a segment attribute of these responses.", name=dimension))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001 - WTForms' signature
        self.parsed_margins = ()
        if not super().validate(extra_validators):
            return False
        if self.submitted_from.data and self.submitted_to.data and self.submitted_from.data >= self.submitted_to.data:
            self.submitted_to.errors.append(_l("The end of the period must be after its start."))
            return False
        return True


class CancelForm(FlaskForm):
    """The cancel button of a run (CSRF only)."""


class PdfForm(FlaskForm):
    """The button that starts making a run's report PDF (CSRF only)."""


class CompareForm(FlaskForm):
    """Choose two runs to compare (a GET form)."""

    class Meta:
        csrf = False

    a = SelectField(_l("First run"), coerce=int, choices=[], validate_choice=False)
    b = SelectField(_l("Second run"), coerce=int, choices=[], validate_choice=False)
