"""areas: a local area as a record of its own (name, local authority code, integrated care board), filled from
the inspections' area names and codes, and each inspection linked to its area

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('la_code', sa.String(length=12), nullable=False),
    sa.Column('integrated_care_board', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('la_code')
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_inspections_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key('fk_inspections_area_id_areas', 'areas', ['area_id'], ['id'], ondelete='SET NULL')
    # One area per local authority code, named as its most recent inspection names it (the latest start date,
    # then the latest id), then every inspection linked to the area of its code.
    op.execute("""
        INSERT INTO areas (name, la_code, integrated_care_board, created_at)
        SELECT i.local_area, i.la_code, '', CURRENT_TIMESTAMP FROM inspections i
        WHERE NOT EXISTS (SELECT 1 FROM inspections later WHERE later.la_code = i.la_code
                          AND (later.start_date > i.start_date
                               OR (later.start_date = i.start_date AND later.id > i.id)))
        ORDER BY i.la_code
    """)
    op.execute("UPDATE inspections SET area_id = (SELECT areas.id FROM areas WHERE areas.la_code = inspections.la_code)")


def downgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_inspections_area_id_areas', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_inspections_area_id'))
        batch_op.drop_column('area_id')
    op.drop_table('areas')
