"""Questionnaires in the database ↔ the pure document (``survey.questionnaire.document``).

A version's pages, questions, choices and matrix rows are stored as rows; the document is the
in-memory form every other part works with (forms, logic check, XLSForm/JSON interchange,
analysis). A published version is immutable: edits go to a new draft version.
"""
from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Choice, MatrixRow, Page, Question, Questionnaire, QuestionnaireVersion
from survey.questionnaire import document as doc
from survey.questionnaire.jsonio import settings_from_json, settings_to_json
from survey.services.live_cache import forget, live_cache
from survey.services.response_state import VersionState
from survey.services.workspaces import default_workspace


class QuestionnaireStateError(ValueError):
    """The questionnaire or version is not in a state that allows the action."""


# --- document → rows --------------------------------------------------------------------------

def _binding_columns(binding: doc.Binding | None) -> dict[str, str | None]:
    if binding is None:
        return {"binding_model": None, "binding_construct": None, "binding_indicator": None}
    return {"binding_model": binding.model, "binding_construct": binding.construct,
            "binding_indicator": binding.indicator}


def _page_rows(version: QuestionnaireVersion, document: doc.Questionnaire) -> list[Page]:
    pages = []
    for page_position, page in enumerate(document.pages):
        page_row = Page(position=page_position, code=page.code, title_zh=page.title.zh,
                        title_en=page.title.en, show_if=page.show_if)
        for position, question in enumerate(page.questions):
            page_row.questions.append(Question(
                version=version, position=position, code=question.code, type=question.type,
                text_zh=question.text.zh, text_en=question.text.en,
                help_zh=question.help.zh, help_en=question.help.en,
                required=question.required, show_if=question.show_if,
                validation=question.validation,
                validation_message_zh=question.validation_message.zh,
                validation_message_en=question.validation_message.en,
                settings=settings_to_json(question.settings),
                choices=[Choice(position=i, code=c.code, label_zh=c.label.zh, label_en=c.label.en)
                         for i, c in enumerate(question.choices)],
                rows=[MatrixRow(position=i, code=r.code, text_zh=r.text.zh, text_en=r.text.en,
                                **_binding_columns(r.binding)) for i, r in enumerate(question.rows)],
                **_binding_columns(question.binding),
            ))
        pages.append(page_row)
    return pages


def _fill_version(version: QuestionnaireVersion, document: doc.Questionnaire) -> None:
    version.title_zh, version.title_en = document.title.zh, document.title.en
    version.description_zh, version.description_en = document.description.zh, document.description.en
    version.default_language = document.default_language
    version.pages = _page_rows(version, document)


def create_questionnaire(
    session: Session, document: doc.Questionnaire, *, created_by_id: int | None = None,
    workspace_id: int | None = None,
) -> QuestionnaireVersion:
    """A new questionnaire in ``workspace_id`` (None: the default workspace) whose first (draft)
    version holds ``document``. Flushed, not committed."""
    if workspace_id is None:
        workspace_id = default_workspace(session).id
    questionnaire = Questionnaire(title_zh=document.title.zh, title_en=document.title.en,
                                  kind=document.kind, created_by_id=created_by_id, workspace_id=workspace_id)
    version = QuestionnaireVersion(questionnaire=questionnaire, number=1, state="draft")
    _fill_version(version, document)
    session.add(questionnaire)
    session.flush()
    return version


def replace_draft(session: Session, version: QuestionnaireVersion, document: doc.Questionnaire) -> None:
    """Replace the content of a draft version. Raises QuestionnaireStateError if published."""
    if version.state != "draft":
        raise QuestionnaireStateError(
            f"version {version.number} of questionnaire {version.questionnaire_id} is published "
            "and cannot change; edit a new draft version instead")
    version.pages.clear()
    session.flush()  # the old rows go before new ones reuse their codes
    _fill_version(version, document)
    questionnaire = version.questionnaire
    questionnaire.title_zh, questionnaire.title_en = document.title.zh, document.title.en
    questionnaire.kind = document.kind
    session.flush()


