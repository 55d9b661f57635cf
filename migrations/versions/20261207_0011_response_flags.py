"""response flags: a response marked "test" or "spam" stays out of analyses and exports

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag', sa.String(length=8), server_default='', nullable=False))
        batch_op.create_check_constraint('flag_known', "flag IN ('', 'test', 'spam')")


def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('flag_known', type_='check')
        batch_op.drop_column('flag')

