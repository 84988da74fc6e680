"""evidence by day observed: an index for the evening summary and the days offered by the day filter

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 02:10:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_evidence_items_observed', 'evidence_items', ['inspection_id', 'observed_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_evidence_items_observed', table_name='evidence_items')
