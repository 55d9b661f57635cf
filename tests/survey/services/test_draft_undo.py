"""Undo of the editor's deletions (survey.services.draft_undo): the draft before a deletion comes
back exactly, for the designer who deleted, only while the draft is as the deletion left it; the
newest ten deletions per draft and designer are kept, and they undo newest first."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import DraftSnapshot
from survey.design import editing
from survey.questionnaire.document import (
    Binding, Choice, Page, Question, Questionnaire, RatingSettings, SingleChoiceSettings, Texts,
)
from survey.questionnaire.jsonio import to_json
from survey.services import draft_undo
from survey.services.draft_undo import KEEP, UndoRefused
from survey.services.questionnaires import create_questionnaire, editable_draft, publish, replace_draft, version_document

T = Texts


def rich_document() -> Questionnaire:
    """Questions with rules, a binding and choices, on two pages."""
    return Questionnaire(T("满意度", "Satisfaction"), (
        Page("p1", T("一", "One"), (
            Question("age", "numeric", T("年龄", "Age"), validation=". >= 0 and . <= 120",
                     validation_message=T("年龄不对", "Not an age")),
            Question("channel", "single_choice", T("渠道", "Channel"), show_if="age >= 18",
                     choices=(Choice("web", T("网站", "Website")), Choice("shop", T("门店", "Shop"))),
                     settings=SingleChoiceSettings(other=True)),
            Question("sat", "rating", T("满意吗", "Satisfied?"), required=True,
                     binding=Binding("acsi", "value", "PQ"), settings=RatingSettings(min=1, max=7)),
        )),
        Page("p2", T("二", "Two"), (Question("why", "text", T("原因", "Why")),), show_if="channel = 'web'"),
    ))


@pytest.fixture
def setting(session, make_user):
    designer, other = make_user("designer"), make_user("designer", "other@example.com")
    version = create_questionnaire(session, rich_document())
    session.commit()
    return version, designer.id, other.id


def _delete(session, version, user_id, code: str) -> draft_undo.Deletion:
    before = version_document(version)
    page_index, _position = editing.locate(before, code)
    replace_draft(session, version, editing.delete_question(before, code))
    deletion = draft_undo.record_deletion(session, version, user_id, kind="question", codes=(code,),
                                          container=before.pages[page_index].code, before=before)
    session.commit()
    return deletion


def test_undo_puts_back_exactly_the_draft_before_the_deletion(session, setting) -> None:
    version, designer, _other = setting
    original = to_json(version_document(version))
    deletion = _delete(session, version, designer, "channel")
    assert [q.code for q in version_document(version).questions()] == ["age", "sat", "why"]
    assert draft_undo.undoable(session, version, designer, version_document(version)) == deletion
    assert (deletion.kind, deletion.codes, deletion.container) == ("question", ("channel",), "p1")

    assert draft_undo.undo_deletion(session, version.questionnaire_id, deletion.id, designer) == deletion
    session.commit()
    session.expire_all()
    restored = version_document(version)
    assert to_json(restored) == original
    assert restored.question("channel").show_if == "age >= 18" and restored.question("channel").settings.other
    assert session.scalar(select(func.count()).select_from(DraftSnapshot)) == 0
    assert draft_undo.undoable(session, version, designer, restored) is None


def test_undo_is_refused_after_any_other_change_and_nothing_is_written(session, setting) -> None:
    version, designer, _other = setting
    deletion = _delete(session, version, designer, "sat")
    changed = editing.move_page(version_document(version), 1, "up")
    replace_draft(session, version, changed)
    session.commit()
    assert draft_undo.undoable(session, version, designer, version_document(version)) is None
    with pytest.raises(UndoRefused) as refused:
        draft_undo.undo_deletion(session, version.questionnaire_id, deletion.id, designer)
    assert refused.value.rule == "changed" and refused.value.deletion == deletion
    session.rollback()
    assert to_json(version_document(version)) == to_json(changed)
    assert session.get(DraftSnapshot, deletion.id) is not None  # kept: the page may move back


def test_only_the_designer_who_deleted_may_undo_and_only_in_that_questionnaire(session, setting) -> None:
    version, designer, other = setting
    deletion = _delete(session, version, designer, "why")
    assert draft_undo.undoable(session, version, other, version_document(version)) is None
    for questionnaire_id, user_id in ((version.questionnaire_id, other), (version.questionnaire_id + 1, designer)):
        with pytest.raises(UndoRefused) as refused:
            draft_undo.undo_deletion(session, questionnaire_id, deletion.id, user_id)
        assert refused.value.rule == "gone" and refused.value.deletion is None
    with pytest.raises(UndoRefused):
        draft_undo.undo_deletion(session, version.questionnaire_id, deletion.id + 100, designer)


def test_a_published_version_is_not_changed_by_an_undo(session, setting) -> None:
    version, designer, _other = setting
    deletion = _delete(session, version, designer, "why")
    publish(session, version)
    session.commit()
    assert draft_undo.undoable(session, version, designer, version_document(version)) is None
    with pytest.raises(UndoRefused) as refused:
        draft_undo.undo_deletion(session, version.questionnaire_id, deletion.id, designer)
    assert refused.value.rule == "published"
    draft = editable_draft(session, version.questionnaire_id)  # the next draft starts from the published one
    with pytest.raises(UndoRefused) as refused:
        draft_undo.undo_deletion(session, version.questionnaire_id, deletion.id, designer)
    assert refused.value.rule == "published" and "why" not in [q.code for q in version_document(draft).questions()]


def test_deletions_undo_newest_first_and_the_last_ten_are_kept(session, setting) -> None:
    version, designer, other = setting
    original = to_json(version_document(version))
    first = _delete(session, version, designer, "sat")
    second = _delete(session, version, designer, "age")
    assert draft_undo.undoable(session, version, designer, version_document(version)) == second
    with pytest.raises(UndoRefused) as refused:  # the older one waits until the newer is undone
        draft_undo.undo_deletion(session, version.questionnaire_id, first.id, designer)
    assert refused.value.rule == "changed"
    session.rollback()
    draft_undo.undo_deletion(session, version.questionnaire_id, second.id, designer)
    assert draft_undo.undoable(session, version, designer, version_document(version)) == first
    draft_undo.undo_deletion(session, version.questionnaire_id, first.id, designer)
    session.commit()
    assert to_json(version_document(version)) == original

    _delete(session, version, other, "why")  # another designer's deletions are kept apart
    for number in range(KEEP + 2):  # add a question and delete it, twelve times
        document = version_document(version)
        replace_draft(session, version, editing.put_question(
            document, 0, Question(f"extra_{number}", "text", T("加", "Extra"))))
        _delete(session, version, designer, f"extra_{number}")
    kept = session.scalars(select(DraftSnapshot.details).where(DraftSnapshot.user_id == designer)
                           .order_by(DraftSnapshot.id)).all()
    assert [details["codes"] for details in kept] == [[f"extra_{n}"] for n in range(2, KEEP + 2)]
    assert session.scalar(select(func.count()).where(DraftSnapshot.user_id == other)) == 1
