"""revocable sessions: users.session_token

Every session and remember-me cookie carries the user's session token (survey/auth/sessions.py);
replacing it ends them all. Existing users get a random token each, so cookies issued before
this revision (which carry no token) stop working: everyone signs in once more.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 06:00:00
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One random value per row, computed by the database (works offline too): 192 bits or more.
_RANDOM_TOKEN = {
    'postgresql': "replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')",
    'sqlite': 'lower(hex(randomblob(24)))',
}


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    dialect = op.get_context().dialect.name
    if dialect in _RANDOM_TOKEN:
        op.execute(f'UPDATE users SET session_token = {_RANDOM_TOKEN[dialect]}')
    else:
        connection = op.get_bind()
        for (user_id,) in connection.execute(sa.text('SELECT id FROM users')):
            connection.execute(sa.text('UPDATE users SET session_token = :token WHERE id = :id'),
                               {'token': secrets.token_urlsafe(24), 'id': user_id})
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
