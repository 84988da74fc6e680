"""evidence items: drop ix_evidence_items_inspection_id, which every query it served finds in another index

Three indexes begin with inspection_id (the board's newest and kinds, and observed). Every query that filters
evidence by inspection alone (the items of a source, a purge, the cascade from an inspection) is served as well by
ix_evidence_items_observed: an int and a date make an index entry of the same 16 bytes as the int alone, and the
planner already chose it over this one on a realistic dataset (8 inspections, 8,000 items). Dropping it saves one
index entry for every item written (a sync batch of 500 creates writes 500).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 02:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_evidence_items_inspection_id', table_name='evidence_items')


def downgrade() -> None:
    op.create_index('ix_evidence_items_inspection_id', 'evidence_items', ['inspection_id'], unique=False)
