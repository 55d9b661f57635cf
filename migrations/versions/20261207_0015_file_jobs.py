"""file jobs: response exports and report PDFs made by the job worker, with their status,
progress, failure message (a code and its parameters), file and expiry

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 19:35:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('file_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Double(), nullable=False),
    sa.Column('message_code', sa.String(length=40), nullable=False),
    sa.Column('message_parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('file_path', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('export', 'pdf')", name=op.f('ck_file_jobs_kind_known')),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')", name=op.f('ck_file_jobs_status_known')),
    sa.CheckConstraint('progress >= 0 AND progress <= 1', name=op.f('ck_file_jobs_progress_fraction')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_file_jobs_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_file_jobs_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['analysis_runs.id'], name=op.f('fk_file_jobs_run_id_analysis_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_file_jobs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_jobs'))
    )
    with op.batch_alter_table('file_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_jobs_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_file_jobs_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_file_jobs_questionnaire_id'), ['questionnaire_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_file_jobs_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('file_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_jobs_run_id'))
        batch_op.drop_index(batch_op.f('ix_file_jobs_questionnaire_id'))
        batch_op.drop_index(batch_op.f('ix_file_jobs_owner_id'))
        batch_op.drop_index(batch_op.f('ix_file_jobs_expires_at'))

    op.drop_table('file_jobs')
