"""The editor's deletions with their undo, web side: storing a deletion with what undo needs, the
"Deleted … — Undo" notice of the editor, and the texts of a deletion and of a refused undo in the
page's language. The rules are in :mod:`survey.services.draft_undo`."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from models import QuestionnaireVersion
from survey.db import get_session
from survey.design.editing import Removal
from survey.questionnaire.document import Questionnaire as Document
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.services import draft_undo
from survey.services import questionnaires as store
from survey.services.draft_undo import Deletion, DeletionKind, UndoRefused

#: What a deletion removed, as the editor's notice says it (page deletions: :func:`deletion_text`).
DELETED = {
    "question": _l("Deleted question %(codes)s from page %(container)s."),
    "choices": _l("Deleted choices %(codes)s of question %(container)s."),
    "rows": _l("Deleted rows %(codes)s of matrix %(container)s."),
}

#: A save that would remove choices or matrix rows other rules use (``editing.removal_dependents``).
REMOVAL_REFUSALS = {
    "choices": _l("Not saved: %(rules)s use the choices this save removes. Change those rules first, or "
                  "keep the choices."),
    "rows": _l("Not saved: %(rules)s use the rows this save removes. Change those rules first, or keep "
               "the rows."),
}


def removal_refusal(removal: Removal, used: list[tuple[str, str]]) -> str:
    """Why a save that removes choices or rows other rules use is refused: "why (web), p2 (web)"."""
    rules = ", ".join(f"{code} ({entry})" for code, entry in used[:10])
    return str(REMOVAL_REFUSALS[removal.kind]) % {"rules": rules}


def save_deletion(version: QuestionnaireVersion, *, before: Document, after: Document, kind: DeletionKind,
                  codes: tuple[str, ...], container: str) -> None:
    """Store ``after`` (``before`` less what was deleted) in the draft ``version`` and keep
    ``before`` so that the signed-in designer can undo the deletion; one commit for both."""
    session = get_session()
    store.replace_draft(session, version, sanitize_questionnaire(after))
    draft_undo.record_deletion(session, version, current_user.id, kind=kind, codes=codes,
                               container=container, before=before)
    session.commit()


def undo_offer(version: QuestionnaireVersion, document: Document) -> tuple[Deletion, str] | None:
    """The deletion the signed-in designer can undo in ``version`` (showing ``document``) and
    its text, or None."""
    deletion = draft_undo.undoable(get_session(), version, current_user.id, document)
    return None if deletion is None else (deletion, deletion_text(deletion))


def deleted_codes(deletion: Deletion) -> str:
    """The codes of what was deleted (an empty page's own code), for a message."""
    return ", ".join(deletion.codes) or deletion.container


def deletion_text(deletion: Deletion) -> str:
    """"Deleted question q3 from page p1." and the like, in the page's language."""
    if deletion.kind == "page":
        if not deletion.codes:
            return _("Deleted the empty page %(page)s.", page=deletion.container)
        return ngettext("Deleted page %(page)s and its %(num)s question: %(codes)s.",
                        "Deleted page %(page)s and its %(num)s questions: %(codes)s.",
                        len(deletion.codes), page=deletion.container, codes=deleted_codes(deletion))
    return str(DELETED[deletion.kind]) % {"codes": deleted_codes(deletion), "container": deletion.container}


def refusal_text(refusal: UndoRefused) -> str:
    """Why an undo was not done, naming the deletion and the rule."""
    deletion = refusal.deletion
    if deletion is None:
        return _("Nothing was undone: that deletion is not kept any more. It was undone already, "
                 "or it is older than your last %(keep)s deletions in this draft.", keep=draft_undo.KEEP)
    what = deleted_codes(deletion)
    if refusal.rule == "published":
        return _("Not undone: the version was published after the deletion of %(what)s, and a "
                 "published version never changes.", what=what)
    return _("Not undone: the draft changed after the deletion of %(what)s. A deletion can be "
             "undone only while nothing else has changed since.", what=what)
