from __future__ import annotations

from sqlalchemy import select

from models import User


def test_users_create_with_role(runner, session) -> None:
    result = runner.invoke(args=["users", "create", "ana@example.com", "--role", "analyst", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "ana@example.com")).one()
    assert user.role == "analyst"
    listed = runner.invoke(args=["users", "list"])
    assert "ana@example.com\tanalyst\tactive" in listed.output


def test_users_create_rejects_bad_role_and_short_password(runner, session) -> None:
    bad_role = runner.invoke(args=["users", "create", "x@example.com", "--role", "boss", "--password", "long enough pw"])
    assert bad_role.exit_code != 0 and "boss" in bad_role.output
    short = runner.invoke(args=["users", "create", "x@example.com", "--role", "viewer", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    duplicate = runner.invoke(args=["users", "create", "y@example.com", "--role", "viewer", "--password", "long enough pw"])
    again = runner.invoke(args=["users", "create", "Y@example.com", "--role", "viewer", "--password", "long enough pw"])
    assert duplicate.exit_code == 0 and again.exit_code != 0 and "already exists" in again.output
    assert session.scalars(select(User)).all().__len__() == 1
