"""the evidence board's index: a proposal's items by aspect, newest first, with what the board counts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOARD_COLUMNS = ['inspection_id', 'proposal', 'aspect', 'created_at', 'id', 'judgement', 'source_type']


def upgrade() -> None:
    # The board counts a proposal's items from the index alone and walks each aspect's newest few; the old
    # (inspection_id, proposal) index is this one's first two columns.
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_items_board', BOARD_COLUMNS, unique=False)
        batch_op.drop_index('ix_evidence_items_inspection_proposal')


def downgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_items_inspection_proposal', ['inspection_id', 'proposal'], unique=False)
        batch_op.drop_index('ix_evidence_items_board')
