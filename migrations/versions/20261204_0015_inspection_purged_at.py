"""the inspection's lifecycle as a column: purged_at, read by the core instead of a query into retention

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 22:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    # Inspections purged already carry the date of their purge.
    op.execute("UPDATE inspections SET purged_at = (SELECT purged_at FROM retention_purges "
               "WHERE retention_purges.inspection_id = inspections.id)")


def downgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
