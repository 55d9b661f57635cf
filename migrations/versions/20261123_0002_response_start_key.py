"""one public-link response per browser: responses.start_key

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_responses_start_key'), ['start_key'])


def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_responses_start_key'), type_='unique')
        batch_op.drop_column('start_key')
