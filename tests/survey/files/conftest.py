"""Fixtures of the file-job tests: a questionnaire with responses, and a job's file on disk."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import insert

from models import FileJob, Response
from survey.db import get_session
from survey.questionnaire import document as doc
from survey.services import questionnaires

T = doc.Texts


@dataclass(frozen=True)
class Survey:
    questionnaire_id: int
    version_id: int
    workspace_id: int


@pytest.fixture
def add_responses(app: Flask) -> Callable[..., None]:
    """``add_responses(version_id, count)``: that many complete responses in one bulk insert."""
    return functools.partial(_add_responses, app)


def _add_responses(app: Flask, version_id: int, count: int, *, start: int = 0) -> None:
    rows = [{"version_id": version_id, "resume_token": f"r{start + i}", "status": "complete", "channel": "web",
             "language": "zh_CN", "answers": {"SATIS": 1 + i % 5, "comment": f"=cmd{i}" if i % 7 == 0 else f"好 {i}"},
             "segment": {"region": ["华东", "north"][i % 2]}}
            for i in range(count)]
    with app.app_context():
        session = get_session()
        session.execute(insert(Response), rows)
        session.commit()


@pytest.fixture
def survey(app: Flask) -> Survey:
    """A published questionnaire (a rating, a choice, a text question) with 3 complete responses
    and one partial."""
    document = doc.Questionnaire(T("满意度调查", "Satisfaction survey"), (doc.Page("p1", T("页", "Page"), (
        doc.Question("SATIS", "rating", T("总体满意度", "Overall satisfaction"),
                     settings=doc.ScaleSettings(1, 5, dont_know=True)),
        doc.Question("features", "multiple_choice", T("功能", "Features"),
                     choices=(doc.Choice("a", T("甲", "A")), doc.Choice("b", T("乙", "B")))),
        doc.Question("comment", "text", T("意见", "Comments")),
    )),))
    with app.app_context():
        session = get_session()
        version = questionnaires.create_questionnaire(session, document)
        questionnaires.publish(session, version)
        session.add_all([
            Response(version_id=version.id, resume_token="a", status="complete",
                     answers={"SATIS": 4, "features": ["b"], "comment": "=1+1"}, segment={"region": "华东"}),
            Response(version_id=version.id, resume_token="b", status="complete",
                     answers={"SATIS": "dont_know", "comment": "很好"}),
            Response(version_id=version.id, resume_token="c", status="complete", answers={"SATIS": 2}),
            Response(version_id=version.id, resume_token="d", status="partial", answers={"SATIS": 1}),
        ])
        session.commit()
        return Survey(version.questionnaire_id, version.id, version.questionnaire.workspace_id)


@pytest.fixture
def made_job(app: Flask) -> Callable[..., int]:
    """``made_job(owner_id=, survey=)``: a finished job of the owner with its file in the jobs
    folder (no worker involved)."""
    return functools.partial(_made_job, app)


def _made_job(app: Flask, *, owner_id: int, survey: Survey, kind: str = "export", content: bytes = b"a,b\r\n",
              expires_in: timedelta = timedelta(hours=1), status: str = "done") -> int:
    extension = "pdf" if kind == "pdf" else "csv"
    with app.app_context():
        session = get_session()
        now = datetime.now(UTC)
        job = FileJob(kind=kind, owner_id=owner_id, workspace_id=survey.workspace_id,
                      questionnaire_id=survey.questionnaire_id, status=status, progress=1.0,
                      parameters={"format": extension}, file_name=f"made.{extension}", size=len(content),
                      updated_at=now, finished_at=now, expires_at=now + expires_in)
        session.add(job)
        session.flush()
        job.file_path = f"{job.id}-test.{extension}"
        session.commit()
        folder = Path(app.config["FILE_JOBS_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / job.file_path).write_bytes(content)
        return job.id
