from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from models import QuestionnaireVersion, Response
from survey.db import engine
from survey.services.demo import seed_demo
from survey.services.questionnaires import version_document
from survey.services.response_matrix import load_numeric_answers


def test_demo_has_about_5000_valid_responses_with_segment_structure(app, session) -> None:
    summary = seed_demo(session)
    session.commit()
    assert summary.questionnaires == 3 and summary.responses == 5000
    assert seed_demo(session) is None  # idempotent
    assert session.scalar(select(func.count()).select_from(Response)) == 5000

    versions = session.scalars(select(QuestionnaireVersion)).all()
    for version in versions:
        assert version.state == "published"
        document = version_document(version)
        codes = {variable.code for variable in document.variables()}
        for answers in session.scalars(select(Response.answers).where(Response.version_id == version.id)):
            assert set(answers) <= codes, set(answers) - codes

    acsi = next(v for v in versions if version_document(v).kind == "acsi")
    frame = load_numeric_answers(engine(), version_ids=[acsi.id], variables=["satis", "overallq"])
    segments = pd.DataFrame(
        session.execute(select(Response.id, Response.segment).where(Response.version_id == acsi.id)).all(),
        columns=["id", "segment"],
    ).set_index("id")["segment"].apply(pd.Series)
    joined = frame.join(segments)
    happy = joined[(joined.region == "south") & (joined.tier == "gold")]["satis"].mean()
    unhappy = joined[(joined.region == "east") & (joined.tier == "bronze")]["satis"].mean()
    assert happy - unhappy > 0.5  # segments differ for real
    assert frame["satis"].between(1, 10).all()
