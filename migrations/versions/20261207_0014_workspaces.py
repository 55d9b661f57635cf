"""workspaces: questionnaires and complaint cases belong to a workspace; users see the workspaces
they are members of (admins all). Everything that exists lands in one default workspace, with
every non-admin user a member of it, so nobody loses sight of anything on upgrade. Analysis runs
name their questionnaire; API tokens may be held to one workspace.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 17:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_NAME = "默认 · Default"


def upgrade() -> None:
    op.create_table('workspaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workspaces')),
    sa.UniqueConstraint('name', name=op.f('uq_workspaces_name'))
    )
    op.create_table('workspace_members',
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_workspace_members_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_workspace_members_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id', 'user_id', name=op.f('pk_workspace_members'))
    )
    with op.batch_alter_table('workspace_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_members_user_id'), ['user_id'], unique=False)

    connection = op.get_bind()
    workspace_id = connection.execute(
        sa.text("INSERT INTO workspaces (name) VALUES (:name) RETURNING id"), {"name": DEFAULT_NAME}).scalar_one()
    connection.execute(sa.text("INSERT INTO workspace_members (workspace_id, user_id) "
                               "SELECT :workspace, id FROM users WHERE role <> 'admin'"), {"workspace": workspace_id})

    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))
    connection.execute(sa.text("UPDATE questionnaires SET workspace_id = :workspace"), {"workspace": workspace_id})
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.alter_column('workspace_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_questionnaires_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_questionnaires_workspace_id_workspaces'), 'workspaces', ['workspace_id'], ['id'])

    with op.batch_alter_table('complaint_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))
    connection.execute(sa.text("UPDATE complaint_cases SET workspace_id = :workspace"), {"workspace": workspace_id})
    with op.batch_alter_table('complaint_cases', schema=None) as batch_op:
        batch_op.alter_column('workspace_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_complaint_cases_case_ref'), type_='unique')
        batch_op.create_index(batch_op.f('ix_complaint_cases_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_complaint_cases_workspace_id_case_ref'), ['workspace_id', 'case_ref'])
        batch_op.create_foreign_key(batch_op.f('fk_complaint_cases_workspace_id_workspaces'), 'workspaces', ['workspace_id'], ['id'])

    with op.batch_alter_table('analysis_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_analysis_runs_questionnaire_id'), ['questionnaire_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_analysis_runs_questionnaire_id_questionnaires'), 'questionnaires', ['questionnaire_id'], ['id'], ondelete='SET NULL')
    # A run analyses versions of one questionnaire (create_run checks it): the first names it.
    owners = dict(connection.execute(sa.text("SELECT id, questionnaire_id FROM questionnaire_versions")).all())
    runs = sa.table('analysis_runs', sa.column('id', sa.Integer()), sa.column('parameters', sa.JSON()),
                    sa.column('questionnaire_id', sa.Integer()))
    for run_id, parameters in connection.execute(sa.select(runs.c.id, runs.c.parameters)).all():
        versions = (parameters or {}).get("version_ids") or []
        owner = owners.get(int(versions[0])) if versions else None
        if owner is not None:
            connection.execute(runs.update().where(runs.c.id == run_id).values(questionnaire_id=owner))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_api_tokens_workspace_id_workspaces'), 'workspaces', ['workspace_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_tokens_workspace_id_workspaces'), type_='foreignkey')
        batch_op.drop_column('workspace_id')

    with op.batch_alter_table('analysis_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_analysis_runs_questionnaire_id_questionnaires'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_analysis_runs_questionnaire_id'))
        batch_op.drop_column('questionnaire_id')

    with op.batch_alter_table('complaint_cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaint_cases_workspace_id_workspaces'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_complaint_cases_workspace_id_case_ref'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_complaint_cases_workspace_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_complaint_cases_case_ref'), ['case_ref'])
        batch_op.drop_column('workspace_id')

    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questionnaires_workspace_id_workspaces'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_questionnaires_workspace_id'))
        batch_op.drop_column('workspace_id')

    with op.batch_alter_table('workspace_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workspace_members_user_id'))

    op.drop_table('workspace_members')
    op.drop_table('workspaces')
