from __future__ import annotations

import re

from sqlalchemy import func, select

from models import AnalysisRun, User
from support import login


def test_seed_prints_the_admin_once_and_is_idempotent(runner, session, client) -> None:
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    password = re.search(r"password: (\S+)", first.output).group(1)
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0 and "password" not in second.output and "already exists" in second.output
    assert "Seeded 3 demo questionnaires" in first.output and "nothing to do" in second.output
    assert session.scalar(select(func.count()).select_from(User)) == 1
    runs = session.scalars(select(AnalysisRun)).all()
    assert len(runs) == 6 and {r.status for r in runs} == {"succeeded"}
    assert login(client, "admin@example.com", password).status_code == 302
