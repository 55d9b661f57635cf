"""one stable public link per questionnaire: questionnaires.public_token

Every published version had a link of its own, and a link shared before a new version was
published kept collecting answers on the old version. The questionnaire's link always serves
its current published version; an existing questionnaire keeps the link of its first published
version, so links already shared keep working.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 13:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_questionnaires_public_token', ['public_token'])
    op.execute(
        "UPDATE questionnaires SET public_token = (SELECT v.public_token FROM questionnaire_versions v "
        "WHERE v.questionnaire_id = questionnaires.id AND v.public_token IS NOT NULL "
        "ORDER BY v.number LIMIT 1)")


def downgrade() -> None:
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_constraint('uq_questionnaires_public_token', type_='unique')
        batch_op.drop_column('public_token')
