"""the evidence board's two indexes: each aspect's newest items, and counts by judgement and kind of source

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 23:50:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOARD_0016 = ['inspection_id', 'proposal', 'aspect', 'created_at', 'id', 'judgement', 'source_type']


def upgrade() -> None:
    # One index served both of the board's walks, and the counting one had to sort what it read; each now has its
    # own order: an aspect's items newest first, and an aspect's items by judgement and kind of source.
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_items_newest', ['inspection_id', 'proposal', 'aspect', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_evidence_items_kinds',
                              ['inspection_id', 'proposal', 'aspect', 'judgement', 'source_type'], unique=False)
        batch_op.drop_index('ix_evidence_items_board')


def downgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_items_board', BOARD_0016, unique=False)
        batch_op.drop_index('ix_evidence_items_kinds')
        batch_op.drop_index('ix_evidence_items_newest')
