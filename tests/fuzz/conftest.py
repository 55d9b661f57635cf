"""Fixtures of the fuzz gate (helpers and strategies live in :mod:`fuzz.hostile`)."""
from __future__ import annotations

import pytest
from flask import Flask

from models import QuestionnaireVersion
from survey.db import get_session
from survey.services.questionnaires import create_questionnaire, publish
from fuzz.hostile import free_answers


@pytest.fixture
def published(app: Flask) -> QuestionnaireVersion:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, free_answers()))
        session.commit()
        return version
