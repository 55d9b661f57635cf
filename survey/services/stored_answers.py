"""The answers stored for some variables of a questionnaire, across all its versions."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import QuestionnaireVersion, Response


def stored_values(session: Session, questionnaire_id: int, codes: Iterable[str]) -> dict[str, list[object]]:
    """Variable code → every answer stored for it (decoded JSON values, unanswered left out) in
    the responses, partial or complete, to any version of questionnaire ``questionnaire_id``."""
    found: dict[str, list[object]] = {}
    versions = select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    for code in dict.fromkeys(codes):
        rows = session.execute(select(Response.answers[code]).where(Response.version_id.in_(versions))
                               .execution_options(yield_per=2000)).scalars()
        found[code] = [value for value in rows if value is not None]
    return found
