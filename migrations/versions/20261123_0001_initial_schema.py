"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 21:10:06.015086
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('complaint_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_ref', sa.String(length=128), nullable=False),
    sa.Column('customer_ref', sa.String(length=128), nullable=False),
    sa.Column('segment', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('category', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('handler', sa.String(length=128), nullable=False),
    sa.Column('resolution_status', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("resolution_status IN ('open', 'resolved', 'partly_resolved', 'unresolved')", name=op.f('ck_complaint_cases_resolution_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_cases')),
    sa.UniqueConstraint('case_ref', name=op.f('uq_complaint_cases_case_ref'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'designer', 'analyst', 'viewer')", name=op.f('ck_users_role_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('analysis_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Double(), nullable=False),
    sa.Column('stage', sa.String(length=200), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name=op.f('ck_analysis_runs_status_known')),
    sa.CheckConstraint('progress >= 0 AND progress <= 1', name=op.f('ck_analysis_runs_progress_fraction')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_analysis_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis_runs'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'designer', 'analyst', 'viewer')", name=op.f('ck_api_tokens_role_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('acsi', 'kano', 'complaint_followup', 'nps', 'custom')", name=op.f('ck_questionnaires_kind_known')),
    sa.CheckConstraint("status IN ('active', 'archived')", name=op.f('ck_questionnaires_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaires_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaires'))
    )
    op.create_table('analysis_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('segment', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['analysis_runs.id'], name=op.f('fk_analysis_results_run_id_analysis_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis_results')),
    sa.UniqueConstraint('run_id', 'kind', 'segment', name=op.f('uq_analysis_results_run_id_kind_segment'))
    )
    with op.batch_alter_table('analysis_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_results_run_id'), ['run_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('customer_ref', sa.String(length=128), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('segment', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('complaint_case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("language IN ('zh_CN', 'en')", name=op.f('ck_invitations_language_known')),
    sa.CheckConstraint("status IN ('pending', 'started', 'completed', 'closed')", name=op.f('ck_invitations_status_known')),
    sa.ForeignKeyConstraint(['complaint_case_id'], ['complaint_cases.id'], name=op.f('fk_invitations_complaint_case_id_complaint_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_invitations_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('complaint_case_id', name=op.f('uq_invitations_complaint_case_id')),
    sa.UniqueConstraint('token', name=op.f('uq_invitations_token'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('questionnaire_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('default_language', sa.String(length=8), nullable=False),
    sa.Column('public_token', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("default_language IN ('zh_CN', 'en')", name=op.f('ck_questionnaire_versions_default_language_known')),
    sa.CheckConstraint("state IN ('draft', 'published')", name=op.f('ck_questionnaire_versions_state_known')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_versions_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_versions')),
    sa.UniqueConstraint('public_token', name=op.f('uq_questionnaire_versions_public_token')),
    sa.UniqueConstraint('questionnaire_id', 'number', name=op.f('uq_questionnaire_versions_questionnaire_id_number'))
    )
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_versions_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('show_if', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_pages_version_id_questionnaire_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_pages_version_id_code'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_version_id'), ['version_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('resume_token', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('segment', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('last_page', sa.Integer(), nullable=False),
    sa.Column('complaint_case_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('web', 'api', 'import')", name=op.f('ck_responses_channel_known')),
    sa.CheckConstraint("status IN ('partial', 'complete')", name=op.f('ck_responses_status_known')),
    sa.ForeignKeyConstraint(['complaint_case_id'], ['complaint_cases.id'], name=op.f('fk_responses_complaint_case_id_complaint_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_responses_invitation_id_invitations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_responses_version_id_questionnaire_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_responses_idempotency_key')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_responses_invitation_id')),
    sa.UniqueConstraint('resume_token', name=op.f('uq_responses_resume_token'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_complaint_case_id'), ['complaint_case_id'], unique=False)
        batch_op.create_index('ix_responses_version_status_submitted', ['version_id', 'status', 'submitted_at'], unique=False)

    op.create_table('followup_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('complaint_case_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('owner', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done')", name=op.f('ck_followup_tasks_status_known')),
    sa.ForeignKeyConstraint(['complaint_case_id'], ['complaint_cases.id'], name=op.f('fk_followup_tasks_complaint_case_id_complaint_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_followup_tasks_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_tasks')),
    sa.UniqueConstraint('response_id', name=op.f('uq_followup_tasks_response_id'))
    )
    with op.batch_alter_table('followup_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_tasks_complaint_case_id'), ['complaint_case_id'], unique=False)
        batch_op.create_index('ix_followup_tasks_status_due', ['status', 'due_at'], unique=False)

    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('help_zh', sa.Text(), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('show_if', sa.Text(), nullable=True),
    sa.Column('validation', sa.Text(), nullable=True),
    sa.Column('validation_message_zh', sa.Text(), nullable=False),
    sa.Column('validation_message_en', sa.Text(), nullable=False),
    sa.Column('binding_model', sa.String(length=64), nullable=True),
    sa.Column('binding_construct', sa.String(length=64), nullable=True),
    sa.Column('binding_indicator', sa.String(length=64), nullable=True),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.CheckConstraint("type IN ('single_choice', 'multiple_choice', 'rating', 'nps', 'matrix', 'kano', 'yes_no', 'numeric', 'text', 'long_text', 'date', 'info')", name=op.f('ck_questions_type_known')),
    sa.CheckConstraint('(binding_model IS NULL AND binding_construct IS NULL AND binding_indicator IS NULL) OR (binding_model IS NOT NULL AND binding_construct IS NOT NULL AND binding_indicator IS NOT NULL)', name=op.f('ck_questions_binding_complete')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_questions_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_questions_version_id_questionnaire_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_questions_version_id_code'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_page_position', ['page_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_version_id'), ['version_id'], unique=False)

    op.create_table('choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('label_zh', sa.Text(), nullable=False),
    sa.Column('label_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_choices_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_choices')),
    sa.UniqueConstraint('question_id', 'code', name=op.f('uq_choices_question_id_code'))
    )
    with op.batch_alter_table('choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_choices_question_id'), ['question_id'], unique=False)

    op.create_table('matrix_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('binding_model', sa.String(length=64), nullable=True),
    sa.Column('binding_construct', sa.String(length=64), nullable=True),
    sa.Column('binding_indicator', sa.String(length=64), nullable=True),
    sa.CheckConstraint('(binding_model IS NULL AND binding_construct IS NULL AND binding_indicator IS NULL) OR (binding_model IS NOT NULL AND binding_construct IS NOT NULL AND binding_indicator IS NOT NULL)', name=op.f('ck_matrix_rows_binding_complete')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_matrix_rows_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matrix_rows')),
    sa.UniqueConstraint('question_id', 'code', name=op.f('uq_matrix_rows_question_id_code'))
    )
    with op.batch_alter_table('matrix_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matrix_rows_question_id'), ['question_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('matrix_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matrix_rows_question_id'))

    op.drop_table('matrix_rows')
    with op.batch_alter_table('choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_choices_question_id'))

    op.drop_table('choices')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_version_id'))
        batch_op.drop_index('ix_questions_page_position')

    op.drop_table('questions')
    with op.batch_alter_table('followup_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_tasks_status_due')
        batch_op.drop_index(batch_op.f('ix_followup_tasks_complaint_case_id'))

    op.drop_table('followup_tasks')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_version_status_submitted')
        batch_op.drop_index(batch_op.f('ix_responses_complaint_case_id'))

    op.drop_table('responses')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_version_id'))

    op.drop_table('pages')
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_versions_questionnaire_id'))

    op.drop_table('questionnaire_versions')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_questionnaire_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('analysis_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_results_run_id'))

    op.drop_table('analysis_results')
    op.drop_table('questionnaires')
    op.drop_table('api_tokens')
    op.drop_table('analysis_runs')
    op.drop_table('users')
    op.drop_table('complaint_cases')
