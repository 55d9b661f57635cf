from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from models.api_tokens import ApiToken
from survey.db import get_session
from survey.services.api_tokens import (
    ApiTokenError, allows, create_token, list_tokens, revoke_token, verify_token,
)


def test_create_stores_only_a_hash_and_verify_finds_it(session) -> None:
    token, secret = create_token(session, "call centre", role="designer")
    session.commit()
    assert secret.startswith("xs_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert verify_token(session, secret).id == token.id
    assert token.last_used_at is not None
    assert verify_token(session, secret + "x") is None
    assert verify_token(session, "") is None and verify_token(session, None) is None
    assert allows(token, "responses:write") and allows(token, "counts:read")


def test_revoked_token_no_longer_verifies(session) -> None:
    token, secret = create_token(session, "crm", role="analyst")
    assert not allows(token, "responses:write") and allows(token, "cases:write")
    revoke_token(session, token.id)
    assert verify_token(session, secret) is None
    with pytest.raises(ApiTokenError):
        revoke_token(session, 999)


@pytest.mark.parametrize(("name", "role"), [("", "designer"), ("x", "owner")])
def test_bad_name_or_role(session, name, role) -> None:
    with pytest.raises(ApiTokenError):
        create_token(session, name, role=role)


def test_cli_create_list_revoke(app, runner) -> None:
    result = runner.invoke(args=["api-tokens", "create", "crm", "--role", "designer"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("xs_")
    listed = runner.invoke(args=["api-tokens", "list"])
    assert "crm" in listed.output and secret not in listed.output and "active" in listed.output
    with app.app_context():
        token_id = get_session().scalars(select(ApiToken.id)).one()
    assert runner.invoke(args=["api-tokens", "revoke", str(token_id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["api-tokens", "list"]).output
    assert runner.invoke(args=["api-tokens", "create", "x", "--role", "owner"]).exit_code != 0
    # the closed-loop commands
    due = runner.invoke(args=["complaints", "invite-due"])
    assert due.exit_code != 0 and "no complaint follow-up questionnaire" in due.output
    sweep = runner.invoke(args=["complaints", "sweep-tasks"])
    assert sweep.exit_code == 0 and "0 follow-up tasks opened" in sweep.output


def test_list_tokens(session) -> None:
    create_token(session, "a", role="viewer")
    create_token(session, "b", role="viewer")
    assert [t.name for t in list_tokens(session)] == ["a", "b"]
