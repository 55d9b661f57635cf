"""The e-mail side of the invitations pages: the send and remind buttons, the message form, what
the pages show about sending (progress, rounds, each invitation's latest message) and the test
message a designer sends to themself.

The views in :mod:`survey.invitations.views` stay thin; the rules live in
:mod:`survey.services.mailings` and :mod:`survey.services.message_templates`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import BooleanField, StringField, TextAreaField

from models import Invitation, MessageTemplate, Questionnaire, SendBatch
from survey.design.forms import ConfirmForm
from survey.mail import sending
from survey.mail.channels import mail_settings
from survey.mail.settings import MailSettingsError
from survey.questionnaire.sanitize import sanitize_html
from survey.services import mailings
from survey.services import message_templates as templates
from survey.services.questionnaires import questionnaire_title

MAIL_URL_EXAMPLE = "smtp://user:password@host:587?tls=starttls"

#: Why a round left customers out, in the order the flash names them.
LEFT_OUT_LABELS = {
    "already_sent": _l("already sent"),
    "completed": _l("already completed"),
    "closed": _l("closed"),
    "expired": _l("link expired"),
    "opted_out": _l("opted out"),
    "no_address": _l("no e-mail address"),
}
DELIVERY_LABELS = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Not sent"),
}
BATCH_KIND_LABELS = {"invitation": _l("Invitations"), "reminder": _l("Reminders"), "test": _l("Test message")}
STARTED_BY_LABELS = {"schedule": _l("the schedule"), "cli": _l("the command line")}
#: The progress counts shown, in order (``queued`` includes messages being sent right now).
PROGRESS_LABELS = {
    "queued": _l("Waiting to be sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Not sent"),
    "opened": _l("Links opened"),
    "opted_out": _l("Opted out"),
}
#: Reasons the service stores in English for messages it did not send (shown translated).
_DELIVERY_NOTES = {
    "not sent: the customer opted out": _l("Not sent: the customer opted out."),
    "not sent: the link has expired": _l("Not sent: the link has expired."),
    "not sent: the invitation is completed": _l("Not sent: the customer completed the survey."),
    "not sent: the invitation is closed": _l("Not sent: the invitation is closed."),
}
_INTERRUPTED = _l("Interrupted while sending and not sent again automatically (it may have arrived); "
                  "send it again by hand if needed.")
#: The rules of :mod:`survey.services.message_templates` by code, in the reader's language.
_TEMPLATE_RULES = {
    "subject_required": _l("A subject is required."),
    "subject_too_long": _l("A subject has at most %(most)s characters (%(given)s given)."),
    "body_too_long": _l("A message has at most %(most)s characters (%(given)s given)."),
    "link_missing": _l("The message must contain {{link}}, the customer's personal link."),
    "unknown_placeholder": _l("Unknown placeholder %(name)s: use {{name}}, {{link}} or {{survey}}."),
    "days_empty": _l("Name at least one day, e.g. 3, 7."),
    "days_too_many": _l("At most %(most)s reminders."),
    "days_not_numbers": _l("Days must be whole numbers from 1 to 365, separated by commas."),
    "days_not_rising": _l("Days must rise, each named once (e.g. 3, 7)."),
}
#: Who the preview addresses, in the message's language.
SAMPLE_NAMES = {"zh_CN": "王芳", "en": "Alex Chen"}
LANGUAGES = (("zh_CN", "zh"), ("en", "en"))


class MessageForm(FlaskForm):
    invite_subject_zh = StringField(_l("Invitation subject (Chinese)"))
    invite_body_zh = TextAreaField(_l("Invitation message (Chinese)"), render_kw={"rows": 8})
    invite_subject_en = StringField(_l("Invitation subject (English)"))
    invite_body_en = TextAreaField(_l("Invitation message (English)"), render_kw={"rows": 8})
    reminder_subject_zh = StringField(_l("Reminder subject (Chinese)"))
    reminder_body_zh = TextAreaField(_l("Reminder message (Chinese)"), render_kw={"rows": 6})
    reminder_subject_en = StringField(_l("Reminder subject (English)"))
    reminder_body_en = TextAreaField(_l("Reminder message (English)"), render_kw={"rows": 6})
    reminders_on = BooleanField(_l("Send reminders automatically"))
    reminder_days = StringField(_l("Reminder days after the invitation"), render_kw={"inputmode": "numeric"})

    def template_fields(self) -> list:
        return [getattr(self, name) for name in mailings.TEMPLATE_FIELDS]

    def template_values(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in mailings.TEMPLATE_FIELDS}

    def refuse(self, error: templates.TemplateError) -> None:
        """Show a rule the service refused on the field it names."""
        field = getattr(self, error.field, None) or self.reminder_days
        field.errors = [*field.errors, template_error_text(error)]


# --- what the pages say --------------------------------------------------------------------------

def template_error_text(error: templates.TemplateError) -> str:
    """The broken rule in the reader's language (the service's English for a rule not listed)."""
    message = _TEMPLATE_RULES.get(error.rule)
    if message is None:
        return error.message
    return str(message) % {k: f"{v:,}" if isinstance(v, int) else v for k, v in error.params.items()}


def delivery_note(text: str) -> str:
    """A delivery's ``last_error``: the service's own reasons translated, a server's reply as is."""
    if text in _DELIVERY_NOTES:
        return str(_DELIVERY_NOTES[text])
    if text.startswith("interrupted while sending"):
        return str(_INTERRUPTED)
    return text


