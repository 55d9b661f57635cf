"""registered question types: the questions table accepts time, datetime, slider, ranking and
constant_sum (survey/questionnaire/types)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 00:10:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TYPES = ('single_choice', 'multiple_choice', 'rating', 'nps', 'matrix', 'kano', 'yes_no',
             'numeric', 'text', 'long_text', 'date', 'info')
NEW_TYPES = ('time', 'datetime', 'slider', 'ranking', 'constant_sum')


def _check(types: tuple[str, ...]) -> str:
    return f"type IN ({', '.join(repr(t) for t in types)})"


def upgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_questions_type_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_questions_type_known'),
                                         _check(OLD_TYPES + NEW_TYPES))


def downgrade() -> None:
    used = op.get_bind().execute(sa.text(
        f"SELECT COUNT(*) FROM questions WHERE type IN ({', '.join(repr(t) for t in NEW_TYPES)})"
    )).scalar_one()
    if used:
        raise RuntimeError(f"{used} stored questions are of the types {', '.join(NEW_TYPES)}, which "
                           "revision 0018 does not know; delete those questions (or their "
                           "versions) before downgrading")
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_questions_type_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_questions_type_known'), _check(OLD_TYPES))
