"""report schedules: weekly or monthly analyses of a rolling period whose summary and PDF are
e-mailed to a list of recipients

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 20:10:18.791302
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('report_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.String(length=8), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('recipients', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_code', sa.String(length=40), nullable=False),
    sa.Column('last_parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("frequency IN ('weekly', 'monthly')", name=op.f('ck_report_schedules_frequency_known')),
    sa.CheckConstraint("language IN ('zh_CN', 'en')", name=op.f('ck_report_schedules_language_known')),
    sa.CheckConstraint('period_days >= 1 AND period_days <= 366', name=op.f('ck_report_schedules_period_days_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_report_schedules_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_run_id'], ['analysis_runs.id'], name=op.f('fk_report_schedules_last_run_id_analysis_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_report_schedules_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules'))
    )
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_schedules_next_run_at'), ['next_run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_schedules_questionnaire_id'), ['questionnaire_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_schedules_questionnaire_id'))
        batch_op.drop_index(batch_op.f('ix_report_schedules_next_run_at'))

    op.drop_table('report_schedules')