def started_by_label(started_by: str) -> str:
    return str(STARTED_BY_LABELS.get(started_by, started_by))


def mail_state() -> tuple[str | None, str]:
    """(why nothing can be sent, or None; where mail goes) for the pages."""
    if not sending.sending_on():
        return (_("Sending e-mail is off. To turn it on, set MAIL_URL (for example %(example)s) "
                  "and restart the app.", example=MAIL_URL_EXAMPLE), "")
    try:
        settings = mail_settings(current_app.config)
    except MailSettingsError as error:
        return _("MAIL_URL cannot be used: %(reason)s", reason=str(error)), ""
    return None, settings.describe() if settings else ""


def round_message(kind: str, summary: mailings.RoundSummary, reminder_days: str = "") -> str:
    """The flash after a send or remind button: how many were queued, who was left out and why."""
    if kind == "invitation":
        text = (ngettext("%(num)s invitation queued for sending.", "%(num)s invitations queued for sending.",
                         summary.queued)
                if summary.queued else _("No invitation was queued."))
    else:
        text = (ngettext("%(num)s reminder queued for sending.", "%(num)s reminders queued for sending.",
                         summary.queued)
                if summary.queued else _("No reminder is due now (reminders go %(days)s days after the invitation).",
                                         days=_(", ").join(d.strip() for d in reminder_days.split(",") if d.strip())))
    order = list(LEFT_OUT_LABELS)
    left_out = sorted(((reason, count) for reason, count in summary.left_out.items() if count),
                      key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    if left_out:
        reasons = _(", ").join(_("%(reason)s (%(count)s)", reason=LEFT_OUT_LABELS.get(reason, reason), count=count)
                               for reason, count in left_out)
        left_out_text = ngettext("%(num)s left out: %(reasons)s.", "%(num)s left out: %(reasons)s.",
                                 sum(count for _reason, count in left_out), reasons=reasons)
        # Two sentences: a space between them in English, none in Chinese.
        text = _("%(queued)s %(left_out)s", queued=text, left_out=left_out_text)
    return text


def sending_overview(session: Session, questionnaire_id: int, invitations: list[Invitation]) -> dict:
    """What the invitations page shows about sending (merged into its template context)."""
    problem, server = mail_state()
    counts = mailings.progress(session, questionnaire_id)
    counts["queued"] = counts.get("queued", 0) + counts.pop("sending", 0)
    template = mailings.template_for(session, questionnaire_id)
    return {
        "mail_problem": problem, "mail_server": server, "round_form": ConfirmForm(),
        "progress": counts, "progress_labels": PROGRESS_LABELS,
        "batches": mailings.recent_batches(session, questionnaire_id),
        "deliveries": mailings.latest_deliveries(session, [i.id for i in invitations]),
        "opted_out": mailings.opted_out_refs(session, invitations),
        "reminders_on": template.reminders_on,
        "reminder_days": _(", ").join(str(d) for d in templates.parse_reminder_days(template.reminder_days)),
        "delivery_labels": DELIVERY_LABELS, "batch_kind_labels": BATCH_KIND_LABELS,
        "delivery_note": delivery_note, "started_by_label": started_by_label,
    }


# --- previews and the test message -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Preview:
    kind: str  # invite, reminder
    language: str  # zh_CN, en
    subject: str
    html: str  # the body and footer, without the document around them
    text: str


_BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)


def previews(template: MessageTemplate, questionnaire: Questionnaire) -> list[Preview]:
    """Every message of the template, filled for a sample customer. The bodies are sanitised
    (again: saving did it already) and :func:`~survey.services.message_templates.render` escapes
    what it adds, so the HTML may be shown in the page as is."""
    links = sending.links()
    shown = []
    for kind in ("invite", "reminder"):
        for language, suffix in LANGUAGES:
            body = sanitize_html(getattr(template, f"{kind}_body_{suffix}"))
            rendered = templates.render(
                getattr(template, f"{kind}_subject_{suffix}"), body, name=SAMPLE_NAMES[language],
                link=links.invitation("sample"), survey=questionnaire_title(questionnaire, language),
                unsubscribe=links.unsubscribe("sample"), locale=language)
            match = _BODY.search(rendered.html)
            shown.append(Preview(kind, language, rendered.subject, match.group(1) if match else rendered.html,
                                 rendered.text))
    return shown


def send_test(session: Session, questionnaire: Questionnaire, address: str) -> None:
    """Send the saved invitation, in Chinese and in English, to ``address`` now, over one
    connection, and note the round (kind ``test``; committed). Raises
    :class:`~survey.mail.sending.SendingOff`, :class:`~survey.mail.settings.MailSettingsError`
    or :class:`~survey.mail.channels.DeliveryError`: nothing is recorded then."""
    template = mailings.template_for(session, questionnaire.id)
    links = sending.links()
    sending.send_now(*(
        mailings.compose(Invitation(token="test-preview", name=address.split("@", 1)[0], language=language,
                                    email=address, customer_ref=""),
                         template, questionnaire_title(questionnaire, language), 0, address, links)
        for language, _suffix in LANGUAGES))
    session.add(SendBatch(questionnaire_id=questionnaire.id, kind="test", channel="email", started_by=address[:254]))
    session.commit()
