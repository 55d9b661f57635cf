"""draft snapshots: the draft document before each of the editor's deletions, so that the
designer who deleted can undo it (the newest 10 per draft and designer are kept)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 23:50:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('draft_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('after_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('question', 'page', 'choices', 'rows')", name=op.f('ck_draft_snapshots_kind_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_draft_snapshots_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_draft_snapshots_version_id_questionnaire_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_snapshots'))
    )
    with op.batch_alter_table('draft_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_snapshots_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_draft_snapshots_version_user', ['version_id', 'user_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('draft_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_draft_snapshots_version_user')
        batch_op.drop_index(batch_op.f('ix_draft_snapshots_user_id'))

    op.drop_table('draft_snapshots')
