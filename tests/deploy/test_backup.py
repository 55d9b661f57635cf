"""deploy/backup.sh and deploy/restore.sh as cron and an operator run them: a fresh process with
the app's environment, backing up the embedded SQLite database into a folder and restoring it.
(The PostgreSQL path of the same command is tested in tests/survey/backups/test_dumps.py.)"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from models import Base
from survey.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "deploy" / script), *args], env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_backup_then_restore_with_the_scripts(tmp_path) -> None:
    live = tmp_path / "live.sqlite3"
    Base.metadata.create_all(make_engine(f"sqlite:///{live}"))
    with sqlite3.connect(live) as connection:
        connection.execute("INSERT INTO workspaces (name, created_at) VALUES ('before the backup', CURRENT_TIMESTAMP)")
    env = {**os.environ, "XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{live}", "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_KEEP": "3",
           "FLASK": str(Path(sys.executable).parent / "flask")}
    made = _run("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    [backup] = (tmp_path / "backups").glob("xinsheng-*.sqlite3")
    with sqlite3.connect(live) as connection:
        connection.execute("INSERT INTO workspaces (name, created_at) VALUES ('after the backup', CURRENT_TIMESTAMP)")
    refused = _run("restore.sh", str(backup), env=env)  # no --yes and nobody to answer: nothing happens
    assert refused.returncode != 0
    assert _names(live) == ["after the backup", "before the backup"]
    restored = _run("restore.sh", str(backup), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr
    assert _names(live) == ["before the backup"]
    assert _run("restore.sh", env=env).returncode == 2


def _names(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return sorted(name for (name,) in connection.execute("SELECT name FROM workspaces"))