# --- rows → document --------------------------------------------------------------------------

def _binding(row: Question | MatrixRow) -> doc.Binding | None:
    if row.binding_model is None:
        return None
    return doc.Binding(row.binding_model, row.binding_construct, row.binding_indicator)


# Published versions never change, so their documents are cached per process (keyed by id and
# the random public token, which no other version shares). Building one costs a query per
# question; the submission paths need it on every request.
_PUBLISHED_CACHE: OrderedDict[tuple[int, str], doc.Questionnaire] = OrderedDict()
_PUBLISHED_CACHE_SIZE = 256
_PUBLISHED_LOCK = Lock()


def version_document(version: QuestionnaireVersion) -> doc.Questionnaire:
    """The document a version holds (cached for published versions)."""
    return _document(version.id, version.state, version.public_token, lambda: version)


def state_document(session: Session, version: VersionState) -> doc.Questionnaire:
    """The document of the version a :class:`VersionState` describes; the version itself is read
    only when its document is not cached yet."""
    return _document(version.id, version.state, version.public_token,
                     lambda: session.get(QuestionnaireVersion, version.id))


def _document(version_id: int, state: str, public_token: str | None,
              load: Callable[[], QuestionnaireVersion]) -> doc.Questionnaire:
    if state != "published" or not public_token:
        return _build_document(load())
    key = (version_id, public_token)
    with _PUBLISHED_LOCK:
        cached = _PUBLISHED_CACHE.get(key)
        if cached is not None:
            _PUBLISHED_CACHE.move_to_end(key)
            return cached
    document = _build_document(load())
    with _PUBLISHED_LOCK:
        _PUBLISHED_CACHE[key] = document
        while len(_PUBLISHED_CACHE) > _PUBLISHED_CACHE_SIZE:
            _PUBLISHED_CACHE.popitem(last=False)
    return document


@dataclass(frozen=True, slots=True)
class LiveVersion:
    """The published version that new responses to a questionnaire answer, with its document."""

    id: int
    number: int
    default_language: str
    document: doc.Questionnaire
    close_at: datetime | None = None


CURRENT_VERSIONS = "current_published_versions"


def questionnaire_title(questionnaire, language: str) -> str:
    """The questionnaire's title in ``language`` (zh_CN or en), else in the other one."""
    first, other = (questionnaire.title_zh, questionnaire.title_en) if language == "zh_CN" \
        else (questionnaire.title_en, questionnaire.title_zh)
    return first or other or ""


def current_published(session: Session, questionnaire_id: int) -> LiveVersion | None:
    """The latest published version of an *active* questionnaire, or None. Remembered per process
    for a moment (``survey.services.live_cache``); :func:`publish` and :func:`archive` forget it."""
    cache = live_cache(session, CURRENT_VERSIONS)
    live = cache.get(questionnaire_id)
    if live is not None:
        return live
    version = session.scalars(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id,
               QuestionnaireVersion.state == "published", Questionnaire.status == "active")
        .order_by(QuestionnaireVersion.number.desc()).limit(1)).first()
    if version is None:
        return None
    live = LiveVersion(version.id, version.number, version.default_language, version_document(version),
                       version.questionnaire.close_at)
    cache.put(questionnaire_id, live)
    return live


