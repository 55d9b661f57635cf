"""task assignees and history: a follow-up task can be assigned to a user; every change of status,
owner or assignee is kept with who made it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 15:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('followup_task_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['followup_tasks.id'], name=op.f('fk_followup_task_events_task_id_followup_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_task_events'))
    )
    with op.batch_alter_table('followup_task_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_task_events_task_id'), ['task_id'], unique=False)

    with op.batch_alter_table('followup_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_followup_tasks_assignee_id_users'), 'users', ['assignee_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('followup_tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_followup_tasks_assignee_id_users'), type_='foreignkey')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('followup_task_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_task_events_task_id'))

    op.drop_table('followup_task_events')