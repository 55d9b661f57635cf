"""message distribution: templates, send batches, deliveries, opt-outs, periodic slots;
invitations get a name (for {{name}} in messages) and the time their link was first opened

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:05:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('opt_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('customer_ref', sa.String(length=128), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opt_outs')),
    sa.UniqueConstraint('address', name=op.f('uq_opt_outs_address'))
    )
    with op.batch_alter_table('opt_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opt_outs_customer_ref'), ['customer_ref'], unique=False)

    op.create_table('periodic_runs',
    sa.Column('task', sa.String(length=64), nullable=False),
    sa.Column('slot', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('task', 'slot', name=op.f('pk_periodic_runs'))
    )
    op.create_table('message_templates',
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('invite_subject_zh', sa.String(length=200), nullable=False),
    sa.Column('invite_subject_en', sa.String(length=200), nullable=False),
    sa.Column('invite_body_zh', sa.Text(), nullable=False),
    sa.Column('invite_body_en', sa.Text(), nullable=False),
    sa.Column('reminder_subject_zh', sa.String(length=200), nullable=False),
    sa.Column('reminder_subject_en', sa.String(length=200), nullable=False),
    sa.Column('reminder_body_zh', sa.Text(), nullable=False),
    sa.Column('reminder_body_en', sa.Text(), nullable=False),
    sa.Column('reminder_days', sa.String(length=64), nullable=False),
    sa.Column('reminders_on', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_message_templates_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('questionnaire_id', name=op.f('pk_message_templates'))
    )
    op.create_table('send_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('started_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('invitation', 'reminder', 'test')", name=op.f('ck_send_batches_kind_known')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_send_batches_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_send_batches'))
    )
    with op.batch_alter_table('send_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_send_batches_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'skipped')", name=op.f('ck_deliveries_status_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['send_batches.id'], name=op.f('fk_deliveries_batch_id_send_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_deliveries_invitation_id_invitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('invitation_id', 'sequence', name=op.f('uq_deliveries_invitation_id_sequence'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_deliveries_status_due', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('opened_at')
        batch_op.drop_column('name')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_due')
        batch_op.drop_index(batch_op.f('ix_deliveries_batch_id'))

    op.drop_table('deliveries')
    with op.batch_alter_table('send_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_send_batches_questionnaire_id'))

    op.drop_table('send_batches')
    op.drop_table('message_templates')
    op.drop_table('periodic_runs')
    with op.batch_alter_table('opt_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opt_outs_customer_ref'))

    op.drop_table('opt_outs')
