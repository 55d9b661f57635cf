"""Fixtures shared by the service tests."""
from __future__ import annotations

import pytest

from survey.questionnaire.templates import complaint_followup
from survey.services.questionnaires import create_questionnaire, publish


@pytest.fixture
def followup(session):
    """A published complaint follow-up questionnaire (its version)."""
    version = publish(session, create_questionnaire(session, complaint_followup()))
    session.commit()
    return version
