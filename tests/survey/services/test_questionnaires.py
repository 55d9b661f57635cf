from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Question, QuestionnaireVersion
from survey.questionnaire.document import Texts
from survey.questionnaire.templates import acsi_standard, complaint_followup, kano_battery
from survey.services.questionnaires import (
    QuestionnaireStateError,
    archive,
    clone_questionnaire,
    create_questionnaire,
    editable_draft,
    publish,
    replace_draft,
    version_document,
)


@pytest.mark.parametrize(
    "build",
    [acsi_standard, complaint_followup,
     lambda: kano_battery([Texts("快速配送", "Fast delivery"), Texts("礼品包装", "Gift wrapping")])],
)
def test_templates_round_trip_through_the_database(session, build) -> None:
    document = build()
    version = create_questionnaire(session, document)
    session.commit()
    session.expire_all()
    stored = session.get(QuestionnaireVersion, version.id)
    assert version_document(stored) == document


def test_published_version_is_immutable_and_edits_go_to_a_new_draft(session) -> None:
    version = create_questionnaire(session, acsi_standard())
    publish(session, version)
    session.commit()
    assert version.public_token and version.published_at is not None
    with pytest.raises(QuestionnaireStateError, match="published"):
        replace_draft(session, version, acsi_standard())
    draft = editable_draft(session, version.questionnaire_id)
    assert (draft.number, draft.state) == (2, "draft")
    assert editable_draft(session, version.questionnaire_id).id == draft.id
    smaller = acsi_standard()
    smaller = type(smaller)(title=Texts("新标题", "New title"), pages=smaller.pages[:1], kind=smaller.kind)
    replace_draft(session, draft, smaller)
    session.commit()
    assert version_document(draft).title.en == "New title"
    # version 1 still holds every question it was published with
    counts = dict(session.execute(
        select(Question.version_id, func.count()).group_by(Question.version_id)).all())
    assert counts[version.id] == len(list(acsi_standard().questions()))
    assert counts[draft.id] == len(smaller.pages[0].questions)


def test_clone_and_archive(session) -> None:
    version = create_questionnaire(session, complaint_followup())
    clone = clone_questionnaire(session, version.questionnaire_id)
    assert clone.questionnaire_id != version.questionnaire_id
    assert version_document(clone).title.en.endswith("(copy)")
    archive(session, version.questionnaire)
    with pytest.raises(QuestionnaireStateError, match="archived"):
        publish(session, version)
