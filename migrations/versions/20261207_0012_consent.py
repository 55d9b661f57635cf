"""consent: a questionnaire may require a consent statement (versioned); each response keeps the
version it accepted and when

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:50:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_required', sa.Boolean(), server_default=sa.text('false'), nullable=False))
        batch_op.add_column(sa.Column('consent_zh', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent_version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consented_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('consented_at')
        batch_op.drop_column('consent_version')

    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consent_en')
        batch_op.drop_column('consent_zh')
        batch_op.drop_column('consent_required')