def _build_document(version: QuestionnaireVersion) -> doc.Questionnaire:
    pages = []
    for page in version.pages:
        questions = tuple(
            doc.Question(
                code=q.code, type=q.type, text=doc.Texts(q.text_zh, q.text_en),
                help=doc.Texts(q.help_zh, q.help_en), required=q.required, show_if=q.show_if,
                validation=q.validation,
                validation_message=doc.Texts(q.validation_message_zh, q.validation_message_en),
                binding=_binding(q),
                settings=settings_from_json(q.type, q.settings, f"/questions/{q.code}/settings"),
                choices=tuple(doc.Choice(c.code, doc.Texts(c.label_zh, c.label_en)) for c in q.choices),
                rows=tuple(doc.MatrixRow(r.code, doc.Texts(r.text_zh, r.text_en), _binding(r)) for r in q.rows),
            )
            for q in page.questions
        )
        pages.append(doc.Page(page.code, doc.Texts(page.title_zh, page.title_en), questions, page.show_if))
    return doc.Questionnaire(
        title=doc.Texts(version.title_zh, version.title_en), pages=tuple(pages),
        description=doc.Texts(version.description_zh, version.description_en),
        default_language=version.default_language, kind=version.questionnaire.kind,
    )


# --- lifecycle --------------------------------------------------------------------------------

def latest_version(session: Session, questionnaire_id: int) -> QuestionnaireVersion | None:
    return session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(QuestionnaireVersion.number.desc())
    ).first()


def publish(session: Session, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Freeze a draft version and give it a public link token. The caller checks the logic and
    the construct bindings first (``survey.services.publishing``)."""
    if version.state != "draft":
        raise QuestionnaireStateError(f"version {version.number} is already published")
    if version.questionnaire.status == "archived":
        raise QuestionnaireStateError("an archived questionnaire cannot be published")
    version.state = "published"
    version.published_at = datetime.now(UTC)
    version.public_token = secrets.token_urlsafe(16)
    if version.questionnaire.public_token is None:  # the first publication: the stable link
        version.questionnaire.public_token = version.public_token
    session.flush()
    forget(CURRENT_VERSIONS)
    return version


def editable_draft(session: Session, questionnaire_id: int) -> QuestionnaireVersion:
    """The draft to edit: the latest version if it is a draft, else a new draft copied from the
    latest published version (responses stay tied to the version they answered)."""
    latest = latest_version(session, questionnaire_id)
    if latest is None:
        raise QuestionnaireStateError(f"questionnaire {questionnaire_id} has no version")
    if latest.state == "draft":
        return latest
    draft = QuestionnaireVersion(questionnaire_id=questionnaire_id, number=latest.number + 1, state="draft")
    session.add(draft)
    _fill_version(draft, version_document(latest))
    session.flush()
    return draft


def embed_origins(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The origins allowed to frame ``questionnaire``'s respondent pages (stored one per line)."""
    return tuple(line for line in questionnaire.embed_origins.splitlines() if line)


def set_embed_origins(questionnaire: Questionnaire, origins: tuple[str, ...]) -> None:
    """Store ``origins`` (already checked https origins, see survey.security_headers) as the
    sites allowed to frame the questionnaire; the caller commits."""
    questionnaire.embed_origins = "\n".join(origins)


def _copy_title(title: str, suffix: str) -> str:
    """``title`` + ``suffix``, the title shortened so that the copy's title still fits."""
    if not title:
        return ""
    return title[:doc.TITLE_MAX - len(suffix)] + suffix


def clone_questionnaire(session: Session, questionnaire_id: int, *, created_by_id: int | None = None) -> QuestionnaireVersion:
    """A new questionnaire, in the same workspace, whose draft copies the latest version of another."""
    latest = latest_version(session, questionnaire_id)
    if latest is None:
        raise QuestionnaireStateError(f"questionnaire {questionnaire_id} has no version")
    document = version_document(latest)
    copy_title = doc.Texts(_copy_title(document.title.zh, "（副本）"), _copy_title(document.title.en, " (copy)"))
    return create_questionnaire(session, doc.replace(document, title=copy_title), created_by_id=created_by_id,
                                workspace_id=latest.questionnaire.workspace_id)


def archive(session: Session, questionnaire: Questionnaire) -> None:
    questionnaire.status = "archived"
    session.flush()
    forget(CURRENT_VERSIONS)


def count_questionnaires(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Questionnaire)) or 0
