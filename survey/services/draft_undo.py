"""Undo of the editor's deletions (a question, a page, choices or matrix rows of a question).

Each deletion keeps the whole draft document as it was before (``models.DraftSnapshot``, the
newest :data:`KEEP` per draft and designer) with the fingerprint of the draft it left. Undo puts
that document back, for the designer who deleted, while the draft is still as the deletion left
it: after any other change (by anyone) or once the version is published, it is refused and
nothing is written. Undoing the newest deletion makes the one before it undoable in turn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import DraftSnapshot, QuestionnaireVersion
from survey.questionnaire.document import DocumentError, Questionnaire as Document
from survey.questionnaire.fingerprint import document_fingerprint
from survey.questionnaire.jsonio import from_json, to_json
from survey.services import questionnaires as store

#: Deletions kept per draft and designer.
KEEP = 10

DeletionKind = Literal["question", "page", "choices", "rows"]
RefusalRule = Literal["gone", "published", "changed"]


@dataclass(frozen=True, slots=True)
class Deletion:
    """One deletion that can be undone: ``codes`` were deleted from ``container`` (the page of a
    question or page's code; the question of choices or rows)."""

    id: int
    kind: DeletionKind
    codes: tuple[str, ...]
    container: str


class UndoRefused(Exception):
    """An undo that is not done: ``rule`` is "gone" (no such deletion of this designer is kept),
    "published" (the version was published since) or "changed" (the draft changed since);
    ``deletion`` is the deletion asked for (None when gone)."""

    def __init__(self, rule: RefusalRule, deletion: Deletion | None = None) -> None:
        super().__init__(f"the deletion cannot be undone: {rule}")
        self.rule = rule
        self.deletion = deletion


def _deletion(snapshot: DraftSnapshot) -> Deletion:
    details = snapshot.details
    return Deletion(snapshot.id, snapshot.kind, tuple(details.get("codes", ())),  # type: ignore[arg-type]
                    str(details.get("container", "")))


def record_deletion(session: Session, version: QuestionnaireVersion, user_id: int, *, kind: DeletionKind,
                    codes: tuple[str, ...], container: str, before: Document) -> Deletion:
    """Keep ``before`` (the draft before a deletion already stored in ``version``) so that
    ``user_id`` can undo it; older snapshots beyond :data:`KEEP` of this draft and designer, and
    the designer's snapshots of the questionnaire's other versions, are dropped. Flushed."""
    after = document_fingerprint(store.version_document(version))
    snapshot = DraftSnapshot(version_id=version.id, user_id=user_id, kind=kind,
                             details={"codes": list(codes), "container": container},
                             document=to_json(before), after_fingerprint=after)
    session.add(snapshot)
    session.flush()
    _prune(session, version, user_id)
    return _deletion(snapshot)


def _prune(session: Session, version: QuestionnaireVersion, user_id: int) -> None:
    kept = select(DraftSnapshot.id).where(DraftSnapshot.version_id == version.id,
                                          DraftSnapshot.user_id == user_id) \
        .order_by(DraftSnapshot.id.desc()).limit(KEEP)
    versions = select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == version.questionnaire_id)
    session.execute(delete(DraftSnapshot).where(
        DraftSnapshot.user_id == user_id, DraftSnapshot.version_id.in_(versions),
        DraftSnapshot.id.not_in(kept.scalar_subquery())).execution_options(synchronize_session=False))


def undoable(session: Session, version: QuestionnaireVersion, user_id: int, document: Document) -> Deletion | None:
    """The deletion ``user_id`` can undo in ``version`` whose current content is ``document``:
    their newest one, when the draft is still as it left it; else None."""
    if version.state != "draft":
        return None
    snapshot = session.scalars(select(DraftSnapshot).where(
        DraftSnapshot.version_id == version.id, DraftSnapshot.user_id == user_id)
        .order_by(DraftSnapshot.id.desc()).limit(1)).first()
    if snapshot is None or snapshot.after_fingerprint != document_fingerprint(document):
        return None
    return _deletion(snapshot)


def undo_deletion(session: Session, questionnaire_id: int, snapshot_id: int, user_id: int) -> Deletion:
    """Put back the draft of ``questionnaire_id`` as it was before the deletion ``snapshot_id`` of
    ``user_id`` and forget that deletion (flushed, not committed). Raises :class:`UndoRefused`
    when there is no such deletion, the version is no longer the draft being edited, or the
    draft changed since the deletion; nothing is written then."""
    snapshot = session.scalars(select(DraftSnapshot).where(DraftSnapshot.id == snapshot_id)
                               .with_for_update()).first()
    if snapshot is None or snapshot.user_id != user_id or snapshot.version.questionnaire_id != questionnaire_id:
        raise UndoRefused("gone")
    deletion, version = _deletion(snapshot), snapshot.version
    latest = store.latest_version(session, questionnaire_id)
    if version.state != "draft" or latest is None or latest.id != version.id:
        raise UndoRefused("published", deletion)
    if document_fingerprint(store.version_document(version)) != snapshot.after_fingerprint:
        raise UndoRefused("changed", deletion)
    try:
        before = from_json(snapshot.document)
    except DocumentError:  # kept by an older Xinsheng whose documents this one no longer reads
        raise UndoRefused("gone") from None
    store.replace_draft(session, version, before)
    session.delete(snapshot)
    session.flush()
    return deletion
