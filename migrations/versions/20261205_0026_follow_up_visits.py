"""follow-up visits: an inspection may follow another (a revisit, a monitoring inspection) and carries its
significant weaknesses or areas for priority action, each with the progress judged on it

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('follows_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_inspections_follows_id'), ['follows_id'], unique=False)
        batch_op.create_foreign_key('fk_inspections_follows_id_inspections', 'inspections', ['follows_id'], ['id'],
                                    ondelete='SET NULL')
    op.create_table('carried_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('progress', sa.String(length=30), nullable=True),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('judged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('judged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judged_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspection_id', 'position', name='uq_carried_items_position')
    )
    with op.batch_alter_table('carried_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carried_items_inspection_id'), ['inspection_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('carried_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carried_items_inspection_id'))
    op.drop_table('carried_items')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_inspections_follows_id_inspections', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_inspections_follows_id'))
        batch_op.drop_column('follows_id')
        batch_op.drop_column('visit_kind')
