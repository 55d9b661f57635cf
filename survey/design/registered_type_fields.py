"""The designer's fields for the question types of the registry (``survey.questionnaire.types``):
time and date-time bounds, a slider's range and step, a constant sum's total. Mixed into
``survey.design.forms.QuestionForm``; every message is translated."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields import DecimalField, IntegerField
from wtforms.validators import NumberRange, Optional, ValidationError

from survey.questionnaire.document import Question, Texts
from survey.questionnaire.types.clock import DATETIME_PATTERN, TIME_PATTERN, read_datetime
from survey.questionnaire.types.constant_sum import MAX_TOTAL, ConstantSumSettings
from survey.questionnaire.types.date_time import DateTimeSettings
from survey.questionnaire.types.ranking import RankingSettings
from survey.questionnaire.types.slider import MAX_POSITIONS, SliderSettings
from survey.questionnaire.types.time_of_day import TimeSettings


def registered_type_labels() -> dict[str, str]:
    """Registered question type → its name in the current language."""
    return {"time": _("Time of day"), "datetime": _("Date and time"), "slider": _("Slider"),
            "ranking": _("Ranking"), "constant_sum": _("Constant sum")}


#: Which optional fields each registered type shows in the designer.
REGISTERED_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "time": ("earliest", "latest"),
    "datetime": ("earliest", "latest"),
    "slider": ("slider_min", "slider_max", "slider_step", "low_label_zh", "low_label_en",
               "high_label_zh", "high_label_en"),
    "ranking": ("choices", "randomize"),
    "constant_sum": ("choices", "total"),
}


def _clock_text(form, text: str | None) -> str | None:
    """A bound as the designer typed it, normalised ('YYYY-MM-DD HH:MM' → 'YYYY-MM-DDTHH:MM');
    ``ValidationError`` when it is not written as the question type needs."""
    text = (text or "").strip()
    if not text:
        return None
    if form.question_type == "time":
        if not TIME_PATTERN.fullmatch(text):
            raise ValidationError(_("“%(value)s” is not a time such as 09:30 (00:00–23:59).",
                                    value=text[:40]))
        return text
    value = read_datetime(text)
    if value is None or not DATETIME_PATTERN.fullmatch(value):
        raise ValidationError(_("“%(value)s” is not a date and time such as 2027-01-31 18:00.",
                                value=text[:40]))
    return value


def _number(value):
    return None if value is None else int(value) if value == int(value) else float(value)


class RegisteredTypeFields:
    """Fields and form ↔ settings for the registered types (see the module docstring)."""

    earliest = StringField(_l("Earliest accepted (optional)"))
    latest = StringField(_l("Latest accepted (optional)"))
    slider_min = DecimalField(_l("Slider starts at"), default=0, validators=[Optional()])
    slider_max = DecimalField(_l("Slider ends at"), default=10, validators=[Optional()])
    slider_step = DecimalField(_l("Step"), default=1, validators=[Optional()])
    total = IntegerField(_l("The numbers must add up to"), default=100,
                         validators=[Optional(), NumberRange(min=1, max=MAX_TOTAL)])

    def validate_earliest(self, field) -> None:
        if self.question_type in ("time", "datetime"):
            _clock_text(self, field.data)

    def validate_latest(self, field) -> None:
        if self.question_type not in ("time", "datetime"):
            return
        latest = _clock_text(self, field.data)
        try:
            earliest = _clock_text(self, self.earliest.data)
        except ValidationError:
            return
        if earliest and latest and latest < earliest:
            raise ValidationError(_("Must not be before the earliest accepted."))

    def validate_slider_step(self, field) -> None:
        if self.question_type != "slider":
            return
        low, high, step = self.slider_min.data, self.slider_max.data, field.data
        if low is None or high is None or step is None:
            raise ValidationError(_("Give the start, the end and the step of the slider."))
        if step <= 0 or low >= high:
            raise ValidationError(_("The step must be above 0 and the start below the end."))
        steps = (high - low) / step
        if steps != int(steps) or int(steps) + 1 > MAX_POSITIONS:
            raise ValidationError(_("The step must divide the range into whole steps, at most %(count)s positions.",
                                    count=MAX_POSITIONS))

    def fill_registered(self, question: Question) -> None:
        """Put a stored registered question's settings into the form."""
        settings = question.settings
        if isinstance(settings, (TimeSettings, DateTimeSettings)):
            self.earliest.data = (settings.min or "").replace("T", " ")
            self.latest.data = (settings.max or "").replace("T", " ")
        if isinstance(settings, SliderSettings):
            self.slider_min.data, self.slider_max.data = settings.min, settings.max
            self.slider_step.data = settings.step
            self.low_label_zh.data, self.low_label_en.data = settings.low_label.zh, settings.low_label.en
            self.high_label_zh.data, self.high_label_en.data = settings.high_label.zh, settings.high_label.en
        if isinstance(settings, RankingSettings):
            self.randomize.data = settings.randomize
        if isinstance(settings, ConstantSumSettings):
            self.total.data = settings.total

    def registered_settings(self):
        """The settings of a registered type from the submitted form (None for other types)."""
        kind = self.question_type
        if kind in ("time", "datetime"):
            settings_class = TimeSettings if kind == "time" else DateTimeSettings
            return settings_class(_clock_text(self, self.earliest.data),
                                  _clock_text(self, self.latest.data))
        if kind == "slider":
            return SliderSettings(_number(self.slider_min.data), _number(self.slider_max.data),
                                  _number(self.slider_step.data),
                                  Texts(self.low_label_zh.data or "", self.low_label_en.data or ""),
                                  Texts(self.high_label_zh.data or "", self.high_label_en.data or ""))
        if kind == "ranking":
            return RankingSettings(bool(self.randomize.data))
        if kind == "constant_sum":
            return ConstantSumSettings(self.total.data if self.total.data is not None else 100)
        return None
