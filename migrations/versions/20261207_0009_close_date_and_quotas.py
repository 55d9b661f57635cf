"""close date and quotas: questionnaires.close_at; quotas (total, per segment value, per answer)
whose filled count the database keeps within the limit

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 15:10:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('limit', sa.Integer(), nullable=False),
    sa.Column('filled', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('total', 'segment', 'answer')", name=op.f('ck_quotas_kind_known')),
    sa.CheckConstraint('"limit" > 0', name=op.f('ck_quotas_limit_positive')),
    sa.CheckConstraint('filled >= 0 AND filled <= "limit"', name=op.f('ck_quotas_filled_within_limit')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_quotas_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotas')),
    sa.UniqueConstraint('questionnaire_id', 'kind', 'key', 'value', name=op.f('uq_quotas_questionnaire_id_kind_key_value'))
    )
    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotas_questionnaire_id'), ['questionnaire_id'], unique=False)

    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('close_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('close_at')

    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotas_questionnaire_id'))

    op.drop_table('quotas')
