"""What invitation and reminder messages say: bilingual templates a designer edits.

A template is a subject (plain text) and a body (rich text, sanitised like every designer-authored
HTML) with placeholders ``{{name}}`` (the customer's name; empty when unknown), ``{{link}}`` (the
personal link, required in every body) and ``{{survey}}`` (the questionnaire's title). Unknown
placeholders are refused when the template is saved, so a typo never reaches a customer. Every
message gets a footer with the unsubscribe link, which the template cannot remove.

Pure: no Flask, no SQL.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from survey.questionnaire.sanitize import sanitize_html

PLACEHOLDERS = ("name", "link", "survey")
SUBJECT_MAX = 200
BODY_MAX = 20_000
REMINDER_DAYS_MAX = 5
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6])>|<br\s*/?>", re.IGNORECASE)

DEFAULTS = {
    "invite_subject_zh": "请告诉我们您对{{survey}}的看法",
    "invite_subject_en": "Tell us what you think: {{survey}}",
    "invite_body_zh": "<p>{{name}}，您好：</p><p>感谢您选择我们。请花几分钟回答我们的问卷，您的意见将帮助我们改进服务。</p>"
                      "<p>{{link}}</p><p>此链接仅供您本人使用。</p>",
    "invite_body_en": "<p>Dear {{name}},</p><p>Thank you for choosing us. Please take a few minutes to answer "
                      "our survey: your opinion helps us improve.</p><p>{{link}}</p>"
                      "<p>This link is yours alone.</p>",
    "reminder_subject_zh": "提醒：{{survey}}",
    "reminder_subject_en": "Reminder: {{survey}}",
    "reminder_body_zh": "<p>{{name}}，您好：</p><p>您还没有完成我们的问卷。只需几分钟：</p><p>{{link}}</p>",
    "reminder_body_en": "<p>Dear {{name}},</p><p>You have not finished our survey yet. It only takes a few "
                        "minutes:</p><p>{{link}}</p>",
}

FOOTER = {
    "zh_CN": "不想再收到此类邮件？{unsubscribe}",
    "en": "Don't want these messages? {unsubscribe}",
}
NAMELESS = {"zh_CN": "尊敬的客户", "en": "customer"}
UNSUBSCRIBE_LABEL = {"zh_CN": "退订", "en": "Unsubscribe"}


class TemplateError(ValueError):
    """A template breaks ``rule`` (a code; ``params`` fill its message in any language);
    ``field`` names the form field, ``message`` says it in English."""

    def __init__(self, field: str, rule: str, message: str, **params: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = rule
        self.message = message
        self.params = params


def check_subject(field: str, subject: str) -> str:
    """The subject, stripped; raises :class:`TemplateError` for a broken rule."""
    subject = " ".join(subject.split())
    if not subject:
        raise TemplateError(field, "subject_required", "a subject is required")
    if len(subject) > SUBJECT_MAX:
        raise TemplateError(field, "subject_too_long", f"a subject has at most {SUBJECT_MAX} characters ({len(subject)} given)",
                            most=SUBJECT_MAX, given=len(subject))
    _check_placeholders(field, subject)
    return subject


def check_body(field: str, body: str) -> str:
    """The body, sanitised; raises :class:`TemplateError` when it lacks ``{{link}}``, names an
    unknown placeholder or is too long."""
    if len(body) > BODY_MAX:
        raise TemplateError(field, "body_too_long", f"a message has at most {BODY_MAX:,} characters ({len(body):,} given)",
                            most=BODY_MAX, given=len(body))
    cleaned = sanitize_html(body).strip()
    names = _check_placeholders(field, cleaned)
    if "link" not in names:
        raise TemplateError(field, "link_missing", "the message must contain {{link}}, the customer's personal link")
    return cleaned


def check_reminder_days(field: str, text: str) -> tuple[int, ...]:
    """``"3, 7"`` → (3, 7): whole days after the invitation, rising, at most five."""
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    if not parts:
        raise TemplateError(field, "days_empty", "name at least one day, e.g. 3, 7")
    if len(parts) > REMINDER_DAYS_MAX:
        raise TemplateError(field, "days_too_many", f"at most {REMINDER_DAYS_MAX} reminders", most=REMINDER_DAYS_MAX)
    if not all(p.isdigit() and 1 <= int(p) <= 365 for p in parts):
        raise TemplateError(field, "days_not_numbers",
                            f"{text!r}: days must be whole numbers from 1 to 365, separated by commas")
    days = tuple(int(p) for p in parts)
    if list(days) != sorted(set(days)):
        raise TemplateError(field, "days_not_rising", "days must rise, each named once (e.g. 3, 7)")
    return days


def parse_reminder_days(text: str) -> tuple[int, ...]:
    """The stored schedule (checked at save); an empty or broken one means no reminders."""
    try:
        return check_reminder_days("reminder_days", text)
    except TemplateError:
        return ()


def _check_placeholders(field: str, text: str) -> set[str]:
    names = {m.group(1) for m in _PLACEHOLDER.finditer(text)}
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        raise TemplateError(field, "unknown_placeholder", f"unknown placeholder {{{{{unknown[0]}}}}}; use "
                            + ", ".join("{{%s}}" % p for p in PLACEHOLDERS), name="{{%s}}" % unknown[0])
    return names


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def render(subject: str, body: str, *, name: str, link: str, survey: str, unsubscribe: str,
           locale: str) -> RenderedMessage:
    """Fill a checked template for one customer: an HTML part and a plain-text part. A customer
    without a name is addressed as "customer"."""
    name = name or NAMELESS.get(locale, NAMELESS["en"])
    subject_text = _PLACEHOLDER.sub(lambda m: {"name": name, "link": link, "survey": survey}[m.group(1)], subject)
    html_values = {"name": html.escape(name), "survey": html.escape(survey),
                   "link": f'<a href="{html.escape(link)}">{html.escape(link)}</a>'}
    body_html = _PLACEHOLDER.sub(lambda m: html_values[m.group(1)], body)
    footer = FOOTER.get(locale, FOOTER["en"])
    label = UNSUBSCRIBE_LABEL.get(locale, UNSUBSCRIBE_LABEL["en"])
    full_html = (f"<!doctype html><html><body>{body_html}<hr><p style=\"font-size:small;color:#555\">"
                 + footer.format(unsubscribe=f'<a href="{html.escape(unsubscribe)}">{label}</a>')
                 + "</p></body></html>")
    text_values = {"name": name, "survey": survey, "link": link}
    body_text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n\n", body)))
    body_text = _PLACEHOLDER.sub(lambda m: text_values[m.group(1)], body_text)
    body_text = re.sub(r"\n{3,}", "\n\n", body_text).strip()
    text = f"{body_text}\n\n-- \n{footer.format(unsubscribe=unsubscribe)}\n"
    return RenderedMessage(subject_text, text, full_html)
