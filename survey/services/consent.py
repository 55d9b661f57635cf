"""A questionnaire's consent statement (purpose, retention, contact): when required, every
respondent accepts it before starting (web) or the submission says so (API, ``consent: true``),
and the response keeps the statement's version and the moment. Changing the statement raises its
version, so each response shows which text it accepted. Pure rules plus the ORM; no Flask."""
from __future__ import annotations

from sqlalchemy.orm import Session

from models import Questionnaire
from survey.questionnaire.sanitize import sanitize_html

STATEMENT_MAX = 20_000


class ConsentError(ValueError):
    """The consent settings break a rule (the message names it)."""


def set_consent(session: Session, questionnaire: Questionnaire, *, required: bool, zh: str, en: str) -> bool:
    """Store the statement (sanitised); True when its version rose. Flushed, not committed."""
    zh, en = sanitize_html(zh or "").strip(), sanitize_html(en or "").strip()
    if max(len(zh), len(en)) > STATEMENT_MAX:
        raise ConsentError(f"a statement has at most {STATEMENT_MAX:,} characters")
    if required and not (zh or en):
        raise ConsentError("a required consent needs its statement in at least one language")
    changed = (zh, en) != (questionnaire.consent_zh or "", questionnaire.consent_en or "")
    raised = required and (changed or questionnaire.consent_version == 0)
    if raised:
        questionnaire.consent_version = (questionnaire.consent_version or 0) + 1
    questionnaire.consent_required = required
    questionnaire.consent_zh, questionnaire.consent_en = zh, en
    session.flush()
    return raised


def statement(questionnaire: Questionnaire, locale: str) -> str | None:
    """The statement to show in ``locale`` (the other language when it has none), or None when
    no consent is required."""
    if not questionnaire.consent_required:
        return None
    first, other = (questionnaire.consent_zh, questionnaire.consent_en) if locale == "zh_CN" \
        else (questionnaire.consent_en, questionnaire.consent_zh)
    return first or other or ""


def required_version(questionnaire: Questionnaire) -> int | None:
    """The version a new response must accept, or None when none is required (``questionnaire``:
    anything with ``consent_required`` and ``consent_version``, e.g. a row of those columns)."""
    return questionnaire.consent_version if questionnaire.consent_required else None
