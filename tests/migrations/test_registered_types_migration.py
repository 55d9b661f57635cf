"""Revision 0019 lets the questions table hold the registered types; its downgrade restores the
old rule."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

ROOT = Path(__file__).resolve().parents[2]


def _type_rule(engine) -> str:
    rules = {c["name"]: c["sqltext"] for c in inspect(engine).get_check_constraints("questions")}
    return str(rules["ck_questions_type_known"])


def test_upgrade_adds_the_types_and_downgrade_removes_them(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'types.sqlite3'}")
    config = Config(str(ROOT / "alembic.ini"))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0019")
        rule = _type_rule(engine)
        assert all(f"'{name}'" in rule for name in ("time", "datetime", "slider", "ranking",
                                                     "constant_sum", "kano", "info"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0018")
        rule = _type_rule(engine)
        assert "'slider'" not in rule and "'kano'" in rule
    finally:
        engine.dispose()
