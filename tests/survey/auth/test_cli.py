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


def test_users_create_and_set_password_refuse_guessable_passwords(runner, session, make_user) -> None:
    for password in ("aaaaaaaaaa", "password12"):
        result = runner.invoke(args=["users", "create", "z@example.com", "--role", "viewer", "--password", password])
        assert result.exit_code != 0 and "too easy to guess" in result.output, result.output
    assert session.scalars(select(User)).all() == []
    session.rollback()  # end the read transaction (SQLite's write lock) before others write
    user = make_user("viewer")
    before = session.get(User, user.id)
    hash_before, token_before = before.password_hash, before.session_token
    session.rollback()
    weak = runner.invoke(args=["users", "set-password", user.email, "--password", "password12"])
    assert weak.exit_code != 0 and "commonly used password" in weak.output
    after = session.get(User, user.id)
    assert (after.password_hash, after.session_token) == (hash_before, token_before)
