"""Helpers shared by tests (importable as ``support``; fixtures live in conftest.py)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

TEST_PASSWORD = "correct horse battery staple"

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """The CSRF token the server puts in a form on ``path`` for this client's session."""
    html = client.get(path).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, email: str, password: str = TEST_PASSWORD):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
    )


def sign_in_browser(page, live_server: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login form in a real browser (a Playwright ``page``)."""
    from playwright.sync_api import expect

    page.goto(f"{live_server}/auth/login?lang=en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Welcome to Xinsheng")




class WriteOutage:
    """While on, every statement that writes (UPDATE, INSERT, DELETE) fails as if the database
    server had gone away; reads still work. Use as ``with WriteOutage(monkeypatch) as outage:``;
    ``outage.failures`` counts the statements refused. ``only`` narrows it to statements that
    start so (e.g. ``"INSERT INTO followup_tasks"``): a failure in the middle of a transaction."""

    WRITES = ("UPDATE", "INSERT", "DELETE")

    def __init__(self, monkeypatch, only: str | None = None) -> None:
        self._monkeypatch = monkeypatch
        self.failures = 0
        if only is not None:
            self.WRITES = (only.upper(),)

    def __enter__(self) -> "WriteOutage":
        from sqlalchemy.engine import Connection
        from sqlalchemy.exc import OperationalError

        real_execute = Connection.execute

        def execute(connection, statement, *args, **kwargs):
            if " ".join(str(statement).split()).upper().startswith(self.WRITES):
                self.failures += 1
                raise OperationalError(str(statement)[:40], {}, Exception("server closed the connection"))
            return real_execute(connection, statement, *args, **kwargs)

        self._real = real_execute
        self._monkeypatch.setattr(Connection, "execute", execute)
        return self

    def __exit__(self, *exc_info) -> None:
        from sqlalchemy.engine import Connection

        self._monkeypatch.setattr(Connection, "execute", self._real)


NUMBER_TOLERANCE = 1e-9


def same_numbers(stored, computed, path: str = "") -> None:
    """Equal structure; numbers within NUMBER_TOLERANCE (relative to 1 or their size)."""
    import math

    if isinstance(stored, dict):
        assert set(stored) == set(computed), path
        for key in stored:
            same_numbers(stored[key], computed[key], f"{path}.{key}")
    elif isinstance(stored, list):
        assert len(stored) == len(computed), path
        for i, (a, b) in enumerate(zip(stored, computed)):
            same_numbers(a, b, f"{path}[{i}]")
    elif isinstance(stored, float) or isinstance(computed, float):
        assert math.isclose(stored, computed, rel_tol=NUMBER_TOLERANCE, abs_tol=NUMBER_TOLERANCE), (path, stored, computed)
    else:
        assert stored == computed, path


def seed_two_waves(app, *, holm_p: float = 0.0123) -> tuple[int, int]:
    """The demo ACSI run and a later wave of the same questionnaire whose satisfaction is 5 points
    lower (with a bootstrap CI), stored with a significant permutation change test against the
    demo run (Holm p ``holm_p``, "down"; the shape acsi.segment_tests stores)."""
    import copy

    from sqlalchemy import select

    from models import AnalysisResult, AnalysisRun
    from survey.db import get_session
    from survey.services.demo import seed_demo, seed_demo_analysis

    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        first = session.get(AnalysisRun, seed_demo_analysis(session)[0])
        later = AnalysisRun(status="succeeded", progress=1.0, questionnaire_id=first.questionnaire_id,
                            parameters=dict(first.parameters), stage="done",
                            finished_at=first.finished_at, created_at=first.created_at)
        session.add(later)
        session.flush()
        for row in session.scalars(select(AnalysisResult).where(AnalysisResult.run_id == first.id)):
            payload = copy.deepcopy(row.payload)
            if (row.kind, row.segment) == ("acsi", "all"):
                for index in payload["indices"]["indices"]:
                    if index["construct"] == "satisfaction":
                        index["value"] -= 5.0
                        value = index["value"]
                payload["bootstrap"] = {"resamples": 200, "failed": 0, "intervals_reliable": True, "paths": [],
                                        "indices": [{"name": "satisfaction", "estimate": value, "std_error": 1.2,
                                                     "lower": value - 2.4, "upper": value + 2.4}]}
            session.add(AnalysisResult(run_id=later.id, kind=row.kind, segment=row.segment, payload=payload))
        session.add(AnalysisResult(run_id=later.id, kind="change_tests", segment="all", payload={
            "previous_run": first.id, "overlap": 0, "tests": [
                {"metric": "satisfaction", "test": "permutation", "difference": -5.0, "p_value": 0.004,
                 "p_value_holm": holm_p, "mark": "down", "comparable": True}]}))
        session.commit()
        return first.id, later.id


def sqlite_write_lock_free(database: str) -> bool | str:
    """Whether another connection can take SQLite's database-wide write lock at once (``True``),
    or SQLite's refusal ("database is locked"): what a respondent's submit meets while a worker
    reads."""
    import sqlite3

    other = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        other.close()


def published_token(app, document) -> str:
    """Store ``document`` as a new questionnaire, publish it and return its public link token."""
    from survey.db import get_session
    from survey.services.questionnaires import create_questionnaire, publish

    with app.app_context():
        db = get_session()
        version = create_questionnaire(db, document)
        publish(db, version)
        db.commit()
        return version.public_token
