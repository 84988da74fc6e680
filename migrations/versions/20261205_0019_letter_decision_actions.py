"""the 2023 decision's areas for priority action and areas for improvement, each with its responsible bodies

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing decisions (2016 ones, and 2023 ones that held the outcome alone) start with neither list.
    with op.batch_alter_table('letter_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_actions', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('areas_for_improvement', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('letter_decisions', schema=None) as batch_op:
        batch_op.drop_column('areas_for_improvement')
        batch_op.drop_column('priority_actions')
