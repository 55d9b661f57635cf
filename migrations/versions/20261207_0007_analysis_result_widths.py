"""room for every stored result name: analysis_results.kind 32 -> 80, segment 200 -> 300

A result's kind is "nps:<question code>" and a code may have 64 characters; its segment is
"<dimension>=<value>", up to 64 + 1 + 200 characters. On PostgreSQL a longer name made the run
fail while storing its results.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 13:50:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('analysis_results', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=32), type_=sa.String(length=80),
                              existing_nullable=False)
        batch_op.alter_column('segment', existing_type=sa.String(length=200), type_=sa.String(length=300),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('analysis_results', schema=None) as batch_op:
        batch_op.alter_column('segment', existing_type=sa.String(length=300), type_=sa.String(length=200),
                              existing_nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=80), type_=sa.String(length=32),
                              existing_nullable=False)
