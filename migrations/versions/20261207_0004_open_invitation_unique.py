"""one open uploaded invitation per customer and questionnaire: uq_invitations_open_customer

Duplicates already stored (concurrent uploads on PostgreSQL could make them) are closed first:
per (questionnaire, customer) the started invitation, else the oldest pending one, stays open.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 06:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_UPLOADED = ("status IN ('pending', 'started') AND complaint_case_id IS NULL"
                 " AND customer_ref <> ''")

# Close an open uploaded invitation when another one of the same customer and questionnaire
# ranks before it: started before pending, then the lower id.
CLOSE_DUPLICATES = f"""
UPDATE invitations SET status = 'closed'
WHERE {OPEN_UPLOADED}
  AND EXISTS (
    SELECT 1 FROM invitations AS keep
    WHERE keep.questionnaire_id = invitations.questionnaire_id
      AND keep.customer_ref = invitations.customer_ref
      AND keep.status IN ('pending', 'started') AND keep.complaint_case_id IS NULL
      AND ((keep.status = 'started' AND invitations.status = 'pending')
           OR (keep.status = invitations.status AND keep.id < invitations.id))
  )
"""


def upgrade() -> None:
    op.execute(CLOSE_DUPLICATES)
    op.create_index('uq_invitations_open_customer', 'invitations',
                    ['questionnaire_id', 'customer_ref'], unique=True,
                    postgresql_where=sa.text(OPEN_UPLOADED), sqlite_where=sa.text(OPEN_UPLOADED))


def downgrade() -> None:
    op.drop_index('uq_invitations_open_customer', table_name='invitations')
