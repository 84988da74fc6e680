"""engagement meetings: the inspectorates' meetings with an area's partnership between inspections

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('engagement_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('engagement_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_meetings_area_id'), ['area_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('engagement_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_meetings_area_id'))
    op.drop_table('engagement_meetings')
